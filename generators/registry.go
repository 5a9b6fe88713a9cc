package generators

import (
	"fmt"
	"slices"
	"sort"

	"pgregory.net/rapid"
)

// Covered lists, sorted, the rule IDs that have a generator. A test fails
// if a reachable rule of the default profile is missing.
func Covered() []string {
	var ids []string
	for _, m := range mutations {
		ids = append(ids, m.rule)
	}
	for _, s := range scenarios {
		ids = append(ids, s.rule)
	}
	sort.Strings(ids)
	return ids
}

// ForRule returns the generator of cases whose probe breaks rule id and no
// other rule, in a fresh state of the world. It fails when no generator
// covers the rule or the world offers no way to break it alone (the error
// says why, for a skip message).
func (e *Env) ForRule(id string) (*rapid.Generator[Case], error) {
	if e.Profile.Rule(id) == nil {
		return nil, fmt.Errorf("profile %s has no rule %s", e.Profile.Name, id)
	}
	for _, m := range mutations {
		if m.rule == id {
			return m.single(e)
		}
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
	for _, id := range Covered() {
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
// acceptable set (lenient). At least two of the mutations break rules that
// fire whatever else is wrong; Breaks lists all the rules aimed at, and the
// oracle decides which of them fire.
func (e *Env) Multi() (*rapid.Generator[Case], error) {
	homes, err := e.anyHome()
	if err != nil {
		return nil, err
	}
	return rapid.Custom(func(t *rapid.T) Case {
		h := rapid.SampledFrom(homes).Draw(t, "home")
		var sure, more []mutation
		for _, m := range mutations {
			switch {
			case m.where != nil && !m.where(e, &h):
			case m.combine == independent:
				sure = append(sure, m)
			case m.combine == combinable:
				more = append(more, m)
			}
		}
		byTouch := func(m mutation) string { return m.touches }
		picked := rapid.SliceOfNDistinct(rapid.SampledFrom(sure), 2, 3, byTouch).Draw(t, "rules")
		for _, m := range rapid.SliceOfNDistinct(rapid.SampledFrom(more), 0, 2, byTouch).Draw(t, "more rules") {
			if !slices.Contains(touched(picked), m.touches) {
				picked = append(picked, m)
			}
		}
		st, _ := e.drawCreate(t, []Home{h}, touched(picked)...)
		c := Case{Generator: "multi"}
		for _, m := range picked {
			m.apply(e, t, &st, h)
			c.Breaks = append(c.Breaks, m.rule)
		}
		c.Steps = []Step{st}
		return c
	}), nil
}

func touched(ms []mutation) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.touches)
	}
	return out
}
