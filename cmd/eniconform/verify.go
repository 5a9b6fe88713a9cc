package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/eniconform/eniconform/harness"
)

func init() {
	commands["verify"] = command{"check a certification bundle offline: judge its recorded answers again and say whether its verdicts hold", verifyCommand}
}

// verifyCommand checks a bundle written by `run --bundle`. Exit 0: every
// verdict and finding holds; 1: some do not (each is named); 2: the bundle
// cannot be read.
func verifyCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eniconform verify BUNDLE.tar.gz\n\n"+
			"Judges the history a bundle recorded (every request as the target should have decoded it, and\n"+
			"every answer) again with the model of the bundle's profile and world, in the order the run\n"+
			"judged it, and says whether the verdicts and findings of its summary.json hold. The target is\n"+
			"not needed. Exit 0: they hold; 1: some do not (each is named); 2: the bundle cannot be read.")
		fs.PrintDefaults()
	}
	files, flags := splitArgs(args)
	if err := fs.Parse(flags); err != nil {
		return map[bool]int{true: 0, false: 2}[err == flag.ErrHelp]
	}
	files = append(files, fs.Args()...)
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	b, err := harness.ReadBundle(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "eniconform verify: %v\n", err)
		return 2
	}
	v, err := harness.Verify(b)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform verify: %v\n", err)
		return 2
	}
	writeVerified(stdout, files[0], v)
	if !v.Holds() {
		return 1
	}
	return 0
}

func writeVerified(w io.Writer, file string, v *harness.Verified) {
	name := v.Meta.TargetName
	if name == "" {
		name = v.Meta.Target
	}
	fmt.Fprintf(w, "%s: %s %s, profile %s, eniconform %s, seed %d\n", file, name, v.Meta.TargetVersion, v.Profile, v.Meta.Version, v.Meta.Seed)
	fmt.Fprintf(w, "judged again: %d events, %d answers\n", v.Events, v.Requests)
	for _, c := range v.Verdicts {
		fmt.Fprintf(w, "✗ %s: the bundle says %s, its recorded answers say %s\n", c.Row, c.Bundle, c.Recorded)
	}
	for _, f := range v.Findings {
		fmt.Fprintf(w, "✗ finding %q: %d cases in the bundle, %d in its recorded answers\n", f.Headline, f.Bundle, f.Recorded)
	}
	if v.Holds() {
		fmt.Fprintf(w, "the verdicts hold: all %d rows, and every finding with its count of cases (the run's verdict: %s)\n", v.Rows, v.Meta.Verdict)
		return
	}
	fmt.Fprintf(w, "the verdicts do NOT hold: %d of %d rows and %d findings differ\n", len(v.Verdicts), v.Rows, len(v.Findings))
}
