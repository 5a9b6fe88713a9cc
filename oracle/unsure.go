package oracle

import (
	"slices"
	"strings"
)

// A change of an ENI (Modify, Tag, Untag, Assign, Unassign) in flight, or
// one whose outcome was never observed, leaves the ENI unsure: the fields
// it may change are not judged, a listing filtered on them may or may not
// show it, and the counters and addresses it may move count both ways
// (decision changes-in-flight). End takes back what Begin recorded; a
// listing taken alone in the lane shows the ENI as it is (Settle).

// Unsure reports whether a change of ENI id is in flight or of unknown
// outcome.
func (s State) Unsure(id string) bool { return s.unsure.Has(id) }

// unsettle counts one more (d = +1) or one fewer (-1) change of an ENI in
// flight or of unknown outcome.
func (s State) unsettle(id string, d int) State {
	n, _ := s.unsure.Get(id)
	if n += d; n > 0 {
		s.unsure = s.unsure.Set(id, n)
	} else {
		s.unsure = s.unsure.Delete(id)
	}
	return s
}

// tentative is the holder of an address an ENI may take or free while a
// change of it is in flight: State.holds counts it as maybe.
func tentative(id string) string { return "~" + id }

func isTentative(holder string) bool { return strings.HasPrefix(holder, "~") }

// moved is what Begin recorded of a change of one ENI, for End.
type moved struct {
	id    string
	spans []spanDelta // counters widened
	taken []pkey      // addresses held tentatively
	freed []pkey      // addresses whose hold was made tentative
}

type spanDelta struct {
	key    pkey
	lo, hi int
}

// mayChange records that a change may or may not have taken effect on
// each ENI it names. When the state does not hold the ENI the change was
// predicted on (a state from before the create that made it was answered:
// fitsLater judges an answer on the state it was predicted in, with the
// requests that started later in flight), that ENI as the prediction saw
// it stands in, so that the addresses the change may take still count.
func (m *Model) mayChange(s State, e *eval, f InFlight) (State, InFlight) {
	targets := e.targets(&s)
	if len(targets) == 0 && e.eni != nil && !placeholder(e.eni.ID) {
		if _, ok := s.eni(e.eni.ID); !ok {
			targets = []eniRec{*e.eni}
		}
	}
	for _, rec := range targets {
		s = s.unsettle(rec.ID, +1)
		var mv moved
		s, mv = s.mayMove(rec, e.changed(rec, nil))
		f.changed = append(f.changed, mv)
	}
	return s, f
}

// mayMove widens what a change from before to after may move: the counts
// of the vSwitch, the groups and the unknown addresses, and the addresses
// it takes or frees.
func (s State) mayMove(before, after eniRec) (State, moved) {
	mv := moved{id: before.ID}
	widen := func(k pkey, d int) {
		if d == 0 {
			return
		}
		was, _ := s.counts.Lookup(k)
		s.counts = addSpan(s.counts, k, min(d, 0), max(d, 0))
		now, _ := s.counts.Lookup(k)
		mv.spans = append(mv.spans, spanDelta{key: k, lo: now.lo - was.lo, hi: now.hi - was.hi}) // as applied: addSpan keeps lo at 0 or more
	}
	b, a := before.more(), after.more()
	widen(vswKey(before.VSwitch), after.ipv4Count()-before.ipv4Count())
	widen(unknownIPKey(before.VSwitch), (a.SecondaryN-len(a.Secondary))-(b.SecondaryN-len(b.Secondary)))
	for _, g := range union(b.Groups, a.Groups) {
		widen(sgKey(g), countIn(after, g)-countIn(before, g))
	}
	for _, ip := range a.Secondary {
		if !slices.Contains(b.Secondary, ip) {
			k := ipKey(before.VSwitch, ip)
			s.ips = s.hold(k, tentative(before.ID))
			mv.taken = append(mv.taken, k)
		}
	}
	for _, ip := range b.Secondary {
		if !slices.Contains(a.Secondary, ip) {
			k := ipKey(before.VSwitch, ip)
			s.ips = s.hold(k, tentative(before.ID))
			s.ips = s.release(k, before.ID)
			mv.freed = append(mv.freed, k)
		}
	}
	return s, mv
}

// undo takes back what mayMove recorded.
func (s State) undo(mv moved) State {
	s = s.unsettle(mv.id, -1)
	for _, sd := range mv.spans {
		s.counts = addSpan(s.counts, sd.key, -sd.lo, -sd.hi)
	}
	for _, k := range mv.taken {
		s.ips = s.release(k, tentative(mv.id))
	}
	for _, k := range mv.freed {
		s.ips = s.release(k, tentative(mv.id))
		if ids, _ := s.ips.Lookup(k); !slices.Contains(ids, mv.id) {
			s.ips = s.hold(k, mv.id)
		}
	}
	return s
}

// countIn is how many private IPv4 addresses an ENI puts in a group.
func countIn(rec eniRec, g string) int {
	if slices.Contains(rec.more().Groups, g) {
		return rec.ipv4Count()
	}
	return 0
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// adopt takes what a listing taken alone shows of an unsure ENI as what it
// is, and makes it sure again.
func (s State) adopt(rec eniRec, v *ENIView) State {
	m := *rec.more()
	m.Groups, m.Tags = slices.Clone(v.SecurityGroupIDs), slices.Clone(v.Tags)
	m.Secondary, m.SecondaryN = learnList(nil, v.SecondaryIPs, len(v.SecondaryIPs)), len(v.SecondaryIPs)
	m.SourceDest, m.DeleteOnRel, m.QueueNumber = v.SourceDestCheck, v.DeleteOnRelease, v.QueueNumber
	updated := rec
	updated.Name, updated.Description, updated.More = v.NetworkInterfaceName, v.Description, &m
	if len(m.Groups) > 0 {
		updated.SecurityGroup = m.Groups[0]
	}
	s = s.replace(rec, updated)
	s.unsure = s.unsure.Delete(rec.ID)
	return s
}
