package generators

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// The parameters the 2018 profile does not have are drawn here: a value
// that meets the parameter's constraints in the spec (any enum, range,
// boolean or text constraint), except for the concepts that need the home
// (addresses, security groups, resource groups). A drawn create is then
// repaired against the relation rules of the profile (exclusive pairs,
// equal pairs, only-with), so that it stays valid under any profile data.

// drawn holds the concept draws keyed by parameter name; any other
// parameter is drawn from its constraints.
var conceptDraws = map[string]func(e *Env, t *rapid.T, st *Step, h Home, p *spec.Param){
	"PrimaryIpAddress": func(_ *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		st.Params[p.Name] = freeAddr(h, st).Draw(t, p.Name)
	},
	"SecurityGroupId": func(_ *Env, _ *rapid.T, st *Step, h Home, p *spec.Param) { st.Params[p.Name] = h.SG.ID },
	"PrivateIpAddress.N": func(e *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		n := rapid.IntRange(1, min(2, p.MaxItems, h.Room()-1)).Draw(t, "secondary IPs")
		for i := 1; i <= n; i++ {
			st.Params[p.Item(i)] = freeAddr(h, st).Draw(t, p.Item(i))
		}
	},
	"SecondaryPrivateIpAddressCount": func(_ *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		st.Params[p.Name] = strconv.Itoa(rapid.IntRange(1, min(3, h.Room()-1)).Draw(t, p.Name))
	},
	"Ipv6Address.N": func(_ *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		n := rapid.IntRange(1, min(2, p.MaxItems)).Draw(t, "IPv6 addresses")
		for i := 1; i <= n; i++ {
			st.Params[p.Item(i)] = usable6(h, st).Draw(t, p.Item(i))
		}
	},
	"Ipv6AddressCount": func(_ *Env, t *rapid.T, st *Step, _ Home, p *spec.Param) {
		st.Params[p.Name] = strconv.Itoa(rapid.IntRange(1, 3).Draw(t, p.Name))
	},
	"SecurityGroupIds.N": func(e *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		groups := append([]string{h.SG.ID}, e.siblings(h)...)
		limit := min(len(groups), e.state.GroupsPerENI(h.Owner), p.MaxItems)
		n := rapid.IntRange(1, limit).Draw(t, "security groups")
		for i := 1; i <= n; i++ {
			st.Params[p.Item(i)] = groups[i-1]
		}
	},
	"Tag.N.Key": func(e *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		n := rapid.IntRange(1, min(3, e.state.TagQuota(h.Owner), p.MaxItems)).Draw(t, "tags")
		value := e.paramOf(st, "Tag.N.Value")
		for i := 1; i <= n; i++ {
			st.Params[p.Item(i)] = validText(p.Constraints, 24).Draw(t, p.Item(i))
			if value != nil && rapid.Bool().Draw(t, "with a value") {
				st.Params[value.Item(i)] = validText(value.Constraints, 24).Draw(t, value.Item(i))
			}
		}
	},
	"Tag.N.Value": func(*Env, *rapid.T, *Step, Home, *spec.Param) {}, // with its key
	"ResourceGroupId": func(e *Env, t *rapid.T, st *Step, h Home, p *spec.Param) {
		st.Params[p.Name] = rapid.SampledFrom(e.resourceGroups(h, true)).Draw(t, p.Name)
	},
	"SecurityGroupId.N": func(e *Env, t *rapid.T, st *Step, h Home, p *spec.Param) { // a Modify's new groups
		groups := append([]string{h.SG.ID}, e.siblings(h)...)
		n := rapid.IntRange(1, min(len(groups), e.state.GroupsPerENI(h.Owner), p.MaxItems)).Draw(t, "security groups")
		for i, g := range rapid.Permutation(groups).Draw(t, "groups in order")[:n] {
			st.Params[p.Item(i+1)] = g
		}
	},
}

// conceptWhere says where a concept can be drawn validly; absent: anywhere.
var conceptWhere = map[string]func(e *Env, h *Home) bool{
	"PrivateIpAddress.N":             func(_ *Env, h *Home) bool { return h.Room() > 2 },
	"SecondaryPrivateIpAddressCount": func(_ *Env, h *Home) bool { return h.Room() > 2 },
	"Ipv6Address.N":                  func(_ *Env, h *Home) bool { return h.Net6.IsValid() },
	"Ipv6AddressCount":               func(_ *Env, h *Home) bool { return h.Net6.IsValid() },
	"ResourceGroupId":                func(e *Env, h *Home) bool { return len(e.resourceGroups(*h, true)) > 0 },
}

