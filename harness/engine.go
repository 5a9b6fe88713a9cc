package harness

import (
	"slices"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// engine is the judging state of a run: the model's state and the requests
// in flight. Each change to it is one event — a request begun, one dropped
// before it was answered, one answered, a lane settled by a listing — and
// an event's effect depends only on the events before it. The harness
// applies them under its lock as requests go out and come back, and
// records them (history.go); `eniconform verify` applies a recorded history
// again, offline, and gets the same judgements. The engine is not safe for
// concurrent use: the Harness guards it with its mutex.
type engine struct {
	model   *oracle.Model
	state   oracle.State
	flights flights
}

// begun is a request in flight: its prediction, the state it was predicted
// in, and what Begin recorded of it.
type begun struct {
	p       oracle.Prediction
	req     *oracle.Request
	fl      uint64
	crowded bool // another request of its lane was in flight already
	before  oracle.State
	f       oracle.InFlight
}

// predict is the prediction for a request in the current state.
func (e *engine) predict(req *oracle.Request) oracle.Prediction {
	return e.model.Predict(&e.state, req)
}

// begin records a request predicted p as in flight.
func (e *engine) begin(req *oracle.Request, p oracle.Prediction) *begun {
	b := &begun{p: p, req: req, before: e.state}
	b.fl, b.crowded = e.flights.begin(&b.p)
	e.state, b.f = e.model.Begin(e.state, &b.p)
	return b
}

// drop takes back a request that was never answered (the run stopped, or
// Throttling outlasted the retries): it changed nothing the harness knows.
func (e *engine) drop(b *begun) {
	e.state = e.model.End(e.state, b.f)
	e.flights.end(b.fl)
}

// finish judges the answer to a request and learns from it. An answer that
// fits the prediction is right (the requests that started later came after
// it); one that does not is judged again with every request of its lane
// that started while it was in flight (fitsLater). Then the state follows
// the answer, and a listing taken alone in its lane settles the lane.
func (e *engine) finish(b *begun, o *oracle.Observation) oracle.Judgement {
	j := e.model.Judge(&b.before, &b.p, o)
	if weight(j) > 0 {
		if later, ok := e.fitsLater(b, o, j); ok {
			j = later // the answer fits an order with requests that started later first
		}
	}
	e.state = e.model.End(e.state, b.f)
	e.state = e.model.Next(e.state, &b.p, o)
	if !b.crowded && listingHolds(j, &b.p) && len(e.flights.since(b.fl, b.p.Lane)) == 0 {
		e.state = e.model.Settle(e.state, &b.p, o) // a listing taken alone in its lane is exact
	}
	e.flights.end(b.fl)
	return j
}

// settle makes the state what a complete listing of a lane shows (the
// inventory at the start of a run): the listing is predicted for req,
// learned and settled on.
func (e *engine) settle(req *oracle.Request, all *oracle.Observation) {
	p := e.model.Predict(&e.state, req)
	e.state = e.model.Settle(e.model.Next(e.state, &p, all), &p, all)
}

// fitsLater judges an answer that diverged from its prediction again, on
// the state it was predicted in with every request of its lane that started
// while it was in flight added as in flight too, since the target may have
// applied those first. It returns that judgement unless it weighs more: an
// order may explain some divergences, and a hard divergence that remains
// when the later requests may or may not have taken effect holds in every
// order (where the first judgement blamed a limit that a later delete had
// freed, the second blames what the target really did wrong). Divergences
// no order can explain (a wrong format, say) stay in both, so that one
// defect does not keep the order from explaining the rest.
func (e *engine) fitsLater(b *begun, o *oracle.Observation, first oracle.Judgement) (oracle.Judgement, bool) {
	later := e.flights.since(b.fl, b.p.Lane)
	if len(later) == 0 {
		return oracle.Judgement{}, false
	}
	judged := b.before
	for _, q := range later {
		judged, _ = e.model.Begin(judged, q)
	}
	jp := e.model.Predict(&judged, b.req)
	j := e.model.Judge(&judged, &jp, o)
	return j, weight(j) <= weight(first)
}

// listingHolds reports whether an answer's outcome and the state it shows
// conform (a wrong format or envelope says nothing about what exists).
func listingHolds(j oracle.Judgement, p *oracle.Prediction) bool {
	return !slices.ContainsFunc(j.Divergences, func(d oracle.Divergence) bool {
		return d.Row == spec.AspectPostState || d.Row == p.Row() || d.Row == spec.AspectAnswer
	})
}

// weight orders judgements by their divergences that the order of
// requests can change: hard ones first, then all. The aspects of the form
// of an answer (its format, envelope, IDs) are left out: they do not depend
// on the order, and some are judged only on one outcome (a malformed ID
// shows only when the create succeeds), so they must not keep an order
// from explaining the outcome.
func weight(j oracle.Judgement) int {
	w := 0
	for _, d := range j.Divergences {
		if ofForm[d.Row] {
			continue
		}
		w++
		if d.Kind == oracle.Hard {
			w += 1000
		}
	}
	return w
}

// ofForm lists the aspects judged on an answer's form alone.
var ofForm = map[string]bool{spec.AspectAnswer: true, spec.AspectFormat: true, spec.AspectEnvelope: true,
	spec.AspectRequestID: true, spec.AspectENIID: true, spec.AspectENIFields: true}
