package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/eniconform/eniconform/certify"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/sdkdriver"
	"github.com/eniconform/eniconform/spec"
)

func init() {
	commands["sdk"] = command{"certify an SDK: drive it through its driver, judge what it sends and what it surfaces", sdkCommand}
}

// sdkUsage is the help of `eniconform sdk`.
const sdkUsage = `usage: eniconform sdk --driver 'CMD ARGS' [flags]

Starts the built-in emulator on 127.0.0.1, starts the driver (a program that
speaks docs/driver-protocol.md over its stdin and stdout and calls the API
through one SDK), and judges the SDK's encoding, how it surfaces successes
and errors, and its transport behaviour (retries, timeouts, resets), each
under verdict rows of their own. Exit 0: every row conforms or was not
exercised; 1: some row diverges; 2: bad flags, or the driver cannot be
started or breaks the protocol.

Shipped drivers: 'go run ./drivers/gov7', 'go run ./drivers/goclassic',
'python3 drivers/python/driver.py'.`

// sdkOptions are the flags of `eniconform sdk`.
type sdkOptions struct {
	cfg       certify.Config
	reportDir string
	profile   string
	replay    string
}

// sdkCommand certifies the SDK behind a driver.
func sdkCommand(args []string, stdout, stderr io.Writer) int {
	o, code, ok := parseSDKFlags(args, stderr)
	if !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.replay != "" {
		return sdkReplay(ctx, o, stdout, stderr)
	}
	if isTerminal(os.Stderr) {
		o.cfg.Progress = stderr
	}
	rep, err := certify.Run(ctx, o.cfg)
	var start *certify.StartError
	switch {
	case errors.As(err, &start):
		fmt.Fprintf(stderr, "eniconform sdk: %v\n", err)
		return 2
	case rep == nil:
		fmt.Fprintf(stderr, "eniconform sdk: %v\n", err)
		return 2
	}
	return sdkReport(o, rep, err, stdout, stderr)
}

// parseSDKFlags parses and checks the flags; false with the exit status
// when the command is not to run.
func parseSDKFlags(args []string, stderr io.Writer) (*sdkOptions, int, bool) {
	o := &sdkOptions{}
	fs := flag.NewFlagSet("eniconform sdk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.cfg.Driver, "driver", "", "the driver's command line, e.g. 'go run ./drivers/gov7' (required)")
	fs.IntVar(&o.cfg.Checks, "checks", 100, "encoding cases per sending mode; successes get a tenth, each error rule a twentieth (at least 1)")
	fs.Uint64Var(&o.cfg.Seed, "seed", 0, "seed of the cases drawn (0: random, printed at the end)")
	fs.StringVar(&o.reportDir, "report-dir", "eniconform-report/sdk", "where report.html, summary.json, junit.xml, sdk.json and the findings' cases go")
	fs.StringVar(&o.profile, "profile", spec.DefaultProfile, "spec profile the emulator serves: "+strings.Join(spec.Names(), ", "))
	fs.StringVar(&o.replay, "replay", "", "send the call of a finding's case `FILE` (report-dir/cases/…) again and say whether the defect is still there")
	fs.Usage = func() {
		fmt.Fprintln(stderr, sdkUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return nil, code, false
	}
	var err error
	switch {
	case strings.TrimSpace(o.cfg.Driver) == "":
		err = errors.New("--driver is required: the driver's command line, e.g. --driver 'go run ./drivers/gov7'")
	case o.cfg.Checks < 1:
		err = fmt.Errorf("--checks must be at least 1, not %d", o.cfg.Checks)
	}
	if err == nil {
		_, err = sdkdriver.SplitCommand(o.cfg.Driver)
		if err != nil {
			err = fmt.Errorf("--driver: %w", err)
		}
	}
	if err == nil {
		o.cfg.Profile, err = spec.Get(o.profile)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eniconform sdk: %v\n", err)
		return nil, 2, false
	}
	return o, 0, true
}

// sdkReport prints the findings, the matrix and the transport facts,
// writes the reports, and returns the exit status.
func sdkReport(o *sdkOptions, rep *certify.Report, runErr error, stdout, stderr io.Writer) int {
	h := rep.Hello
	fmt.Fprintf(stdout, "eniconform sdk: %s %s through %q\n", h.SDK, h.Version, o.cfg.Driver)
	c := h.Options
	fmt.Fprintf(stdout, "  it can express: signature %s; method %s; body %s; format %s; timeout %v, attempts %v, backoff %v\n",
		strings.Join(c.Signature, " "), strings.Join(c.Method, " "), strings.Join(c.Body, " "), strings.Join(c.Format, " "),
		c.Timeout, c.Attempts, c.Backoff)
	writeErr := rep.WriteReports(o.reportDir)
	for _, f := range rep.Summary.Findings {
		fmt.Fprintln(stdout)
		fmt.Fprint(stdout, f.Report)
	}
	fmt.Fprintln(stdout)
	harness.WriteMatrix(stdout, rep.Summary)
	if len(rep.Facts) > 0 {
		fmt.Fprintln(stdout, "transport, what the SDK did:")
		for _, f := range rep.Facts {
			fmt.Fprintf(stdout, "  %s\n", f)
		}
	}
	for row, n := range rep.Over {
		fmt.Fprintf(stdout, "%s: %d more defects past the cap of findings per row, not reported\n", row, n)
	}
	fmt.Fprintf(stdout, "reports: %s (report.html, summary.json, junit.xml, sdk.json, cases/); again: eniconform sdk --driver %q --checks %d --seed %d\n",
		o.reportDir, o.cfg.Driver, rep.Summary.Checks, rep.Summary.Seed)
	if writeErr != nil {
		fmt.Fprintf(stderr, "eniconform sdk: writing reports: %v\n", writeErr)
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "eniconform sdk: the run stopped early: %v\n", runErr)
		return 2
	}
	if rep.Summary.Verdict == harness.Diverges {
		return 1
	}
	return 0
}

// sdkReplay sends a saved case again: exit 0 when its row shows no defect
// now, 1 when it does, 2 when the case or the driver is unusable.
func sdkReplay(ctx context.Context, o *sdkOptions, stdout, stderr io.Writer) int {
	c, err := certify.ReadCase(o.replay)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform sdk: --replay: %v\n", err)
		return 2
	}
	defects, err := certify.Replay(ctx, o.cfg, c)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform sdk: replaying %s: %v\n", o.replay, err)
		return 2
	}
	if len(defects) == 0 {
		fmt.Fprintf(stdout, "%s: the call shows no defect on %s now\n", o.replay, c.Row)
		return 0
	}
	fmt.Fprintf(stdout, "%s: the call still shows on %s:\n", o.replay, c.Row)
	for _, d := range defects {
		fmt.Fprintf(stdout, "  ✗ %s\n", d)
	}
	return 1
}
