package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
)

// Verified is what Verify found: whether a bundle's verdicts and findings
// hold when its recorded history is judged again, and where they do not.
type Verified struct {
	Meta     Metadata
	Profile  string // which profile judged it, and whether it is one eniconform embeds
	Events   int
	Requests int
	Rows     int             // verdict rows compared
	Verdicts []VerdictChange // rows whose verdict does not hold
	Findings []FindingChange // findings that do not hold, or that the history shows and the bundle does not
}

// Holds reports whether every verdict and finding of the bundle holds.
func (v *Verified) Holds() bool { return len(v.Verdicts) == 0 && len(v.Findings) == 0 }

// VerdictChange is a row whose verdict in the bundle is not the one its
// recorded answers give.
type VerdictChange struct {
	Row, Bundle, Recorded string
}

// FindingChange is a finding whose count of cases in the bundle is not the
// one its recorded answers give (0: not shown at all).
type FindingChange struct {
	Headline         string
	Bundle, Recorded int
}

// Verify judges a bundle's history again with the model of its profile and
// world, in the order the run judged it, and compares the verdicts and
// findings with those of its summary.json: a reviewer can trust a bundle
// without the target. Like etcd's robustness reports, what is re-validated
// is the recorded observations, not the run's word for them. It fails only
// when the bundle cannot be read.
func Verify(b *Bundle) (*Verified, error) {
	var s Summary
	v := &Verified{}
	p, err := bundleModel(b, &v.Meta, &s)
	if err != nil {
		return nil, err
	}
	v.Profile = embeddedOrNot(p, v.Meta.SpecSHA256)
	h, found, err := replayHistory(b, p, &s, v)
	if err != nil {
		return nil, err
	}
	v.compare(s, h, found)
	return v, nil
}

// bundleModel reads the bundle's metadata, summary and profile.
func bundleModel(b *Bundle, meta *Metadata, s *Summary) (*spec.Profile, error) {
	if err := b.decode(bundleMetadata, meta); err != nil {
		return nil, err
	}
	if err := b.decode(bundleSummary, s); err != nil {
		return nil, err
	}
	p, err := spec.Load(b.Files[bundleProfile])
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", b.Path, bundleProfile, err)
	}
	return p, nil
}

// embeddedOrNot says whether the bundle's profile is, byte for byte, the
// profile of that name this eniconform embeds.
func embeddedOrNot(p *spec.Profile, sum string) string {
	if q, err := spec.Get(p.Name); err == nil {
		if data, err := json.MarshalIndent(q, "", "  "); err == nil && digest(data) == sum {
			return p.Name + " (the same as this eniconform's)"
		}
	}
	return p.Name + " (not this eniconform's: another version, or a --spec-overlay; the bundle's own is used)"
}

// replayHistory applies the history's events to an engine on the bundle's
// world and counts the cases the run counted, as the run did.
func replayHistory(b *Bundle, p *spec.Profile, s *Summary, v *Verified) (*Harness, []*Finding, error) {
	var w oracle.World
	if err := b.decode(bundleWorld, &w); err != nil {
		return nil, nil, err
	}
	m, err := oracle.NewModel(p)
	if err != nil {
		return nil, nil, err
	}
	h := &Harness{Config: Config{Profile: p, World: &w, Strict: s.Strict}, Model: m, Results: NewResults(s.Seed), life: newLife()}
	if h.eng.state, err = oracle.NewState(&w); err != nil {
		return nil, nil, fmt.Errorf("%s: %s: %w", b.Path, bundleWorld, err)
	}
	h.eng.model = m
	r := replayer{h: h, open: map[uint64]*begun{}, done: map[uint64]StepResult{}}
	sc := bufio.NewScanner(bytes.NewReader(b.Files[bundleHistory]))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, nil, fmt.Errorf("%s: %s:%d: %w", b.Path, bundleHistory, line, err)
		}
		if err := r.apply(e); err != nil {
			return nil, nil, fmt.Errorf("%s: %s:%d: %w", b.Path, bundleHistory, line, err)
		}
		v.Events++
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %s: %w", b.Path, bundleHistory, err)
	}
	v.Requests = len(r.done)
	return h, r.findings(), nil
}

