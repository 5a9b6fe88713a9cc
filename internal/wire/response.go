package wire

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// MaxBodyKept is how much of the body Observation.Body keeps.
const MaxBodyKept = 64 << 10

// ParseResponse is ParseResponseWithin with the limit for the largest page
// the profile allows: BodyLimit(p, action, 0).
func ParseResponse(p *spec.Profile, action string, resp *http.Response, err error) oracle.Observation {
	return ParseResponseWithin(p, action, BodyLimit(p, action, 0), resp, err)
}

// ParseResponseWithin turns a target's answer to a request for action (resp
// and err as http.Client.Do returned them) into an Observation. It reads at
// most limit bytes of the body, as they come, and closes it: a longer body
// is Garbled ("body longer than N bytes") and the rest is never read (the
// client's connection is closed, not drained). A transport error or a
// status ≥ 500 is Unknown (Problem says what; a 5xx body is still parsed
// when possible). A 2xx or 4xx whose body is empty, HTML, not valid JSON or
// XML, or a 4xx without Code is Garbled, with Problem; any other status is
// Garbled too. Everything else is Answered with every field the body
// carries. Format is what the body parsed as ("JSON" or "XML"), whatever the
// Content-Type said; ContentType is kept as sent and Body holds the first
// MaxBodyKept bytes. Problem never contains a signature: URLs in transport
// errors are redacted.
func ParseResponseWithin(p *spec.Profile, action string, limit int64, resp *http.Response, err error) oracle.Observation {
	if err != nil || resp == nil {
		if resp != nil && resp.Body != nil {
			resp.Body.Close()
		}
		return oracle.Observation{Kind: oracle.Unknown, Problem: transportProblem(err)}
	}
	obs := oracle.Observation{Status: resp.StatusCode, ContentType: resp.Header.Get(headerContentType)}
	body, readErr := readResponse(resp, limit)
	obs.Body = bytes.Clone(body[:min(len(body), MaxBodyKept)])
	problem := fmt.Sprintf("body longer than %d bytes", limit)
	if int64(len(body)) <= limit {
		problem = decode(&obs, action, body)
	}
	obs.Kind, obs.Problem = classify(resp.StatusCode, obs.Code, problem)
	if readErr != nil {
		obs.Kind, obs.Problem = oracle.Unknown, "reading the body: "+readErr.Error()
	}
	return obs
}

// classify returns the kind of an answer with a status, the Code it
// carried and the problem decoding met ("" when the body parsed).
func classify(status int, code, problem string) (oracle.ObsKind, string) {
	switch {
	case status >= 500 && problem != "":
		return oracle.Unknown, fmt.Sprintf("HTTP %d (and %s)", status, problem)
	case status >= 500:
		return oracle.Unknown, fmt.Sprintf("HTTP %d: the outcome is unknown", status)
	case status/100 != 2 && status/100 != 4:
		return oracle.Garbled, fmt.Sprintf("unexpected HTTP status %d", status)
	case problem != "":
		return oracle.Garbled, problem
	case status/100 == 4 && code == "":
		return oracle.Garbled, fmt.Sprintf("HTTP %d without Code", status)
	}
	return oracle.Answered, ""
}

// readResponse reads and closes the body, at most limit+1 bytes: the
// buffer grows as bytes arrive, never to the limit up front.
func readResponse(resp *http.Response, limit int64) ([]byte, error) {
	if resp.Body == nil {
		return nil, nil
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, max(limit, 0)+1))
}

// transportProblem describes a transport error without the request URL's
// signature.
func transportProblem(err error) string {
	var ue *url.Error
	switch {
	case err == nil:
		return "no response"
	case errors.As(err, &ue):
		return ue.Op + " " + redactURL(ue.URL) + ": " + ue.Err.Error()
	}
	return err.Error()
}

// decode parses body into obs and sets obs.Format; it returns what went
// wrong, "" when the body parsed.
func decode(obs *oracle.Observation, action string, body []byte) string {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	var b anyBody
	switch {
	case len(trimmed) == 0:
		return "empty body"
	case isHTML(trimmed):
		return "HTML body"
	case trimmed[0] == '{':
		if err := json.Unmarshal(body, &b); err != nil {
			return "invalid JSON: " + err.Error()
		}
		obs.Format = "JSON"
	case trimmed[0] == '<':
		if err := xml.Unmarshal(body, &b); err != nil {
			return "invalid XML: " + err.Error()
		}
		obs.Format = "XML"
	default:
		return "body is neither JSON nor XML"
	}
	fill(obs, action, &b)
	return ""
}

// isHTML reports whether a body (leading space removed) starts like HTML.
func isHTML(b []byte) bool {
	for _, prefix := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix)) {
			return true
		}
	}
	return false
}

