package harness

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
)

// StepResult is one step as predicted, sent, answered and judged.
type StepResult struct {
	target.Exchange
	Prediction  oracle.Prediction
	Divergences []oracle.Divergence
	Judged      []string // the verdict rows the answer was judged on (oracle.Judgement)
}

// Outcome is a case run against the target.
type Outcome struct {
	Case    generators.Case
	Steps   []StepResult
	Cleanup []StepResult // the deletes of what the case created
	// Abandoned says why the case stopped before its end ("" when it did
	// not): a step was dropped (the run stopped, the target throttled it
	// every time, the create budget is spent). An abandoned case is not
	// judged as a whole; its steps that were carried out are in Steps.
	Abandoned string
}

// All returns the steps and then the cleanup, every request of the case.
func (o *Outcome) All() []StepResult {
	return append(append(make([]StepResult, 0, len(o.Steps)+len(o.Cleanup)), o.Steps...), o.Cleanup...)
}

// Failure is the first request of an outcome (an index into All) that
// diverges in a way that fails the run (hard, or any kind in strict mode),
// with those divergences.
func (o *Outcome) Failure(strict bool) (int, []oracle.Divergence) {
	for i, s := range o.All() {
		if fail := failing(s.Divergences, strict); len(fail) > 0 {
			return i, fail
		}
	}
	return -1, nil
}

// Soft counts the divergences that fail only in strict mode.
func (o *Outcome) Soft() int {
	n := 0
	for _, s := range o.All() {
		for _, d := range s.Divergences {
			if d.Kind != oracle.Hard {
				n++
			}
		}
	}
	return n
}

// Exec runs a case: each step is predicted, sent, checked and learned; then
// every ENI the case created is deleted (those deletes are judged too).
// The case stops early when ctx is done; the cleanup still runs, on a
// context of its own.
//
// Cases run concurrently, with no locks around requests: a step in flight
// is, for every other prediction, an outcome not yet observed (oracle
// Begin/End), and a step is judged with every request that started while it
// was in flight as well. Predictions thus allow every order the target may
// have applied concurrent requests in; near a limit they allow both
// outcomes, and only a listing taken alone in its lane settles the state.
//
// No step starts once ctx is done or the run stops (Interrupt, the
// breaker, --max-time); the requests in flight then get Grace to finish,
// the cleanup too, and the final sweep deletes what is left.
func (h *Harness) Exec(ctx context.Context, c generators.Case) Outcome {
	if c.Exclusive {
		defer h.lockLane(c)()
	}
	ctx, cancel := h.within(ctx)
	defer cancel()
	send, done := graceful(ctx)
	defer done()
	sess := target.NewSession(h.run)
	out := Outcome{Case: c}
	for _, st := range c.Steps {
		if ctx.Err() != nil {
			out.Abandoned = "the run stopped"
			break
		}
		r := h.step(send, sess, st)
		if r.Dropped != "" {
			out.Abandoned = r.Dropped
			break
		}
		out.Steps = append(out.Steps, r)
	}
	out.Cleanup = h.cleanup(send, sess)
	h.Results.count(len(out.Steps) + len(out.Cleanup))
	return out
}

