package emulator

import (
	"maps"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// actionFaults break the actions on ENIs that exist (current profile):
// changes answered as made but not stored, limits and references of
// Assign, Unassign and the tag actions not checked.
var actionFaults = []Fault{
	{Name: "modify-name-ignored", Family: "post-state", Breaks: []string{"check.post-state"}, Profiles: current,
		Doc:   "ModifyNetworkInterfaceAttribute checks and accepts a NetworkInterfaceName but keeps the old one (the other attributes change)",
		Needs: []string{"NetworkInterfaceName"}, Setup: true,
		learn: func(r *oracle.Request) *oracle.Request { return without(r, actionModify, "NetworkInterfaceName") }},
	{Name: "tags-added-not-listed", Family: "post-state", Breaks: []string{"check.post-state"}, Profiles: current,
		Doc:   "ListTagResources (and Describe) omit the tags TagResources adds: TagResources answers success and stores nothing",
		Needs: []string{"Tag.N.Key"}, Setup: true,
		learn: func(r *oracle.Request) *oracle.Request { return unless(r, actionTag) }},
	{Name: "unassign-keeps-address", Family: "post-state", Breaks: []string{"check.post-state", "addr.ip-in-use", "addr.ip-not-assigned", "addr.pool-exhausted", "quota.sg-capacity", "quota.enterprise-sg-capacity", "valid"}, Profiles: current,
		// the kept address stays in use and counts against the vSwitch's
		// pool and the groups' capacity: while that ENI lives, a create that
		// asks for the address, or one in the same vSwitch or group, may be
		// refused where the model has room (cases run side by side)
		Doc:   "UnassignPrivateIpAddresses answers success but the ENI keeps the address (Describe lists it, it stays in use, and unassigning it again succeeds)",
		Needs: []string{"PrimaryIpAddress", "PrivateIpAddress.N"}, Setup: true,
		learn: func(r *oracle.Request) *oracle.Request { return unless(r, actionUnassign) }},
	{Name: "assign-50th-accepted", Family: "quotas", Breaks: []string{"quota.eni-private-ips"}, Profiles: current,
		Doc:   "AssignPrivateIpAddresses gives an ENI a 50th secondary private IP (the limit is checked with > 50, not > 49)",
		Needs: []string{"SecondaryPrivateIpAddressCount"}, Setup: true,
		profile: func(p *spec.Profile) {
			if r := p.Rule("quota.eni-private-ips"); r != nil {
				r.Max++
			}
		}},
	{Name: "tag-unknown-resource-accepted", Family: "references", Breaks: []string{"ref.tag-resource-not-found"}, Profiles: current,
		Doc:     "TagResources and UntagResources accept a ResourceId that is no ENI of the account (and tag what they find)",
		profile: unreachable("ref.tag-resource-not-found")},
	{Name: "unassign-primary-accepted", Family: "addressing", Breaks: []string{"addr.unassign-primary"}, Profiles: current,
		Doc:     "UnassignPrivateIpAddresses accepts the ENI's primary address (and changes nothing)",
		profile: unreachable("addr.unassign-primary")},
}

// The actions the faults above are about.
const (
	actionModify   = "ModifyNetworkInterfaceAttribute"
	actionTag      = "TagResources"
	actionUnassign = "UnassignPrivateIpAddresses"
)

// without is r without the parameter name when r is a request for action.
func without(r *oracle.Request, action, name string) *oracle.Request {
	if r.Action() != action {
		return r
	}
	q := *r
	q.Params = maps.Clone(r.Params)
	delete(q.Params, name)
	return &q
}

// unless is nil for a request for action (the state learns nothing from
// it), r otherwise.
func unless(r *oracle.Request, action string) *oracle.Request {
	if r.Action() == action {
		return nil
	}
	return r
}
