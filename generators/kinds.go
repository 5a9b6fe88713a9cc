package generators

import (
	"slices"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// A rule of a generic kind (format, none-of, exclusive, distinct, count,
// equal, only-with) gets its mutation from the data: the rule's
// parameters and constraints say how to break it, so a new rule of such a
// kind needs no code here. A hand-written mutation or scenario for the
// rule's ID takes precedence.

// mutationsFor returns the mutations of profile p: the hand-written ones
// whose rule and action p has, and one from the data for every other
// reachable rule of a generic kind and every action it applies to that
// requests can be drawn for (the create's first, then the others'). A
// scenario covers its rule for every action.
func mutationsFor(p *spec.Profile) []mutation {
	var out []mutation
	hand := map[string]bool{}
	for _, m := range slices.Concat(mutations, currentMutations, actionMutations) {
		if m.action == "" {
			m.action = p.Subject
		}
		hand[m.rule+"\x00"+m.action] = true
		if r := p.Rule(m.rule); r != nil && r.Reachable() && p.Action(m.action) != nil && r.AppliesTo(m.action) {
			out = append(out, m)
		}
	}
	for _, s := range scenarios {
		hand[s.rule] = true
	}
	for _, r := range p.RulesByRank() {
		if hand[r.ID] || !r.Reachable() {
			continue
		}
		for _, a := range actionsOf(p, r) {
			if !hand[r.ID+"\x00"+a] {
				out = append(out, dataMutations(p, r, a)...)
			}
		}
	}
	return grouped(out, p.Subject)
}

// dataMutations returns the mutation of a rule of a generic kind for one
// action, with the rule's parameters that action has (none: no mutation).
func dataMutations(p *spec.Profile, r *spec.Rule, action string) []mutation {
	var params []*spec.Param
	for _, name := range r.Params {
		if prm := p.Action(action).Param(name); prm != nil {
			params = append(params, prm)
		}
	}
	if len(params) == 0 {
		return nil
	}
	m, ok := dataMutation(r, params)
	if !ok {
		return nil
	}
	m.action, m.skips = action, partners(p, r.Params)
	if action != p.Subject {
		m.touches = params[0].Name
	}
	return []mutation{m}
}

// grouped makes mutations that change overlapping parameters touch the
// same thing (the group's first name), so that a multi-violation case
// never combines two that undo each other; what each changes stays in its
// skips.
func grouped(ms []mutation, subject string) []mutation {
	root := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if r, ok := root[x]; ok && r != x {
			root[x] = find(r)
			return root[x]
		}
		return x
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra > rb {
			ra, rb = rb, ra
		}
		root[ra], root[rb] = ra, ra
	}
	for _, m := range ms {
		for _, s := range m.skips {
			if m.action == subject {
				union(m.touches, s)
			}
		}
	}
	out := make([]mutation, len(ms))
	for i, m := range ms {
		if g := find(m.touches); g != m.touches && m.action == subject { // only the create's combine
			m.skips = append(slices.Clone(m.skips), m.touches)
			m.touches = g
		}
		out[i] = m
	}
	return out
}

// partners lists names and every parameter tied to one of them by a
// relation rule (exclusive, equal, only-with) of p, transitively: a
// mutation of names must leave them all to itself, or it may break the
// relation too.
func partners(p *spec.Profile, names []string) []string {
	out := slices.Clone(names)
	for grew := true; grew; {
		grew = false
		for _, r := range p.Rules {
			switch r.Check {
			case "exclusive", "equal", "only-with":
			default:
				continue
			}
			if !slices.ContainsFunc(r.Params, func(n string) bool { return slices.Contains(out, n) }) {
				continue
			}
			for _, n := range r.Params {
				if !slices.Contains(out, n) {
					out, grew = append(out, n), true
				}
			}
		}
	}
	return out
}

