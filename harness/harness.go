// Package harness runs generated cases against a target and judges them
// with the oracle: the engine behind `eniconform run`, `replay` and
// `selftest`, and behind the Ginkgo suites (which only map its Catalogue to
// Describe/It). It has no Ginkgo in it.
//
// Entry points:
//   - Open(Config): a Harness for a target URL, or for the built-in
//     emulator started on 127.0.0.1:0 when no target is given.
//   - Harness.Exec: one case, step by step: predict, send, judge, learn
//     (concurrent cases are judged with each other in flight); then delete
//     what the case created.
//   - Harness.Run: one property; cases drawn from consecutive seeds by
//     Workers goroutines; the first failure is shrunk by rapid and saved.
//   - Harness.Prop: the same property as a plain rapid property, for
//     rapid.Check and the Go fuzzer.
//   - Catalogue: every property, by family; Results and WriteReports: the
//     console table, summary.json and the case files.
//   - Harness.Preflight: before any property, the target answers, takes
//     the credentials and one valid create; the inventory adopts the ENIs
//     it already holds (preflight.go).
//   - Harness.Interrupt, Config.Stop, --max-time and the circuit breaker
//     stop a run: no new case, step or shrink attempt, Grace for requests
//     in flight (lifecycle.go).
//   - Ledger: every ENI the run creates, on disk as it happens; Clean
//     deletes what a killed run left (ledger.go, clean.go).
//   - Harness.Close: the final sweep (every ENI of the ledger is deleted;
//     the leak count is what remains), then the emulator stops.
package harness

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
	"github.com/eniconform/eniconform/world"
)

// Config is what a run needs. The zero value runs the built-in emulator on
// the default world with the defaults below.
type Config struct {
	Target          string        // base URL of the endpoint; "" starts the built-in emulator
	TargetName      string        // what the target is (product name), for reports
	TargetVersion   string        // its version, for reports
	World           *oracle.World // the target's fixtures; nil: the default world
	Profile         *spec.Profile // nil: spec.Default()
	AccessKeyID     string        // credentials for the world's primary key (see Open)
	AccessKeySecret string
	Scheme          string        // "v1" or "v3" forces the signature scheme; "" mixes them
	Format          string        // "json" or "xml" forces the response format; "" mixes them
	Checks          int           // cases per property (default 100)
	Seed            uint64        // 0: random; the same seed draws the same cases
	Workers         int           // concurrent cases (default 16)
	Timeout         time.Duration // per request (default 10 s)
	Strict          bool          // precedence and alternative divergences fail the run too
	ShrinkTime      time.Duration // budget for shrinking one failure (default 10 s)
	NoShrink        bool          // report findings with the case that first showed them, unshrunk
	MaxFill         int           // setup creates a case may make to reach a limit (default generators.DefaultMaxFill)
	ReportDir       string        // where reports go (default ./eniconform-report)
	AllowRealCloud  bool          // permit endpoints under aliyuncs.com
	Emulator        emulator.Options
	Progress        io.Writer // live progress lines (a terminal); nil: none
	Replay          string    // the command that replays a saved case, without the file (default "eniconform replay")

	// Stop, when done, stops the run (Interrupt, with its cause as the
	// reason): a signal. nil: only MaxTime and the breaker stop it.
	Stop       context.Context
	MaxTime    time.Duration // the whole run, sweep excluded; 0: no limit
	Breaker    int           // transport failures in a row that stop the run as unhealthy (default 10)
	Rate       float64       // requests a second, every request of the run; 0: no limit (default 20 for aliyuncs.com)
	MaxCreates int           // creates that may make an ENI, shrinking included; 0: no limit (default 200 for aliyuncs.com)
}

// Real-cloud defaults: what a run against an endpoint under aliyuncs.com
// uses unless told otherwise, to stay inside ECS's documented flow control
// (1,500 calls per 60 s) and bound how many ENIs it makes.
const (
	RealCloudRate       = 20 // requests a second: 1,200 a minute, retries and cleanup included
	RealCloudMaxCreates = 200
	RealCloudWorkers    = 4
)

