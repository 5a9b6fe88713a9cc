package harness

import (
	"context"
	"sort"
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
}

// Outcome is a case run against the target.
type Outcome struct {
	Case    generators.Case
	Steps   []StepResult
	Cleanup []StepResult // the deletes of what the case created
}

// Failure is the first step of an outcome that diverges in a way that fails
// the run (hard, or any kind in strict mode), with those divergences.
func (o *Outcome) Failure(strict bool) (int, []oracle.Divergence) {
	for i, s := range o.Steps {
		var fail []oracle.Divergence
		for _, d := range s.Divergences {
			if d.Kind == oracle.Hard || strict {
				fail = append(fail, d)
			}
		}
		if len(fail) > 0 {
			return i, fail
		}
	}
	return -1, nil
}

// Soft counts the divergences that fail only in strict mode.
func (o *Outcome) Soft() int {
	n := 0
	for _, s := range o.Steps {
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
func (h *Harness) Exec(ctx context.Context, c generators.Case) Outcome {
	sess := target.NewSession(h.run)
	out := Outcome{Case: c}
	for _, st := range c.Steps {
		if ctx.Err() != nil {
			break
		}
		out.Steps = append(out.Steps, h.step(ctx, sess, st))
	}
	out.Cleanup = h.cleanup(sess)
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
func (h *Harness) step(ctx context.Context, sess *target.Session, st generators.Step) StepResult {
	pend := h.Conn.Prepare(ctx, sess, st)
	h.mu.Lock()
	p := h.Model.Predict(&h.state, &pend.Request)
	fl, crowded := h.flights.begin(&p)
	before := h.state
	var f oracle.InFlight
	h.state, f = h.Model.Begin(h.state, &p)
	h.mu.Unlock()

	x := pend.Send(p.NonceUntil)

	divs := h.Model.Check(&before, &p, &x.Observed)
	if len(divs) > 0 && h.fitsLater(before, pend, fl, &p, &x.Observed) {
		divs = nil // the answer fits an order with requests that started later first
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	h.state = h.Model.End(h.state, f)
	h.state = h.Model.Next(h.state, &p, &x.Observed)
	if !crowded && len(divs) == 0 && len(h.flights.since(fl, p.Lane)) == 0 {
		h.state = h.Model.Settle(h.state, &p, &x.Observed) // a listing taken alone in its lane is exact
	}
	h.flights.end(fl)
	return StepResult{Exchange: x, Prediction: p, Divergences: divs}
}

// fitsLater reports whether an answer that diverged from its prediction
// fits the state it was predicted in with every request of its lane that
// started while it was in flight added as in flight too. It only accepts:
// an answer that still diverges is reported against the first prediction.
func (h *Harness) fitsLater(before oracle.State, pend *target.Pending, fl uint64, p *oracle.Prediction, o *oracle.Observation) bool {
	h.mu.Lock()
	later := h.flights.since(fl, p.Lane)
	h.mu.Unlock()
	if len(later) == 0 {
		return false
	}
	judged := before
	for _, q := range later {
		judged, _ = h.Model.Begin(judged, q)
	}
	jp := h.Model.Predict(&judged, &pend.Request)
	return len(h.Model.Check(&judged, &jp, o)) == 0
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
// each ENI, in a fixed order.
func (h *Harness) cleanup(sess *target.Session) []StepResult {
	made := sess.CreatedBy()
	ids := make([]string, 0, len(made))
	for id := range made {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ctx, cancel := context.WithTimeout(context.Background(), 2*h.Timeout+time.Second)
	defer cancel()
	var out []StepResult
	for _, id := range ids {
		by := made[id]
		del := generators.Step{Action: "DeleteNetworkInterface", Key: by.Key,
			Params: map[string]string{"RegionId": by.Params["RegionId"], "NetworkInterfaceId": id}}
		out = append(out, h.step(ctx, sess, del))
	}
	return out
}
