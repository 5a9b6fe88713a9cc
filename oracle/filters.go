package oracle

import "slices"

// filter holds the DescribeNetworkInterfaces filters of a request
// (decision describe-filters); an empty field filters nothing.
type filter struct {
	ids, private, ipv6                                     []string
	vsw, vpc, sg, typ, status, name, primary, rg, instance string
	managed                                                string
	tags                                                   []Tag
}

// filters reads the filters a DescribeNetworkInterfaces gives.
func (e *eval) filters() filter {
	f := filter{tags: e.tags()}
	for _, it := range e.items {
		if it.value == "" {
			continue // an empty item is absent (decision empty-is-absent): it selects nothing away
		}
		switch it.p.Name {
		case "NetworkInterfaceId.N":
			f.ids = append(f.ids, it.value)
		case "PrivateIpAddress.N":
			f.private = append(f.private, canonicalIP(it.value))
		case "Ipv6Address.N":
			f.ipv6 = append(f.ipv6, canonicalIP(it.value))
		}
	}
	get := func(name string) string { v, _ := e.param(name); return v }
	f.vsw, f.vpc, f.sg, f.typ, f.status = get("VSwitchId"), get("VpcId"), get("SecurityGroupId"), get("Type"), get("Status")
	f.name, f.primary, f.rg, f.instance, f.managed = get("NetworkInterfaceName"), get("PrimaryIpAddress"), get("ResourceGroupId"), get("InstanceId"), get("ServiceManaged")
	return f
}

// match says whether an ENI passes the filters: yes, no, or maybe when
// the ENI may have changed unobserved (decision changes-in-flight) or the
// model has not seen an address a filter reads.
func (f *filter) match(s *State, status string, rec eniRec) tri {
	m := rec.more()
	stable := (len(f.ids) == 0 || slices.Contains(f.ids, rec.ID)) && is(f.vsw, rec.VSwitch) && is(f.vpc, rec.VPC) &&
		is(f.typ, m.Type) && is(f.status, status) && is(f.rg, m.ResourceGroup) && f.instance == "" && f.managed != "true"
	if !stable {
		return no
	}
	t := boolTri(is(f.primary, rec.IP))
	if f.primary != "" && rec.IP == "" {
		t = maybe
	}
	if !f.changeable() {
		return t
	}
	c := boolTri(is(f.name, rec.Name) && (f.sg == "" || slices.Contains(m.Groups, f.sg)) && hasTags(m.Tags, f.tags))
	c = both(c, anyHeld(f.private, m.Secondary, m.SecondaryN))
	c = both(c, anyHeld(f.ipv6, m.IPv6, m.IPv6N))
	return both(t, s.unsureOf(rec.ID, c))
}

// changeable reports whether a filter reads a field a change may alter.
func (f *filter) changeable() bool {
	return f.name != "" || f.sg != "" || len(f.tags) > 0 || len(f.private) > 0 || len(f.ipv6) > 0
}

// is reports whether a filter value (empty: none) admits v.
func is(filter, v string) bool { return filter == "" || filter == v }

// anyHeld says whether an ENI holds one of the addresses want (none: no
// filter): maybe when it holds addresses the model has not seen.
func anyHeld(want, known []string, n int) tri {
	switch {
	case len(want) == 0 || slices.ContainsFunc(want, func(a string) bool { return slices.Contains(known, a) }):
		return yes
	case n > len(known):
		return maybe
	}
	return no
}

// both is the conjunction of two outcomes.
func both(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == maybe || b == maybe:
		return maybe
	}
	return yes
}
