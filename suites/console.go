package suites

import (
	"fmt"
	"io"
	"slices"

	"github.com/eniconform/eniconform/harness"
	"github.com/onsi/ginkgo/v2/formatter"
)

// console prints a run for a person, in place of Ginkgo's reporter (which
// `eniconform run -v` keeps): a line of marks per family as its properties
// finish, then every finding once, as a finding, the matrix and what to do
// next. Ginkgo's assertion, timeline and location noise never reaches it.
type console struct {
	w      io.Writer
	family string
}

// muteGinkgo silences Ginkgo's own reporter for a run from Run, unless the
// options ask for it (-v), and returns the undo.
func muteGinkgo(o *Options) func() {
	if o.Verbose {
		return func() {}
	}
	saved := formatter.ColorableStdOut
	formatter.ColorableStdOut = io.Discard
	o.console = &console{w: o.out()}
	return func() { formatter.ColorableStdOut = saved }
}

// start prints what the run is against.
func (c *console) start(h *harness.Harness) {
	target := h.Target
	if h.Emulator != nil {
		target = "the built-in emulator at " + h.Target
	}
	fmt.Fprintf(c.w, "eniconform run: %s, profile %s, seed %d, %d cases a property, %d workers\n",
		target, h.Profile.Name, h.Seed, h.Checks, h.Workers)
}

// property prints the mark of a property that finished.
func (c *console) property(r harness.PropResult, strict bool) {
	if r.Property.Family != c.family {
		if c.family != "" {
			fmt.Fprintln(c.w)
		}
		c.family = r.Property.Family
		fmt.Fprintf(c.w, "  %-12s", c.family)
	}
	mark := "✓"
	switch {
	case len(r.Failing(strict)) > 0:
		mark = "✗"
	case r.Property.Unreachable != "":
		mark = "·"
	case r.Skipped != "":
		mark = "○"
	}
	fmt.Fprint(c.w, mark)
}

// end prints every failing finding's report once, then the matrix.
func (c *console) end(s harness.Summary) {
	fmt.Fprintln(c.w)
	var shown []string
	for _, f := range s.Findings {
		if (f.Soft && !s.Strict) || slices.Contains(shown, f.Signature) {
			continue
		}
		shown = append(shown, f.Signature)
		fmt.Fprintf(c.w, "\n%s  seen in:  %d case%s (first in: %s)\n", f.Report, f.Cases, plural(f.Cases), f.Property)
	}
	if len(shown) > 0 {
		fmt.Fprintln(c.w)
	}
	harness.WriteMatrix(c.w, s)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
