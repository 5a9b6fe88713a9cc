package harness

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// SelftestConfig configures Selftest: the run of each pass (Checks, Seed,
// ShrinkTime, ReportDir, …) and the faults to plant. Workers is the number
// of cases in flight in the clean pass; fault passes run one case at a time.
type SelftestConfig struct {
	Config
	// Faults names the faults to plant, one at a time; nil plants every
	// fault of emulator.Faults.
	Faults []string
	// OnFault, when set, is called with each fault's result as soon as it
	// is known, in the order of Faults (a live table).
	OnFault func(FaultResult)
}

// FaultResult is how the harness fared against one planted fault.
type FaultResult struct {
	Fault    emulator.Fault
	Caught   bool      // reported under one of the rows the fault breaks
	Property *Property // the first property whose cases showed such a finding; nil when the fault survived
	Finding  *Finding  // that finding
	Failure  *Failure  // its case, shrunk as far as any failure of its row and action goes
	Cases    int       // cases run until the fault was caught (every case run when it survived)
	InProp   int       // of those, the cases of the property that caught it
	Elapsed  time.Duration
}

// Size is the size of the shrunk case that caught the fault: its steps and
// parameters (summed over the steps); 0, 0 when the fault survived.
func (r FaultResult) Size() (steps, params int) {
	if r.Failure == nil {
		return 0, 0
	}
	return size(r.Failure.Outcome.Case)
}

// SelftestResult is what Selftest found.
type SelftestResult struct {
	Seed        uint64
	Interrupted bool    // stopped before every fault was tried
	Clean       Summary // the run against the clean emulator, in strict mode
	Faults      []FaultResult
}

// Passed reports whether the clean run showed no divergence (strict
// included) and no leak, and every fault was caught.
func (r *SelftestResult) Passed() bool {
	return !r.Interrupted && r.Clean.Divergences == 0 && r.Clean.Soft == 0 && r.Clean.Leaked == 0 && r.Survivors() == 0
}

// Survivors counts the faults no property caught.
func (r *SelftestResult) Survivors() int {
	n := 0
	for _, f := range r.Faults {
		if !f.Caught {
			n++
		}
	}
	return n
}

