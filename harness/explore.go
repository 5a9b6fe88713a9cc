package harness

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"pgregory.net/rapid"
)

// PropResult is how a property fared.
type PropResult struct {
	Property  *Property
	Cases     int      // cases run
	Failure   *Failure // the first failure, shrunk; nil when the property held
	Soft      int      // precedence and alternative divergences (they fail only in strict mode)
	Divergent int      // cases that failed (the first is reported; workers may have found more)
	Skipped   string   // why the property was not run, if it was not
	Elapsed   time.Duration
}

// Run checks one property and records the result.
func (h *Harness) Run(ctx context.Context, p *Property) PropResult {
	start := time.Now()
	var r PropResult
	switch {
	case p.Unreachable != "":
		r = PropResult{Property: p, Skipped: p.Unreachable}
	case p.Kind == Stateful:
		r = h.stateful(ctx, p)
	default:
		r = h.explore(ctx, p)
	}
	r.Elapsed = time.Since(start)
	if ctx.Err() != nil && r.Failure == nil && r.Skipped == "" {
		r.Skipped = fmt.Sprintf("interrupted after %d cases", r.Cases)
	}
	if r.Failure != nil {
		if err := r.Failure.save(h.ReportDir, h.Replay); err != nil {
			r.Failure.Reproduce = "(the case could not be saved: " + err.Error() + ")"
		}
	}
	h.Results.add(r)
	return r
}

// seedFor is the first seed of a property: the run's seed mixed with the
// property's name, so that each property draws its own cases and the same
// --seed draws the same cases again.
func (h *Harness) seedFor(p *Property) uint64 {
	f := fnv.New64a()
	f.Write([]byte(p.Name))
	return h.Seed ^ f.Sum64()
}

// explore runs Checks cases drawn from consecutive seeds on Workers
// goroutines; case i is always the same for the same seed, whatever the
// number of workers. It stops at the first failure and shrinks it.
func (h *Harness) explore(ctx context.Context, p *Property) PropResult {
	res := PropResult{Property: p}
	gen, err := p.Cases(h.Env)
	if err == nil {
		err = h.supports(ctx, p)
	}
	if err != nil {
		res.Skipped = err.Error()
		return res
	}
	// drawing stops at the first failure; requests already in flight finish
	// (ctx is theirs), so the model never loses track of them
	drawing, stop := context.WithCancel(ctx)
	defer stop()
	base := h.seedFor(p)
	var next, cases, soft, failing atomic.Int64
	var once sync.Once
	var first *Outcome
	var firstSeed uint64
	var wg sync.WaitGroup
	for w := 0; w < min(h.Workers, h.Checks); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(h.Checks) && drawing.Err() == nil; i = next.Add(1) - 1 {
				seed := base + uint64(i)
				c, ok := example(gen, seed)
				if !ok {
					continue
				}
				out := h.Exec(ctx, c)
				cases.Add(1)
				soft.Add(int64(out.Soft()))
				h.progress()
				if i, _ := out.Failure(h.Strict); i >= 0 && ctx.Err() == nil {
					failing.Add(1)
					once.Do(func() { first, firstSeed = &out, seed; stop() })
				}
			}
		}()
	}
	wg.Wait()
	res.Cases, res.Soft, res.Divergent = int(cases.Load()), int(soft.Load()), int(failing.Load())
	if first != nil {
		res.Failure = h.shrink(context.WithoutCancel(ctx), p, gen, firstSeed, *first)
	}
	return res
}

// example draws the case of a seed; generation that fails counts as no case.
func example(gen *rapid.Generator[generators.Case], seed uint64) (c generators.Case, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return gen.Example(int(seed)), true
}

// rapidFlags guards rapid's global flags, which a shrink sets.
var rapidFlags sync.Mutex

// withRapid runs fn with rapid's flags set to a seed, a number of checks and
// a shrink budget, and no fail files; one at a time.
func withRapid(seed uint64, checks int, shrink time.Duration, fn func()) {
	rapidFlags.Lock()
	defer rapidFlags.Unlock()
	if testing.Short() {
		checks *= 5 // rapid runs a fifth of the checks under -short: keep the first, the seed's own case
	}
	set := map[string]string{"rapid.seed": fmt.Sprint(seed), "rapid.checks": fmt.Sprint(checks),
		"rapid.shrinktime": shrink.String(), "rapid.nofailfile": "true"}
	old := map[string]string{}
	for name, v := range set {
		if f := flag.Lookup(name); f != nil {
			old[name] = f.Value.String()
			_ = f.Value.Set(v)
		}
	}
	defer func() {
		for name, v := range old {
			_ = flag.Lookup(name).Value.Set(v)
		}
	}()
	fn()
}