// conceptLacks says what a world lacks where conceptWhere holds nowhere.
var conceptLacks = map[string]string{
	"PrivateIpAddress.N":             "a vSwitch and security group with room for three more addresses",
	"SecondaryPrivateIpAddressCount": "a vSwitch and security group with room for three more addresses",
	"Ipv6Address.N":                  lacksV6,
	"Ipv6AddressCount":               lacksV6,
	"ResourceGroupId":                "a resource group (a resource_groups entry) of an account with a vSwitch and security group",
}

// repeatWhere says where a list can hold one value twice without
// breaking another rule; absent: wherever its values can be drawn.
var repeatWhere = map[string]func(e *Env, h *Home) bool{
	"Tag.N.Key": func(e *Env, h *Home) bool { return e.state.TagQuota(h.Owner) >= 2 }, // a repeated key counts twice
}

// extraParams lists the subject's optional parameters beyond the four the
// 2018 document has (those drawCreate draws itself), in table order.
func (e *Env) extraParams() []*spec.Param {
	var out []*spec.Param
	for _, p := range e.subject.Params {
		switch {
		case p.Required || p.Gateway || p.Unsupported != "":
		case slices.Contains([]string{"NetworkInterfaceName", "Description", "ClientToken", "PrimaryIpAddress", "SecurityGroupId"}, p.Name):
		default:
			out = append(out, p)
		}
	}
	return out
}

// drawExtras draws, each sometimes, a valid value of every extra
// parameter not in skip, then repairs the step against the relation rules.
func (e *Env) drawExtras(t *rapid.T, st *Step, h Home, skipped map[string]bool) {
	for _, p := range e.extras {
		if skipped[p.Name] || (p.Name == "SecurityGroupIds.N" && skipped["SecurityGroupId"]) {
			continue
		}
		if where := conceptWhere[p.Name]; where != nil && !where(e, &h) {
			continue
		}
		if !rapid.Bool().Draw(t, p.Name+" given") {
			continue
		}
		if p.Name == "SecurityGroupIds.N" {
			delete(st.Params, "SecurityGroupId") // one form or the other (decision sg-forms)
		}
		e.drawParam(t, st, h, p)
	}
	e.repair(st)
}

// drawParam sets a valid value (or list of values) of p in st.
func (e *Env) drawParam(t *rapid.T, st *Step, h Home, p *spec.Param) {
	if draw := conceptDraws[p.Name]; draw != nil {
		draw(e, t, st, h, p)
		return
	}
	name := p.Name
	if p.List() {
		name = p.Item(1)
	}
	st.Params[name] = validValue(p).Draw(t, name)
}

// validValue draws a value that meets p's constraints, whatever kind they
// are.
func validValue(p *spec.Param) *rapid.Generator[string] {
	c := p.Constraints
	switch {
	case c == nil && p.Type == "Integer":
		return rapid.Map(rapid.IntRange(1, 1<<20), strconv.Itoa)
	case c == nil:
		return rapid.StringMatching(`[a-z][a-z0-9-]{0,11}`)
	case len(c.Enum) > 0:
		return rapid.SampledFrom(c.Enum)
	case c.Boolean:
		return rapid.SampledFrom([]string{"true", "false"})
	case c.IntMin != nil || c.IntMax != nil || c.PowerOfTwo:
		return validInt(c)
	}
	return validText(c, 32)
}

// validInt draws an integer within c's range, often a bound, a power of
// two when c wants one.
func validInt(c *spec.Constraints) *rapid.Generator[string] {
	lo, hi := 1, 1<<20
	if c.IntMin != nil {
		lo = *c.IntMin
	}
	if c.IntMax != nil {
		hi = *c.IntMax
	}
	if c.PowerOfTwo {
		var pows []string
		for n := 1; n <= hi; n *= 2 {
			if n >= lo {
				pows = append(pows, strconv.Itoa(n))
			}
		}
		return rapid.SampledFrom(pows)
	}
	return rapid.Map(rapid.OneOf(rapid.Just(lo), rapid.Just(hi), rapid.IntRange(lo, hi)), strconv.Itoa)
}

