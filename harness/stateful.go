package harness

import (
	"context"
	"sync"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/target"
	"pgregory.net/rapid"
)

// stateful runs rapid's state machine: sequences of creates, deletes,
// replays and describes chosen by generators.Machine, each step judged by
// the oracle. Like explore, it runs every sequence (Checks/10, at least 5,
// each from its own seed) and then shrinks each defect they showed on its
// own: rapid runs the sequence of the first seed that showed it again,
// failing only while the defect shows; the last such sequence is the
// minimal one, saved as a replayable case.
func (h *Harness) stateful(ctx context.Context, p *Property) PropResult {
	res := PropResult{Property: p}
	if len(h.Env.Homes) == 0 {
		res.Skipped = "the world has no place where an ENI can be created: add a main account with a vSwitch and a VPC security group"
		return res
	}
	if err := h.supports(ctx, p); err != nil {
		res.Skipped = err.Error()
		return res
	}
	var seen sightings
	base := h.seedFor(p)
	for i := 0; i < max(h.Checks/10, 5) && ctx.Err() == nil; i++ {
		out, _ := h.machine(ctx, base+uint64(i), "")
		res.Cases++
		res.Soft += out.Soft()
		h.Results.judge(&out)
		if ctx.Err() == nil {
			seen.add(h, base+uint64(i), &out)
			if j, _ := out.Failure(h.Strict); j >= 0 {
				res.Divergent++
			}
		}
	}
	res.Showed, res.Probed = h.report(ctx, p, seen.inOrder(), func(ctx context.Context, s *sighted) (Outcome, bool) {
		return h.machine(ctx, s.seed, s.sig)
	})
	return res
}

// machine runs the sequence rapid draws from seed. With sig empty it runs
// the whole sequence once and returns it. Otherwise it stops a sequence at
// the step that shows the defect sig, and rapid shrinks; it returns the last
// (the minimal) sequence that showed it, and whether one did.
func (h *Harness) machine(ctx context.Context, seed uint64, sig string) (Outcome, bool) {
	var mu sync.Mutex
	var last Outcome
	shown := false
	shrink := h.ShrinkTime
	if sig == "" {
		shrink = 0
	}
	h.abandonable(ctx, func() {
		withRapid(seed, 1, shrink, func() {
			rapid.Check(&quietTB{}, func(t *rapid.T) {
				if ctx.Err() != nil {
					t.Skip("interrupted")
				}
				stop := func(o *Outcome) bool { return sig != "" && h.shows(o, sig) }
				out := h.sequence(ctx, t, stop, func(o Outcome) {
					mu.Lock()
					defer mu.Unlock()
					if ctx.Err() == nil {
						last, shown = o, true
					}
				})
				mu.Lock()
				defer mu.Unlock()
				if sig == "" {
					last = out
				}
			})
		})
	})
	mu.Lock()
	defer mu.Unlock()
	return last, shown
}

// sequence runs one state-machine sequence and cleans up after it. The
// sequence is kept as a case whose later steps refer to the ENIs of earlier
// ones (Ref), so that it can be replayed. When stop holds after a step,
// stopped gets the sequence so far and t fails.
func (h *Harness) sequence(ctx context.Context, t *rapid.T, stop func(*Outcome) bool, stopped func(Outcome)) (out Outcome) {
	send, done := graceful(ctx)
	defer done()
	sess := target.NewSession(h.run)
	out = Outcome{Case: generators.Case{Generator: "machine"}}
	made := map[string]int{} // ENI ID → the step that created it
	m := generators.NewMachine(h.Env, func(t *rapid.T, st generators.Step) string {
		replayable := st
		replayable.Params = map[string]string{}
		for k, v := range st.Params {
			if n, ok := made[v]; ok && k == "NetworkInterfaceId" {
				v = generators.Ref(n)
			}
			replayable.Params[k] = v
		}
		if ctx.Err() != nil {
			out.Abandoned = "the run stopped"
			t.Skip(out.Abandoned) // no action runs any more: the sequence ends
		}
		r := h.step(send, sess, st)
		if r.Dropped != "" {
			out.Abandoned = r.Dropped
			t.Skip(r.Dropped) // dropped: not part of the sequence (the budget is spent, say)
		}
		out.Case.Steps = append(out.Case.Steps, replayable)
		out.Steps = append(out.Steps, r)
		h.progress()
		if stop(&out) {
			stopped(out)
			t.Fatalf("stopped at step %d", len(out.Steps))
		}
		id := ""
		if st.Action == h.Profile.Subject && !r.Observed.Failed() && r.Observed.NetworkInterfaceID != "" {
			id = r.Observed.NetworkInterfaceID
			if _, seen := made[id]; !seen {
				made[id] = len(out.Case.Steps)
			}
		}
		return id
	})
	defer func() { // also when a step fails t
		out.Cleanup = h.cleanup(send, sess)
		h.Results.count(len(out.Steps) + len(out.Cleanup))
	}()
	t.Repeat(m.Actions())
	return out
}
