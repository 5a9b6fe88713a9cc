package oracle

import (
	"fmt"
	"net/netip"
	"slices"

	"strconv"
	"strings"

	"github.com/eniconform/eniconform/spec"
)

// Tag is one tag of a resource.
type Tag struct {
	Key   string `json:"key" yaml:"key"`
	Value string `json:"value,omitempty" yaml:"value,omitempty"`
}

// eniMore holds what an ENI has beyond the 2018 fields: the current
// profile's parameters, as created. It is shared between states and never
// changed in place.
type eniMore struct {
	Groups        []string // every security group, in the order given; Groups[0] is ENI.SecurityGroup
	Secondary     []string // the secondary IPv4 addresses known
	SecondaryN    int      // how many it has: those not in Secondary were chosen but not seen yet
	IPv6          []string // the IPv6 addresses known
	IPv6N         int      // how many it has
	Tags          []Tag
	ResourceGroup string
	Type          string // Secondary or Trunk
	TrafficMode   string // Standard or HighPerformance
	QueueNumber   int
	QueuePairs    int
	SourceDest    bool
	DeleteOnRel   bool
}

// more returns the extra fields of an ENI, the defaults for one without.
func (e *eniRec) more() *eniMore {
	if e.More != nil {
		return e.More
	}
	m := &eniMore{Type: "Secondary", TrafficMode: "Standard"}
	if e.SecurityGroup != "" {
		m.Groups = []string{e.SecurityGroup}
	}
	return m
}

// ipv4Count is how many IPv4 addresses the ENI holds: primary and secondary.
func (e *eniRec) ipv4Count() int { return 1 + e.more().SecondaryN }

// item is one item of a list parameter as sent.
type item struct {
	p     *spec.Param
	index int
	value string
}

// eachValue calls fn with every non-empty value of params in the request:
// a plain parameter's value, each item of a list (by index), until fn
// returns false.
func (e *eval) eachValue(params []*spec.Param, fn func(p *spec.Param, v string) bool) {
	for _, p := range params {
		if !p.List() {
			if v, ok := e.param(p.Name); ok && !fn(p, v) {
				return
			}
			continue
		}
		for _, it := range e.items {
			if it.p == p && it.value != "" && !fn(p, it.value) {
				return
			}
		}
	}
}

// values returns the non-empty values of params, in order.
func (e *eval) values(params ...*spec.Param) []string {
	var out []string
	e.eachValue(params, func(_ *spec.Param, v string) bool { out = append(out, v); return true })
	return out
}

// given reports whether p has a value: a plain one, or any item of a list.
func (e *eval) given(p *spec.Param) bool {
	found := false
	e.eachValue([]*spec.Param{p}, func(*spec.Param, string) bool { found = true; return false })
	return found
}

// sortItems orders the list items by parameter, then index, so that what
// depends on them does not depend on map order.
func (e *eval) sortItems() {
	slices.SortFunc(e.items, func(a, b item) int {
		if a.p != b.p {
			return strings.Compare(a.p.Name, b.p.Name)
		}
		return a.index - b.index
	})
}

// tags returns the request's tags: each Tag.N.Key with its Tag.N.Value (a
// value without its key is no tag: decision list-items-as-given).
func (e *eval) tags() []Tag {
	var out []Tag
	values := map[int]string{}
	for _, it := range e.items {
		if it.p.Name == "Tag.N.Value" {
			values[it.index] = it.value
		}
	}
	for _, it := range e.items {
		if it.p.Name == "Tag.N.Key" && it.value != "" {
			out = append(out, Tag{Key: it.value, Value: values[it.index]})
		}
	}
	return out
}

// intValue is the integer value of a parameter, 0 when absent or when it
// breaks its constraints (its format rule's business).
func (e *eval) intValue(name string) int {
	v, _ := e.param(name)
	if p := e.action.Param(name); p == nil || p.Constraints.Check(v) != "" {
		return 0
	}
	n, _ := strconv.Atoi(v)
	return n
}

