package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/eniconform/eniconform/suites"
)

// runCommand runs every conformance suite against a target (the built-in
// emulator when none is given).
func runCommand(args []string, stdout, stderr io.Writer) int {
	fs, o := runFlags("run", "usage: eniconform run [--target URL] [flags]\n\nRuns every conformance suite against the target (the built-in emulator\nwhen --target is empty) and reports divergences. Exit 0: none; 1: some; 2: bad flags.", stdout, stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if isTerminal(os.Stderr) {
		o.Progress = os.Stderr
	}
	o.NoColor = !isTerminal(os.Stdout)
	return suites.Run(o, stderr)
}

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
