package harness

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// A Finding is one defect of the target: every divergence with the same
// signature, however many cases showed it, under the one verdict row it
// counts against. A run reports each finding once, with one minimal case.
type Finding struct {
	Signature string
	Row       string // the rule or aspect the defect breaks
	Headline  string // short and stable across runs
	Soft      bool   // precedence or a documented alternative: fails only in strict mode
	Cross     bool   // a cross-cutting aspect: reported once per run, not under a property's rule
	Property  string // the property whose cases showed it first
	Cases     int    // how many cases showed it, over the whole run
	Failure   *Failure

	best *candidate // cross-cutting: the smallest case that showed it, until shrunk (Results.mu)
}

// Fails reports whether the finding fails a run.
func (f *Finding) Fails(strict bool) bool { return !f.Soft || strict }

// MaxShrinks is how many findings one property shrinks; further ones are
// reported with the case that first showed them, as it was.
const MaxShrinks = 8

// sighting is one divergence of an outcome: the step it is in, and the
// signature that identifies its defect.
type sighting struct {
	step int // index into Outcome.All()
	div  oracle.Divergence
	sig  string
}

// sightingsOf lists every divergence of an outcome with its signature, one
// per signature, in step order.
func (h *Harness) sightingsOf(o *Outcome) []sighting {
	var out []sighting
	for i, s := range o.All() {
		for _, d := range s.Divergences {
			sig := h.signature(s.Step.Action, d)
			if !slices.ContainsFunc(out, func(x sighting) bool { return x.sig == sig }) {
				out = append(out, sighting{i, d, sig})
			}
		}
	}
	return out
}

// signature identifies a defect: the verdict row, what differs, what was
// due (when that reads the same in every run), the kind of answer that came
// back, the part of the rule the request breaks, and (but for a
// cross-cutting aspect, reported once whatever the action) the action. A
// name too long and a name starting with a digit are two defects under one
// rule; a target may have either.
func (h *Harness) signature(action string, d oracle.Divergence) string {
	want := ""
	if stableWant(d) {
		want = d.Want
	}
	parts := []string{d.Row, d.What, want, d.Class, d.Part}
	if !h.crossCutting(d.Row) {
		parts = append([]string{h.actionLabel(action)}, parts...)
	}
	return strings.Join(parts, " | ")
}

// actionLabel names the action of a request in signatures and headlines:
// an action the profile does not have (a rule about unknown actions draws
// many) is one label.
func (h *Harness) actionLabel(action string) string {
	if h.Profile.Action(action) == nil {
		return "(an unknown action)"
	}
	return action
}

// crossCutting reports whether a row is a cross-cutting aspect.
func (h *Harness) crossCutting(row string) bool {
	a := h.Profile.Aspect(row)
	return a != nil && a.CrossCutting
}

// findingHeadline is the headline of a divergence: one short line that does
// not change from run to run (no IDs, names or times).
func (h *Harness) findingHeadline(action string, d oracle.Divergence) string {
	var b strings.Builder
	if !h.crossCutting(d.Row) {
		b.WriteString(h.actionLabel(action) + " ")
	}
	b.WriteString(d.Row + ": " + d.What + ": ")
	if stableWant(d) {
		b.WriteString("want " + d.Want + ", got ")
	}
	b.WriteString(d.Class)
	if d.Part != "" {
		b.WriteString(" [" + d.Part + "]")
	}
	return b.String()
}

// stableWant reports whether what a divergence wanted reads the same in
// every run: a code, a format, a pattern; not an ID, a name or an address.
func stableWant(d oracle.Divergence) bool {
	switch d.Row {
	case spec.AspectValid, spec.AspectPrecedence, spec.AspectFormat, spec.AspectEnvelope, spec.AspectRequestID, spec.AspectENIID:
		return true
	}
	return d.Rule != nil
}

// failing returns the steps' divergences that fail a run, in step order.
func failing(divs []oracle.Divergence, strict bool) []oracle.Divergence {
	var out []oracle.Divergence
	for _, d := range divs {
		if d.Kind == oracle.Hard || strict {
			out = append(out, d)
		}
	}
	return out
}

// sighted is the first case (the lowest seed) that showed a defect, how
// many cases showed it, and whether one showed it in its own requests
// (not only in the cleanup).
type sighted struct {
	sig    string
	seed   uint64
	out    Outcome
	cases  int
	probed bool
}

// sightings collects, per signature, the first case of a property that
// showed it. It is safe for concurrent use by the property's workers.
type sightings struct {
	mu sync.Mutex
	by map[string]*sighted
}

func (s *sightings) add(h *Harness, seed uint64, o *Outcome) {
	seen := h.sightingsOf(o)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.by == nil {
		s.by = map[string]*sighted{}
	}
	for _, x := range seen {
		e := s.by[x.sig]
		switch {
		case e == nil:
			e = &sighted{sig: x.sig, seed: seed, out: *o, cases: 1}
			s.by[x.sig] = e
		case seed < e.seed:
			e.seed, e.out, e.cases = seed, *o, e.cases+1
		default:
			e.cases++
		}
		e.probed = e.probed || x.step < len(o.Steps)
	}
}

