package generators_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
	"github.com/eniconform/eniconform/world"
	"pgregory.net/rapid"
)

var now = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

type fixture struct{ *target.Simulator }

func newFixture(t interface{ Fatal(...any) }, w *oracle.World, p *spec.Profile) fixture {
	x, err := target.NewSimulator(w, p, now)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{x}
}

// run simulates a case on a fresh state; it fails t unless every setup step
// succeeds, and returns the probe's prediction.
func (f fixture) run(t interface{ Fatalf(string, ...any) }, c generators.Case) oracle.Prediction {
	steps, _ := f.Run(c)
	for i, st := range steps[:len(steps)-1] {
		if !st.Prediction.Success() {
			t.Fatalf("setup step %d of %v is predicted %s, not success: %s", i+1, c.Breaks, st.Prediction.Winner.ID, st.Step)
		}
	}
	return steps[len(steps)-1].Prediction
}

func ids(rules []*spec.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.ID)
	}
	return out
}

// profiles runs a test on every embedded profile.
func profiles(t *testing.T, test func(t *testing.T, p *spec.Profile)) {
	for _, name := range spec.Names() {
		t.Run(name, func(t *testing.T) { test(t, spec.Must(name)) })
	}
}

func TestEveryReachableRuleHasAGenerator(t *testing.T) {
	profiles(t, func(t *testing.T, p *spec.Profile) {
		covered := generators.Covered(p)
		for _, r := range p.Rules {
			if r.Reachable() && !slices.Contains(covered, r.ID) {
				t.Errorf("reachable rule %s has no generator", r.ID)
			}
		}
		for _, id := range covered {
			if r := p.Rule(id); r == nil || !r.Reachable() {
				t.Errorf("generator for %s names no reachable rule", id)
			}
		}
	})
}

// Every case from the rule-R generator is predicted to break exactly R, in
// the default world.
func TestRuleGeneratorsBreakExactlyTheirRule(t *testing.T) {
	profiles(t, testRuleGeneratorsBreakExactlyTheirRule)
}

func testRuleGeneratorsBreakExactlyTheirRule(t *testing.T, prof *spec.Profile) {
	f := newFixture(t, world.Default(), prof)
	for _, id := range generators.Covered(prof) {
		t.Run(id, func(t *testing.T) {
			g, err := f.Env.ForRule(id)
			if err != nil {
				t.Fatalf("the default world must allow every rule: %v", err)
			}
			rapid.Check(t, func(t *rapid.T) {
				c := g.Draw(t, "case")
				p := f.run(t, c)
				if got := ids(p.Violated); len(got) != 1 || got[0] != id {
					t.Fatalf("the probe breaks %v, want exactly %s: %s", got, id, c.Probe())
				}
			})
		})
	}
}

func TestValidCasesSucceed(t *testing.T) {
	profiles(t, func(t *testing.T, prof *spec.Profile) {
		f := newFixture(t, world.Default(), prof)
		g, err := f.Env.Valid()
		if err != nil {
			t.Fatal(err)
		}
		rapid.Check(t, func(t *rapid.T) {
			c := g.Draw(t, "case")
			if p := f.run(t, c); !p.Success() {
				t.Fatalf("a valid case is predicted %s: %s", p.Winner.ID, c.Probe())
			}
		})
	})
}

func TestMultiViolationCasesBreakTwoOrMore(t *testing.T) {
	profiles(t, func(t *testing.T, prof *spec.Profile) {
		f := newFixture(t, world.Default(), prof)
		g, err := f.Env.Multi()
		if err != nil {
			t.Fatal(err)
		}
		rapid.Check(t, func(t *rapid.T) {
			c := g.Draw(t, "case")
			if p := f.run(t, c); len(p.Violated) < 2 {
				t.Fatalf("aimed at %v, the oracle sees only %v: %s", c.Breaks, ids(p.Violated), c.Probe())
			}
		})
	})
}

// In random worlds too, a rule generator that applies breaks its rule alone.
func TestRuleGeneratorsInRandomWorlds(t *testing.T) {
	profiles(t, testRuleGeneratorsInRandomWorlds)
}

