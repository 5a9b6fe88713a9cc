package oracle

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// State is the model's view of a target: the World plus every ENI, address
// and token since. It is a value: no method mutates it, Next returns a new
// one, and copies share structure, so keeping old states is cheap.
//
// Outcomes the harness could not observe (a timeout, a 5xx, a garbled body)
// leave the state uncertain rather than wrong: counters are kept as ranges
// [lo, hi], a create of unknown outcome is "pending", a delete of unknown
// outcome leaves the ENI "doubtful". Predictions that depend on those say so
// (Prediction.Maybe); a full DescribeNetworkInterfaces listing settles them.
type State struct {
	ix      *index
	enis    pmap[*eniRec]  // known ENIs by ID (some may be doubtful); the records are never changed in place
	ips     pmap[[]string] // ipKey(vswitch, ip) → the ENIs that may hold it (usedByOther for a non-ENI use); usually one
	counts  pmap[span]     // counter key → [lo, hi]
	tokens  pmap[tokenSet] // main account UID → its tokens, bounded (tokens.go)
	issued  pmap[struct{}] // the ENI IDs a target returned lately (tokens.go)
	older   pmap[struct{}] // the generation of issued IDs before
	pending pmap[int]      // lane → creates of unknown outcome
	doubts  pmap[int]      // ENI ID → deletes of it in flight or of unknown outcome
	unsure  pmap[int]      // ENI ID → changes of it in flight or of unknown outcome (unsure.go)
	seq     int64          // creation order, for DescribeNetworkInterfaces
}

const pendingIP = "?"

// usedByOther holds the addresses the world says something else uses.
const usedByOther = "(used)"

// span is a counter whose exact value is unknown within [lo, hi].
type span struct{ lo, hi int }

type eniRec struct {
	ENI
	Owner, Region, VPC, Zone string
	Seq                      int64
	// Maybe: the ENI may not exist; its create (placeholder ID) or its
	// delete (real ID) was never observed.
	Maybe bool
	// More holds the fields of the current profile (eni.go); nil for an
	// ENI that has none (the world's, a 2018 create).
	More *eniMore
}

// index is the immutable, looked-up form of a World.
type index struct {
	world    *World
	accounts map[string]*Account // by AccessKeyId
	mains    map[string]*Account // main accounts by UID
	regions  map[string]*Region
	vpcs     map[string]*VPC
	vsws     map[string]*vswInfo
	sgs      map[string]*SecurityGroup
	rgs      map[string]*ResourceGroup
}

type vswInfo struct {
	*VSwitch
	vpc    *VPC
	net    netip.Prefix
	net6   netip.Prefix // invalid when IPv6 is not turned on
	usable int
}

// NewState indexes a world and returns the state before any request. The
// world must be valid (see World.Validate); NewState returns its problems
// otherwise. The world must not be modified afterwards.
func NewState(w *World) (State, error) {
	if errs := w.Validate(); len(errs) > 0 {
		var all []error
		for _, e := range errs {
			all = append(all, e)
		}
		return State{}, fmt.Errorf("invalid world: %w", errors.Join(all...))
	}
	ix := newIndex(w)
	s := State{ix: ix}
	for _, sw := range w.VSwitches {
		for _, ip := range sw.UsedIPs {
			s.ips = s.hold(ipKey(sw.ID, ip), usedByOther)
			s.counts = addSpan(s.counts, vswKey(sw.ID), 1, 1)
		}
	}
	for _, e := range w.ENIs {
		sw := ix.vsws[e.VSwitch]
		s = s.addENI(eniRec{ENI: e, Owner: sw.vpc.Owner, Region: sw.vpc.Region, VPC: sw.vpc.ID, Zone: sw.Zone})
	}
	return s, nil
}

func newIndex(w *World) *index {
	ix := &index{world: w, accounts: map[string]*Account{}, mains: map[string]*Account{},
		regions: map[string]*Region{}, vpcs: map[string]*VPC{}, vsws: map[string]*vswInfo{}, sgs: map[string]*SecurityGroup{}}
	for i := range w.Accounts {
		a := &w.Accounts[i]
		ix.accounts[a.AccessKeyID] = a
		if a.Type == "main" && ix.mains[a.UID] == nil {
			ix.mains[a.UID] = a
		}
	}
	for i := range w.Regions {
		ix.regions[w.Regions[i].ID] = &w.Regions[i]
	}
	for i := range w.VPCs {
		ix.vpcs[w.VPCs[i].ID] = &w.VPCs[i]
	}
	for i := range w.VSwitches {
		sw := &w.VSwitches[i]
		net := netip.MustParsePrefix(sw.CIDR)
		ix.vsws[sw.ID] = &vswInfo{VSwitch: sw, vpc: ix.vpcs[sw.VPC], net: net, usable: usableCount(net)}
		if sw.IPv6CIDR != "" {
			ix.vsws[sw.ID].net6 = netip.MustParsePrefix(sw.IPv6CIDR)
		}
	}
	for i := range w.SecurityGroups {
		ix.sgs[w.SecurityGroups[i].ID] = &w.SecurityGroups[i]
	}
	ix.rgs = map[string]*ResourceGroup{}
	for i := range w.ResourceGroups {
		ix.rgs[w.ResourceGroups[i].ID] = &w.ResourceGroups[i]
	}
	return ix
}