// inOrder returns what was sighted by the seed of the first case, so that
// the same seed reports the same findings in the same order.
func (s *sightings) inOrder() []*sighted {
	out := make([]*sighted, 0, len(s.by))
	for _, e := range s.by {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].seed != out[j].seed {
			return out[i].seed < out[j].seed
		}
		return out[i].sig < out[j].sig
	})
	return out
}

// shrinker minimises the case of a sighting, keeping its defect; it
// reports whether the defect showed again.
type shrinker func(ctx context.Context, s *sighted) (Outcome, bool)

// report turns what a property's cases showed into findings: a defect an
// earlier property showed already only adds to its count; a new one is
// registered, shrunk (at most MaxShrinks per property; soft ones only in
// strict mode) and saved. A cross-cutting defect is shrunk once, at the end
// of the run, from the smallest case any property showed it with (see
// ShrinkCrossCutting). It returns every finding the cases showed, and the
// signatures their own requests (not only their cleanup) showed.
func (h *Harness) report(ctx context.Context, p *Property, seen []*sighted, shrink shrinker) ([]*Finding, map[string]bool) {
	var out []*Finding
	probed := map[string]bool{}
	shrunk := 0
	for _, s := range seen {
		if s.probed {
			probed[s.sig] = true
		}
		f, isNew := h.Results.sighted(s.sig, s.cases), false
		if f == nil {
			f, isNew = h.Results.register(h.newFinding(p, s.sig, s.out, s.seed, s.cases)), true
		}
		out = append(out, f)
		shrinkable := isNew && !f.Cross && h.shrinkable(ctx, f)
		switch {
		case f.Cross:
			h.Results.offer(f, &candidate{prop: p, sighted: s, shrink: shrink})
		case shrinkable && shrunk < MaxShrinks:
			shrunk++
			h.shrinkFinding(ctx, f, p, s, shrink)
		case shrinkable:
			f.Failure.Capped = true
			h.saveFinding(f)
		case isNew:
			h.saveFinding(f)
		}
	}
	return out, probed
}

// shrinkable reports whether a finding is to be shrunk: it fails the run
// and shrinking is on, and it is neither a transport failure (no answer
// says nothing about the request) nor found once the run stopped;
// Failure.NotShrunk says which of the two it is.
func (h *Harness) shrinkable(ctx context.Context, f *Finding) bool {
	switch {
	case !f.Fails(h.Strict) || h.NoShrink:
		return false
	case f.Failure.transport():
		f.Failure.NotShrunk = "no answer came back, which says nothing about the request"
		return false
	case ctx.Err() != nil || h.Stopped() != nil:
		f.Failure.NotShrunk = "the run stopped"
		return false
	}
	return true
}

// shrinkFinding shrinks the case s of finding f and saves the minimal one.
func (h *Harness) shrinkFinding(ctx context.Context, f *Finding, p *Property, s *sighted, shrink shrinker) {
	if minimal, ok := shrink(ctx, s); ok {
		from := f.Failure
		f.Failure = h.failureOf(p, minimal, s.sig, s.seed)
		f.Failure.Shrunk, f.Failure.FromSteps, f.Failure.FromParams = true, from.FromSteps, from.FromParams
	}
	h.saveFinding(f)
}

func (h *Harness) saveFinding(f *Finding) {
	if err := f.Failure.save(h.ReportDir, h.Replay); err != nil {
		f.Failure.Reproduce = "(the case could not be saved: " + err.Error() + ")"
	}
}

// candidate is a case that showed a cross-cutting defect, with what
// shrinks it.
type candidate struct {
	prop    *Property
	sighted *sighted
	shrink  shrinker
}

// smaller reports whether case a is smaller than b: fewer requests, then
// fewer parameters, then fewer padding bytes.
func smaller(a, b generators.Case) bool {
	as, ap := size(a)
	bs, bp := size(b)
	if as != bs || ap != bp {
		return as < bs || as == bs && ap < bp
	}
	return padding(a) < padding(b)
}

func padding(c generators.Case) int {
	n := 0
	for _, st := range c.Steps {
		n += st.Send.PadBytes
	}
	return n
}

// ShrinkCrossCutting shrinks every cross-cutting finding once, from the
// smallest case that showed it, and saves it; the suites call it before they
// report the cross-cutting findings, Close calls it in any case. It may be
// called more than once.
func (h *Harness) ShrinkCrossCutting(ctx context.Context) {
	for _, f := range h.Results.Findings() {
		c := h.Results.take(f)
		if c == nil {
			continue
		}
		s := c.sighted
		f.Failure = h.failureOf(c.prop, s.out, s.sig, s.seed)
		f.Property = c.prop.Name
		if h.shrinkable(ctx, f) {
			h.shrinkFinding(ctx, f, c.prop, s, c.shrink)
		} else {
			h.saveFinding(f)
		}
	}
}

// newFinding is the finding of the defect sig that outcome o (of the case
// of seed) shows, in that many cases.
func (h *Harness) newFinding(p *Property, sig string, o Outcome, seed uint64, cases int) *Finding {
	fail := h.failureOf(p, o, sig, seed)
	d := fail.Divergences[0]
	return &Finding{Signature: sig, Row: d.Row, Soft: d.Kind != oracle.Hard, Cross: h.crossCutting(d.Row),
		Headline: fail.Headline, Property: p.Name, Cases: cases, Failure: fail}
}
