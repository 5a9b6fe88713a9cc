package oracle

import "net/netip"

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
