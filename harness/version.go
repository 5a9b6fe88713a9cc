package harness

import "runtime/debug"

// Version is eniconform's version: the module version of the binary, or
// for a build from a checkout "devel" with the commit (and "+dirty" when
// the tree had changes).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	v := "devel"
	if len(rev) >= 12 {
		v += " " + rev[:12]
	}
	if dirty {
		v += "+dirty"
	}
	return v
}
