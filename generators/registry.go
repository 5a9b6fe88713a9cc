package generators

import (
	"fmt"
	"slices"
	"sort"

	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// Covered lists, sorted, the rule IDs of profile p that have a generator:
// a hand-written mutation or scenario, or one from the data for a rule of
// a generic kind. A test fails if a reachable rule of a profile is missing.
func Covered(p *spec.Profile) []string {
	var ids []string
	for _, m := range mutationsFor(p) {
		ids = append(ids, m.rule)
	}
	for _, s := range scenarios {
		if r := p.Rule(s.rule); r != nil && r.Reachable() {
			ids = append(ids, s.rule)
		}
	}
	sort.Strings(ids)
	return slices.Compact(ids)
}

// Fills reports whether the cases of rule id fill a limit first, with up to
// Env.MaxFill setup creates each: costly cases, of which a run draws fewer.
func Fills(id string) bool {
	return slices.ContainsFunc(scenarios, func(s scenario) bool { return s.rule == id && s.fills })
}

// ForRule returns the generator of cases whose probe breaks rule id and no
// other rule, in a fresh state of the world. It fails when no generator
// covers the rule or the world offers no way to break it alone (the error
// says why, for a skip message).
func (e *Env) ForRule(id string) (*rapid.Generator[Case], error) {
	if e.Profile.Rule(id) == nil {
		return nil, fmt.Errorf("profile %s has no rule %s", e.Profile.Name, id)
	}
	var gens []*rapid.Generator[Case]
	var why error
	for _, m := range e.mutations {
		if m.rule != id {
			continue
		}
		g, err := m.single(e)
		if err != nil {
			why = err
			continue
		}
		gens = append(gens, g)
	}
	switch {
	case len(gens) == 1:
		return gens[0], nil
	case len(gens) > 1:
		return rapid.OneOf(gens...), nil // the rule on each action it applies to
	case why != nil:
		return nil, why
	}
	for _, s := range scenarios {
		if s.rule == id {
			return s.gen(e)
		}
	}
	return nil, fmt.Errorf("no generator covers rule %s", id)
}

// AnyRule draws a case from the generator of any rule the world allows
// (and, now and then, a valid case).
func (e *Env) AnyRule() (*rapid.Generator[Case], error) {
	var gens []*rapid.Generator[Case]
	if v, err := e.Valid(); err == nil {
		gens = append(gens, v)
	}
	for _, id := range Covered(e.Profile) {
		if g, err := e.ForRule(id); err == nil {
			gens = append(gens, g)
		}
	}
	if len(gens) == 0 {
		return nil, fmt.Errorf("the world allows no case at all")
	}
	return rapid.OneOf(gens...), nil
}

// Multi draws cases whose one request breaks two to four rules at once, each
// touching something different, to test precedence (strict) and the
// acceptable set (lenient). Mostly, at least two of the mutations break
// rules that fire whatever else is wrong; those rank before the rules that
// may be hidden (references, addresses), which then never win. So half the
// time the case pairs two of the latter that do not hide each other (an
// unknown vSwitch and an unknown group, say), to test their order too.
// Breaks lists all the rules aimed at; the oracle decides which fire.
func (e *Env) Multi() (*rapid.Generator[Case], error) {
	homes, err := e.anyHome()
	if err != nil {
		return nil, err
	}
	return rapid.Custom(func(t *rapid.T) Case {
		h := rapid.SampledFrom(homes).Draw(t, "home")
		var sure, more []mutation
		for _, m := range e.mutations {
			switch {
			case m.action != e.Profile.Subject:
			case m.where != nil && !m.where(e, &h):
			case m.combine == independent:
				sure = append(sure, m)
			case m.combine == combinable:
				more = append(more, m)
			}
		}
		picked := pickMulti(t, sure, more)
		st, _ := e.drawCreate(t, []Home{h}, skippedBy(picked)...)
		c := Case{Generator: "multi"}
		for _, m := range picked {
			m.apply(e, t, &st, h)
			c.Breaks = append(c.Breaks, m.rule)
		}
		c.Steps = []Step{st}
		return c
	}), nil
}

// pickMulti chooses the mutations of a multi-violation case: two or three
// of sure with up to two of more; or a pair of more that do not hide each
// other (see visiblePair). It shrinks to the former.
func pickMulti(t *rapid.T, sure, more []mutation) []mutation {
	if len(more) > 1 && rapid.Bool().Draw(t, "only rules that may be hidden") {
		if pair := visiblePair(t, more); pair != nil {
			return pair
		}
	}
	byTouch := func(m mutation) string { return m.touches }
	picked := rapid.SliceOfNDistinct(rapid.SampledFrom(sure), 2, 3, byTouch).Draw(t, "rules")
	for _, m := range rapid.SliceOfNDistinct(rapid.SampledFrom(more), 0, 2, byTouch).Draw(t, "more rules") {
		if !slices.Contains(touched(picked), m.touches) {
			picked = append(picked, m)
		}
	}
	return picked
}

// visiblePair draws two mutations of ms that touch different things,
// neither touching what the other needs, so that both fire: first what to
// touch, then a mutation that touches it, then its partner. It returns nil
// when the first has no partner.
func visiblePair(t *rapid.T, ms []mutation) []mutation {
	var touches []string
	for _, m := range ms {
		if !slices.Contains(touches, m.touches) {
			touches = append(touches, m.touches)
		}
	}
	touch := rapid.SampledFrom(touches).Draw(t, "first touches")
	first := rapid.SampledFrom(slices.DeleteFunc(slices.Clone(ms), func(m mutation) bool { return m.touches != touch })).Draw(t, "first rule")
	partners := slices.DeleteFunc(slices.Clone(ms), func(m mutation) bool {
		return m.touches == first.touches || m.needs == first.touches || first.needs == m.touches
	})
	if len(partners) == 0 {
		return nil
	}
	return []mutation{first, rapid.SampledFrom(partners).Draw(t, "second rule")}
}

// skippedBy lists what the mutations change, for drawCreate to leave alone.
func skippedBy(ms []mutation) []string {
	var out []string
	for _, m := range ms {
		out = append(append(out, m.touches), m.skips...)
	}
	return out
}

func touched(ms []mutation) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.touches)
	}
	return out
}