// World returns the world the state started from. Do not modify it.
func (s State) World() *World { return s.ix.world }

// Account returns the account of an AccessKeyId, or nil.
func (s State) Account(accessKeyID string) *Account { return s.ix.accounts[accessKeyID] }

// Region returns the declared region of an ID, or nil.
func (s State) Region(id string) *Region { return s.ix.regions[id] }

// VPC returns the declared VPC of an ID, or nil.
func (s State) VPC(id string) *VPC { return s.ix.vpcs[id] }

// quota is the ENI quota of owner in region.
func (s State) quota(owner, region string) int {
	if q, ok := s.ix.mains[owner].ENIQuota[region]; ok {
		return q
	}
	if q := s.ix.regions[region].ENIQuota; q > 0 {
		return q
	}
	return DefaultENIQuota
}

func capacity(g *SecurityGroup) int {
	switch {
	case g.Capacity > 0:
		return g.Capacity
	case g.Enterprise():
		return DefaultEnterpriseSGCapacity
	}
	return DefaultSGCapacity
}

// Keys of the counters, addresses and tokens. They join parts with NUL,
// which no ID contains.
func quotaKey(owner, region string) pkey { return pkey{"q\x00", owner, "\x00", region} }
func sgKey(sg string) pkey               { return pkey{"sg\x00", sg} }
func vswKey(vsw string) pkey             { return pkey{"vsw\x00", vsw} }
func unknownIPKey(vsw string) pkey       { return pkey{"unk\x00", vsw} }
func ipKey(vsw, ip string) pkey          { return pkey{vsw, "\x00", ip} }
func unknownIP6Key(vsw string) pkey      { return pkey{"unk6\x00", vsw} }

// LaneOf names the partition of state that requests of owner in region read
// and write. Requests in different lanes never affect each other's outcomes.
func LaneOf(owner, region string) string { return owner + "/" + region }

func addSpan(m pmap[span], key pkey, dlo, dhi int) pmap[span] {
	v, _ := m.Lookup(key)
	v.lo, v.hi = v.lo+dlo, v.hi+dhi
	if v.lo < 0 {
		v.lo = 0
	}
	return m.Set(key.String(), v)
}

// addENI records an ENI with its counters and address. An ENI that may not
// exist (rec.Maybe) raises only the upper bounds; a placeholder also counts
// as pending in its lane.
func (s State) addENI(e eniRec) State {
	s.seq++
	e.Seq = s.seq
	if placeholder(e.ID) {
		e.ID = placeholderID(s.seq)
		s.pending = s.pending.Set(LaneOf(e.Owner, e.Region), s.pendingIn(e.Owner, e.Region)+1)
	} else {
		s = s.issue(e.ID)
	}
	s.enis = s.enis.Set(e.ID, &e)
	return s.count(e, 1)
}

// removeENI forgets an ENI (or placeholder) that certainly does not exist.
func (s State) removeENI(e eniRec) State {
	s.enis = s.enis.Delete(e.ID)
	s.doubts = s.doubts.Delete(e.ID)
	s.unsure = s.unsure.Delete(e.ID)
	if placeholder(e.ID) {
		s.pending = s.pending.Set(LaneOf(e.Owner, e.Region), s.pendingIn(e.Owner, e.Region)-1)
	}
	return s.count(e, -1)
}

