package oracle

import "github.com/eniconform/eniconform/spec"

// Most rules of a rich profile are about parameters a request does not
// send: a format rule on QueueNumber cannot fire without a QueueNumber.
// Each action's parameters get a bit; scan sets the bits of those a request
// gives, and a rule whose kind needs one of its parameters is skipped
// without evaluation when none of their bits is set. It is only a shortcut:
// the checks themselves still read the parameters.

// paramBits is a set of an action's parameters, one bit each.
type paramBits [2]uint64

func (b *paramBits) set(i int) { b[i/64] |= 1 << (i % 64) }

func (b paramBits) meets(o paramBits) bool { return b[0]&o[0] != 0 || b[1]&o[1] != 0 }

// bitsOf numbers an action's parameters; those past 128 get none, and a
// rule about one of them is never skipped.
func bitsOf(a *spec.Action) map[*spec.Param]int {
	out := map[*spec.Param]int{}
	for i, p := range a.Params {
		if i < 128 {
			out[p] = i
		}
	}
	return out
}

// needsPresent reports whether a rule of this kind can fire only when one
// of its parameters is given: the generic kinds but none-of, and the
// address and IPv6 checks.
func needsPresent(k checkKind) bool {
	switch k {
	case cFormat, cExclusive, cDistinct, cCount, cEqual, cOnlyWith, cIPv6Enabled, cIPInCIDR, cIPReserved, cIPFree, cIPHeld, cIPPrimary:
		return true
	}
	return false
}

// maskOf returns the bits of a bound rule's parameters, and whether the
// rule may be skipped when none is given.
func maskOf(bits map[*spec.Param]int, br *boundRule) (paramBits, bool) {
	var m paramBits
	if !needsPresent(br.kind) || len(br.params) == 0 {
		return m, false
	}
	for _, p := range br.params {
		i, ok := bits[p]
		if !ok {
			return m, false
		}
		m.set(i)
	}
	return m, true
}
