package generators

import (
	"strconv"

	"pgregory.net/rapid"
)

// actionMutations break, on the actions besides the create, the rules
// whose kind has code of its own (references to groups, limits from the
// world, addresses in the vSwitch): the create's mutations, aimed at
// another action's parameters. mutationsFor drops those a profile lacks.
var actionMutations = []mutation{
	{rule: "ref.sg-not-found", action: ActionModify, touches: "SecurityGroupId.N", apply: func(e *Env, t *rapid.T, st *Step, h Home) {
		e.setGroups(t, st, unknownID(t, "sg-", e.foreignIDs(h, false), "SecurityGroupId.N"))
	}},
	{rule: "ref.sg-not-vpc", action: ActionModify, touches: "SecurityGroupId.N", where: func(e *Env, h *Home) bool { return len(e.groups(*h, true)) > 0 },
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			e.setGroups(t, st, rapid.SampledFrom(e.groups(h, true)).Draw(t, "SecurityGroupId.N"))
		}},
	{rule: "ref.vpc-mismatch", action: ActionModify, touches: "SecurityGroupId.N", where: func(e *Env, h *Home) bool { return len(e.groups(*h, false)) > 0 },
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			e.setGroups(t, st, rapid.SampledFrom(e.groups(h, false)).Draw(t, "SecurityGroupId.N"))
		}},
	{rule: "quota.sg-per-eni", action: ActionModify, touches: "SecurityGroupId.N",
		where: func(e *Env, h *Home) bool { return len(e.siblings(*h)) >= e.state.GroupsPerENI(h.Owner) },
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			e.drop(st, "SecurityGroupId.N")
			groups := append([]string{h.SG.ID}, e.siblings(h)...)
			n := rapid.IntRange(e.state.GroupsPerENI(h.Owner)+1, min(len(groups), e.paramOf(st, "SecurityGroupId.N").MaxItems)).Draw(t, "security groups")
			for i := 1; i <= n; i++ {
				st.Params["SecurityGroupId."+strconv.Itoa(i)] = groups[i-1]
			}
		}},
	{rule: "quota.tags", action: ActionTag, touches: "Tag.N.Key", skips: []string{"Tag.N.Value"},
		where: func(e *Env, h *Home) bool { return e.state.TagQuota(h.Owner) < e.subject.Param("Tag.N.Key").MaxItems },
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			p := e.paramOf(st, "Tag.N.Key")
			n := rapid.IntRange(e.state.TagQuota(h.Owner)+1, p.MaxItems).Draw(t, "tags")
			keys := rapid.SliceOfNDistinct(validText(p.Constraints, 16), n, n, rapid.ID).Draw(t, "keys")
			for i, k := range keys {
				st.Params[p.Item(i+1)] = k
			}
		}},
	addrMutation("addr.ip-outside-cidr", ActionAssign, outsideAddr),
	addrMutation("addr.ip-reserved", ActionAssign, reservedAddr),
	addrMutation("addr.ip-outside-cidr", ActionUnassign, outsideAddr),
}

// setGroups makes a Modify's groups one valid group with bad among them.
func (e *Env) setGroups(t *rapid.T, st *Step, bad string) {
	e.drop(st, "SecurityGroupId.N")
	st.Params["SecurityGroupId.1"] = bad
}

// addrMutation gives an Assign or Unassign one address drawn by gen (and
// no count).
func addrMutation(rule, action string, gen func(Home) *rapid.Generator[string]) mutation {
	return mutation{rule: rule, action: action, touches: "PrivateIpAddress.N", skips: []string{"SecondaryPrivateIpAddressCount"},
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			e.drop(st, "PrivateIpAddress.N")
			st.Params["PrivateIpAddress.1"] = gen(h).Draw(t, "PrivateIpAddress.1")
		}}
}
