package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
)

func init() {
	commands["selftest"] = command{"plant each fault of the catalogue in the emulator and show that the run catches it", selftestCommand}
}

// selftestCommand proves the harness: a clean run without divergences, then
// every planted fault caught. Exit 0: all caught and the clean run clean;
// 1: a fault survived or the clean run diverged; 2: bad flags.
func selftestCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform selftest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg harness.SelftestConfig
	fs.IntVar(&cfg.Checks, "checks", 100, "cases per property")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed of the cases drawn (0: random, printed at the end)")
	fs.IntVar(&cfg.Workers, "workers", 16, "cases in flight in the clean pass (fault passes run their cases one at a time)")
	fs.StringVar(&cfg.ReportDir, "report-dir", "eniconform-report/selftest", "where each pass writes its failing cases")
	profile := profileFlag(fs)
	fs.IntVar(&cfg.MaxFill, "max-fill", generators.DefaultMaxFill, "setup creates one case may make to reach a limit")
	save := fs.String("save-regressions", "", "write each fault's minimal case to `dir`/<fault>.json (e.g. suites/testdata/regressions)")
	combined := fs.Int("combined", 0, "plant `N` random combinations of faults (2 up to all) besides all of them at once, and measure recall and precision")
	fs.Func("fault", "plant only these faults (`NAME[,NAME]`; default: the whole catalogue, see below)", func(s string) error {
		names, err := emulator.ParseFaults(s)
		cfg.Faults = append(cfg.Faults, names...)
		return err
	})
	fs.Usage = func() { selftestUsage(fs, stderr) }
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	prof, err := profileNamed(*profile)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform selftest: %v\n", err)
		return 2
	}
	cfg.Profile = prof
	if err := emulator.CheckFaults(cfg.Faults); err != nil {
		fmt.Fprintf(stderr, "eniconform selftest: --fault: %v\n", err)
		return 2
	}
	if err := cfg.CheckFlags(); err != nil {
		fmt.Fprintf(stderr, "eniconform selftest: %v\n", err)
		return 2
	}
	switch {
	case *combined < 0:
		fmt.Fprintf(stderr, "eniconform selftest: --combined must be 0 (one fault at a time) or more, not %d\n", *combined)
		return 2
	case *combined > 0 && *save != "":
		fmt.Fprintln(stderr, "eniconform selftest: --save-regressions saves one case per fault planted alone; it does not go with --combined")
		return 2
	case *combined > 0:
		return combinedSelftest(harness.CombinedConfig{Config: cfg.Config, Combinations: *combined, Faults: cfg.Faults}, stdout, stderr)
	}
	return selftest(cfg, *save, stdout, stderr)
}

// combinedSelftest plants the combinations, prints a line per combination
// and the figures. Exit 0: recall at least 95 %, every fault reported when
// all are planted, and precision 100 %; 1 otherwise; 2: bad flags.
func combinedSelftest(cfg harness.CombinedConfig, stdout, stderr io.Writer) int {
	testing.Init()
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	fmt.Fprintln(stdout, "every fault at once, then random combinations: the whole catalogue against each, findings unshrunk")
	cfg.OnCombination = func(c harness.CombinationResult) { harness.WriteCombination(stdout, c) }
	res, err := harness.CombinedSelftest(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform selftest: %v\n", err)
		return 2
	}
	harness.WriteCombinedFigures(stdout, res)
	switch {
	case res.Interrupted:
		fmt.Fprintln(stdout, "INTERRUPTED: not every combination was tried")
		return 1
	case len(res.Combinations[0].Missed) > 0 || res.Recall() < 0.95 || res.Precision() < 1:
		fmt.Fprintln(stdout, "FAIL: a fault was missed with every fault planted, recall is under 95 %, or a finding is on a row no planted fault breaks")
		return 1
	}
	return 0
}

// selftest runs the passes, prints the table as it fills and the figures,
// and saves the regression corpus when asked.
func selftest(cfg harness.SelftestConfig, save string, stdout, stderr io.Writer) int {
	testing.Init() // rapid, which shrinks the failures, reads the testing flags
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	fmt.Fprintln(stdout, "clean emulator: the whole catalogue, strict; then each planted fault until the first failure")
	harness.WriteSelftestHeader(stdout)
	cfg.OnFault = func(r harness.FaultResult) { harness.WriteSelftestRow(stdout, r) }
	res, err := harness.Selftest(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform selftest: %v\n", err)
		return 2
	}
	harness.WriteSelftestFigures(stdout, res)
	if save != "" {
		if err := harness.SaveRegressions(save, res); err != nil {
			fmt.Fprintf(stderr, "eniconform selftest: --save-regressions: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "regression corpus: %s\n", save)
	}
	switch {
	case res.Interrupted:
		fmt.Fprintln(stdout, "INTERRUPTED: not every fault was tried")
		return 1
	case !res.Passed():
		fmt.Fprintln(stdout, "FAIL: the clean run diverged or a fault survived")
		return 1
	}
	return 0
}

func selftestUsage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "usage: eniconform selftest [--checks N] [--seed S] [--workers N] [--fault NAME[,NAME]] [--report-dir DIR] [--save-regressions DIR]\n\n"+
		"Runs the catalogue against the clean built-in emulator (0 divergences expected), then against\n"+
		"the emulator with each planted fault, and prints which property caught it under which rule.\n"+
		"Exit 0: every fault caught; 1: a fault survived or the clean run diverged; 2: bad flags.\n"+
		"With --combined N it plants every fault at once, then N random combinations, and prints\n"+
		"recall (each fault reported under one of its rules) and precision (no finding on a rule no\n"+
		"planted fault breaks). Exit 0: recall ≥ 95 %, 100 % with all faults, precision 100 %.")
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nfaults:")
	for _, f := range emulator.Faults() {
		only := ""
		if len(f.Profiles) > 0 {
			only = " (profile " + strings.Join(f.Profiles, ", ") + " only)"
		}
		fmt.Fprintf(w, "  %-31s %s%s\n", f.Name, f.Doc, only)
	}
}
