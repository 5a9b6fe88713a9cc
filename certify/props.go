package certify

import (
	"slices"
	"time"

	"github.com/eniconform/eniconform/harness"
)

// property is one property of the run in progress: what it sends, and the
// headlines of the findings its calls showed.
type property struct {
	summary harness.PropSummary
	start   time.Time
	seen    []string
}

// prop starts a property of family about rule (may be "") named name; the
// findings recorded until addProp count against it.
func (r *runner) prop(family, rule, name string) {
	r.cur = &property{summary: harness.PropSummary{Family: family, Rule: rule, Name: name}, start: time.Now()}
}

// add records defect d seen in call c, for the run and the current
// property; nil when the row's findings are capped.
func (r *runner) add(d defect, c called) *finding {
	f := r.found.add(d, c)
	if f != nil {
		r.sighted(f)
		if f.Property == "" && r.cur != nil {
			f.Property = r.cur.summary.Name
		}
	}
	return f
}

// sighted counts finding f for the current property.
func (r *runner) sighted(f *finding) {
	if r.cur != nil && !slices.Contains(r.cur.seen, f.headline()) {
		r.cur.seen = append(r.cur.seen, f.headline())
	}
}

// addProp ends the current property: cases were judged; skipped says why
// none was.
func (r *runner) addProp(cases int, skipped string) {
	p := r.cur
	if p == nil {
		return
	}
	s := p.summary
	s.Cases, s.Seconds, s.Findings, s.Result = cases, time.Since(p.start).Seconds(), p.seen, "passed"
	switch {
	case len(s.Findings) > 0:
		s.Result = "failed"
	case cases == 0:
		s.Result, s.Skipped = "skipped", or(skipped, "no call was judged")
	}
	r.props, r.cur = append(r.props, s), nil
}
