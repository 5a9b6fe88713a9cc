package oracle

import (
	"net/netip"
	"slices"
	"strconv"

	"github.com/eniconform/eniconform/spec"
)

// The checks of the actions on one ENI (AssignPrivateIpAddresses,
// UnassignPrivateIpAddresses) that read what the ENI holds. Each is a miss
// when the ENI is not the owner's in the region: that is the not-found
// rule's business.

// checkENIIPLimit: the ENI would hold more secondary private IPv4
// addresses than the rule's Max (decision assign-limit-49).
func checkENIIPLimit(e *eval, r *boundRule) verdict {
	if e.eni == nil {
		return miss
	}
	e.readState = true
	return verdict{hit: e.unsure(boolTri(e.eni.more().SecondaryN+e.newIPv4() > r.Max)), part: "more than " + strconv.Itoa(r.Max)}
}

// checkIPHeld: an address to unassign inside the vSwitch that is neither
// the ENI's primary (ip-primary's business) nor one of its secondary
// addresses; maybe when the ENI holds addresses the model has not seen
// (decision unassign-held-only).
func checkIPHeld(e *eval, r *boundRule) verdict {
	if e.eni == nil || e.vsw == nil {
		return miss
	}
	e.readState = true
	m, worst := e.eni.more(), no
	e.validValues(r.params, func(_ *spec.Param, v string) bool {
		a, err := netip.ParseAddr(v)
		if err != nil || !e.vsw.net.Contains(a) || a.String() == e.eni.IP || slices.Contains(m.Secondary, a.String()) {
			return true // malformed or outside: other rules'; held: fine
		}
		t := yes
		if m.SecondaryN > len(m.Secondary) || e.eni.IP == "" {
			t = maybe // one of the addresses not seen yet
		}
		worst = worse(worst, t)
		return worst != yes
	})
	return verdict{hit: e.unsure(worst)}
}

// checkIPPrimary: an address to unassign is the ENI's primary one.
func checkIPPrimary(e *eval, r *boundRule) verdict {
	if e.eni == nil {
		return miss
	}
	m, worst := e.eni.more(), no
	e.validValues(r.params, func(_ *spec.Param, v string) bool {
		switch a := canonicalIP(v); {
		case a == e.eni.IP:
			worst = yes
		case e.eni.IP == "" && !slices.Contains(m.Secondary, a):
			worst = worse(worst, maybe) // the primary was never seen
		}
		return worst != yes
	})
	return verdict{hit: worst}
}

// unsure turns an outcome that depends on what the named ENI holds into
// maybe while a change of it is in flight or was never observed.
func (e *eval) unsure(t tri) tri {
	if e.eni == nil {
		return t
	}
	return e.s.unsureOf(e.eni.ID, t)
}

// unsureOf is t, or maybe while a change of ENI id is in flight or was
// never observed (decision changes-in-flight).
func (s State) unsureOf(id string, t tri) tri {
	if s.Unsure(id) {
		return maybe
	}
	return t
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}