// repair makes a drawn step meet the profile's relation rules: of an
// exclusive set only the first given stays; the parameters of an equal
// rule take the first's value; the partner of an only-with rule takes its
// value.
func (e *Env) repair(st *Step) {
	for _, r := range e.Profile.RulesByRank() {
		if !r.AppliesTo(st.Action) || !r.Reachable() {
			continue
		}
		switch r.Check {
		case "exclusive":
			kept := false
			for _, name := range r.Params {
				if e.givenIn(st, name) && kept {
					e.drop(st, name)
				}
				kept = kept || e.givenIn(st, name)
			}
		case "equal":
			if v, ok := st.Params[r.Params[0]]; ok {
				for _, name := range r.Params[1:] {
					if _, given := st.Params[name]; given {
						st.Params[name] = v
					}
				}
			}
		case "only-with":
			if _, ok := st.Params[r.Params[0]]; ok {
				st.Params[r.Params[1]] = r.Value
			}
		case "distinct":
			e.dropRepeats(st, r.Params)
		}
	}
}

// dropRepeats removes the items of the named parameters whose value an
// earlier one has (addresses compared in canonical form).
func (e *Env) dropRepeats(st *Step, names []string) {
	var keys []string
	for _, name := range names {
		p := e.paramOf(st, name)
		var mine []string
		for k := range st.Params {
			if k == name || p != nil && p.List() && e.paramOf(st, k) == p && k != p.Name {
				mine = append(mine, k)
			}
		}
		slices.SortFunc(mine, func(a, b string) int { return spec.ItemIndex(a) - spec.ItemIndex(b) })
		keys = append(keys, mine...)
	}
	var seen []string
	for _, k := range keys {
		v := st.Params[k]
		if a, err := netip.ParseAddr(v); err == nil {
			v = a.String()
		}
		if slices.Contains(seen, v) {
			delete(st.Params, k)
		}
		seen = append(seen, v)
	}
}

// givenIn reports whether a step gives a parameter (any item of a list).
func (e *Env) givenIn(st *Step, name string) bool {
	p := e.paramOf(st, name)
	if p == nil || !p.List() {
		return st.Params[name] != ""
	}
	for k, v := range st.Params {
		if v != "" && e.paramOf(st, k) == p && k != name {
			return true
		}
	}
	return false
}

// drop removes a parameter (every item of a list) from a step.
func (e *Env) drop(st *Step, name string) {
	p := e.paramOf(st, name)
	for k := range st.Params {
		if k == name || p != nil && p.List() && e.paramOf(st, k) == p {
			delete(st.Params, k)
		}
	}
}

// paramOf returns the parameter called name of a step's action, or nil.
func (e *Env) paramOf(st *Step, name string) *spec.Param {
	if a := e.Profile.Action(st.Action); a != nil {
		return a.Param(name)
	}
	return nil
}

// siblings lists the other groups of the home's VPC with room, for an
// ENI that joins several.
func (e *Env) siblings(h Home) []string {
	var out []string
	for _, g := range e.World.SecurityGroups {
		if g.ID != h.SG.ID && g.VPC == h.VSwitch.VPC && g.Owner == h.Owner && e.sgRoom(g) > 4 {
			out = append(out, g.ID)
		}
	}
	return out
}

// resourceGroups lists the resource groups of the home's owner (own) or
// of other owners.
func (e *Env) resourceGroups(h Home, own bool) []string {
	var out []string
	for _, g := range e.World.ResourceGroups {
		if (g.Owner == h.Owner) == own {
			out = append(out, g.ID)
		}
	}
	return out
}

// takenIn lists the addresses a step already names, in canonical form.
func takenIn(st *Step) []string {
	var out []string
	for k, v := range st.Params {
		if k == "PrimaryIpAddress" || strings.HasPrefix(k, "PrivateIpAddress.") || strings.HasPrefix(k, "Ipv6Address.") {
			if a, err := netip.ParseAddr(v); err == nil {
				out = append(out, a.String())
			}
		}
	}
	return out
}

// freeAddr draws a usable IPv4 address of the home free in the world and
// not named by the step yet.
func freeAddr(h Home, st *Step) *rapid.Generator[string] {
	taken := append(takenIn(st), h.taken...)
	return usableAddr(h).Filter(func(a string) bool { return !slices.Contains(taken, a) })
}

// usable6 draws a usable IPv6 address of the home's IPv6 network (not the
// first, not the last nine), free in the world and not named by the step.
func usable6(h Home, st *Step) *rapid.Generator[string] {
	taken := takenIn(st)
	return rapid.Custom(func(t *rapid.T) string {
		b := h.Net6.Masked().Addr().As16()
		host := rapid.OneOf(rapid.Uint64Range(1, 300), rapid.Uint64Range(1, 1<<62)).Draw(t, "host")
		for i := 15; i >= 8; i-- {
			b[i] = byte(host)
			host >>= 8
		}
		return netip.AddrFrom16(b).String()
	}).Filter(func(a string) bool { return !slices.Contains(taken, a) && !h.state.Holds(h.VSwitch.ID, a) })
}
