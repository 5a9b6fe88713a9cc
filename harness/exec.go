package harness

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
)

// StepResult is one step as predicted, sent, answered and judged.
type StepResult struct {
	target.Exchange
	Prediction  oracle.Prediction
	Divergences []oracle.Divergence
	Judged      []string // the verdict rows the answer was judged on (oracle.Judgement)
	Seq         uint64   // the request's number in the run's history; 0 if it was never sent
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
	if why := h.unsendable(c); why != "" {
		out.Abandoned = why // not a case of this run: it needs a sending the run excludes
		return out
	}
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
// and learned (engine.begin and engine.finish, each one event of the run's
// history, under the lock; the sending outside it).
//
// ctx bounds the sending (its turn at the pacer, the request, backoff after
// Throttling). A step that is dropped (the budget is spent, ctx ends before
// its turn, Throttling every time) changed nothing and is not judged:
// Dropped says why.
func (h *Harness) step(ctx context.Context, sess *target.Session, st generators.Step) StepResult {
	pend := h.Conn.Prepare(ctx, sess, st)
	h.mu.Lock()
	p := h.eng.predict(&pend.Request)
	if st.Action == h.Profile.Subject && mayCreate(&p) && !h.budget.take() {
		h.mu.Unlock()
		return StepResult{Exchange: pend.Drop(h.spentWhy()), Prediction: p}
	}
	b := h.eng.begin(&pend.Request, p)
	h.hist.begin(b, st.Action)
	h.mu.Unlock()

	pend.NoRetry = p.Winner != nil && p.Winner.Code == h.Conn.Throttle
	x := pend.Send(p.NonceUntil)
	h.observe(&x)
	h.throttled.Add(int64(x.Throttled))
	h.mu.Lock()
	defer h.mu.Unlock()
	if x.Dropped != "" {
		h.eng.drop(b)
		h.hist.drop(b)
		if x.Throttled > 0 {
			h.dropped.Add(1)
		}
		return StepResult{Exchange: x, Prediction: p}
	}
	defer h.record(&x)
	j := h.eng.finish(b, &x.Observed)
	h.hist.end(b, &x.Observed)
	return StepResult{Exchange: x, Prediction: p, Divergences: j.Divergences, Judged: j.Judged, Seq: b.fl}
}

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

// unsendable says why a case cannot be sent as the run's --signature asks
// (a step needs the other scheme for the rule it breaks), or "".
func (h *Harness) unsendable(c generators.Case) string {
	for _, st := range c.Steps {
		if why := h.Conn.Sendable(st); why != "" {
			return why
		}
	}
	return ""
}