// Harness is an open run against one target. It is safe for concurrent use.
type Harness struct {
	Config
	Model    *oracle.Model
	Env      *generators.Env
	Conn     *target.Conn
	Emulator *emulator.Server // the built-in target; nil for an external one
	Results  *Results

	run     *target.Run // unique to this run: nonces and tokens
	actions sync.Map    // action → bool: whether the target implements it
	lanes   sync.Map    // lane → *sync.Mutex, held by a case that runs alone in its lane
	mu      sync.Mutex
	state   oracle.State
	flights flights // requests in flight, guarded by mu

	life      *life
	breaker   breaker
	budget    budget
	ledger    *Ledger
	inventory inventory // what the target held at the start
	throttled atomic.Int64
	dropped   atomic.Int64   // steps dropped after Throttling every time
	shrinking sync.WaitGroup // shrinks, those a stop abandoned included (abandonable)
}

// Open checks the configuration and prepares the target. Errors name the
// setting at fault. With credentials given, the world's account with that
// AccessKeyId gets the secret; if the world has no such key, its first
// main key is replaced by them.
func Open(cfg Config) (*Harness, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.Seed == 0 {
		cfg.Seed = randomSeed() // reported in the summary, so that the run can be repeated
	}
	if err := os.MkdirAll(filepath.Join(cfg.ReportDir, "cases"), 0o755); err != nil {
		return nil, fmt.Errorf("--report-dir: %w", err)
	}
	h := &Harness{Config: cfg, Results: NewResults(cfg.Seed), life: newLife(), budget: budget{max: int64(cfg.MaxCreates)}}
	var err error
	if h.Model, err = oracle.NewModel(cfg.Profile); err != nil {
		return nil, fmt.Errorf("--profile: %w", err)
	}
	if h.state, err = oracle.NewState(cfg.World); err != nil {
		return nil, fmt.Errorf("--world: %w", err)
	}
	if cfg.Target == "" {
		opts := cfg.Emulator
		opts.World = cfg.World
		if opts.Profile == nil {
			opts.Profile = cfg.Profile // an overlay reaches the built-in emulator too
		}
		if opts.Seed == 0 {
			opts.Seed = cfg.Seed
		}
		if h.Emulator, err = emulator.NewServer(opts); err != nil {
			return nil, err
		}
		h.Target = h.Emulator.URL
	}
	h.Env = generators.NewEnv(cfg.World, cfg.Profile)
	if cfg.MaxFill > 0 {
		h.Env.MaxFill = cfg.MaxFill
	}
	h.run = target.NewRun(h.Emulator != nil) // the built-in emulator starts empty: its history is known
	h.Conn = &target.Conn{URL: h.Target, Profile: cfg.Profile, World: cfg.World, Now: time.Now,
		Client: &http.Client{Timeout: cfg.Timeout, Transport: transport(cfg.Workers)}, Scheme: cfg.Scheme, Format: formatName(cfg.Format),
		Pace: target.NewPacer(cfg.Rate, nil), Retries: 5}
	if r := cfg.Profile.Rule(throttlingRule); r != nil {
		h.Conn.Throttle = r.Code
	}
	if h.ledger, err = OpenLedger(filepath.Join(cfg.ReportDir, LedgerFile)); err != nil {
		h.closeEmulator()
		return nil, fmt.Errorf("--report-dir: the ledger: %w", err)
	}
	h.watch()
	return h, nil
}

// throttlingRule is the rule whose code is the target's flow control.
const throttlingRule = "unreachable.throttling"

// RealCloud reports whether a target URL is Alibaba Cloud itself (a host
// under aliyuncs.com).
func RealCloud(target string) bool {
	u, err := url.Parse(target)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "aliyuncs.com" || strings.HasSuffix(host, ".aliyuncs.com")
}

