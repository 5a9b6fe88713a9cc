package oracle

import "slices"

// Next returns the state after a request predicted p was answered with o.
// It learns what the server chose (the ENI ID, its address and MAC) from o.
// An answer it could not read (Unknown, Garbled) leaves the state uncertain
// where the request could have taken effect, never wrong. When the target
// diverged, Next follows what the target says happened, so that later
// predictions (and the cleanup) account for ENIs it created anyway.
func (m *Model) Next(s State, p *Prediction, o *Observation) State {
	if r := p.Remembered; r != nil && r.Replay != "" && o.NetworkInterfaceID == r.Replay {
		p = r // the target still remembered the token: a replay
	}
	switch {
	case o.Kind != Answered:
		return m.unobserved(s, p)
	case o.Failed() || o.Status < 200 || o.Status > 299:
		return s
	}
	switch p.Action {
	case m.Spec.Subject:
		return m.learnCreate(s, p, o)
	case actionDelete:
		if rec, ok := s.eni(p.ev.r.Get("NetworkInterfaceId")); ok && rec.Owner == p.ev.owner {
			return s.removeENI(rec)
		}
	case actionDescribe:
		return m.learnListing(s, p, o)
	}
	if changes(p.Action) {
		return learnChange(s, p, o)
	}
	return s
}

// learnChange applies a change the target says it made to each ENI it
// names, with the addresses an Assign's answer lists.
func learnChange(s State, p *Prediction, o *Observation) State {
	e := p.ev
	var chosen []string
	for _, a := range o.Assigned {
		chosen = append(chosen, canonicalIP(a))
	}
	for _, rec := range e.targets(&s) {
		s = s.replace(rec, e.changed(rec, chosen))
	}
	return s
}

// unobserved records that a request may or may not have taken effect, even
// one that must fail: the target that lost the answer may also have
// accepted it.
func (m *Model) unobserved(s State, p *Prediction) State {
	s, _ = m.mayTakeEffect(s, p)
	return s
}

func (m *Model) learnCreate(s State, p *Prediction, o *Observation) State {
	e := p.ev
	id := o.NetworkInterfaceID
	if id == p.Replay || id == "" || placeholder(id) {
		return s // a replay returns its ENI: nothing new (a target that creates anyway is followed)
	}
	rec := e.newENI(id, "")
	if v := o.Created; v != nil {
		rec.MAC = v.MACAddress
		if e.vsw != nil {
			rec = learnChosen(followShown(rec, v), v) // checked by Check; learned either way
		}
	}
	if e.pending != nil {
		if ph, ok := s.eni(e.pending.ID); ok {
			s = s.removeENI(ph)
		}
	}
	switch _, known := s.eni(id); {
	case e.foreign && !known:
		s = s.addENI(rec) // new, or an earlier create's ENI that may be gone: it may not exist
		if added, ok := s.eni(id); ok {
			s = s.doubt(added, +1) // like a delete of unknown outcome; a listing settles it
		}
	case !s.Issued(id):
		s = s.addENI(rec) // new; an ID seen before is a replay, of an ENI that may be gone by now
	}
	if e.token != "" && !(p.Winner != nil && p.Winner.Rank == m.idemRank) {
		s = m.learnToken(s, &e, id)
	}
	// a target that created where the token's other parameters were due to
	// be refused (idem.mismatch) is taken to keep the token's first record:
	// a replay of the first request must still return the first ENI
	return s
}

// learnListing learns from a DescribeNetworkInterfaces answer the addresses
// and MACs of known ENIs that were never shown. Whether an ENI exists is
// left to Settle: requests in flight meanwhile may have changed it.
func (m *Model) learnListing(s State, p *Prediction, o *Observation) State {
	e := p.ev
	for _, v := range o.ENIs {
		rec, ok := s.eni(v.NetworkInterfaceID)
		if !ok || rec.Owner != e.owner {
			continue
		}
		updated := learnChosen(rec, &v)
		if updated.MAC == "" {
			updated.MAC = v.MACAddress
		}
		if updated.IP != rec.IP || updated.MAC != rec.MAC || updated.More != rec.More {
			s = s.replace(rec, updated)
		}
	}
	return s
}