// count moves the counters and the address map of e by d (+1 or -1): the
// owner's quota by one ENI; the vSwitch's pool and each of its security
// groups by its IPv4 addresses (decision capacity-counts-ips); and the
// addresses it holds, those not known yet as unknown ones.
func (s State) count(e eniRec, d int) State {
	lo := d
	if e.Maybe {
		lo = 0
	}
	m := e.more()
	unknown, unknown6 := m.SecondaryN-len(m.Secondary), m.IPv6N-len(m.IPv6)
	if e.IP == "" {
		unknown++
	} else {
		s.ips = s.holdOrRelease(ipKey(e.VSwitch, e.IP), e.ID, d)
	}
	for _, a := range append(slices.Clone(m.Secondary), m.IPv6...) {
		s.ips = s.holdOrRelease(ipKey(e.VSwitch, a), e.ID, d)
	}
	if unknown > 0 {
		s.counts = addSpan(s.counts, unknownIPKey(e.VSwitch), lo*unknown, d*unknown)
	}
	if unknown6 > 0 {
		s.counts = addSpan(s.counts, unknownIP6Key(e.VSwitch), lo*unknown6, d*unknown6)
	}
	n := e.ipv4Count()
	s.counts = addSpan(s.counts, quotaKey(e.Owner, e.Region), lo, d)
	s.counts = addSpan(s.counts, vswKey(e.VSwitch), lo*n, d*n)
	for _, g := range m.Groups {
		s.counts = addSpan(s.counts, sgKey(g), lo*n, d*n)
	}
	return s
}

func (s State) holdOrRelease(k pkey, id string, d int) pmap[[]string] {
	if d > 0 {
		return s.hold(k, id)
	}
	return s.release(k, id)
}

// doubt counts one more (d = +1) or one fewer (-1) delete of an ENI whose
// outcome is not known yet; the ENI may be gone while any is. A record
// that is Maybe for another reason (a placeholder) is left as it is.
func (s State) doubt(rec eniRec, d int) State {
	if placeholder(rec.ID) {
		return s
	}
	n, _ := s.doubts.Get(rec.ID)
	n = max(n+d, 0)
	if updated := rec; (n > 0) != rec.Maybe {
		updated.Maybe = n > 0
		s = s.replace(rec, updated)
	}
	if n == 0 {
		s.doubts = s.doubts.Delete(rec.ID)
	} else {
		s.doubts = s.doubts.Set(rec.ID, n)
	}
	return s
}

// hold adds a holder of an address. Several ENIs hold one address only
// when some of them may not exist (requests in flight, outcomes unknown).
func (s State) hold(k pkey, id string) pmap[[]string] {
	ids, _ := s.ips.Lookup(k)
	return s.ips.Set(k.String(), append(slices.Clone(ids), id))
}

// release removes a holder of an address.
func (s State) release(k pkey, id string) pmap[[]string] {
	ids, _ := s.ips.Lookup(k)
	if i := slices.Index(ids, id); i >= 0 {
		ids = slices.Delete(slices.Clone(ids), i, i+1)
	}
	if len(ids) == 0 {
		return s.ips.Delete(k.String())
	}
	return s.ips.Set(k.String(), ids)
}

// holds says whether an address is taken: certainly (yes), perhaps (maybe,
// only by ENIs that may not exist), or not; other is an ENI to disregard.
func (s State) holds(k pkey, other string) tri {
	ids, _ := s.ips.Lookup(k)
	t := no
	for _, id := range ids {
		rec, ok := s.eni(id)
		switch {
		case id == other || id == tentative(other):
		case ok && rec.Maybe, isTentative(id):
			t = maybe // an ENI that may not exist, or a change in flight that may take or free it
		default:
			return yes
		}
	}
	return t
}

// replace swaps an ENI record for an updated one (same or new ID).
func (s State) replace(old, updated eniRec) State {
	doubts, unsure := s.doubts, s.unsure
	s = s.removeENI(old)
	seq := s.seq
	s.seq = old.Seq - 1
	s = s.addENI(updated)
	s.seq = seq
	if updated.ID == old.ID {
		s.doubts, s.unsure = doubts, unsure // the same ENI: its deletes and changes in flight are still in flight
	}
	return s
}

// eni returns a copy of the record of an ENI.
func (s State) eni(id string) (eniRec, bool) {
	if r, ok := s.enis.Get(id); ok {
		return *r, true
	}
	return eniRec{}, false
}

// eachENI calls fn with a copy of every record, in hash order, until fn
// returns false.
func (s State) eachENI(fn func(id string, e eniRec) bool) {
	s.enis.Range(func(id string, r *eniRec) bool { return fn(id, *r) })
}

// placeholder reports whether id stands for an ENI whose create was never
// observed, so its real ID is unknown.
func placeholder(id string) bool { return id == "" || id[0] == pendingIP[0] }

func placeholderID(seq int64) string { return pendingIP + strconv.FormatInt(seq, 10) }

func (s State) pendingIn(owner, region string) int {
	n, _ := s.pending.Get(LaneOf(owner, region))
	return n
}

// ENIs returns the known live ENIs (ones that may be gone included) of owner in
// region in creation order.
func (s State) ENIs(owner, region string) []ENI {
	var out []ENI
	for _, e := range s.lane(owner, region) {
		out = append(out, e.ENI)
	}
	return out
}

