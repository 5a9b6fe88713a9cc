package generators

import (
	"errors"
	"slices"

	"pgregory.net/rapid"
)

// ChangeThenList draws a create, one or two valid changes of the new ENI
// (Modify, TagResources, UntagResources, AssignPrivateIpAddresses,
// UnassignPrivateIpAddresses; a Modify or an Untag may follow the first),
// then a DescribeNetworkInterfaces or a ListTagResources of it: by ID, or
// by what a change gave it (a tag, a name, an address). The listing must
// show the ENI as the changes left it. It fails when the profile lacks the
// actions or the world a home for them.
func (e *Env) ChangeThenList() (*rapid.Generator[Case], error) {
	var firsts []string
	for _, a := range []string{ActionModify, ActionTag, ActionUntag, ActionAssign, ActionUnassign} {
		if e.Profile.Action(a) != nil && len(e.listHomes(a)) > 0 {
			firsts = append(firsts, a)
		}
	}
	if len(firsts) == 0 || e.Profile.Action(ActionDescribe) == nil {
		return nil, errors.New("the profile has no action that changes an ENI, or no key may call one and list")
	}
	return rapid.Custom(func(t *rapid.T) Case {
		first := rapid.SampledFrom(firsts).Draw(t, "change")
		setup, st, h := e.drawStep(t, first, e.listHomes(first))
		c := Case{Generator: "post-state", Steps: append(setup, st)}
		if then := e.thenActions(h); len(then) > 0 && rapid.Bool().Draw(t, "a second change") {
			next := Step{Action: rapid.SampledFrom(then).Draw(t, "second change"), Key: h.Key, Params: map[string]string{"RegionId": h.Region}, Send: ValidSend().Draw(t, "send")}
			e.drawChange(t, &next, h, setup[0], Ref(1), nil)
			c.Steps = append(c.Steps, next)
		}
		c.Steps = append(c.Steps, e.listAfter(t, h, c.Steps))
		return c
	}), nil
}

// listHomes are the homes where a change of action and a listing can be
// sent.
func (e *Env) listHomes(action string) []Home {
	return slices.DeleteFunc(e.actionHomes(action), func(h Home) bool {
		return !e.mayCall(e.keys[h.Key], ActionDescribe) || !e.mayCall(e.keys[h.Key], ActionListTags) && e.Profile.Action(ActionListTags) != nil
	})
}

// thenActions are the changes that stay valid after any first change.
func (e *Env) thenActions(h Home) []string {
	var out []string
	for _, a := range []string{ActionModify, ActionUntag} {
		if e.Profile.Action(a) != nil && e.mayCall(e.keys[h.Key], a) {
			out = append(out, a)
		}
	}
	return out
}

// listAfter is the listing that ends a ChangeThenList case.
func (e *Env) listAfter(t *rapid.T, h Home, steps []Step) Step {
	last := steps[len(steps)-1]
	st := Step{Key: h.Key, Params: map[string]string{"RegionId": h.Region}, Send: ValidSend().Draw(t, "send listing")}
	if e.Profile.Action(ActionListTags) != nil && rapid.Bool().Draw(t, "ListTagResources") {
		st.Action = ActionListTags
		st.Params["ResourceType"], st.Params["ResourceId.1"] = eniKind, Ref(1)
		return st
	}
	st.Action = ActionDescribe
	by := []string{"NetworkInterfaceId.1"}
	for _, name := range []string{"Tag.1.Key", "NetworkInterfaceName", "PrivateIpAddress.1"} {
		if last.Params[name] != "" && last.Action != ActionUntag && last.Action != ActionUnassign {
			by = append(by, name)
		}
	}
	switch name := rapid.SampledFrom(by).Draw(t, "listed by"); name {
	case "NetworkInterfaceId.1":
		st.Params[name] = Ref(1)
	default:
		st.Params[name] = last.Params[name]
		st.Params["VSwitchId"] = h.VSwitch.ID
	}
	return st
}