// shrink asks rapid to minimise a failing case: rapid draws the same case
// from the seed, then smaller ones, keeping those that fail the same way
// (same step action, rule and kinds of divergence). If the failure does not
// happen again (the target changed), the original case is reported as it
// was.
func (h *Harness) shrink(ctx context.Context, p *Property, gen *rapid.Generator[generators.Case], seed uint64, first Outcome) *Failure {
	minimal, shrunk := h.minimise(ctx, gen, seed, first, signature)
	f := h.failure(p, minimal, seed)
	f.Shrunk = shrunk
	f.FromSteps, f.FromParams = size(first.Case)
	return f
}

// minimise runs rapid's shrinker from the case of seed, keeping the cases
// whose failure has the same sig; the last failing case rapid runs is the
// minimal one. It reports whether the failure happened again at all.
func (h *Harness) minimise(ctx context.Context, gen *rapid.Generator[generators.Case], seed uint64, first Outcome,
	sig func(Outcome, bool) string) (Outcome, bool) {
	want := sig(first, h.Strict)
	minimal, again := first, false
	withRapid(seed, 1, h.ShrinkTime, func() {
		rapid.Check(&quietTB{}, func(t *rapid.T) {
			out := h.Exec(ctx, gen.Draw(t, "case"))
			if sig(out, h.Strict) == want {
				minimal, again = out, true
				t.Fatalf("%s", want)
			}
		})
	})
	return minimal, again
}

// signature identifies a failure: the failing step's action, the rule it
// exercises and what diverged.
func signature(o Outcome, strict bool) string {
	i, divs := o.Failure(strict)
	if i < 0 {
		return ""
	}
	s := o.Steps[i]
	sig := s.Step.Action + " " + ruleID(s.Prediction.Winner)
	for _, d := range divs {
		sig += " " + d.Kind.String() + ":" + d.What
	}
	return sig
}

func size(c generators.Case) (steps, params int) {
	for _, s := range c.Steps {
		params += len(s.Params)
	}
	return len(c.Steps), params
}

// Prop is the property p as a plain rapid property: draw a case, run it,
// fail on a divergence. rapid.Check and rapid.MakeFuzz take it as it is.
func (h *Harness) Prop(p *Property) (func(*rapid.T), error) {
	gen, err := p.Cases(h.Env)
	if err != nil {
		return nil, err
	}
	return func(t *rapid.T) {
		out := h.Exec(context.Background(), gen.Draw(t, "case"))
		if i, divs := out.Failure(h.Strict); i >= 0 {
			t.Fatalf("%s", headline(out.Steps[i], divs))
		}
	}, nil
}

// quietTB collects what rapid says; the harness reports failures itself.
type quietTB struct{ failed bool }

func (*quietTB) Helper()                 {}
func (*quietTB) Name() string            { return "eniconform" }
func (*quietTB) Logf(string, ...any)     {}
func (*quietTB) Log(...any)              {}
func (*quietTB) Skipf(string, ...any)    {}
func (*quietTB) Skip(...any)             {}
func (*quietTB) SkipNow()                {}
func (q *quietTB) Errorf(string, ...any) { q.failed = true }
func (q *quietTB) Error(...any)          { q.failed = true }
func (q *quietTB) Fatalf(string, ...any) { q.failed = true }
func (q *quietTB) Fatal(...any)          { q.failed = true }
func (q *quietTB) FailNow()              { q.failed = true }
func (q *quietTB) Fail()                 { q.failed = true }
func (q *quietTB) Failed() bool          { return q.failed }

// supports skips properties about an action the target does not implement.
func (h *Harness) supports(ctx context.Context, p *Property) error {
	if p.Needs == "" || h.implements(ctx, p.Needs) {
		return nil
	}
	return fmt.Errorf("the target does not implement %s (it answers %s)", p.Needs, h.Profile.MustRule("gateway.unknown-action").Code)
}

// implements asks the target once whether it knows an action; an answer
// cut short (an interrupt) is not remembered.
func (h *Harness) implements(ctx context.Context, action string) bool {
	if v, ok := h.actions.Load(action); ok {
		return v.(bool)
	}
	home := h.Env.Homes
	if len(home) == 0 {
		return false
	}
	out := h.Exec(ctx, generators.Case{Steps: []generators.Step{{Action: action, Key: home[0].Key,
		Params: map[string]string{"RegionId": home[0].Region}}}})
	if len(out.Steps) == 0 || out.Steps[0].Observed.Kind != oracle.Answered {
		return true // no answer: let the property run and report what happens
	}
	yes := out.Steps[0].Observed.Code != h.Profile.MustRule("gateway.unknown-action").Code
	h.actions.Store(action, yes)
	return yes
}