// fill copies a decoded body into obs: the envelope fields always, the
// action's own fields for Create, Describe, Assign and ListTagResources.
func fill(obs *oracle.Observation, action string, b *anyBody) {
	obs.RequestID, obs.HostID, obs.Code, obs.Message, obs.Recommend = b.RequestID, b.HostID, b.Code, b.Message, b.Recommend
	switch action {
	case ActionCreate:
		obs.NetworkInterfaceID = b.NetworkInterfaceID
		if b.eniBody.newer() {
			v := b.eniBody.view()
			obs.Created = &v
		}
	case ActionDescribe:
		obs.TotalCount, obs.PageNumber, obs.PageSize = b.TotalCount, b.PageNumber, b.PageSize
		for _, e := range b.NetworkInterfaceSets.NetworkInterfaceSet {
			obs.ENIs = append(obs.ENIs, e.view())
		}
	case ActionAssign:
		set := b.AssignedPrivateIPAddressesSet
		obs.AssignedENI, obs.Assigned = set.NetworkInterfaceID, set.PrivateIPSet.PrivateIPAddress
	case ActionListTags:
		obs.NextToken = b.NextToken
		for _, t := range b.TagResources.TagResource {
			obs.TagResources = append(obs.TagResources, oracle.TagResource{ResourceID: t.ResourceID, ResourceType: t.ResourceType, Key: t.TagKey, Value: t.TagValue})
		}
	}
}

// newer reports whether a Create body carries any field newer than the 2018
// response (RequestId and NetworkInterfaceId only).
func (e *eniBody) newer() bool {
	for _, s := range []string{e.Status, e.Type, e.VpcID, e.VSwitchID, e.ZoneID, e.PrivateIPAddress,
		e.MACAddress, e.NetworkInterfaceName, e.Description} {
		if s != "" {
			return true
		}
	}
	return e.SecurityGroupIDs != nil || e.PrivateIPSets != nil || e.Ipv6Sets != nil || e.Tags != nil
}

// view returns the ENI as the oracle sees it. PrivateIPAddress falls back
// to the primary entry of PrivateIpSets, whose other entries are the
// secondary addresses; an empty list becomes nil; Missing names the list
// maps the body left out.
func (e *eniBody) view() oracle.ENIView {
	v := oracle.ENIView{
		NetworkInterfaceID: e.NetworkInterfaceID, Status: e.Status, VpcID: e.VpcID,
		VSwitchID: e.VSwitchID, ZoneID: e.ZoneID, PrivateIPAddress: e.PrivateIPAddress,
		MACAddress: e.MACAddress, NetworkInterfaceName: e.NetworkInterfaceName, Description: e.Description,
		Type: e.Type, OwnerID: e.OwnerID, ResourceGroupID: e.ResourceGroupID, SourceDestCheck: e.SourceDestCheck,
	}
	if e.TrafficMode != nil { // a Describe entry: the fields a Create body lacks
		v.TrafficMode = *e.TrafficMode
	}
	if e.DeleteOnRelease != nil {
		v.DeleteOnRelease = *e.DeleteOnRelease
	}
	if e.QueueNumber != nil {
		v.QueueNumber = *e.QueueNumber
	}
	if e.QueuePairNumber != nil {
		v.QueuePairNumber = *e.QueuePairNumber
	}
	if e.SecurityGroupIDs != nil && len(e.SecurityGroupIDs.SecurityGroupID) > 0 {
		v.SecurityGroupIDs = e.SecurityGroupIDs.SecurityGroupID
	}
	e.viewLists(&v)
	return v
}

// viewLists copies the list maps into v and notes the missing ones.
func (e *eniBody) viewLists(v *oracle.ENIView) {
	missing := func(name string, absent bool) {
		if absent {
			v.Missing = append(v.Missing, name)
		}
	}
	missing("SecurityGroupIds", e.SecurityGroupIDs == nil)
	missing("PrivateIpSets", e.PrivateIPSets == nil)
	missing("Ipv6Sets", e.Ipv6Sets == nil)
	missing("Ipv4PrefixSets", e.Ipv4PrefixSets == nil)
	missing("Ipv6PrefixSets", e.Ipv6PrefixSets == nil)
	missing("Tags", e.Tags == nil)
	if e.PrivateIPSets != nil {
		for _, ip := range e.PrivateIPSets.PrivateIPSet {
			switch {
			case ip.Primary && v.PrivateIPAddress == "":
				v.PrivateIPAddress = ip.PrivateIPAddress
			case !ip.Primary:
				v.SecondaryIPs = append(v.SecondaryIPs, ip.PrivateIPAddress)
			}
		}
	}
	if e.Ipv6Sets != nil {
		for _, a := range e.Ipv6Sets.Ipv6Set {
			v.IPv6s = append(v.IPv6s, a.Ipv6Address)
		}
	}
	if e.Tags != nil {
		for _, t := range e.Tags.Tag {
			v.Tags = append(v.Tags, oracle.Tag{Key: t.TagKey, Value: t.TagValue})
		}
	}
}