func testRuleGeneratorsInRandomWorlds(t *testing.T, prof *spec.Profile) {
	rapid.Check(t, func(t *rapid.T) {
		w := generators.Worlds().Draw(t, "world")
		f := newFixture(t, w, prof)
		var usable []string
		for _, id := range generators.Covered(prof) {
			if _, err := f.Env.ForRule(id); err == nil {
				usable = append(usable, id)
			}
		}
		if len(usable) == 0 {
			t.Skip("no rule can be broken alone in this world")
		}
		id := rapid.SampledFrom(usable).Draw(t, "rule")
		g, _ := f.Env.ForRule(id)
		c := g.Draw(t, "case")
		if got := ids(f.run(t, c).Violated); len(got) != 1 || got[0] != id {
			t.Fatalf("the probe breaks %v, want exactly %s: %s (world above)", got, id, c.Probe())
		}
	})
}

func TestRandomWorldsAreValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := generators.Worlds().Draw(t, "world")
		if _, err := oracle.NewState(w); err != nil {
			t.Fatal(err)
		}
	})
}

// The stateful machine reaches the limits of the default world's small
// homes: quota, security group capacity and the address pool.
func TestMachineReachesLimits(t *testing.T) {
	hit := map[string]bool{}
	rapid.Check(t, func(rt *rapid.T) {
		f := newFixture(rt, world.Default(), spec.Default())
		s := f.State
		m := generators.NewMachine(f.Env, func(t *rapid.T, st generators.Step) string {
			steps, next := f.From(s).Run(generators.Case{Steps: []generators.Step{st}})
			s = next
			if w := steps[0].Prediction.Winner; w != nil {
				hit[w.ID] = true
			}
			if o := steps[0].Observed; !o.Failed() {
				return o.NetworkInterfaceID
			}
			return ""
		})
		rt.Repeat(m.Actions())
	})
	for _, id := range []string{"quota.eni-count", "quota.sg-capacity", "addr.pool-exhausted", "idem.mismatch"} {
		if !hit[id] {
			t.Errorf("in 100 sequences the machine never reached %s (reached %v)", id, fmt.Sprint(hit))
		}
	}
}

// The changes of an ENI and the listings after them are valid requests,
// in the default world and in random ones.
func TestChangeThenListIsValid(t *testing.T) {
	prof := spec.Must(spec.CurrentProfile)
	rapid.Check(t, func(t *rapid.T) {
		w := world.Default()
		if rapid.Bool().Draw(t, "random world") {
			w = generators.Worlds().Draw(t, "world")
		}
		f := newFixture(t, w, prof)
		g, err := f.Env.ChangeThenList()
		if err != nil {
			t.Skip(err)
		}
		c := g.Draw(t, "case")
		steps, _ := f.Run(c)
		for i, st := range steps {
			if !st.Prediction.Success() {
				t.Fatalf("step %d is predicted %s: %s", i+1, st.Prediction.Winner.ID, st.Step)
			}
		}
	})
}

// In a world with one key, one vSwitch and one group, most rules cannot be
// broken alone; each such skip names what the world lacks (or the flag
// to pass), never the generators' own terms.
func TestSkipReasonsSayWhatToAdd(t *testing.T) {
	w, err := world.Parse("bare.yaml", []byte(`
accounts: [{access_key_id: me, access_key_secret: s}]
regions: [{id: cn-hangzhou, zones: [cn-hangzhou-h]}]
vpcs: [{id: vpc-1, region: cn-hangzhou, cidr: 10.0.0.0/16}]
vswitches: [{id: vsw-1, vpc: vpc-1, zone: cn-hangzhou-h, cidr: 10.0.0.0/24}]
security_groups: [{id: sg-1, region: cn-hangzhou, vpc: vpc-1}]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range spec.Names() {
		p, _ := spec.Get(name)
		e := generators.NewEnv(w, p)
		skipped := 0
		for _, r := range p.Rules {
			if !r.Reachable() {
				continue
			}
			if _, err := e.ForRule(r.ID); err != nil {
				skipped++
				if msg := err.Error(); !strings.Contains(msg, "world --template") || !strings.Contains(msg, "lacks") && !strings.Contains(msg, "add ") {
					t.Errorf("%s %s: the skip reason does not say what to add: %s", name, r.ID, msg)
				}
			}
		}
		if skipped < 5 {
			t.Errorf("%s: only %d rules skipped in a bare world", name, skipped)
		}
	}
}
