package harness

import (
	"context"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/target"
	"pgregory.net/rapid"
)

// stateful runs rapid's state machine: sequences of creates, deletes,
// replays and describes chosen by generators.Machine, each step judged by
// the oracle. rapid shrinks a failing sequence itself; the last failing
// sequence it runs is the minimal one, saved as a replayable case.
func (h *Harness) stateful(ctx context.Context, p *Property) PropResult {
	res := PropResult{Property: p}
	if len(h.Env.Homes) == 0 {
		res.Skipped = "the world has no place where an ENI can be created"
		return res
	}
	if err := h.supports(ctx, p); err != nil {
		res.Skipped = err.Error()
		return res
	}
	var failed *Outcome
	sequences := max(h.Checks/10, 5)
	withRapid(h.seedFor(p), sequences, h.ShrinkTime, func() {
		rapid.Check(&quietTB{}, func(t *rapid.T) {
			if ctx.Err() != nil {
				t.Skip("interrupted")
			}
			if failed == nil {
				res.Cases++ // sequences rapid runs to shrink a failure are not cases of the property
			}
			out := h.sequence(ctx, t, func(o Outcome) { failed = &o })
			res.Soft += out.Soft()
		})
	})
	if failed != nil {
		res.Failure = h.failure(p, *failed, h.seedFor(p))
		res.Failure.Shrunk, res.Divergent = true, 1
	}
	return res
}

// sequence runs one state-machine sequence and cleans up after it. The
// sequence is kept as a case whose later steps refer to the ENIs of earlier
// ones (Ref), so that it can be replayed; on the first failing step, fail
// gets it and t fails.
func (h *Harness) sequence(ctx context.Context, t *rapid.T, fail func(Outcome)) Outcome {
	sess := target.NewSession(h.run)
	out := Outcome{Case: generators.Case{Generator: "machine"}}
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
		out.Case.Steps = append(out.Case.Steps, replayable)
		r := h.step(ctx, sess, st)
		out.Steps = append(out.Steps, r)
		h.progress()
		if i, _ := out.Failure(h.Strict); i >= 0 {
			fail(out)
			t.Fatalf("%s", signature(out, h.Strict))
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
	defer h.cleanup(sess) // also when a step fails t
	t.Repeat(m.Actions())
	return out
}
