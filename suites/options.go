package suites

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/report"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"go.yaml.in/yaml/v3"
)

// Options are the settings of a conformance run, as flags.
type Options struct {
	harness.Config
	WorldFile   string
	ProfileName string
	OverlayFile string
	LabelFilter string
	Verbose     bool
	NoColor     bool      // plain output (stdout is not a terminal)
	Out         io.Writer // where the summary table goes; nil: stdout
	console     *console  // the run's own console (Run without -v); nil: Ginkgo's reporter
	// TakeSignals, if set, is called once the suite has started (after
	// Ginkgo set up its own interrupt handling), for a caller that handles
	// the signals itself (eniconform run: see Config.Stop).
	TakeSignals func()
	// Command is the command line of the run, secrets redacted, for a
	// bundle's metadata and README.
	Command string
}

// Register adds the run's flags to fs, writing into o.
func (o *Options) Register(fs *flag.FlagSet) {
	c := &o.Config
	fs.StringVar(&c.Target, "target", "", "base URL of the endpoint under test; empty starts the built-in emulator on 127.0.0.1")
	fs.StringVar(&o.WorldFile, "world", "", "YAML manifest of what exists on the target (default: the built-in default world)")
	fs.StringVar(&c.AccessKeyID, "access-key-id", "", "AccessKeyId of the world's primary account (default $ALIBABA_CLOUD_ACCESS_KEY_ID)")
	fs.StringVar(&c.AccessKeySecret, "access-key-secret", "", "its secret (default $ALIBABA_CLOUD_ACCESS_KEY_SECRET); never printed")
	fs.StringVar(&c.Scheme, "signature", "", "sign every request with v1 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256); default: both")
	fs.StringVar(&c.Format, "format", "", "ask for json or xml answers; default: both, and none")
	fs.IntVar(&c.Checks, "checks", 100, "cases per property")
	fs.Uint64Var(&c.Seed, "seed", 0, "seed of the cases drawn (0: random, printed at the end)")
	fs.IntVar(&c.Workers, "workers", 0, fmt.Sprintf("cases in flight at once (default 16; %d against aliyuncs.com)", harness.RealCloudWorkers))
	fs.DurationVar(&c.Timeout, "timeout", 10*time.Second, "timeout of one request")
	fs.Float64Var(&c.Rate, "rate", 0, fmt.Sprintf("at most `N` requests a second, every request of the run counted (default: no limit; %d against aliyuncs.com)", harness.RealCloudRate))
	fs.IntVar(&c.MaxCreates, "max-creates", 0, fmt.Sprintf("at most `N` creates that may make an ENI, shrinking included; the properties left are not exercised (default: no limit; %d against aliyuncs.com)", harness.RealCloudMaxCreates))
	fs.IntVar(&c.Breaker, "breaker", 10, "stop the run as unhealthy after `N` requests in a row get no complete answer (timeouts, failed connections)")
	fs.DurationVar(&c.MaxTime, "max-time", 0, "stop the run after this long (the sweep and reports follow); 0: no limit")
	fs.BoolVar(&c.Strict, "strict-precedence", false, "precedence and documented-alternative divergences fail the run too")
	fs.DurationVar(&c.ShrinkTime, "shrink-time", 10*time.Second, "time to spend shrinking one failure")
	fs.IntVar(&c.MaxFill, "max-fill", generators.DefaultMaxFill, "setup creates one case may make to reach a limit (quota, capacity, pool); a limit further away is not exercised")
	fs.StringVar(&c.ReportDir, "report-dir", "eniconform-report", "where report.html, summary.json, junit.xml, ginkgo.json and failing cases go")
	fs.StringVar(&c.Bundle, "bundle", "", "also pack the report directory, the run's history, profile, world and metadata into `FILE.tar.gz`, a certification bundle that `eniconform verify` checks offline")
	fs.StringVar(&c.TargetName, "target-name", "", "what the target is (a product name), for the reports and the bundle")
	fs.StringVar(&c.TargetVersion, "target-version", "", "the target's version, for the reports and the bundle")
	fs.BoolVar(&c.AllowRealCloud, "allow-real-cloud", false, "permit a target under aliyuncs.com (real ENIs are created and deleted)")
	fs.StringVar(&o.ProfileName, "profile", spec.DefaultProfile, "spec profile: "+strings.Join(spec.Names(), ", "))
	fs.StringVar(&o.OverlayFile, "spec-overlay", "", "JSON or YAML file that overrides rules of the profile (codes, statuses, ranks)")
	fs.StringVar(&o.LabelFilter, "label-filter", "", "run only the specs whose labels match, e.g. 'gateway || rule:param.name-invalid'")
	fs.BoolVar(&o.Verbose, "v", false, "print every spec as it runs")
	fs.Func("fault", "plant the faults `NAME[,NAME]` in the built-in emulator (see eniconform selftest -h); not with --target", func(s string) error {
		names, err := emulator.ParseFaults(s)
		c.Emulator.Faults = append(c.Emulator.Faults, names...)
		return err
	})
}