// replayer applies events as the harness did when it recorded them.
type replayer struct {
	h    *Harness
	open map[uint64]*begun     // requests begun, not yet answered
	done map[uint64]StepResult // requests answered, as judged again
	seen sightings
	n    uint64 // cases counted
}

func (r *replayer) apply(e event) error {
	eng := &r.h.eng
	switch e.Kind {
	case "begin":
		if e.Request == nil || r.open[e.Seq] != nil {
			return fmt.Errorf("begin %d: no request, or begun twice", e.Seq)
		}
		b := eng.begin(e.Request, eng.predict(e.Request))
		if b.fl != e.Seq {
			return fmt.Errorf("begin %d: the run numbered it %d; the history is out of order", b.fl, e.Seq)
		}
		r.open[e.Seq] = b
		r.done[e.Seq] = StepResult{Exchange: target.Exchange{Step: generators.Step{Action: e.Action}}}
	case "drop", "end":
		return r.finish(e)
	case "settle":
		if e.Request == nil || e.Answer == nil {
			return fmt.Errorf("settle: no request or answer")
		}
		eng.settle(e.Request, e.Answer)
	case "count":
		r.count(e.Seqs)
	default:
		return fmt.Errorf("unknown event %q", e.Kind)
	}
	return nil
}

// finish applies the answer (or the drop) of a request begun earlier.
func (r *replayer) finish(e event) error {
	b := r.open[e.Seq]
	if b == nil {
		return fmt.Errorf("%s %d: the request was not begun", e.Kind, e.Seq)
	}
	delete(r.open, e.Seq)
	if e.Kind == "drop" {
		r.h.eng.drop(b)
		delete(r.done, e.Seq)
		return nil
	}
	if e.Answer == nil {
		return fmt.Errorf("end %d: no answer", e.Seq)
	}
	j := r.h.eng.finish(b, e.Answer)
	s := r.done[e.Seq]
	s.Observed, s.Prediction, s.Divergences, s.Judged, s.Seq = *e.Answer, b.p, j.Divergences, j.Judged, e.Seq
	r.done[e.Seq] = s
	return nil
}

// count counts a case as the run did: its answers judged, its defects seen.
func (r *replayer) count(seqs []uint64) {
	var o Outcome
	for _, seq := range seqs {
		if s, ok := r.done[seq]; ok {
			o.Steps = append(o.Steps, s)
		}
	}
	r.h.Results.judge(&o)
	r.n++
	r.seen.add(r.h, r.n, &o)
}

// findings registers, and returns, the findings the counted cases show:
// by signature, with how many cases showed each.
func (r *replayer) findings() []*Finding {
	var out []*Finding
	for _, x := range r.seen.inOrder() {
		for _, sg := range r.h.sightingsOf(&x.out) {
			if sg.sig != x.sig {
				continue
			}
			d := sg.div
			f := &Finding{Signature: x.sig, Row: d.Row, Soft: d.Kind != oracle.Hard, Cross: r.h.crossCutting(d.Row), Cases: x.cases,
				Headline: r.h.findingHeadline(x.out.All()[sg.step].Step.Action, d)}
			out = append(out, r.h.Results.register(f))
			break
		}
	}
	return out
}

// compare sets what does not hold: the findings by signature and case
// count, then the verdict of every row.
func (v *Verified) compare(s Summary, h *Harness, found []*Finding) {
	recorded := map[string]*Finding{}
	for _, f := range found {
		recorded[f.Signature] = f
	}
	for _, f := range s.Findings {
		got := 0
		if r := recorded[f.Signature]; r != nil {
			got = r.Cases
		}
		if got != f.Cases {
			v.Findings = append(v.Findings, FindingChange{Headline: f.Headline, Bundle: f.Cases, Recorded: got})
		}
		delete(recorded, f.Signature)
	}
	for _, f := range found {
		if recorded[f.Signature] != nil {
			v.Findings = append(v.Findings, FindingChange{Headline: f.Headline, Recorded: f.Cases})
		}
	}
	judged := map[string]string{}
	for _, x := range h.Verdicts() {
		judged[x.ID] = x.Verdict
	}
	for _, x := range s.Verdicts {
		v.Rows++
		if got := judged[x.ID]; got != x.Verdict {
			v.Verdicts = append(v.Verdicts, VerdictChange{Row: x.ID, Bundle: x.Verdict, Recorded: got})
		}
	}
}
