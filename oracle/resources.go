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

// checkTagQuota: more tags than the owner's resources may carry.
func checkTagQuota(e *eval) verdict {
	return when(e.owner != "" && e.region != nil && e.tagCount() > e.s.tagQuota(e.owner))
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
// has no room for the ENI's IPv4 addresses (decision capacity-counts-ips).
// Without an enterprise rule in the profile every group is checked by the
// basic one.
func checkGroupCapacity(e *eval, enterprise bool) verdict {
	if !e.fresh() {
		return miss
	}
	need := e.ipv4Need()
	worst := no
	e.eachGroup(func(_ string, g *SecurityGroup) bool {
		if g == nil || (g.Enterprise() && e.m.enterprise) != enterprise {
			return true
		}
		e.readState = true
		c, _ := e.s.counts.Lookup(sgKey(g.ID))
		worst = worse(worst, overBy(c, need, capacity(g)))
		return true
	})
	return verdict{hit: worst}
}

// ipv4Need is how many IPv4 addresses the ENI of a create holds: the
// primary and every secondary, given or counted.
func (e *eval) ipv4Need() int {
	n := 1 + e.intValue("SecondaryPrivateIpAddressCount")
	for _, it := range e.items {
		if it.p.Name == "PrivateIpAddress.N" && it.value != "" {
			n++
		}
	}
	return n
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