// Open resolves the files the flags name and opens the harness. Errors
// name the flag or file at fault.
func (o *Options) Open() (*harness.Harness, error) {
	cfg := o.Config
	if err := cfg.CheckFlags(); err != nil {
		return nil, err
	}
	switch {
	case cfg.Timeout <= 0:
		return nil, fmt.Errorf("--timeout must be positive, not %s", cfg.Timeout)
	case cfg.Breaker < 1:
		return nil, fmt.Errorf("--breaker must be at least 1, not %d", cfg.Breaker)
	case cfg.ShrinkTime <= 0:
		return nil, fmt.Errorf("--shrink-time must be positive, not %s", cfg.ShrinkTime)
	}
	var err error
	if cfg.Profile, err = spec.Get(o.ProfileName); err != nil {
		return nil, fmt.Errorf("--profile: %w", err)
	}
	if o.OverlayFile != "" {
		if cfg.Profile, err = overlay(cfg.Profile, o.OverlayFile); err != nil {
			return nil, fmt.Errorf("--spec-overlay: %w", err)
		}
	}
	if o.WorldFile != "" {
		if cfg.World, err = world.Load(o.WorldFile); err != nil {
			return nil, fmt.Errorf("--world: %w", err)
		}
	}
	if cfg.Target != "" && len(cfg.Emulator.Faults) > 0 {
		return nil, errors.New("--fault plants faults in the built-in emulator; it cannot be used with --target")
	}
	if err := emulator.CheckFaults(cfg.Emulator.Faults); err != nil {
		return nil, fmt.Errorf("--fault: %w", err)
	}
	if cfg.AccessKeyID == "" && cfg.AccessKeySecret == "" { // read here, never as a flag default that -h would print
		cfg.AccessKeyID, cfg.AccessKeySecret = os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_ID"), os.Getenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	}
	cfg.Replay = o.replayLine()
	return harness.Open(cfg)
}

// Start opens the harness (Open) and runs its preflight: the target
// answers, takes the credentials, and a valid create works; it prints the
// settings chosen for Alibaba Cloud and what the inventory found. A
// preflight error is a *harness.PreflightError; the harness is returned
// with it, for its sweep and reports.
func (o *Options) Start() (*harness.Harness, error) {
	h, err := o.Open()
	if err != nil {
		return nil, err
	}
	if harness.RealCloud(h.Target) {
		fmt.Fprintf(o.out(), "against Alibaba Cloud: --rate %g requests/s, --max-creates %d, --workers %d (the defaults for aliyuncs.com, inside ECS's flow control of 1,500 calls a minute; set the flags to change them)\n",
			h.Rate, h.MaxCreates, h.Workers)
	}
	err = h.Preflight(context.Background())
	if line := h.InventoryLine(); line != "" {
		fmt.Fprintln(o.out(), line)
	}
	return h, err
}

// replayLine is the command that runs a saved case again as this run sent
// it: the same target, world, sending, profile, faults and strictness (the
// credentials come from the environment, as for the run).
func (o *Options) replayLine() string {
	parts := []string{"eniconform replay"}
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag+" "+v)
		}
	}
	add("--target", o.Target)
	add("--world", o.WorldFile)
	add("--signature", o.Scheme)
	add("--format", o.Format)
	if o.ProfileName != spec.DefaultProfile {
		add("--profile", o.ProfileName)
	}
	add("--spec-overlay", o.OverlayFile)
	add("--fault", strings.Join(o.Emulator.Faults, ","))
	if o.Strict {
		parts = append(parts, "--strict-precedence")
	}
	return strings.Join(parts, " ")
}