// lane returns the ENIs of owner in region with real IDs, by creation order.
func (s State) lane(owner, region string) []eniRec {
	var out []eniRec
	s.eachENI(func(_ string, e eniRec) bool {
		if e.Owner == owner && e.Region == region && !placeholder(e.ID) {
			out = append(out, e)
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Live returns every known live ENI (ones that may be gone included), in
// creation order.
func (s State) Live() []ENI {
	var recs []eniRec
	s.eachENI(func(_ string, e eniRec) bool {
		if !placeholder(e.ID) {
			recs = append(recs, e)
		}
		return true
	})
	sort.Slice(recs, func(i, j int) bool { return recs[i].Seq < recs[j].Seq })
	out := make([]ENI, len(recs))
	for i, e := range recs {
		out[i] = e.ENI
	}
	return out
}

// Room says how many more ENIs fit, certainly, before each limit binds for
// a create of owner in region with security group sg in vSwitch vsw: the
// owner's quota, the group's capacity and the vSwitch's free addresses.
// Unknown IDs have no room.
func (s State) Room(owner, region, sg, vsw string) (quota, groupRoom, pool int) {
	if s.ix.mains[owner] != nil && s.ix.regions[region] != nil {
		c, _ := s.counts.Lookup(quotaKey(owner, region))
		quota = max(s.quota(owner, region)-c.hi, 0)
	}
	if g := s.ix.sgs[sg]; g != nil {
		c, _ := s.counts.Lookup(sgKey(sg))
		groupRoom = max(capacity(g)-c.hi, 0)
	}
	if sw := s.ix.vsws[vsw]; sw != nil {
		c, _ := s.counts.Lookup(vswKey(vsw))
		pool = max(sw.usable-c.hi, 0)
	}
	return quota, groupRoom, pool
}

// Holds reports whether an address of a vSwitch may be taken.
func (s State) Holds(vsw, ip string) bool { return s.holds(ipKey(vsw, ip), "") != no }

// Dump renders the whole state, sorted, one fact a line: ENIs, addresses,
// counters, tokens and issued IDs. Two states with the same dump predict
// the same; tests and debugging use it.
func (s State) Dump() string {
	var lines []string
	add := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	s.eachENI(func(id string, e eniRec) bool { add("eni %s %+v", id, e); return true })
	s.ips.Range(func(k string, ids []string) bool { add("ip %q %v", k, ids); return true })
	s.counts.Range(func(k string, c span) bool { add("count %q [%d,%d]", k, c.lo, c.hi); return true })
	s.dumpTokens(add)
	s.dumpIssued(add)
	s.pending.Range(func(lane string, n int) bool { add("pending %s %d", lane, n); return true })
	s.doubts.Range(func(id string, n int) bool { add("doubts %s %d", id, n); return true })
	s.unsure.Range(func(id string, n int) bool { add("unsure %s %d", id, n); return true })
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Pending is the number of creates of unknown outcome in a lane.
func (s State) Pending(lane string) int {
	n, _ := s.pending.Get(lane)
	return n
}

// Uncertain reports whether some outcome in the lane was not observed, so
// that predictions there may allow more than one answer.
func (s State) Uncertain(lane string) bool {
	n, _ := s.pending.Get(lane)
	if n > 0 {
		return true
	}
	doubt := false
	s.eachENI(func(_ string, e eniRec) bool {
		doubt = e.Maybe && LaneOf(e.Owner, e.Region) == lane
		return !doubt
	})
	return doubt
}

// FreeIP returns a free usable address of a vSwitch, searching from the
// offset-th usable address onwards, or false when none is free. The emulator
// uses it to choose an address; its offset is the only randomness.
func (s State) FreeIP(vswitch string, offset uint64) (string, bool) {
	sw := s.ix.vsws[vswitch]
	if sw == nil {
		return "", false
	}
	first := sw.net.Masked().Addr().Next()
	for i := 0; i < sw.usable; i++ {
		a := addrAdd(first, int((offset+uint64(i))%uint64(sw.usable)))
		if s.holds(ipKey(vswitch, a.String()), "") == no {
			return a.String(), true
		}
	}
	return "", false
}

func addrAdd(a netip.Addr, n int) netip.Addr {
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v += uint32(n)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// ownerOf returns the owner and region of a vSwitch or security group of
// the world, and whether there is one with that ID.
func (ix *index) ownerOf(id string) (owner, region string, ok bool) {
	if sw := ix.vsws[id]; sw != nil {
		return sw.vpc.Owner, sw.vpc.Region, true
	}
	if g := ix.sgs[id]; g != nil {
		return g.Owner, g.Region, true
	}
	return "", "", false
}
