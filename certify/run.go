package certify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/sdkdriver"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// Config says which driver to certify and how.
type Config struct {
	// Driver is the driver's command line (docs/driver-protocol.md §1).
	Driver string
	// Dir is the driver's working directory; "" is the current one.
	Dir string
	// Checks is the number of generated cases of each encoding row; the
	// other aspects draw a share of it (see Run). 0 means 100.
	Checks int
	// Seed seeds every draw and the emulator's choices; 0 draws one, which
	// the summary reports.
	Seed uint64
	// Profile is the API profile the emulator serves; nil is spec.Default().
	Profile *spec.Profile
	// World is what exists on the emulator; nil is world.Default().
	World *oracle.World
	// HelloTimeout bounds a driver's start (default sdkdriver's 2 min).
	HelloTimeout time.Duration
	// Progress, when set, gets a line as each aspect starts.
	Progress io.Writer
}

// StartError is the failure to start the run's first driver session: a
// command that cannot run, a bad hello, no hello in time. Its message names
// the driver and quotes the tail of its stderr.
type StartError struct{ Err error }

func (e *StartError) Error() string { return "the driver could not be started: " + e.Err.Error() }
func (e *StartError) Unwrap() error { return e.Err }

// Report is what a certification found: the summary (the same matrix,
// summary.json and junit.xml as a conformance run), the driver's hello,
// the transport facts and the findings' full reports.
type Report struct {
	Summary harness.Summary
	Hello   sdkdriver.Hello
	Facts   []Fact
	Stderr  string // the main driver's stderr tail, secret redacted
	// Over counts the defects past the cap of findings per row.
	Over map[string]int

	findings []*finding
	driver   string
}

// runner is one certification in progress.
type runner struct {
	cfg      Config
	data     *Data
	profile  *spec.Profile
	bench    *Bench
	env      *generators.Env
	home     generators.Home
	sessions *sessions
	main     credentials
	caps     sdkdriver.Capabilities
	hello    sdkdriver.Hello
	rng      *rand.Rand

	found   *findings
	judged  map[string]int    // row → calls judged on it
	reasons map[string]string // row → why it was not exercised
	props   []harness.PropSummary
	cur     *property
	facts   []Fact
	calls   int
	elapsed []time.Duration // of every driver call
	start   time.Time
}

// Run certifies the SDK behind cfg.Driver: it starts the emulator on
// 127.0.0.1 behind a recording bench, starts the driver, and judges
// encoding (Checks cases per sending mode the driver can express),
// surfacing (Checks/10 successes per format, Checks/20 cases per error
// rule and format, at least 1 each) and transport behaviour (every script
// with default options, and with attempts when the driver can set them).
// It returns a *StartError when the first session cannot start; any other
// error (a breach of the protocol mid-run, the context ending) comes with
// the report of what was judged so far.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	defer r.bench.Close()
	d, err := r.sessions.get(ctx, r.main)
	if err != nil {
		return nil, &StartError{Err: err}
	}
	r.hello, r.caps = d.Hello(), d.Hello().Options
	err = r.aspects(ctx)
	left, sweepErr := r.bench.Sweep(context.WithoutCancel(ctx))
	rep := r.report(left, d.Stderr())
	closeErr := r.sessions.closeAll()
	return rep, errors.Join(err, sweepErr, closeErr)
}

// aspects runs the three aspects in turn, stopping at a breach.
func (r *runner) aspects(ctx context.Context) error {
	for _, a := range []struct {
		name string
		run  func(context.Context) error
	}{{FamilyEncoding, r.encoding}, {FamilySurfacing, r.surfacing}, {FamilyTransport, r.transport}} {
		if r.cfg.Progress != nil {
			fmt.Fprintf(r.cfg.Progress, "%s…\n", a.name)
		}
		if err := a.run(ctx); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
	}
	return nil
}

// newRunner sets up the emulator, the bench and the draws of cfg.
func newRunner(cfg Config) (*runner, error) {
	data, err := Certification()
	if err != nil {
		return nil, err
	}
	if cfg.Checks <= 0 {
		cfg.Checks = 100
	}
	if cfg.Seed == 0 {
		cfg.Seed = rand.Uint64() | 1
	}
	if cfg.Profile == nil {
		cfg.Profile = spec.Default()
	}
	if cfg.World == nil {
		cfg.World = world.Default()
	}
	bench, err := NewBench(emulator.Options{Profile: cfg.Profile, World: cfg.World, Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	env := generators.NewEnv(cfg.World, bench.Emulator().Profile())
	if len(env.Homes) == 0 {
		bench.Close()
		return nil, errors.New("certify: the world lacks a vSwitch and security group where a create can succeed; see eniconform world --template")
	}
	home := env.Homes[0]
	r := &runner{cfg: cfg, data: data, profile: bench.Emulator().Profile(), bench: bench, env: env, home: home,
		main: credentials{home.Key, bench.secrets[home.Key]}, rng: rand.New(rand.NewPCG(cfg.Seed, 0xce47)),
		found: newFindings(), judged: map[string]int{}, reasons: map[string]string{}, start: time.Now()}
	r.sessions = newSessions(sdkdriver.Config{Command: cfg.Driver, Dir: cfg.Dir, HelloTimeout: cfg.HelloTimeout}, bench, home.Region)
	return r, nil
}

// call makes c through the session of cred and returns it with what
// reached the bench. The error is a breach of the protocol by the driver
// (or the context ending): the run cannot go on.
func (r *runner) call(ctx context.Context, cred credentials, c sdkdriver.Call) (called, error) {
	d, err := r.sessions.get(ctx, cred)
	if err != nil {
		return called{}, err
	}
	mark := r.bench.Mark()
	a, err := d.Call(ctx, c)
	if err != nil {
		return called{}, err
	}
	r.calls++
	r.elapsed = append(r.elapsed, a.Elapsed)
	c.ID = a.ID
	return called{Call: c, Key: cred.key, Answer: a, Sent: r.bench.Since(mark), cred: cred}, nil
}

// judge counts one call judged on row.
func (r *runner) judge(row string) { r.judged[row]++ }

// skip records why row was not exercised, unless a reason is known.
func (r *runner) skip(row, reason string) {
	if _, ok := r.reasons[row]; !ok {
		r.reasons[row] = reason
	}
}
