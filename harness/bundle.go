package harness

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/eniconform/eniconform/oracle"
)

// A certification bundle is a run's report directory packed with what a
// reviewer needs to trust it without the target: summary.json, junit.xml,
// report.html, the case files, the recorded history of every request and
// answer (history.jsonl), the profile and world it was judged with, the
// metadata below, and a README that says how to reproduce and verify it.
// `eniconform verify` judges the history again offline (see Verify).

// Metadata is metadata.json of a bundle.
type Metadata struct {
	TargetName    string    `json:"target_name,omitempty"`
	TargetVersion string    `json:"target_version,omitempty"`
	Target        string    `json:"target"`
	Command       string    `json:"command"` // the command line of the run, secrets redacted
	Seed          uint64    `json:"seed"`
	Profile       string    `json:"profile"`
	SpecSHA256    string    `json:"spec_sha256"` // of profile.json, the profile as the run used it
	WorldSHA256   string    `json:"world_sha256"`
	Version       string    `json:"eniconform_version"`
	Started       time.Time `json:"started"`
	Verdict       string    `json:"verdict"`
}

// The files of a bundle beside the report directory's.
const (
	bundleMetadata = "metadata.json"
	bundleProfile  = "profile.json"
	bundleWorld    = "world.json"
	bundleReadme   = "README.md"
	bundleHistory  = "history.jsonl"
	bundleSummary  = "summary.json"
)

// maxBundleFile bounds what ReadBundle reads of one file of a bundle.
const maxBundleFile = 1 << 30

// WriteBundle packs the report directory (after Close and WriteSummary:
// the history is complete) with the profile, the world (secrets removed),
// the metadata and a README into a gzipped tar at path. command is the
// run's command line, secrets already redacted.
func (h *Harness) WriteBundle(path, command string, s Summary) error {
	if h.histErr != nil {
		return fmt.Errorf("--bundle: the history could not be written: %w", h.histErr)
	}
	profile, err := json.MarshalIndent(h.Profile, "", "  ")
	if err != nil {
		return err
	}
	world, err := json.MarshalIndent(withoutSecrets(h.World), "", "  ")
	if err != nil {
		return err
	}
	meta := Metadata{TargetName: h.TargetName, TargetVersion: h.TargetVersion, Target: h.Target, Command: command, Seed: s.Seed,
		Profile: h.Profile.Name, SpecSHA256: digest(profile), WorldSHA256: digest(world), Version: s.Version, Started: s.Started, Verdict: s.Verdict}
	metaJSON, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	extra := map[string][]byte{bundleMetadata: metaJSON, bundleProfile: profile, bundleWorld: world, bundleReadme: bundleREADME(meta, s)}
	if err := packDir(path, h.ReportDir, extra); err != nil {
		return fmt.Errorf("--bundle: %w", err)
	}
	return nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// withoutSecrets copies a world with every AccessKeySecret replaced: a
// bundle is shared, and the history records whether each signature
// verified, so the secrets are not needed to judge it again.
func withoutSecrets(w *oracle.World) *oracle.World {
	c := *w
	c.Accounts = append([]oracle.Account(nil), w.Accounts...)
	for i := range c.Accounts {
		c.Accounts[i].AccessKeySecret = "<redacted>"
	}
	return &c
}

// bundleREADME says what the bundle is and how to reproduce and verify it.
func bundleREADME(m Metadata, s Summary) []byte {
	var b strings.Builder
	name := m.TargetName
	if name == "" {
		name = m.Target
	}
	fmt.Fprintf(&b, "# eniconform certification bundle: %s %s\n\n", name, m.TargetVersion)
	fmt.Fprintf(&b, "Verdict: **%s** — %d rules and aspects conform, %d diverge, %d not exercised, %d unreachable "+
		"(profile %s, eniconform %s, seed %d, %s).\n\n", s.Verdict, s.Counts.Conforms, s.Counts.Diverges, s.Counts.NotExercised,
		s.Counts.Unreachable, m.Profile, m.Version, m.Seed, m.Started.Format(time.RFC3339))
	b.WriteString("- `report.html`: the report to read; `summary.json`: the same as data; `junit.xml`: one testcase per rule and aspect.\n")
	b.WriteString("- `cases/`: the minimal case of each finding, for `eniconform replay`.\n")
	b.WriteString("- `history.jsonl`: every request as the target should have decoded it (signatures left out) and every answer, in the order the run judged them.\n")
	b.WriteString("- `profile.json`, `world.json` (secrets removed), `metadata.json` (with the SHA-256 of both).\n\n")
	b.WriteString("Check the verdicts without the target — the history is judged again by the model of `profile.json`:\n\n")
	fmt.Fprintf(&b, "    eniconform verify THIS-BUNDLE.tar.gz\n\nReproduce the run against the target (the same seed draws the same cases):\n\n    %s\n", m.Command)
	return []byte(b.String())
}

// packDir writes a gzipped tar of the files under dir plus extra.
func packDir(out, dir string, extra map[string][]byte) (err error) {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	abs, _ := filepath.Abs(out)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if a, _ := filepath.Abs(p); a == abs {
			return nil // the bundle itself, when it is written into the report directory
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return addFile(tw, filepath.ToSlash(rel), data)
	})
	for _, name := range sortedKeys(extra) {
		if err == nil {
			err = addFile(tw, name, extra[name])
		}
	}
	return errors.Join(err, tw.Close(), gz.Close())
}

func addFile(tw *tar.Writer, name string, data []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// Bundle is a bundle as read back: its files by name.
type Bundle struct {
	Path  string
	Files map[string][]byte
}

// ReadBundle reads a gzipped tar written by WriteBundle. Errors name what
// is wrong (not a gzip, a path that leaves the bundle, a file too large, a
// file missing) and the bundle.
func ReadBundle(p string) (*Bundle, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not a gzipped bundle: %w", p, err)
	}
	b := &Bundle{Path: p, Files: map[string][]byte{}}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		name := path.Clean(hdr.Name)
		switch {
		case hdr.Typeflag != tar.TypeReg:
			continue
		case name == ".." || strings.HasPrefix(name, "../") || path.IsAbs(name):
			return nil, fmt.Errorf("%s: %q is outside the bundle", p, hdr.Name)
		case hdr.Size > maxBundleFile:
			return nil, fmt.Errorf("%s: %s is %d bytes, more than a bundle holds", p, name, hdr.Size)
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxBundleFile))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p, name, err)
		}
		b.Files[name] = data
	}
	for _, need := range []string{bundleMetadata, bundleProfile, bundleWorld, bundleSummary, bundleHistory} {
		if _, ok := b.Files[need]; !ok {
			return nil, fmt.Errorf("%s: no %s: not a bundle of `eniconform run --bundle`", p, need)
		}
	}
	return b, nil
}

// decode reads one JSON file of the bundle into v.
func (b *Bundle) decode(name string, v any) error {
	if err := json.NewDecoder(bytes.NewReader(b.Files[name])).Decode(v); err != nil {
		return fmt.Errorf("%s: %s: %w", b.Path, name, err)
	}
	return nil
}