// eachGroup calls fn with each security group a create names and the
// group when the owner sees it (else nil), until fn returns false.
func (e *eval) eachGroup(fn func(id string, g *SecurityGroup) bool) {
	if e.sgs == nil {
		if id := e.v[kSecurityGroupID]; id != "" {
			fn(id, e.sg)
		}
		return
	}
	for i, g := range e.sgs {
		if !fn(e.groups[i], g) {
			return
		}
	}
}

// groupCount is how many distinct security groups a create names.
func (e *eval) groupCount() int {
	n := 0
	e.eachGroup(func(string, *SecurityGroup) bool { n++; return true })
	return n
}

// anyGroup reports whether a group the owner sees satisfies cond.
func (e *eval) anyGroup(cond func(g *SecurityGroup) bool) bool {
	found := false
	e.eachGroup(func(_ string, g *SecurityGroup) bool { found = g != nil && cond(g); return !found })
	return found
}

// tagCount is how many tags a create gives (keys; see tags).
func (e *eval) tagCount() int {
	n := 0
	for _, it := range e.items {
		if it.p.Name == "Tag.N.Key" && it.value != "" {
			n++
		}
	}
	return n
}

// groupIDs returns the security groups a create names, in either form,
// or a Modify in SecurityGroupId.N.
func (e *eval) groupIDs() []string {
	var out []string
	if v, ok := e.param("SecurityGroupId"); ok {
		out = append(out, v)
	}
	for _, it := range e.items {
		if (it.p.Name == "SecurityGroupIds.N" || it.p.Name == "SecurityGroupId.N") && it.value != "" && !slices.Contains(out, it.value) {
			out = append(out, it.value)
		}
	}
	return out
}

// firstOf returns the value of the first of names that is given, or def.
func (e *eval) firstOf(def string, names ...string) string {
	for _, n := range names {
		if v, ok := e.param(n); ok {
			return v
		}
	}
	return def
}

// extras builds the extra fields of the ENI a create makes.
func (e *eval) extras() *eniMore {
	m := &eniMore{Groups: e.groupIDs(), Tags: e.tags(), Type: e.firstOf("Secondary", "InstanceType"),
		TrafficMode: e.firstOf("Standard", "NetworkInterfaceTrafficMode", "NetworkInterfaceTrafficConfig.NetworkInterfaceTrafficMode")}
	m.ResourceGroup, _ = e.param("ResourceGroupId")
	m.QueueNumber, _ = strconv.Atoi(e.firstOf("", "QueueNumber", "NetworkInterfaceTrafficConfig.QueueNumber"))
	m.QueuePairs, _ = strconv.Atoi(e.firstOf("", "QueuePairNumber", "NetworkInterfaceTrafficConfig.QueuePairNumber"))
	m.SourceDest = e.firstOf("", "SourceDestCheck") == "true"
	m.DeleteOnRel = e.firstOf("", "DeleteOnRelease") == "true"
	m.Secondary = e.addresses("PrivateIpAddress.N")
	m.SecondaryN = len(m.Secondary) + e.intValue("SecondaryPrivateIpAddressCount")
	m.IPv6 = e.addresses("Ipv6Address.N")
	m.IPv6N = len(m.IPv6) + e.intValue("Ipv6AddressCount")
	return m
}

// addresses returns the canonical forms of the addresses a list gives.
func (e *eval) addresses(list string) []string {
	p := e.action.Param(list)
	if p == nil {
		return nil
	}
	var out []string
	for _, v := range e.values(p) {
		out = append(out, canonicalIP(v))
	}
	return out
}

// canonicalIP is an address in its canonical form (IPv6 compressed), or v
// as given when it does not parse.
func canonicalIP(v string) string {
	if a, err := netip.ParseAddr(v); err == nil {
		return a.String()
	}
	return v
}

// String shows the fields, for State.Dump.
func (m *eniMore) String() string { return fmt.Sprintf("%+v", *m) }

