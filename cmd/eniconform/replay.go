package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/eniconform/eniconform/harness"
)

// replayCommand runs saved cases again: a file, or every *.json in a
// directory, against a target (the built-in emulator when none is given).
func replayCommand(args []string, stdout, stderr io.Writer) int {
	fs, o := runFlags("replay", "usage: eniconform replay FILE|DIR... [--target URL] [flags]\n\nRuns saved cases again and reports each divergence. Exit 0: all conform; 1: some diverge; 2: bad flags or files.", stdout, stderr)
	files, flagArgs := splitArgs(args)
	if err := fs.Parse(flagArgs); err != nil {
		return map[bool]int{true: 0, false: 2}[err == flag.ErrHelp]
	}
	files = append(files, fs.Args()...)
	cases, err := caseFiles(files)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform replay: %v\n", err)
		return 2
	}
	if !flagGiven(fs, "report-dir") { // replay writes only where --report-dir says
		tmp, err := os.MkdirTemp("", "eniconform-replay-")
		if err != nil {
			fmt.Fprintf(stderr, "eniconform replay: %v\n", err)
			return 2
		}
		defer os.RemoveAll(tmp)
		o.ReportDir = tmp
	}
	h, err := o.Open()
	if err != nil {
		fmt.Fprintf(stderr, "eniconform replay: %v\n", err)
		return 2
	}
	return replayAll(h, cases, stdout, stderr)
}

// flagGiven reports whether a flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// splitArgs separates leading file arguments from flags, so that both
// "replay FILE --target URL" and "replay --target URL FILE" work.
func splitArgs(args []string) (files, flags []string) {
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			return files, args[i:]
		}
		files = append(files, a)
	}
	return files, nil
}

// caseFiles expands directories into their *.json files, sorted.
func caseFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("name at least one case file or directory")
	}
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(a, "*.json"))
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s holds no *.json case files", a)
		}
		sort.Strings(matches)
		out = append(out, matches...)
	}
	return out, nil
}

func replayAll(h *harness.Harness, files []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop() // on Ctrl-C the cases stop and the sweep below still deletes what they made
	bad := 0
	for _, f := range files {
		if ctx.Err() != nil {
			fmt.Fprintln(stdout, "interrupted")
			break
		}
		c, err := harness.LoadCase(f)
		if err != nil {
			fmt.Fprintf(stderr, "eniconform replay: %v\n", err)
			h.Close(ctx)
			return 2
		}
		out := h.Exec(ctx, *c)
		if i, _ := out.Failure(h.Strict); i >= 0 {
			bad++
			fail := h.Failure(&harness.Property{Name: "replay of " + f}, out)
			fail.Replayed = true
			fmt.Fprintf(stdout, "%s\n%s\n", f, h.Text(fail))
			continue
		}
		fmt.Fprintf(stdout, "✓ %s conforms (%d steps)\n", f, len(out.Steps))
	}
	leaked := h.Close(ctx)
	fmt.Fprintf(stdout, "%d of %d cases diverge\n", bad, len(files))
	if leaked > 0 {
		fmt.Fprintf(stdout, "%d ENIs the replay created are left on the target after the sweep\n", leaked)
	}
	if bad > 0 || leaked > 0 || ctx.Err() != nil {
		return 1
	}
	return 0
}
