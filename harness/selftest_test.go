package harness_test

import (
	"context"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/spec"
)

// selftestChecks keeps the selftest of `make test` short; the seed makes it
// the same every time (fault passes run their cases one at a time).
const selftestChecks, selftestSeed = 30, 1

// The harness proves itself: the clean emulator shows no divergence, every
// fault of the catalogue is caught (a fault added to emulator.Faults that
// no property catches fails this test), and each caught fault's minimal case
// carries only what the fault needs.
func TestSelftest(t *testing.T) {
	for _, name := range spec.Names() {
		t.Run(name, func(t *testing.T) { selftestOn(t, spec.Must(name)) })
	}
}

func selftestOn(t *testing.T, prof *spec.Profile) {
	var table strings.Builder
	harness.WriteSelftestHeader(&table)
	res, err := harness.Selftest(context.Background(), harness.SelftestConfig{
		Config: harness.Config{Profile: prof, Checks: selftestChecks, Seed: selftestSeed, Workers: 2, ReportDir: t.TempDir(),
			ShrinkTime: 60 * time.Second}, // a current create has many parameters to shrink away; a loaded machine is slow
		OnFault: func(r harness.FaultResult) { harness.WriteSelftestRow(&table, r) },
	})
	if err != nil {
		t.Fatal(err)
	}
	harness.WriteSelftestFigures(&table, res)
	t.Logf("\n%s", table.String())
	t.Run("no false positive on the clean emulator", func(t *testing.T) {
		if c := res.Clean; c.Divergences != 0 || c.Soft != 0 || c.Leaked != 0 {
			t.Errorf("clean emulator: %d divergences, %d soft, %d leaked", c.Divergences, c.Soft, c.Leaked)
		}
	})
	t.Run("kill rate is 100 %", func(t *testing.T) { killRate(t, prof, res) })
	t.Run("minimal cases carry only what the fault needs", func(t *testing.T) {
		for _, r := range res.Faults {
			if r.Caught {
				minimal(t, prof, r)
			}
		}
	})
}

// killRate fails for every fault of the catalogue that was not planted or
// not caught.
func killRate(t *testing.T, prof *spec.Profile, res *harness.SelftestResult) {
	planted := map[string]harness.FaultResult{}
	for _, r := range res.Faults {
		planted[r.Fault.Name] = r
	}
	for _, f := range emulator.FaultsFor(prof.Name) {
		r, ok := planted[f.Name]
		switch {
		case !ok:
			t.Errorf("%s was not planted", f.Name)
		case !r.Caught:
			t.Errorf("%s survived %d cases: no property of the catalogue catches it", f.Name, r.Cases)
		}
	}
}

// minimal checks that a caught fault's shrunk case has one step unless the
// fault declares setup steps or the case is about an ENI the create before
// it made (a Modify, Tag, Assign, ... needs its ENI), and no parameter
// beyond the required ones of each step's action, the fault's Needs, those
// the rules it breaks are about and, in a request on the ENI made, values
// that name what the create made (its tag keys, its addresses). The setup
// create of such a case is the generator's: its parameters are not judged.
func minimal(t *testing.T, prof *spec.Profile, r harness.FaultResult) {
	c := r.Failure.Outcome.Case
	onMade := len(c.Steps) == 2 && c.Steps[0].Action == prof.Subject && c.Steps[1].Action != prof.Subject &&
		slices.Contains(slices.Collect(maps.Values(c.Steps[1].Params)), generators.Ref(1))
	if setup := len(c.Steps) > 1; setup != r.Fault.Setup && !(onMade && !r.Fault.Setup) {
		t.Errorf("%s: the minimal case has %d steps, but Setup is %v:\n%s", r.Fault.Name, len(c.Steps), r.Fault.Setup, steps(c))
	}
	for i, st := range c.Steps {
		if onMade && i == 0 && !r.Fault.Setup {
			continue
		}
		var extra []string
		for name, v := range st.Params {
			listing := r.Fault.Family == "post-state" && st.Action != prof.Subject // a describe may select the ENI it lists
			made := onMade && i == 1 && slices.Contains(slices.Collect(maps.Values(c.Steps[0].Params)), v)
			if !listing && !made && !required(prof, st.Action, name) && !needs(prof, st.Action, r.Fault, name) && !about(prof, st.Action, r.Fault, name) {
				extra = append(extra, name)
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			t.Errorf("%s: the minimal case carries %s, which the fault does not need:\n%s", r.Fault.Name, strings.Join(extra, ", "), steps(c))
		}
	}
}

// required reports whether a parameter is a required API parameter of an
// action of the profile, or one of a set of which one is required (a
// none-of rule's, such as the two security-group forms); an unknown action
// needs none.
func required(prof *spec.Profile, action, name string) bool {
	a := prof.Action(action)
	if a == nil {
		return false
	}
	p := a.Param(name)
	if p == nil || p.Gateway {
		return false
	}
	return p.Required || slices.ContainsFunc(prof.Rules, func(r *spec.Rule) bool {
		return r.Check == "none-of" && r.AppliesTo(action) && slices.Contains(r.Params, p.Name)
	})
}

// needs reports whether the fault needs the parameter, by its wire name or
// by its list's table name (Tag.N.Key for Tag.3.Key).
func needs(prof *spec.Profile, action string, f emulator.Fault, name string) bool {
	if slices.Contains(f.Needs, name) {
		return true
	}
	a := prof.Action(action)
	return a != nil && a.Param(name) != nil && slices.Contains(f.Needs, a.Param(name).Name)
}

// about reports whether the parameter is one a rule the fault breaks is
// about on that action (a Modify's SecurityGroupId.N for the group rules).
func about(prof *spec.Profile, action string, f emulator.Fault, name string) bool {
	a := prof.Action(action)
	if a == nil || a.Param(name) == nil {
		return false
	}
	return slices.ContainsFunc(f.Breaks, func(id string) bool {
		r := prof.Rule(id)
		return r != nil && r.AppliesTo(action) && slices.Contains(r.Params, a.Param(name).Name)
	})
}

func steps(c generators.Case) string {
	var b strings.Builder
	for i, st := range c.Steps {
		b.WriteString("  " + string(rune('1'+i)) + ". " + st.String() + "\n")
	}
	return b.String()
}

// ReplayCommand adds the target, the faults and strict precedence to the
// replay command, in that order.
func TestReplayCommand(t *testing.T) {
	got := harness.ReplayCommand("", "http://127.0.0.1:8080", []string{"a", "b"}, true)
	if want := "eniconform replay --target http://127.0.0.1:8080 --fault a,b --strict-precedence"; got != want {
		t.Errorf("ReplayCommand = %q, want %q", got, want)
	}
	if got := harness.ReplayCommand("x replay", "", nil, false); got != "x replay" {
		t.Errorf("ReplayCommand without options = %q", got)
	}
}

// Selftest takes no target, and only faults of the catalogue.
func TestSelftestRefusesBadConfig(t *testing.T) {
	ctx := context.Background()
	if _, err := harness.Selftest(ctx, harness.SelftestConfig{Config: harness.Config{Target: "http://127.0.0.1:1"}}); err == nil || !strings.Contains(err.Error(), "--target") {
		t.Errorf("with a target: %v", err)
	}
	if _, err := harness.Selftest(ctx, harness.SelftestConfig{Faults: []string{"no-such-fault"}}); err == nil || !strings.Contains(err.Error(), "--fault") {
		t.Errorf("with an unknown fault: %v", err)
	}
}