// dataMutation builds the mutation of a rule of a generic kind.
func dataMutation(r *spec.Rule, params []*spec.Param) (mutation, bool) {
	m := mutation{rule: r.ID, touches: r.Params[0], skips: r.Params, combine: independent, where: whereAll(params), lacks: lacksAll(params)}
	switch r.Check {
	case "format":
		m.where = nil
		m.apply = func(_ *Env, t *rapid.T, st *Step, _ Home) {
			p := rapid.SampledFrom(params).Draw(t, "parameter")
			name := p.Name
			if p.List() {
				name = p.Item(rapid.IntRange(1, min(3, p.MaxItems)).Draw(t, p.Name+" index"))
			}
			st.Params[name] = invalidValue(p).Draw(t, name)
		}
	case "none-of":
		m.where = nil
		m.apply = func(e *Env, _ *rapid.T, st *Step, _ Home) {
			for _, p := range params {
				e.drop(st, p.Name)
			}
		}
	case "exclusive":
		m.where = func(e *Env, h *Home) bool { return h.Room() > 8 && whereAll(params)(e, h) }
		m.apply = func(e *Env, t *rapid.T, st *Step, h Home) {
			for _, p := range params[:2] {
				e.drop(st, p.Name)
				e.drawParam(t, st, h, p)
			}
		}
	case "distinct":
		m.where = func(e *Env, h *Home) bool {
			twice := repeatWhere[params[0].Name]
			return whereAll(params)(e, h) && (twice == nil || twice(e, h))
		}
		m.apply = func(e *Env, t *rapid.T, st *Step, h Home) { e.repeatValue(t, st, h, params) }
	case "count":
		m.where = func(e *Env, h *Home) bool { return h.Room() > r.Max+25 && whereAll(params)(e, h) }
		m.apply = func(_ *Env, t *rapid.T, st *Step, _ Home) {
			i := slices.IndexFunc(params, func(p *spec.Param) bool { return !p.List() })
			st.Params[params[max(i, 0)].Name] = strconv.Itoa(rapid.IntRange(r.Max+1, r.Max+20).Draw(t, "over the limit"))
		}
	case "missing":
		m.where, m.combine = nil, alone
		m.apply = func(e *Env, t *rapid.T, st *Step, _ Home) {
			p := rapid.SampledFrom(params).Draw(t, "parameter")
			e.drop(st, p.Name)
			if !p.List() && rapid.Bool().Draw(t, p.Name+" sent empty") {
				st.Params[p.Name] = ""
			}
		}
	case "equal":
		m.apply = func(_ *Env, t *rapid.T, st *Step, _ Home) {
			vs := rapid.SliceOfNDistinct(validValue(params[0]), 2, 2, rapid.ID).Draw(t, "two values")
			st.Params[params[0].Name], st.Params[params[1].Name] = vs[0], vs[1]
		}
	case "only-with":
		m.apply = func(_ *Env, t *rapid.T, st *Step, _ Home) {
			st.Params[params[0].Name] = validValue(params[0]).Draw(t, params[0].Name)
			other := validValue(params[1]).Filter(func(v string) bool { return v != r.Value })
			if rapid.Bool().Draw(t, params[1].Name+" given") {
				st.Params[params[1].Name] = other.Draw(t, params[1].Name)
			}
		}
	default:
		return m, false
	}
	return m, true
}

