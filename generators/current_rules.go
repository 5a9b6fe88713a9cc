package generators

import (
	"net/netip"
	"strconv"

	"github.com/eniconform/eniconform/oracle"
	"pgregory.net/rapid"
)

// What a world lacks where no vSwitch has IPv6, or every one has.
const (
	lacksV6     = "a vSwitch with IPv6 (ipv6_cidr: a /64) and a security group of its VPC"
	lacksV4Only = "a vSwitch without IPv6 (no ipv6_cidr) and a security group of its VPC"
)

// currentMutations break the current profile's rules whose kind is new
// (references to resource groups, limits from the world, IPv6 in the
// vSwitch); mutationsFor drops those a profile does not have.
var currentMutations = []mutation{
	{rule: "ref.resource-group-not-found", touches: "ResourceGroupId", combine: combinable, apply: func(e *Env, t *rapid.T, st *Step, h Home) {
		st.Params["ResourceGroupId"] = unknownID(t, "rg-", e.resourceGroups(h, false), "ResourceGroupId")
	}},
	{rule: "quota.sg-per-eni", touches: "SecurityGroupId", skips: []string{"SecurityGroupIds.N"}, combine: combinable,
		where: func(e *Env, h *Home) bool { return len(e.siblings(*h)) >= e.state.GroupsPerENI(h.Owner) },
		lacks: "a VPC with more security groups (with room) than its account's groups_per_eni (default 5)",
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			delete(st.Params, "SecurityGroupId")
			groups := append([]string{h.SG.ID}, e.siblings(h)...)
			n := rapid.IntRange(e.state.GroupsPerENI(h.Owner)+1, min(len(groups), e.subject.Param("SecurityGroupIds.N").MaxItems)).Draw(t, "security groups")
			for i := 1; i <= n; i++ {
				st.Params["SecurityGroupIds."+strconv.Itoa(i)] = groups[i-1]
			}
		}},
	{rule: "quota.tags", touches: "Tag.N.Key", skips: []string{"Tag.N.Value"}, combine: combinable,
		where: func(e *Env, h *Home) bool { return e.state.TagQuota(h.Owner) < e.subject.Param("Tag.N.Key").MaxItems },
		lacks: "an account whose tag_quota (default 20) is below the 20 tags one request may carry (e.g. tag_quota: 2)",
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			p := e.subject.Param("Tag.N.Key")
			n := rapid.IntRange(e.state.TagQuota(h.Owner)+1, p.MaxItems).Draw(t, "tags")
			keys := rapid.SliceOfNDistinct(validText(p.Constraints, 16), n, n, rapid.ID).Draw(t, "keys")
			for i, k := range keys {
				st.Params[p.Item(i+1)] = k
			}
		}},
	{rule: "addr.ipv6-not-enabled", touches: "Ipv6Address.N", skips: []string{"Ipv6AddressCount"}, needs: "VSwitchId", combine: combinable,
		where: func(_ *Env, h *Home) bool { return !h.Net6.IsValid() }, lacks: lacksV4Only,
		apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
			if rapid.Bool().Draw(t, "by count") {
				st.Params["Ipv6AddressCount"] = strconv.Itoa(rapid.IntRange(1, 10).Draw(t, "Ipv6AddressCount"))
				return
			}
			st.Params["Ipv6Address.1"] = "2408:4005:3f0:ff00::" + strconv.FormatInt(int64(rapid.IntRange(1, 0xfff).Draw(t, "host")), 16)
		}},
	{rule: "addr.ipv6-outside-cidr", touches: "Ipv6Address.N", skips: []string{"Ipv6AddressCount"}, needs: "VSwitchId", combine: combinable,
		where: func(_ *Env, h *Home) bool { return h.Net6.IsValid() }, lacks: lacksV6,
		apply: func(_ *Env, t *rapid.T, st *Step, h Home) {
			b := h.Net6.Masked().Addr().As16()
			b[7] ^= byte(rapid.IntRange(1, 255).Draw(t, "another /64"))
			b[15] = byte(rapid.IntRange(1, 200).Draw(t, "host"))
			st.Params["Ipv6Address.1"] = netip.AddrFrom16(b).String()
		}},
	{rule: "addr.ipv6-reserved", touches: "Ipv6Address.N", skips: []string{"Ipv6AddressCount"}, needs: "VSwitchId", combine: combinable,
		where: func(_ *Env, h *Home) bool { return h.Net6.IsValid() }, lacks: lacksV6,
		apply: func(_ *Env, t *rapid.T, st *Step, h Home) {
			st.Params["Ipv6Address.1"] = rapid.SampledFrom(oracle.Reserved6(h.Net6)).Draw(t, "reserved").String()
		}},
}