// Settle learns from a DescribeNetworkInterfaces answer what exists: ENIs
// that may be gone but are listed are certain again, and a complete,
// unfiltered listing of a lane settles every create of unknown outcome and
// every ENI not listed. Call it after Next, and only for a listing that no
// other request of the lane was in flight with: the listing is a snapshot.
func (m *Model) Settle(s State, p *Prediction, o *Observation) State {
	e := p.ev
	if p.Action != "DescribeNetworkInterfaces" || !p.Success() || o.Kind != Answered || o.Failed() || e.region == nil || e.owner == "" {
		return s
	}
	for _, v := range o.ENIs {
		if rec, ok := s.eni(v.NetworkInterfaceID); ok && rec.Owner == e.owner && rec.Maybe {
			sure := rec
			sure.Maybe = false
			s = s.replace(rec, sure)
			s.doubts = s.doubts.Delete(rec.ID)
		}
		if rec, ok := s.eni(v.NetworkInterfaceID); ok && rec.Owner == e.owner && s.Unsure(rec.ID) {
			s = s.adopt(rec, &v)
		}
	}
	if !completeListing(e, o) {
		return s
	}
	return s.settle(e.owner, e.region.ID, o.ENIs)
}

// completeListing reports whether o lists every ENI of the lane.
func completeListing(e eval, o *Observation) bool {
	for name, v := range e.r.Params {
		if v != "" && e.action.Accepts(name) && e.m.Spec.Common(name) == nil && !unfiltered[name] {
			return false // a filter (or a parameter the model reads as one)
		}
	}
	return o.PageNumber <= 1 && len(o.ENIs) == o.TotalCount
}

// unfiltered are the DescribeNetworkInterfaces parameters that select no
// ENI: a listing with no other is complete when it fits its page.
var unfiltered = map[string]bool{"Action": true, "RegionId": true, "PageNumber": true, "PageSize": true}

// settle makes a lane exact from a complete listing: placeholders and ENIs
// not listed go, listed ENIs the model did not know come in.
func (s State) settle(owner, region string, listed []ENIView) State {
	seen := map[string]bool{}
	for _, v := range listed {
		seen[v.NetworkInterfaceID] = true
	}
	var drop []eniRec
	s.eachENI(func(_ string, rec eniRec) bool {
		if rec.Owner == owner && rec.Region == region && (!seen[rec.ID] || placeholder(rec.ID)) {
			drop = append(drop, rec)
		}
		return true
	})
	gone := map[string]bool{}
	for _, rec := range drop {
		s = s.removeENI(rec)
		gone[rec.ID] = placeholder(rec.ID)
	}
	s = s.dropUnmade(owner, gone)
	for _, v := range listed { // in the listing's order, the creation order
		if _, ok := s.eni(v.NetworkInterfaceID); ok || placeholder(v.NetworkInterfaceID) {
			continue
		}
		var sg string
		if len(v.SecurityGroupIDs) > 0 {
			sg = v.SecurityGroupIDs[0]
		}
		s = s.addENI(eniRec{ENI: ENI{ID: v.NetworkInterfaceID, VSwitch: v.VSwitchID, SecurityGroup: sg, IP: v.PrivateIPAddress,
			MAC: v.MACAddress, Name: v.NetworkInterfaceName, Description: v.Description}, Owner: owner, Region: region, VPC: v.VpcID, Zone: v.ZoneID,
			More: &eniMore{Groups: slices.Clone(v.SecurityGroupIDs), Secondary: v.SecondaryIPs, SecondaryN: len(v.SecondaryIPs),
				IPv6: v.IPv6s, IPv6N: len(v.IPv6s), Tags: v.Tags, ResourceGroup: v.ResourceGroupID, Type: v.Type, TrafficMode: v.TrafficMode}})
	}
	return s
}
