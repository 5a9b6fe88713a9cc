package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/suites"
)

// runCommand runs every conformance suite against a target (the built-in
// emulator when none is given).
func runCommand(args []string, stdout, stderr io.Writer) int {
	fs, o := runFlags("run", runUsage, stdout, stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if isTerminal(os.Stderr) {
		o.Progress = os.Stderr
	}
	o.NoColor = !isTerminal(os.Stdout)
	later := "eniconform clean --target " + o.Target + " --ledger " + filepath.Join(o.ReportDir, harness.LedgerFile) + " deletes what is left"
	if o.Target == "" {
		later = "nothing is left (the built-in emulator ends with the run)"
	}
	sig := catchSignals(stderr, later)
	o.Stop, o.TakeSignals = sig.ctx, sig.retake
	return suites.Run(o, stderr)
}

const runUsage = `usage: eniconform run [--target URL] [flags]

Runs every conformance suite against the target (the built-in emulator
when --target is empty) and reports divergences. Before any suite a
preflight checks that the target answers, takes the credentials, and that
a valid create works (its ENI is deleted again). SIGINT, SIGTERM and
SIGHUP stop the run: it sweeps its ENIs, writes the reports marked
interrupted and exits 1; a second signal exits at once, and
"eniconform clean" deletes what the ledger lists.
Exit 0: no divergence; 1: divergences, ENIs left, an unhealthy target or
an interrupted run; 2: bad flags or files, or a preflight that failed on
the setup (an unreachable target, wrong credentials, a world the target
does not have).`

// runFlags is the flag set of the commands that run cases (run, replay):
// the suites' options, and usage text.
func runFlags(name, usage string, stdout, stderr io.Writer) (*flag.FlagSet, *suites.Options) {
	fs := flag.NewFlagSet("eniconform "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &suites.Options{Out: stdout}
	o.Register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage)
		fs.PrintDefaults()
	}
	return fs, o
}

// isTerminal reports whether f is a terminal, for progress lines.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
