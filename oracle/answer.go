package oracle

import (
	"net/url"
	"slices"
)

// Choice holds the values a server chooses freely: the only inputs of Answer
// that are not in the state or the request. The emulator draws them at random.
type Choice struct {
	RequestID string // an uppercase UUID
	HostID    string // "" means the profile's host_id
	ENIID     string // for a new ENI
	IPOffset  uint64 // where to start looking for a free address
	MAC       string // for a new ENI
}

// Answer returns the observation a conforming server gives for a request
// predicted p in state s, with the free values taken from c. It is the
// reference emulator's whole behaviour: decode, Predict, Answer, encode.
// For a prediction with Maybe rules (an uncertain state, which the emulator
// never has) it answers as if none of them fired.
func (m *Model) Answer(s *State, p *Prediction, c Choice) Observation {
	o := Observation{Kind: Answered, Status: 200, Format: p.Format, ContentType: m.Spec.ContentType(p.Format), RequestID: c.RequestID}
	if !p.Success() {
		o.Status, o.Code, o.Message = p.Winner.HTTP, p.Winner.Code, p.Message()
		o.HostID = c.HostID
		if o.HostID == "" {
			o.HostID = m.Spec.HostID
		}
		o.Recommend = "https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(o.Code) +
			"&product=" + m.Spec.Product + "&requestId=" + c.RequestID
		return o
	}
	switch p.Action {
	case m.Spec.Subject:
		m.answerCreate(s, p, c, &o)
	case actionDescribe:
		l := m.listing(s, p)
		for _, e := range l.page() {
			o.ENIs = append(o.ENIs, m.view(s, e))
		}
		o.TotalCount, o.PageNumber, o.PageSize = len(l.all), l.number, l.size
	case actionAssign:
		o.AssignedENI, o.Assigned = p.ev.r.Get("NetworkInterfaceId"), p.ev.toAssign(s, c.IPOffset)
	case actionListTags:
		o.TagResources, o.NextToken = tagPage(m.tagListing(s, p).all, p.ev.r.Get("NextToken"))
	}
	return o
}

func (m *Model) answerCreate(s *State, p *Prediction, c Choice, o *Observation) {
	if p.Replay != "" {
		o.NetworkInterfaceID = p.Replay
		if rec, ok := s.eni(p.Replay); ok {
			v := m.view(s, rec)
			o.Created = &v
		}
		return
	}
	rec := p.ev.newENI(c.ENIID, c.MAC)
	if p.ev.vsw != nil {
		rec = s.choose(rec, p.ev.vsw, c.IPOffset)
	}
	o.NetworkInterfaceID = c.ENIID
	v := m.view(s, rec)
	o.Created = &v
}

// newENI is the ENI a successful create of this request makes. It copes
// with references that did not resolve, which only a profile with rules
// switched off (a planted fault) lets through.
func (e *eval) newENI(id, mac string) eniRec {
	more := e.extras()
	var first string
	if len(more.Groups) > 0 {
		first = more.Groups[0]
	}
	rec := eniRec{ENI: ENI{ID: id, VSwitch: e.r.Get("VSwitchId"), SecurityGroup: first, MAC: mac,
		Name: e.r.Get("NetworkInterfaceName"), Description: e.r.Get("Description")}, Owner: e.owner, More: more}
	if e.region != nil {
		rec.Region = e.region.ID
	}
	if e.vsw != nil {
		rec.VPC, rec.Zone = e.vsw.VPC, e.vsw.Zone
	}
	if e.ip.IsValid() {
		rec.IP = e.ip.String()
	}
	return rec
}

// view is how a response shows an ENI.
func (m *Model) view(s *State, e eniRec) ENIView {
	x := e.more()
	return ENIView{
		NetworkInterfaceID: e.ID, Status: m.Spec.Responses.ENIStatus,
		VpcID: e.VPC, VSwitchID: e.VSwitch, ZoneID: e.Zone,
		PrivateIPAddress: e.IP, MACAddress: e.MAC, SecurityGroupIDs: slices.Clone(x.Groups),
		NetworkInterfaceName: e.Name, Description: e.Description,
		Type: x.Type, SecondaryIPs: slices.Clone(x.Secondary), IPv6s: slices.Clone(x.IPv6), Tags: slices.Clone(x.Tags),
		ResourceGroupID: x.ResourceGroup, OwnerID: e.Owner, TrafficMode: x.TrafficMode,
		QueueNumber: x.QueueNumber, QueuePairNumber: x.QueuePairs, SourceDestCheck: x.SourceDest, DeleteOnRelease: x.DeleteOnRel,
	}
}