func (c *Config) defaults() error {
	if c.Profile == nil {
		c.Profile = spec.Default()
	}
	if c.World == nil {
		c.World = world.Default()
	}
	if c.Checks == 0 {
		c.Checks = 100
	}
	if RealCloud(c.Target) {
		c.Rate = cmp.Or(c.Rate, RealCloudRate)
		c.MaxCreates = cmp.Or(c.MaxCreates, RealCloudMaxCreates)
		c.Workers = cmp.Or(c.Workers, RealCloudWorkers)
	}
	if c.Workers == 0 {
		c.Workers = 16
	}
	if c.Breaker == 0 {
		c.Breaker = 10
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.ShrinkTime == 0 {
		c.ShrinkTime = 10 * time.Second
	}
	if c.ReportDir == "" {
		c.ReportDir = "eniconform-report"
	}
	if c.Replay == "" {
		c.Replay = "eniconform replay"
	}
	return c.check()
}

// CheckFlags validates settings given as flags, where 0 is a value rather
// than "the default": errors name the flag.
func (c *Config) CheckFlags() error {
	switch {
	case c.Checks < 1:
		return fmt.Errorf("--checks must be at least 1, not %d", c.Checks)
	case c.Workers < 0:
		return fmt.Errorf("--workers must be at least 1, not %d", c.Workers)
	case c.MaxFill < 1:
		return fmt.Errorf("--max-fill must be at least 1, not %d", c.MaxFill)
	}
	return nil
}

// check validates the settings; errors name the flag.
func (c *Config) check() error {
	switch {
	case c.Checks < 0:
		return errors.New("--checks must be positive")
	case c.Workers < 0 || c.Workers > 1024:
		return errors.New("--workers must be from 1 to 1024")
	case c.Timeout < 0:
		return errors.New("--timeout must be positive")
	case c.Breaker < 0:
		return fmt.Errorf("--breaker must be at least 1, not %d", c.Breaker)
	case c.Rate < 0:
		return fmt.Errorf("--rate must not be negative, not %g", c.Rate)
	case c.MaxCreates < 0:
		return fmt.Errorf("--max-creates must not be negative, not %d", c.MaxCreates)
	case c.MaxTime < 0:
		return fmt.Errorf("--max-time must not be negative, not %s", c.MaxTime)
	case c.Scheme != "" && c.Scheme != "v1" && c.Scheme != "v3":
		return fmt.Errorf("--signature must be v1 or v3, not %q", c.Scheme)
	case c.Format != "" && formatName(c.Format) == "":
		return fmt.Errorf("--format must be json or xml, not %q", c.Format)
	}
	if c.Target != "" {
		u, err := url.Parse(c.Target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("--target must be a base URL such as http://127.0.0.1:8080, not %q", redactURL(c.Target))
		}
		if u.User != nil {
			return errors.New("--target must not carry a user or password: they would appear in every report (credentials go in --access-key-id and --access-key-secret)")
		}
		if RealCloud(c.Target) && !c.AllowRealCloud {
			return fmt.Errorf("--target %s is Alibaba Cloud itself: the run creates and deletes real ENIs; add --allow-real-cloud if you mean it", u.Host)
		}
	}
	return c.credentials()
}

// credentials puts the given key into the world (on a copy).
func (c *Config) credentials() error {
	if c.AccessKeyID == "" && c.AccessKeySecret == "" {
		return nil
	}
	if c.AccessKeyID == "" || c.AccessKeySecret == "" {
		return errors.New("--access-key-id and --access-key-secret (or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) go together")
	}
	w := *c.World
	w.Accounts = append([]oracle.Account(nil), w.Accounts...)
	for i := range w.Accounts {
		if w.Accounts[i].AccessKeyID == c.AccessKeyID {
			w.Accounts[i].AccessKeySecret = c.AccessKeySecret
			c.World = &w
			return nil
		}
	}
	for i := range w.Accounts {
		if w.Accounts[i].Type == "main" && !w.Accounts[i].Expired && !w.Accounts[i].Disabled {
			w.Accounts[i].AccessKeyID, w.Accounts[i].AccessKeySecret = c.AccessKeyID, c.AccessKeySecret
			c.World = &w
			return nil
		}
	}
	return errors.New("--world has no main account to give the credentials to")
}

// redactURL hides a password in a URL that does not parse as a base URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(an unparseable URL)"
}

// formatName maps a --format value to the Format parameter sent.
func formatName(f string) string {
	switch strings.ToLower(f) {
	case "json":
		return "JSON"
	case "xml":
		return "XML"
	}
	return ""
}

func transport(workers int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers + runtime.NumCPU()
	t.MaxIdleConns = t.MaxIdleConnsPerHost
	return t
}

func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) | 1
}

// State returns the model's current state.
func (h *Harness) State() oracle.State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// Close sweeps (see Sweep) and stops the built-in emulator. It returns the
// number of ENIs the run created that are known to be left on the target;
// the summary also counts the creates whose outcome stayed unknown.
func (h *Harness) Close(ctx context.Context) int {
	h.ShrinkCrossCutting(ctx)
	leaked, unknown := h.Sweep(ctx)
	h.Results.setLeaked(leaked, unknown)
	h.closeEmulator()
	h.Conn.Client.CloseIdleConnections()
	_ = h.ledger.Close()
	return leaked
}

func (h *Harness) closeEmulator() {
	if h.Emulator != nil {
		h.Emulator.Close()
	}
}

// Ledger is the run's ledger (see Ledger).
func (h *Harness) Ledger() *Ledger { return h.ledger }
