package oracle_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
	"github.com/eniconform/eniconform/world"
	"pgregory.net/rapid"
)

// These properties check the oracle against itself, on cases from package
// generators simulated with the oracle as the server (target.Simulate).

func newSim(t interface{ Fatal(...any) }, w *oracle.World, p *spec.Profile) *target.Simulator {
	x, err := target.NewSimulator(w, p, now)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// profiles runs a test on every embedded profile: the meta-tests hold for
// each.
func profiles(t *testing.T, test func(t *testing.T, p *spec.Profile)) {
	for _, name := range spec.Names() {
		t.Run(name, func(t *testing.T) { test(t, spec.Must(name)) })
	}
}

// A request that is valid in a state is predicted to succeed, in any world.
func TestPropValidIsSuccess(t *testing.T) { profiles(t, testPropValidIsSuccess) }

func testPropValidIsSuccess(t *testing.T, prof *spec.Profile) {
	rapid.Check(t, func(t *rapid.T) {
		x := newSim(t, generators.Worlds().Draw(t, "world"), prof)
		g, err := x.Env.Valid()
		if err != nil {
			t.Skip(err)
		}
		steps, _ := x.Run(g.Draw(t, "case"))
		if p := steps[0].Prediction; !p.Success() {
			t.Fatalf("predicted %s", p.Winner.ID)
		}
	})
}

// Breaking exactly one rule yields exactly that rule's code and status.
func TestPropOneRuleOneCode(t *testing.T) { profiles(t, testPropOneRuleOneCode) }

func testPropOneRuleOneCode(t *testing.T, prof *spec.Profile) {
	x := newSim(t, world.Default(), prof)
	rapid.Check(t, func(t *rapid.T) {
		id := rapid.SampledFrom(generators.Covered(prof)).Draw(t, "rule")
		g, err := x.Env.ForRule(id)
		if err != nil {
			t.Fatal(err)
		}
		steps, _ := x.Run(g.Draw(t, "case"))
		probe := steps[len(steps)-1]
		r := prof.Rule(id)
		if o := probe.Observed; probe.Prediction.Winner != r || o.Code != r.Code || o.Status != r.HTTP || len(probe.Prediction.Violated) != 1 {
			t.Fatalf("want %s (HTTP %d), the model answers %s (HTTP %d), violated %d rules", r.Code, r.HTTP, o.Code, o.Status, len(probe.Prediction.Violated))
		}
	})
}

// Predict, Answer, Check and Next never change the state they are given.
func TestPropStateIsNeverMutated(t *testing.T) { profiles(t, testPropStateIsNeverMutated) }

func testPropStateIsNeverMutated(t *testing.T, prof *spec.Profile) {
	x := newSim(t, world.Default(), prof)
	g, _ := x.Env.AnyRule()
	rapid.Check(t, func(t *rapid.T) {
		_, s := x.Run(g.Draw(t, "earlier case")) // a state with some history
		before := s.Dump()
		steps, after := x.From(s).Run(g.Draw(t, "case"))
		for _, st := range steps {
			x.Model.Check(&s, &st.Prediction, &st.Observed)
		}
		if got := s.Dump(); got != before {
			t.Fatalf("the state changed under the model:\nbefore:\n%s\nafter:\n%s", before, got)
		}
		_ = after
	})
}

// Replaying a ClientToken with identical parameters predicts the same ID
// and leaves the quota (and everything else) unchanged.
func TestPropReplayIsIdempotent(t *testing.T) { profiles(t, testPropReplayIsIdempotent) }

func testPropReplayIsIdempotent(t *testing.T, prof *spec.Profile) {
	x := newSim(t, world.Default(), prof)
	g, err := x.Env.Replay()
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		c := g.Draw(t, "case")
		first, afterFirst := x.Run(generators.Case{Steps: c.Steps[:1]})
		both, afterBoth := x.Run(c)
		id := first[0].Observed.NetworkInterfaceID
		if both[1].Prediction.Replay != id || both[1].Observed.NetworkInterfaceID != id {
			t.Fatalf("the replay predicts %q and answers %q, want the first ENI %q", both[1].Prediction.Replay, both[1].Observed.NetworkInterfaceID, id)
		}
		// the sessions of the two runs make the token unique differently: compare the rest
		if noTokens(afterFirst.Dump()) != noTokens(afterBoth.Dump()) {
			t.Fatalf("the replay changed the state:\n%s\n----\n%s", afterFirst.Dump(), afterBoth.Dump())
		}
	})
}

func noTokens(dump string) string {
	lines := strings.Split(dump, "\n")
	return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return strings.HasPrefix(l, "token ") }), "\n")
}

// With a quota of q, q creates succeed and the (q+1)-th is
// MaxEniCountExceeded.
func TestPropQuotaPlusOne(t *testing.T) { profiles(t, testPropQuotaPlusOne) }

func testPropQuotaPlusOne(t *testing.T, prof *spec.Profile) {
	rapid.Check(t, func(t *rapid.T) {
		q := rapid.IntRange(0, 8).Draw(t, "quota")
		w := world.Default()
		i := slices.IndexFunc(w.Accounts, func(a oracle.Account) bool { return a.AccessKeyID == "small" })
		w.Accounts[i].ENIQuota = map[string]int{"cn-hangzhou": q}
		x := newSim(t, w, prof)
		create := generators.Step{Action: "CreateNetworkInterface", Key: "small",
			Params: map[string]string{"RegionId": "cn-hangzhou", "VSwitchId": "vsw-bp1small", "SecurityGroupId": "sg-bp1small"}}
		var c generators.Case
		for n := 0; n <= q; n++ {
			c.Steps = append(c.Steps, create)
		}
		steps, _ := x.Run(c)
		for n, st := range steps[:q] {
			if !st.Prediction.Success() {
				t.Fatalf("create %d of %d is predicted %s", n+1, q, st.Prediction.Winner.ID)
			}
		}
		if w := steps[q].Prediction.Winner; w == nil || w.Code != "MaxEniCountExceeded" {
			t.Fatalf("create %d with quota %d is predicted %v, want MaxEniCountExceeded", q+1, q, w)
		}
	})
}