// choose gives an ENI the addresses the server chooses: the primary when
// not given, then the secondary IPv4 and the IPv6 addresses counted but
// not given, each free and distinct, searching from offset onwards.
func (s State) choose(rec eniRec, sw *vswInfo, offset uint64) eniRec {
	m := *rec.more()
	taken := append(slices.Clone(m.Secondary), m.IPv6...)
	if rec.IP != "" {
		taken = append(taken, rec.IP)
	}
	pick := func(next func(uint64) string) string {
		for i := uint64(0); i < 1<<16; i++ {
			a := next(offset + i)
			if a == "" {
				return ""
			}
			if !slices.Contains(taken, a) && s.holds(ipKey(sw.ID, a), "") == no {
				taken = append(taken, a)
				return a
			}
		}
		return ""
	}
	v4 := func(o uint64) string {
		return addrAdd(sw.net.Masked().Addr().Next(), int(o%uint64(sw.usable))).String()
	}
	if rec.IP == "" {
		rec.IP = pick(v4)
	}
	m.Secondary = slices.Clone(m.Secondary)
	for len(m.Secondary) < m.SecondaryN {
		m.Secondary = append(m.Secondary, pick(v4))
	}
	m.IPv6 = slices.Clone(m.IPv6)
	for sw.net6.IsValid() && len(m.IPv6) < m.IPv6N {
		m.IPv6 = append(m.IPv6, pick(func(o uint64) string { return host6(sw.net6, o) }))
	}
	rec.More = &m
	return rec
}

// host6 is a usable address of an IPv6 /64: the o-th after the first, not
// reserved (the last nine are skipped by the range).
func host6(net netip.Prefix, o uint64) string {
	b := net.Masked().Addr().As16()
	h := 1 + o%(1<<63) // far from the last nine
	for i := 15; i >= 8; i-- {
		b[i] = byte(h)
		h >>= 8
	}
	return netip.AddrFrom16(b).String()
}

// learnChosen learns from how an answer shows an ENI the addresses the
// server chose that the model did not know yet: the primary, and the
// secondary and IPv6 addresses counted but not given. It returns rec
// itself when there is nothing to learn.
func learnChosen(rec eniRec, v *ENIView) eniRec {
	if rec.IP == "" {
		rec.IP = v.PrivateIPAddress
	}
	m := rec.more()
	sec, six := m.Secondary, m.IPv6
	if len(sec) < m.SecondaryN {
		sec = learnList(sec, v.SecondaryIPs, m.SecondaryN)
	}
	if len(six) < m.IPv6N {
		six = learnList(six, v.IPv6s, m.IPv6N)
	}
	if len(sec) != len(m.Secondary) || len(six) != len(m.IPv6) {
		x := *m
		x.Secondary, x.IPv6 = sec, six
		rec.More = &x
	}
	return rec
}

// followShown takes the secondary and IPv6 addresses an answer shows for
// a new ENI as what it holds when their number is not the one asked for: a
// target with a defect assigned others, and later answers will show them
// (the divergence itself is Check's business).
func followShown(rec eniRec, v *ENIView) eniRec {
	m := rec.more()
	if len(v.SecondaryIPs) == m.SecondaryN && len(v.IPv6s) == m.IPv6N {
		return rec
	}
	x := *m
	x.Secondary, x.SecondaryN = learnList(nil, v.SecondaryIPs, len(v.SecondaryIPs)), len(v.SecondaryIPs)
	x.IPv6, x.IPv6N = learnList(nil, v.IPv6s, len(v.IPv6s)), len(v.IPv6s)
	rec.More = &x
	return rec
}

// learnList adds to known the shown addresses it lacks, up to n in all.
func learnList(known, shown []string, n int) []string {
	out := slices.Clone(known)
	for _, a := range shown {
		if len(out) < n && !slices.Contains(out, canonicalIP(a)) {
			out = append(out, canonicalIP(a))
		}
	}
	return out
}
