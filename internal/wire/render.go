package wire

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// xmlHeader starts every XML body.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

// Render writes obs as the response to a request for action: status
// obs.Status (when 0: 200, or p.Status(obs.Code) for an error), Content-Type
// exactly p.ContentType(format) and the body in obs.Format ("XML", any case,
// gives XML; anything else JSON). With obs.Code set the body is the error
// envelope (RequestId, HostId, Code, Message, Recommend; XML root <Error>);
// otherwise it is the success body of action (XML root <ActionResponse>):
// Create → RequestId, NetworkInterfaceId and, when obs.Created is set, the
// newer ENI fields; Delete → RequestId; Describe → RequestId, TotalCount,
// PageNumber, PageSize and NetworkInterfaceSets; AssignPrivateIpAddresses →
// RequestId and AssignedPrivateIpAddressesSet; ListTagResources →
// RequestId, NextToken and TagResources. Another action gets RequestId
// only. A nil obs renders as an empty success.
func Render(w http.ResponseWriter, p *spec.Profile, action string, obs *oracle.Observation) {
	if obs == nil {
		obs = &oracle.Observation{}
	}
	format := "JSON"
	if strings.EqualFold(obs.Format, "XML") {
		format = "XML"
	}
	body := encodeBody(format, bodyOf(action, obs))
	h := w.Header()
	h["Content-Type"] = []string{p.ContentType(format)}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(renderStatus(p, obs))
	_, _ = w.Write(body) // a failed write shows as a short body to the client
}

// renderStatus is the status Render writes.
func renderStatus(p *spec.Profile, obs *oracle.Observation) int {
	switch {
	case obs.Status != 0:
		return obs.Status
	case obs.Code == "":
		return http.StatusOK
	}
	if s, ok := p.Status(obs.Code); ok {
		return s
	}
	return http.StatusBadRequest
}

// encodeBody marshals v in format; the body types cannot fail to marshal.
func encodeBody(format string, v any) []byte {
	if format == "XML" {
		b, _ := xml.Marshal(v)
		return append([]byte(xmlHeader), b...)
	}
	b, _ := json.Marshal(v)
	return b
}

// bodyOf returns the body value for obs.
func bodyOf(action string, obs *oracle.Observation) any {
	if obs.Code != "" {
		return &errorBody{RequestID: obs.RequestID, HostID: obs.HostID, Code: obs.Code,
			Message: obs.Message, Recommend: obs.Recommend}
	}
	root := xml.Name{Local: action + "Response"}
	switch {
	case action == ActionCreate && obs.Created != nil:
		eni := renderENI(*obs.Created)
		eni.NetworkInterfaceID = or(obs.NetworkInterfaceID, obs.Created.NetworkInterfaceID)
		return &createBody{XMLName: root, RequestID: obs.RequestID, eniBody: eni}
	case action == ActionCreate:
		return &plainBody{XMLName: root, RequestID: obs.RequestID, NetworkInterfaceID: obs.NetworkInterfaceID}
	case action == ActionDescribe:
		return describeOf(root, obs)
	case action == ActionAssign:
		b := &assignBody{XMLName: root, RequestID: obs.RequestID}
		b.AssignedPrivateIPAddressesSet = assignedSet{NetworkInterfaceID: obs.AssignedENI,
			PrivateIPSet: addressList{append([]string{}, obs.Assigned...)}, Ipv4PrefixSet: prefixesList{[]string{}}}
		return b
	case action == ActionListTags:
		return listTagsOf(root, obs)
	}
	return &plainBody{XMLName: root, RequestID: obs.RequestID}
}

// listTagsOf returns the ListTagResources body for obs.
func listTagsOf(root xml.Name, obs *oracle.Observation) *listTagsBody {
	b := &listTagsBody{XMLName: root, RequestID: obs.RequestID, NextToken: obs.NextToken}
	b.TagResources.TagResource = make([]tagResource, len(obs.TagResources))
	for i, t := range obs.TagResources {
		b.TagResources.TagResource[i] = tagResource{ResourceID: t.ResourceID, ResourceType: t.ResourceType, TagKey: t.Key, TagValue: t.Value}
	}
	return b
}

// describeOf returns the Describe body for obs.
func describeOf(root xml.Name, obs *oracle.Observation) *describeBody {
	b := &describeBody{XMLName: root, RequestID: obs.RequestID, TotalCount: obs.TotalCount,
		PageNumber: obs.PageNumber, PageSize: obs.PageSize}
	b.NetworkInterfaceSets.NetworkInterfaceSet = make([]eniBody, len(obs.ENIs))
	for i, e := range obs.ENIs {
		b.NetworkInterfaceSets.NetworkInterfaceSet[i] = renderENI(e)
		describeOnly(&b.NetworkInterfaceSets.NetworkInterfaceSet[i], e)
	}
	return b
}

// describeOnly adds the fields only a Describe entry has.
func describeOnly(b *eniBody, v oracle.ENIView) {
	b.DeleteOnRelease, b.TrafficMode = &v.DeleteOnRelease, &v.TrafficMode
	b.QueueNumber, b.QueuePairNumber = &v.QueueNumber, &v.QueuePairNumber
}

// renderENI returns the body of one ENI, every list map present (empty
// ones as empty lists): the primary private IP first in PrivateIpSets
// (Primary true), then the secondary ones.
func renderENI(v oracle.ENIView) eniBody {
	e := eniBody{
		NetworkInterfaceID: v.NetworkInterfaceID, Status: v.Status, Type: v.Type,
		VpcID: v.VpcID, VSwitchID: v.VSwitchID, ZoneID: v.ZoneID,
		PrivateIPAddress: v.PrivateIPAddress, MACAddress: v.MACAddress,
		NetworkInterfaceName: v.NetworkInterfaceName, Description: v.Description,
		OwnerID: v.OwnerID, ResourceGroupID: v.ResourceGroupID, SourceDestCheck: v.SourceDestCheck,
		SecurityGroupIDs: &groupIDs{SecurityGroupID: append(make([]string, 0, len(v.SecurityGroupIDs)), v.SecurityGroupIDs...)},
		PrivateIPSets:    &privateIPSets{PrivateIPSet: []privateIP{}},
		Ipv6Sets:         &ipv6Sets{Ipv6Set: []ipv6Entry{}},
		Ipv4PrefixSets:   &ipv4PrefixSets{Ipv4PrefixSet: []ipv4Prefix{}},
		Ipv6PrefixSets:   &ipv6PrefixSets{Ipv6PrefixSet: []ipv6Prefix{}},
		Tags:             &tagSet{Tag: []tagEntry{}},
	}
	if v.PrivateIPAddress != "" {
		e.PrivateIPSets.PrivateIPSet = append(e.PrivateIPSets.PrivateIPSet, privateIP{v.PrivateIPAddress, true})
	}
	for _, a := range v.SecondaryIPs {
		e.PrivateIPSets.PrivateIPSet = append(e.PrivateIPSets.PrivateIPSet, privateIP{a, false})
	}
	for _, a := range v.IPv6s {
		e.Ipv6Sets.Ipv6Set = append(e.Ipv6Sets.Ipv6Set, ipv6Entry{a})
	}
	for _, t := range v.Tags {
		e.Tags.Tag = append(e.Tags.Tag, tagEntry{t.Key, t.Value})
	}
	return e
}