// step runs one step: predicted and recorded as in flight, sent, judged,
// and learned. An answer that fits the prediction is right (the requests
// that started later came after it); one that does not is judged again on
// the state it was predicted in plus every request of its lane that started
// while it was in flight, since the target may have applied those first.
// Only the prediction and the learning hold the lock; judging works on
// immutable states outside it.
//
// ctx bounds the sending (its turn at the pacer, the request, backoff after
// Throttling). A step that is dropped (the budget is spent, ctx ends before
// its turn, Throttling every time) changed nothing and is not judged:
// Dropped says why.
func (h *Harness) step(ctx context.Context, sess *target.Session, st generators.Step) StepResult {
	pend := h.Conn.Prepare(ctx, sess, st)
	h.mu.Lock()
	p := h.Model.Predict(&h.state, &pend.Request)
	if st.Action == h.Profile.Subject && mayCreate(&p) && !h.budget.take() {
		h.mu.Unlock()
		return StepResult{Exchange: pend.Drop(h.spentWhy()), Prediction: p}
	}
	fl, crowded := h.flights.begin(&p)
	before := h.state
	var f oracle.InFlight
	h.state, f = h.Model.Begin(h.state, &p)
	h.mu.Unlock()

	pend.NoRetry = p.Winner != nil && p.Winner.Code == h.Conn.Throttle
	x := pend.Send(p.NonceUntil)
	h.observe(&x)
	h.throttled.Add(int64(x.Throttled))
	if x.Dropped != "" {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.state = h.Model.End(h.state, f)
		h.flights.end(fl)
		if x.Throttled > 0 {
			h.dropped.Add(1)
		}
		return StepResult{Exchange: x, Prediction: p}
	}
	defer h.record(&x)

	j := h.Model.Judge(&before, &p, &x.Observed)
	if weight(j) > 0 {
		if later, ok := h.fitsLater(before, pend, fl, &p, &x.Observed, j); ok {
			j = later // the answer fits an order with requests that started later first
		}
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = h.Model.End(h.state, f)
	h.state = h.Model.Next(h.state, &p, &x.Observed)
	if !crowded && listingHolds(j, &p) && len(h.flights.since(fl, p.Lane)) == 0 {
		h.state = h.Model.Settle(h.state, &p, &x.Observed) // a listing taken alone in its lane is exact
	}
	h.flights.end(fl)
	return StepResult{Exchange: x, Prediction: p, Divergences: j.Divergences, Judged: j.Judged}
}

// listingHolds reports whether an answer's outcome and the state it shows
// conform (a wrong format or envelope says nothing about what exists).
func listingHolds(j oracle.Judgement, p *oracle.Prediction) bool {
	return !slices.ContainsFunc(j.Divergences, func(d oracle.Divergence) bool {
		return d.Row == spec.AspectPostState || d.Row == p.Row() || d.Row == spec.AspectAnswer
	})
}

// fitsLater judges an answer that diverged from its prediction again, on
// the state it was predicted in with every request of its lane that started
// while it was in flight added as in flight too, since the target may have
// applied those first. It returns that judgement unless it weighs more: an
// order may explain some divergences, and a hard divergence that remains
// when the later requests may or may not have taken effect holds in every
// order (where the first judgement blamed a limit that a later delete had
// freed, the second blames what the target really did wrong). Divergences no order can
// explain (a wrong format, say) stay in both, so that one defect does not
// keep the order from explaining the rest.
func (h *Harness) fitsLater(before oracle.State, pend *target.Pending, fl uint64, p *oracle.Prediction, o *oracle.Observation, first oracle.Judgement) (oracle.Judgement, bool) {
	h.mu.Lock()
	later := h.flights.since(fl, p.Lane)
	h.mu.Unlock()
	if len(later) == 0 {
		return oracle.Judgement{}, false
	}
	judged := before
	for _, q := range later {
		judged, _ = h.Model.Begin(judged, q)
	}
	jp := h.Model.Predict(&judged, &pend.Request)
	j := h.Model.Judge(&judged, &jp, o)
	return j, weight(j) <= weight(first)
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

// flights logs the requests in flight, in the order they started, so that a
// step can be judged with those that started after it. Guarded by h.mu.
type flights struct {
	next   uint64
	log    []flight        // ordered by seq; trimmed to the oldest open flight
	open   map[uint64]bool // seq → still in flight
	inLane map[string]int  // lane → flights in it still open
}

type flight struct {
	seq  uint64
	pred *oracle.Prediction
}

// begin opens a flight; crowded says whether another request of its lane is
// in flight already.
func (f *flights) begin(p *oracle.Prediction) (seq uint64, crowded bool) {
	if f.open == nil {
		f.open, f.inLane = map[uint64]bool{}, map[string]int{}
	}
	crowded = f.inLane[p.Lane] > 0
	f.next++
	f.log = append(f.log, flight{f.next, p})
	f.open[f.next] = true
	f.inLane[p.Lane]++
	return f.next, crowded
}

// since returns the predictions of the requests of a lane that started
// after seq, scanning back from the newest. A request whose outcome depends
// on no lane (lane "") needs none: its prediction holds whatever happens.
func (f *flights) since(seq uint64, lane string) []*oracle.Prediction {
	var out []*oracle.Prediction
	for i := len(f.log) - 1; lane != "" && i >= 0 && f.log[i].seq > seq; i-- {
		if f.log[i].pred.Lane == lane {
			out = append(out, f.log[i].pred)
		}
	}
	return out
}

// end closes a flight and forgets the ones no open flight can need.
func (f *flights) end(seq uint64) {
	for _, fl := range f.log {
		if fl.seq == seq {
			f.inLane[fl.pred.Lane]--
			break
		}
	}
	delete(f.open, seq)
	i := 0
	for i < len(f.log) && !f.open[f.log[i].seq] {
		i++ // the log starts at the oldest open flight
	}
	f.log = f.log[i:]
}

// cleanup deletes what a case created, with the key and region that created
// each ENI, in a fixed order; send bounds the requests (after a stop, what
// it cannot delete in Grace the final sweep deletes).
func (h *Harness) cleanup(send context.Context, sess *target.Session) []StepResult {
	made := sess.CreatedBy()
	ids := make([]string, 0, len(made))
	for id := range made {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ctx, cancel := context.WithTimeout(send, 2*h.Timeout+time.Second)
	defer cancel()
	var out []StepResult
	for _, id := range ids {
		by := made[id]
		del := generators.Step{Action: "DeleteNetworkInterface", Key: by.Key,
			Params: map[string]string{"RegionId": by.Params["RegionId"], "NetworkInterfaceId": id}}
		if r := h.step(ctx, sess, del); r.Dropped == "" {
			out = append(out, r)
		}
	}
	return out
}

// record writes what a step made or deleted to the ledger: the ENI a create
// was answered with, a create of unknown outcome, a delete that succeeded.
func (h *Harness) record(x *target.Exchange) {
	o := &x.Observed
	key, region := x.Step.Key, x.Step.Params["RegionId"]
	switch {
	case x.Step.Action == h.Profile.Subject && o.Kind == oracle.Answered && !o.Failed():
		h.ledger.Created(o.NetworkInterfaceID, key, region)
	case x.Step.Action == h.Profile.Subject && o.Kind != oracle.Answered:
		h.ledger.Unknown(key, region)
	case x.Step.Action == "DeleteNetworkInterface" && o.Kind == oracle.Answered && !o.Failed():
		h.ledger.Ended(x.Step.Params["NetworkInterfaceId"], LedgerDeleted)
	}
}

// lockLane locks the lane of a case that must run alone in it (its first
// step's owner and region) and returns the unlock. A case that fills a
// limit is judged exactly only when no other case of its lane runs meanwhile.
func (h *Harness) lockLane(c generators.Case) func() {
	lane := ""
	if len(c.Steps) > 0 {
		st := c.Steps[0]
		if a := h.State().Account(st.Key); a != nil {
			lane = oracle.LaneOf(a.Owner(), st.Params["RegionId"])
		}
	}
	mu, _ := h.lanes.LoadOrStore(lane, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}