// Selftest proves the harness on the built-in emulator. It first runs the
// whole catalogue against the clean emulator in strict mode, Workers cases
// in flight (no false positives: no divergence, no leak). Then, for each
// fault, it opens a fresh harness on an emulator carrying only that fault
// (strict for the faults only strict precedence shows) and runs the
// catalogue's properties in order until the first failure, which is shrunk
// and saved under ReportDir/faults/<name>. Fault passes run one after the
// other, each case one at a time: what catches a fault then never depends on
// another case in flight and reproduces alone, and the shrinks, which set
// rapid's process-wide flags, never overlap another pass's cases. Selftest
// fails only when the configuration is wrong (a target, an unknown fault);
// survivors are in the result.
func Selftest(ctx context.Context, cfg SelftestConfig) (*SelftestResult, error) {
	faults, err := selftestFaults(cfg)
	if err != nil {
		return nil, err
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.Seed == 0 {
		cfg.Seed = randomSeed()
	}
	res := &SelftestResult{Seed: cfg.Seed, Faults: make([]FaultResult, len(faults))}
	if res.Clean, err = cleanPass(ctx, cfg.Config); err != nil {
		return nil, err
	}
	for i, f := range faults {
		if ctx.Err() != nil {
			res.Interrupted, res.Faults = true, res.Faults[:i] // the faults not tried are no survivors
			break
		}
		if res.Faults[i], err = faultPass(ctx, cfg.Config, f); err != nil {
			return nil, err
		}
		if cfg.OnFault != nil {
			cfg.OnFault(res.Faults[i])
		}
	}
	return res, nil
}

// selftestFaults checks the configuration and returns the faults to plant.
func selftestFaults(cfg SelftestConfig) ([]emulator.Fault, error) {
	switch {
	case cfg.Target != "":
		return nil, errors.New("--target: selftest plants faults in the built-in emulator; it takes no target")
	case len(cfg.Emulator.Faults) > 0:
		return nil, errors.New("--fault: selftest plants its faults one at a time; name them in SelftestConfig.Faults")
	case cfg.Faults == nil:
		return emulator.FaultsFor(profileName(cfg.Profile)), nil
	}
	if err := emulator.CheckFaults(cfg.Faults); err != nil {
		return nil, fmt.Errorf("--fault: %w", err)
	}
	var out []emulator.Fault
	for _, name := range cfg.Faults {
		f, _ := emulator.LookupFault(name)
		if !f.AppliesTo(profileName(cfg.Profile)) {
			return nil, fmt.Errorf("--fault: %s breaks rules of profile %s only, not of %s (--profile)", f.Name, strings.Join(f.Profiles, ", "), profileName(cfg.Profile))
		}
		out = append(out, f)
	}
	return out, nil
}

// profileName is the name of a configured profile, the base one for nil.
func profileName(p *spec.Profile) string {
	if p == nil {
		return spec.BaseProfile
	}
	return p.Name
}

// cleanPass runs the whole catalogue against the clean emulator, strictly.
func cleanPass(ctx context.Context, cfg Config) (Summary, error) {
	cfg.Strict = true
	cfg.ReportDir = filepath.Join(cfg.ReportDir, "clean")
	h, err := Open(cfg)
	if err != nil {
		return Summary{}, err
	}
	for _, p := range Catalogue(h.Profile) {
		h.Run(ctx, p)
	}
	h.Close(ctx)
	return h.Summary(), nil
}

// caughtIn returns the first finding of a property's result that reports
// fault f: one that fails the run, on a row f breaks.
func caughtIn(pr PropResult, f emulator.Fault, strict bool) *Finding {
	for _, found := range pr.Showed {
		if found.Fails(strict) && slices.Contains(f.Breaks, found.Row) {
			return found
		}
	}
	return nil
}

// faultPass runs the catalogue against an emulator carrying f until a
// property reports it under one of the rows it breaks.
func faultPass(ctx context.Context, cfg Config, f emulator.Fault) (FaultResult, error) {
	cfg.Emulator.Faults = []string{f.Name}
	cfg.Strict, cfg.Workers, cfg.Progress = f.Strict, 1, nil
	cfg.ReportDir = filepath.Join(cfg.ReportDir, "faults", f.Name)
	cfg.Replay = ReplayCommand(cfg.Replay, "", []string{f.Name}, f.Strict)
	start := time.Now()
	h, err := Open(cfg)
	if err != nil {
		return FaultResult{}, fmt.Errorf("fault %s: %w", f.Name, err)
	}
	r := FaultResult{Fault: f}
	for _, p := range Catalogue(h.Profile) {
		pr := h.Run(ctx, p)
		r.Cases += pr.Cases
		if found := caughtIn(pr, f, h.Strict); found != nil {
			r.Caught, r.Property, r.Finding, r.InProp = true, p, found, pr.Cases
			r.Failure = h.reshrink(ctx, p, found.Failure)
			break
		}
	}
	r.Elapsed = time.Since(start)
	h.Close(ctx)
	return r, nil
}

// reshrink shrinks a finding's case on a faulty emulator further than Run
// does: Run keeps the same defect (the same signature), lest it slip to
// another bug, but the planted fault is the only bug here, so any failing
// divergence on the same row and action shows it. A name too long that
// shrinks to one starting with a digit shows the same fault. The failure is
// saved again; f is returned when the property draws no independent cases
// or nothing smaller fails.
func (h *Harness) reshrink(ctx context.Context, p *Property, f *Failure) *Failure {
	if p.Kind != Explore || p.Cases == nil || len(f.Divergences) == 0 {
		return f
	}
	gen, err := p.Cases(h.Env)
	if err != nil {
		return f
	}
	row, action := f.Divergences[0].Row, f.Outcome.All()[f.Step].Step.Action
	var sig string
	keep := func(o *Outcome) bool {
		for _, x := range h.sightingsOf(o) {
			if x.div.Row == row && o.All()[x.step].Step.Action == action && (x.div.Kind == oracle.Hard || h.Strict) {
				sig = x.sig
				return true
			}
		}
		return false
	}
	minimal, found := h.minimise(ctx, gen, f.Seed, f.Outcome, keep)
	if !found {
		return f
	}
	g := h.failureOf(&Property{Name: f.Property}, minimal, sig, f.Seed)
	g.Shrunk, g.FromSteps, g.FromParams = true, f.FromSteps, f.FromParams
	if g.save(h.ReportDir, h.Replay) != nil {
		g.File, g.Reproduce = f.File, f.Reproduce
	}
	return g
}

// ReplayCommand returns the command that replays a saved case: base
// ("eniconform replay" when empty), then --target, --fault and
// --strict-precedence as they apply.
func ReplayCommand(base, target string, faults []string, strict bool) string {
	if base == "" {
		base = "eniconform replay"
	}
	if target != "" {
		base += " --target " + target
	}
	if len(faults) > 0 {
		base += " --fault " + strings.Join(faults, ",")
	}
	if strict {
		base += " --strict-precedence"
	}
	return base
}

// median returns the median of xs; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