// lacksAll says what a world lacks where whereAll holds nowhere.
func lacksAll(params []*spec.Param) string {
	var out []string
	for _, p := range params {
		if l := conceptLacks[p.Name]; l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return strings.Join(out, ", and ")
}

// whereAll is where every parameter can be drawn validly.
func whereAll(params []*spec.Param) func(e *Env, h *Home) bool {
	return func(e *Env, h *Home) bool {
		for _, p := range params {
			if where := conceptWhere[p.Name]; where != nil && !where(e, h) {
				return false
			}
		}
		return true
	}
}

// repeatValue gives the first parameters one valid value twice: two items
// of one list, or a plain parameter and the first item of a list.
func (e *Env) repeatValue(t *rapid.T, st *Step, h Home, params []*spec.Param) {
	for _, p := range params {
		e.drop(st, p.Name)
	}
	if params[0].Name == "SecurityGroupIds.N" {
		delete(st.Params, "SecurityGroupId")
	}
	probe := Step{Params: map[string]string{}}
	for k, v := range st.Params {
		probe.Params[k] = v
	}
	e.drawParam(t, &probe, h, params[0])
	first := params[0].Name
	if params[0].List() {
		first = params[0].Item(1)
	}
	v := probe.Params[first]
	st.Params[first] = v
	if len(params) > 1 {
		st.Params[params[1].Item(1)] = v
		return
	}
	st.Params[params[0].Item(rapid.IntRange(2, min(3, params[0].MaxItems)).Draw(t, "repeated at"))] = v
}

// invalidValue draws a value that breaks p's constraints, in one of the
// ways they can be broken: a value outside an enum (other case, other
// word), a boolean spelled otherwise, an integer out of range, not an
// integer or not a power of two, a malformed address, a text too short or
// long, with a bad character or a forbidden prefix or text.
func invalidValue(p *spec.Param) *rapid.Generator[string] {
	c := p.Constraints
	var ways []*rapid.Generator[string]
	if len(c.Enum) > 0 {
		ways = append(ways, rapid.Custom(func(t *rapid.T) string {
			v := rapid.SampledFrom(c.Enum).Draw(t, "enum value")
			return rapid.SampledFrom([]string{strings.ToLower(v), strings.ToUpper(v), v + "x", " " + v, "0" + v, "other"}).Draw(t, "changed")
		}))
	}
	if c.Boolean {
		ways = append(ways, rapid.SampledFrom([]string{"True", "FALSE", "1", "0", "yes", "on", "t"}))
	}
	if c.IntMin != nil || c.IntMax != nil || c.PowerOfTwo {
		ways = append(ways, badInt(c))
	}
	if c.IPv4 {
		ways = append(ways, malformedAddr())
	}
	if c.IPv6 {
		ways = append(ways, rapid.SampledFrom([]string{"2408::g", "172.16.0.5", "::ffff:172.16.0.5", "2408:4005::1/64", "fe80::1%eth0", "2408:::1", "abcd", "2408:4005:3f0:1200::1 "}))
	}
	if c.MaxLen > 0 || c.MinLen > 1 || len(c.First) > 0 || len(c.Allowed) > 0 || c.ASCII || len(c.ForbiddenPrefixes) > 0 {
		ways = append(ways, invalidText(c, 64))
	}
	if len(c.ForbiddenSubstrings) > 0 {
		ways = append(ways, rapid.Custom(func(t *rapid.T) string {
			v := []rune(validText(c, 24).Draw(t, "valid"))
			at := rapid.IntRange(0, len(v)).Draw(t, "at")
			sub := randomCase(t, rapid.SampledFrom(c.ForbiddenSubstrings).Draw(t, "text"))
			return string(v[:at]) + sub + string(v[at:])
		}))
	}
	return rapid.OneOf(ways...).Filter(func(v string) bool { return v != "" && c.Check(v) != "" })
}

// badInt draws what an integer constraint refuses: no integer, a value
// just or far outside the range, a value in range that is no power of two.
func badInt(c *spec.Constraints) *rapid.Generator[string] {
	ways := []*rapid.Generator[string]{rapid.SampledFrom([]string{"x", "1.5", " 1", "1e3", "0x10", "--1"})}
	if c.IntMin != nil {
		ways = append(ways, rapid.Map(rapid.IntRange(*c.IntMin-1000, *c.IntMin-1), strconv.Itoa), rapid.Just(strconv.Itoa(*c.IntMin-1)))
	}
	if c.IntMax != nil {
		ways = append(ways, rapid.Map(rapid.IntRange(*c.IntMax+1, *c.IntMax+1000), strconv.Itoa), rapid.Just(strconv.Itoa(*c.IntMax+1)))
	}
	if c.PowerOfTwo && c.IntMin != nil && c.IntMax != nil {
		ways = append(ways, rapid.Map(rapid.IntRange(*c.IntMin+1, *c.IntMax-1), strconv.Itoa))
	}
	return rapid.OneOf(ways...)
}
