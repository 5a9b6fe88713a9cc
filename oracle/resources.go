package oracle

import (
	"fmt"
	"net/netip"
	"slices"
)

// ResourceGroup is a resource group of a main account. Resource groups are
// not regional: one serves every region (decision resource-group-global).
type ResourceGroup struct {
	ID    string `json:"id" yaml:"id"`
	Owner string `json:"owner" yaml:"owner"`
}

func (v *validator) resourceGroups() {
	for i, g := range v.w.ResourceGroups {
		p := fmt.Sprintf("resource_groups[%d]", i)
		v.id(p, g.ID)
		v.owner(p+".owner", g.Owner)
	}
}

// ipv6 checks a vSwitch's IPv6 network: empty, or a /64.
func (v *validator) ipv6(path, cidr string) {
	if cidr == "" {
		return
	}
	pf, err := netip.ParsePrefix(cidr)
	if err != nil || !pf.Addr().Is6() || pf.Addr().Is4In6() || pf != pf.Masked() || pf.Bits() != 64 {
		v.bad(path+".ipv6_cidr", "%q is not an IPv6 /64 network (address bits after the mask must be 0)", cidr)
	}
}

// GroupsPerENI is how many security groups an ENI of owner may join.
func (s State) GroupsPerENI(owner string) int { return s.groupsPerENI(owner) }

// TagQuota is how many tags a resource of owner may carry.
func (s State) TagQuota(owner string) int { return s.tagQuota(owner) }

// groupsPerENI is how many security groups an ENI of owner may join.
func (s State) groupsPerENI(owner string) int {
	if a := s.ix.mains[owner]; a != nil && a.GroupsPerENI > 0 {
		return a.GroupsPerENI
	}
	return DefaultGroupsPerENI
}

// tagQuota is how many tags a resource of owner may carry.
func (s State) tagQuota(owner string) int {
	if a := s.ix.mains[owner]; a != nil && a.TagQuota > 0 {
		return a.TagQuota
	}
	return DefaultTagQuota
}

// checkResourceGroup: a ResourceGroupId that is not one of the owner's
// groups (decision resource-group-global).
func checkResourceGroup(e *eval) verdict {
	id, ok := e.param("ResourceGroupId")
	if !ok || !e.fresh() || e.owner == "" || e.region == nil {
		return miss
	}
	switch g := e.s.ix.rgs[id]; {
	case g == nil:
		return verdict{hit: yes, part: "ResourceGroupId unknown"}
	case g.Owner != e.owner:
		return verdict{hit: yes, part: "ResourceGroupId of another account"}
	}
	return miss
}

// checkGroupLimit: more security groups than the owner's ENIs may join.
func checkGroupLimit(e *eval) verdict {
	return when(e.owner != "" && e.region != nil && e.groupCount() > e.s.groupsPerENI(e.owner))
}

// checkTagQuota: more tags than the owner's resources may carry: a
// create's, or those an ENI would carry after a TagResources (decision
// tags-eni-only).
func checkTagQuota(e *eval) verdict {
	if e.owner == "" || e.region == nil {
		return miss
	}
	quota := e.s.tagQuota(e.owner)
	if e.action.Name != actionTag {
		return when(e.tagCount() > quota)
	}
	e.readState = true
	worst := no
	for _, rec := range e.targets(e.s) {
		t := no
		if len(mergeTags(rec.more().Tags, e.tags())) > quota {
			t = yes
		}
		worst = worse(worst, e.s.unsureOf(rec.ID, t))
	}
	return verdict{hit: worst}
}

// checkIPv6Enabled: IPv6 asked for (a valid value of one of the rule's
// parameters) in a vSwitch without IPv6.
func checkIPv6Enabled(e *eval, r *boundRule) verdict {
	if !e.fresh() || e.vsw == nil || e.vsw.net6.IsValid() {
		return miss
	}
	return when(slices.ContainsFunc(r.params, e.validGiven))
}

// checkGroupCapacity: a group of the kind asked for (enterprise or not)
// has no room for the private IPv4 addresses the request adds to it
// (decision capacity-counts-ips). Without an enterprise rule in the
// profile every group is checked by the basic one.
func checkGroupCapacity(e *eval, enterprise bool) verdict {
	if !e.fresh() {
		return miss
	}
	worst := no
	e.eachNeed(func(g *SecurityGroup, need int) {
		if g == nil || (g.Enterprise() && e.m.enterprise) != enterprise {
			return
		}
		e.readState = true
		c, _ := e.s.counts.Lookup(sgKey(g.ID))
		worst = worse(worst, overBy(c, need, capacity(g)))
	})
	return verdict{hit: e.unsure(worst)}
}

// eachNeed calls fn with each group a request adds private IPv4
// addresses to, and how many: a create's groups its addresses; the groups
// a Modify makes the ENI join, the ENI's; the ENI's groups, an Assign's.
func (e *eval) eachNeed(fn func(g *SecurityGroup, need int)) {
	switch e.action.Name {
	case actionModify:
		if e.eni == nil {
			return
		}
		have, n := e.eni.more().Groups, e.eni.ipv4Count()
		e.eachGroup(func(id string, g *SecurityGroup) bool {
			if !slices.Contains(have, id) {
				fn(g, n)
			}
			return true
		})
	case actionAssign:
		if e.eni == nil {
			return
		}
		for _, id := range e.eni.more().Groups {
			fn(e.s.ix.sgs[id], e.newIPv4())
		}
	default:
		need := e.newIPv4()
		e.eachGroup(func(_ string, g *SecurityGroup) bool { fn(g, need); return true })
	}
}

// worse combines two outcomes: yes if either is, else maybe if either is.
func worse(a, b tri) tri {
	if a == yes || b == yes {
		return yes
	}
	return max(a, b)
}

// overBy says whether need more fit under limit, with c already taken:
// certainly not (yes, the rule fires), perhaps not (maybe), or they fit.
func overBy(c span, need, limit int) tri {
	switch {
	case c.lo+need > limit:
		return yes
	case c.hi+need > limit:
		return maybe
	}
	return no
}
