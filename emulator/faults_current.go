package emulator

import (
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// currentFaults break rules of the current profile only: the parameters
// today's clients send (both security-group forms, tags, secondary and
// IPv6 addresses, resource groups).
var currentFaults = []Fault{
	{Name: "sg-forms-both-accepted", Family: "parameters", Breaks: []string{"param.sg-conflict"}, Profiles: current,
		Doc:     "SecurityGroupId and SecurityGroupIds.N together are accepted (the groups are merged) instead of refused",
		Needs:   []string{"SecurityGroupIds.N"},
		profile: unreachable("param.sg-conflict")},
	{Name: "sg-repeat-accepted", Family: "parameters", Breaks: []string{"param.sg-repeated"}, Profiles: current,
		Doc:     "a security group named twice in SecurityGroupIds.N is accepted (the list is deduplicated)",
		Needs:   []string{"SecurityGroupIds.N"},
		profile: unreachable("param.sg-repeated")},
	{Name: "tag-key-aliyun-accepted", Family: "parameters", Breaks: []string{"param.tag-key-invalid"}, Profiles: current,
		Doc:     "a Tag.N.Key starting with aliyun or acs: is accepted (the reserved prefixes are not checked)",
		Needs:   []string{"Tag.N.Key"},
		profile: constraint("Tag.N.Key", func(c *spec.Constraints) { c.ForbiddenPrefixes = nil })},
	{Name: "tag-value-http-inside-accepted", Family: "parameters", Breaks: []string{"param.tag-value-invalid"}, Profiles: current,
		Doc:   "a Tag.N.Value with http:// inside is accepted (only a leading http:// is refused)",
		Needs: []string{"Tag.N.Value"},
		profile: constraint("Tag.N.Value", func(c *spec.Constraints) {
			c.ForbiddenPrefixes, c.ForbiddenSubstrings = c.ForbiddenSubstrings, nil
		})},
	{Name: "tag-quota-ignored", Family: "quotas", Breaks: []string{"quota.tags"}, Profiles: current,
		Doc:     "more tags than the account's quota per resource are accepted",
		Needs:   []string{"Tag.N.Key"},
		profile: unreachable("quota.tags")},
	{Name: "secondary-ips-50-accepted", Family: "quotas", Breaks: []string{"quota.private-ips"}, Profiles: current,
		Doc:   "50 secondary private IPs are accepted (the limit is checked with > 50, not > 49)",
		Needs: []string{"SecondaryPrivateIpAddressCount"},
		profile: func(p *spec.Profile) {
			for _, r := range p.Rules {
				if r.ID == "quota.private-ips" {
					r.Max++
				}
			}
		}},
	{Name: "ipv6-without-ipv6-vswitch", Family: "addressing", Breaks: []string{"addr.ipv6-not-enabled"}, Profiles: current,
		Doc:     "IPv6 addresses asked for in a vSwitch without IPv6 are accepted (and none are assigned)",
		Needs:   []string{"Ipv6AddressCount", "Ipv6Address.N"},
		profile: unreachable("addr.ipv6-not-enabled")},
	{Name: "missing-resource-group-accepted", Family: "references", Breaks: []string{"ref.resource-group-not-found"}, Profiles: current,
		Doc:     "a ResourceGroupId that does not exist is accepted and stored",
		Needs:   []string{"ResourceGroupId"},
		profile: unreachable("ref.resource-group-not-found")},
	{Name: "secondary-ip-outside-cidr", Family: "addressing", Breaks: []string{"check.chosen-ip"}, Profiles: current,
		Doc:   "moto: a secondary private IP the server chooses lies outside the vSwitch CIDR (the next subnet's)",
		Needs: []string{"SecondaryPrivateIpAddressCount"},
		answer: func(h *Handler, r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
			chosen := r.Get("SecondaryPrivateIpAddressCount") != "" && !slices.ContainsFunc(slices.Collect(maps.Keys(r.Params)), func(k string) bool {
				return strings.HasPrefix(k, "PrivateIpAddress.") // an address given, not chosen
			})
			if chosen && o.Created != nil && len(o.Created.SecondaryIPs) > 0 && p.Replay == "" {
				o.Created.SecondaryIPs[0] = outside(h, o.Created)
			}
		}},
	{Name: "describe-drops-tags", Family: "post-state", Breaks: []string{"check.post-state"}, Profiles: current,
		Doc:   "DescribeNetworkInterfaces shows every ENI without its tags (Tags.Tag always empty)",
		Needs: []string{"Tag.N.Key"}, Setup: true,
		answer: func(_ *Handler, _ *oracle.Request, _ *oracle.Prediction, o *oracle.Observation) {
			for i := range o.ENIs {
				o.ENIs[i].Tags = nil
			}
		}},
}

// current is the Profiles of the faults above.
var current = []string{spec.CurrentProfile}

// outside returns an address of the subnet after the ENI's vSwitch, so
// that it is certainly not inside it.
func outside(h *Handler, v *oracle.ENIView) string {
	for _, sw := range h.state.World().VSwitches {
		if sw.ID == v.VSwitchID {
			pf := netip.MustParsePrefix(sw.CIDR)
			b := pf.Masked().Addr().As4()
			n := (uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])) + uint32(1)<<(32-pf.Bits()) + 5
			return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String()
		}
	}
	return "198.51.100.5"
}
