package harness

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"slices"
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
	Cases     int        // cases run
	Soft      int        // precedence and alternative divergences (they fail only in strict mode)
	Divergent int        // cases with a divergence that fails the run
	Showed    []*Finding // every finding its cases showed, in the order of their first case
	// Probed lists the signatures of Showed that the cases' own requests
	// showed, not only the deletes that clean up after them.
	Probed  map[string]bool
	Skipped string // why the property was not run, if it was not
	Elapsed time.Duration
}

// Failing returns the findings that fail the property's spec: those it
// showed first (a defect fails one spec only, the first to show it), but
// for cross-cutting ones, which are reported once for the run; and every
// finding on the property's own rows that its cases' own requests showed
// (a property about Format=JSON does not fail because the deletes that
// clean up after it, which ask for no format, got the wrong one).
func (r *PropResult) Failing(strict bool) []*Finding {
	var out []*Finding
	for _, f := range r.Showed {
		own := slices.Contains(r.Property.Rows, f.Row) && r.Probed[f.Signature]
		if f.Fails(strict) && (own || f.Property == r.Property.Name && !f.Cross) {
			out = append(out, f)
		}
	}
	return out
}

// Run checks one property and records the result. Once ctx is done or the
// run stops, no new case or shrink attempt starts; what the cases showed
// until then is reported, unshrunk.
func (h *Harness) Run(ctx context.Context, p *Property) PropResult {
	start := time.Now()
	ctx, cancel := h.within(ctx)
	defer cancel()
	var r PropResult
	switch {
	case p.Unreachable != "":
		r = PropResult{Property: p, Skipped: p.Unreachable}
	case h.Stopped() != nil:
		r = PropResult{Property: p, Skipped: "the run stopped before this property: " + h.Stopped().Why}
	case p.Kind == Stateful && h.budget.spent.Load():
		r = PropResult{Property: p, Skipped: h.spentWhy()}
	case p.Kind == Stateful:
		r = h.stateful(ctx, p)
	default:
		r = h.explore(ctx, p)
	}
	r.Elapsed = time.Since(start)
	if ctx.Err() != nil && r.Skipped == "" && len(r.Showed) == 0 {
		r.Skipped = fmt.Sprintf("interrupted after %d cases", r.Cases)
		if stop := h.Stopped(); stop != nil {
			r.Skipped = fmt.Sprintf("stopped after %d cases: %s", r.Cases, stop.Why)
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

// cases is how many cases a property draws: Checks, or a tenth of them
// for a property whose cases each fill a limit first.
func (h *Harness) cases(p *Property) int {
	if p.Costly {
		return max(h.Checks/10, 1)
	}
	return h.Checks
}

// explore runs the property's cases, drawn from consecutive seeds on
// Workers goroutines; case i is always the same for the same seed, whatever
// the number of workers. It does not stop at a failure: every case is run,
// every distinct defect is collected, and each is shrunk on its own.
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
	base, n := h.seedFor(p), int64(h.cases(p))
	var next, cases, soft, divergent atomic.Int64
	var abandoned atomic.Value // why the last abandoned case stopped
	var seen sightings
	var wg sync.WaitGroup
	for w := 0; w < min(h.Workers, int(n)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < n && ctx.Err() == nil; i = next.Add(1) - 1 {
				c, ok := example(gen, base+uint64(i))
				if !ok {
					continue
				}
				out := h.Exec(ctx, c)
				if out.Abandoned != "" {
					abandoned.Store(out.Abandoned) // dropped: not a case (the budget is spent, the run stopped)
					continue
				}
				cases.Add(1)
				soft.Add(int64(out.Soft()))
				h.Results.judge(&out)
				h.progress()
				if ctx.Err() == nil {
					seen.add(h, base+uint64(i), &out)
					if i, _ := out.Failure(h.Strict); i >= 0 {
						divergent.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	res.Cases, res.Soft, res.Divergent = int(cases.Load()), int(soft.Load()), int(divergent.Load())
	if why, _ := abandoned.Load().(string); res.Cases == 0 && why != "" && ctx.Err() == nil {
		res.Skipped = why
	}
	res.Showed, res.Probed = h.report(ctx, p, seen.inOrder(), func(ctx context.Context, s *sighted) (Outcome, bool) {
		return h.minimise(ctx, gen, s.seed, s.out, func(o *Outcome) bool { return h.shows(o, s.sig) })
	})
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

// minimise runs rapid's shrinker from the case of seed, keeping the cases
// that keep holds for (that still show one defect: shrinking never slips
// into another). The last such case rapid runs is the minimal one. It
// reports whether keep held again at all. Once ctx is done no attempt
// starts (rapid's remaining attempts return at once), and the attempt in
// flight does not count.
func (h *Harness) minimise(ctx context.Context, gen *rapid.Generator[generators.Case], seed uint64, first Outcome, keep func(*Outcome) bool) (Outcome, bool) {
	var mu sync.Mutex
	minimal, again := first, false
	h.abandonable(ctx, func() {
		withRapid(seed, 1, h.ShrinkTime, func() {
			rapid.Check(&quietTB{}, func(t *rapid.T) {
				if ctx.Err() != nil {
					return
				}
				out := h.Exec(ctx, gen.Draw(t, "case"))
				if out.Abandoned == "" && ctx.Err() == nil && keep(&out) {
					mu.Lock()
					minimal, again = out, true
					mu.Unlock()
					t.Fatalf("shrinking")
				}
			})
		})
	})
	mu.Lock()
	defer mu.Unlock()
	return minimal, again
}

// abandonable runs fn (a rapid.Check) and returns when it does, or as soon
// as ctx is done. rapid cannot be stopped: its attempts left (each of which
// checks ctx and returns at once) may take up to the shrink time, so fn
// goes on in the background (h.shrinking counts it) and what it finds
// after ctx is done no longer counts. A stop thus ends shrinking within the
// Grace of the attempt in flight.
func (h *Harness) abandonable(ctx context.Context, fn func()) {
	done := make(chan struct{})
	h.shrinking.Add(1)
	go func() {
		defer h.shrinking.Done()
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// Shows reports whether an outcome shows the defect of signature sig (see
// Finding).
func (h *Harness) Shows(o *Outcome, sig string) bool { return h.shows(o, sig) }

// shows reports whether an outcome shows the defect of signature sig.
func (h *Harness) shows(o *Outcome, sig string) bool {
	return slices.ContainsFunc(h.sightingsOf(o), func(s sighting) bool { return s.sig == sig })
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
			t.Fatalf("%s", h.findingHeadline(out.All()[i].Step.Action, divs[0]))
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
