package oracle

import (
	"net/netip"

	"github.com/eniconform/eniconform/spec"
)

// reserved reports whether a is one of the addresses Alibaba VPC keeps for
// itself in subnet: the first and the last three (API-FACTS §5).
func reserved(subnet netip.Prefix, a netip.Addr) bool {
	first := subnet.Masked().Addr()
	if a == first {
		return true
	}
	last := lastAddr(subnet)
	for i := 0; i < 3; i++ {
		if a == last {
			return true
		}
		last = last.Prev()
	}
	return false
}

// lastAddr is the broadcast address of an IPv4 subnet.
func lastAddr(subnet netip.Prefix) netip.Addr {
	b := subnet.Masked().Addr().As4()
	host := uint32(1)<<(32-subnet.Bits()) - 1
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// usableCount is how many addresses of subnet an ENI can take.
func usableCount(subnet netip.Prefix) int { return 1<<(32-subnet.Bits()) - 4 }

// Usable returns the first and last addresses of subnet an ENI can take:
// all but the reserved ones.
func Usable(subnet netip.Prefix) (first, last netip.Addr) {
	last = lastAddr(subnet)
	for i := 0; i < 3; i++ {
		last = last.Prev()
	}
	return subnet.Masked().Addr().Next(), last
}

// Reserved lists the addresses Alibaba VPC keeps for itself in subnet: the
// first and the last three (API-FACTS §5).
func Reserved(subnet netip.Prefix) []netip.Addr {
	last := lastAddr(subnet)
	return []netip.Addr{subnet.Masked().Addr(), last.Prev().Prev(), last.Prev(), last}
}

// reserved6 reports whether a is one of the IPv6 addresses a vSwitch keeps
// for itself: the first and the last nine (API-FACTS §5).
func reserved6(subnet netip.Prefix, a netip.Addr) bool {
	first := subnet.Masked().Addr()
	if a == first {
		return true
	}
	last := lastAddr6(subnet)
	for i := 0; i < 9; i++ {
		if a == last {
			return true
		}
		last = last.Prev()
	}
	return false
}

// lastAddr6 is the last address of an IPv6 subnet.
func lastAddr6(subnet netip.Prefix) netip.Addr {
	b := subnet.Masked().Addr().As16()
	for i := subnet.Bits(); i < 128; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	return netip.AddrFrom16(b)
}

// Reserved6 lists the IPv6 addresses a vSwitch keeps for itself.
func Reserved6(subnet netip.Prefix) []netip.Addr {
	out := []netip.Addr{subnet.Masked().Addr()}
	last := lastAddr6(subnet)
	for i := 0; i < 9; i++ {
		out = append(out, last)
		last = last.Prev()
	}
	return out
}

// addrOf is an address of the request checked against the vSwitch: the
// address, the network of its family, and whether it is reserved there.
type addrOf struct {
	a        netip.Addr
	net      netip.Prefix
	inside   bool
	reserved bool
}

// eachAddr calls fn with each valid address among the rule's parameters
// whose family the vSwitch has, until fn returns false. An invalid one is
// the format rule's business; an IPv6 address in a vSwitch without IPv6,
// the ipv6-enabled rule's.
func (e *eval) eachAddr(r *boundRule, fn func(addrOf) bool) {
	if !e.fresh() || e.vsw == nil {
		return
	}
	e.validValues(r.params, func(_ *spec.Param, v string) bool {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return true
		}
		x := addrOf{a: a, net: e.vsw.net}
		if a.Is6() {
			x.net = e.vsw.net6
		}
		if !x.net.IsValid() {
			return true
		}
		x.inside = x.net.Contains(a)
		x.reserved = x.inside && (a.Is4() && reserved(x.net, a) || a.Is6() && reserved6(x.net, a))
		return fn(x)
	})
}

func checkIPInCIDR(e *eval, r *boundRule) verdict {
	v := miss
	e.eachAddr(r, func(x addrOf) bool {
		v = when(!x.inside)
		return v.hit == no
	})
	return v
}

func checkIPReserved(e *eval, r *boundRule) verdict {
	v := miss
	e.eachAddr(r, func(x addrOf) bool {
		v = when(x.reserved)
		return v.hit == no
	})
	return v
}

// checkIPFree: a usable address of the request is held by an ENI (or by
// something else the world lists); maybe when only ENIs that may not
// exist hold it, or an ENI whose addresses were never observed may.
func checkIPFree(e *eval, r *boundRule) verdict {
	worst := no
	e.eachAddr(r, func(x addrOf) bool {
		if !x.inside || x.reserved {
			return true
		}
		e.readState = true
		t := e.s.holds(ipKey(e.vsw.ID, x.a.String()), "")
		unk := unknownIPKey(e.vsw.ID)
		if x.a.Is6() {
			unk = unknownIP6Key(e.vsw.ID)
		}
		if c, _ := e.s.counts.Lookup(unk); t == no && c.hi > 0 {
			t = maybe
		}
		worst = worse(worst, t)
		return worst != yes
	})
	return verdict{hit: worst}
}

// checkPool: the vSwitch has fewer free addresses than the server must
// choose (the primary, when not given, and SecondaryPrivateIpAddressCount).
func checkPool(e *eval) verdict {
	if !e.fresh() || e.vsw == nil {
		return miss
	}
	chosen := e.intValue("SecondaryPrivateIpAddressCount")
	if _, given := e.param("PrimaryIpAddress"); !given && e.action.Name == e.m.Spec.Subject {
		chosen++
	}
	if chosen == 0 {
		return miss // every address is given: whether each is free is ip-free's business
	}
	e.readState = true
	c, _ := e.s.counts.Lookup(vswKey(e.vsw.ID))
	return verdict{hit: overBy(c, e.newIPv4(), e.vsw.usable)}
}
