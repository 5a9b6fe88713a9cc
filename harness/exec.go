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

// step runs one step. The prediction is made, and the request sent and
// learned, under the lock of the lane whose state decides it, so that two
// requests whose outcomes depend on each other are never in flight at once.
func (h *Harness) step(ctx context.Context, sess *target.Session, st generators.Step) StepResult {
	pend := h.Conn.Prepare(ctx, sess, st)
	p := h.predict(&pend.Request)
	if p.Lane != "" {
		lk := h.lane(p.Lane)
		lk.Lock()
		defer lk.Unlock()
		p = h.predict(&pend.Request)
	}
	x := pend.Send(p.RecordsNonce)
	h.mu.Lock()
	divs := h.Model.Check(&h.state, &p, &x.Observed)
	h.state = h.Model.Next(h.state, &p, &x.Observed)
	h.mu.Unlock()
	return StepResult{Exchange: x, Prediction: p, Divergences: divs}
}

func (h *Harness) predict(r *oracle.Request) oracle.Prediction {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.Model.Predict(&h.state, r)
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