// overlay applies a JSON or YAML overlay file to a profile.
func overlay(p *spec.Profile, path string) (*spec.Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".json") {
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if data, err = json.Marshal(v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return p.Overlay(data)
}

func (o *Options) out() io.Writer {
	if o.Out == nil {
		return os.Stdout
	}
	return o.Out
}

func (o *Options) sweepTimeout() time.Duration {
	return 60*time.Second + 4*max(o.Timeout, time.Second)
}

// fakeT is the GinkgoTestingT of a run from a plain main.
type fakeT struct{ failed bool }

func (t *fakeT) Fail() { t.failed = true }

// Run runs the suites from a plain main with the given options: 0 when no
// property failed, 1 when one did, 2 when the options are wrong (the
// message, on stderr, names the flag or file). It can run once per process.
func Run(o *Options, stderr io.Writer) int {
	testing.Init() // rapid reads the testing flags…
	if !flag.Parsed() {
		_ = flag.CommandLine.Parse(nil) // …and testing.Short panics unless they were parsed
	}
	h, err := o.Start()
	if pf, ok := harness.IsPreflight(err); ok {
		return stopBefore(h, o, pf, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eniconform run: %v\n", err)
		return 2
	}
	H, opts = h, o
	sc, rc := suiteConfig(o)
	if errs := checkLabelFilter(o.LabelFilter); errs != nil {
		h.Close(context.Background())
		fmt.Fprintf(stderr, "eniconform run: --label-filter: %v\n", errs)
		return 2
	}
	RegisterFailHandler(Fail)
	defer muteGinkgo(o)()
	if o.console != nil {
		o.console.start(h)
	}
	passed := RunSpecs(&fakeT{}, "eniconform", sc, rc)
	if o.console == nil {
		fmt.Fprintln(o.out()) // Ginkgo's last line has no newline
	}
	if !passed || h.Stopped() != nil || failing(h) {
		return 1
	}
	return 0
}

// failing reports whether a finding fails the run, whichever spec saw it
// (or none: a cross-cutting finding outside the specs --label-filter
// selects), so that the exit status says what the summary says.
func failing(h *harness.Harness) bool {
	return slices.ContainsFunc(h.Results.Findings(), func(f *harness.Finding) bool { return f.Fails(h.Strict) })
}

// stopBefore ends a run whose preflight failed: the message on stderr, the
// preflight's ENI swept, and, for a target that is unhealthy (a finding
// about it), the reports; 1 then, 2 for a problem of the setup.
func stopBefore(h *harness.Harness, o *Options, pf *harness.PreflightError, stderr io.Writer) int {
	fmt.Fprintf(stderr, "eniconform run: %s\n", pf.Msg)
	h.Close(context.Background())
	if !pf.Unhealthy && !pf.Interrupted {
		return 2
	}
	if h.Stopped() == nil {
		h.Declare(harness.Stop{Kind: harness.StopUnhealthy, Why: pf.Msg})
	}
	s, err := h.WriteSummary()
	for _, err := range []error{err, report.Write(filepath.Join(h.ReportDir, "report.html"), s)} {
		if err != nil {
			fmt.Fprintf(stderr, "eniconform: writing reports: %v\n", err)
		}
	}
	fmt.Fprintf(o.out(), "STOPPED before any property ran: %s\nreports: %s (report.html, summary.json, junit.xml); verdict: %s\n", pf.Msg, h.ReportDir, s.Verdict)
	return 1
}

// takeSignals hands the signals to the caller once the suite runs (see
// Options.TakeSignals).
var _ = ReportBeforeSuite(func(Report) {
	if opts.TakeSignals != nil {
		opts.TakeSignals()
	}
})

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func checkLabelFilter(filter string) error {
	if filter == "" {
		return nil
	}
	if _, err := types.ParseLabelFilter(filter); err != nil {
		return errors.New(ansi.ReplaceAllString(err.Error(), "")) // Ginkgo colours its errors
	}
	return nil
}

// Flags returns the options the specs use when run by go test or the
// ginkgo CLI, for registering their flags.
func Flags() *Options { return opts }
