package generators

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/eniconform/eniconform/oracle"
	"pgregory.net/rapid"
)

// The scenarios of the rules about what an ENI holds (its secondary
// addresses and their limit, the resources a tag request names), and the
// variants of the create's scenarios on the other actions a rule applies
// to.

// onActions draws the cases of a rule on every action of the profile it
// applies to, each built by probe; it fails when none can be built.
func (e *Env) onActions(rule string, probe func(action string) (*rapid.Generator[Case], error)) (*rapid.Generator[Case], error) {
	r := e.Profile.Rule(rule)
	var gens []*rapid.Generator[Case]
	why := fmt.Errorf("the profile has no action %s applies to", rule)
	for _, a := range r.Actions {
		if e.Profile.Action(a) == nil {
			continue
		}
		g, err := probe(a)
		if err != nil {
			why = err
			continue
		}
		gens = append(gens, g)
	}
	if len(gens) == 0 {
		return nil, why
	}
	return rapid.OneOf(gens...), nil
}

// namingENI draws requests of an action that names an ENI, with the
// NetworkInterfaceId set sets (a Delete has nothing else; the others are
// drawn valid, without the setup create they would need).
func (e *Env) namingENI(rule string, set func(t *rapid.T, p map[string]string)) (*rapid.Generator[Case], error) {
	return e.onActions(rule, func(action string) (*rapid.Generator[Case], error) {
		if action == ActionDelete {
			homes, err := e.anyHome()
			return aux(e, homes, err, rule, action, func(t *rapid.T, p map[string]string, _ Home) { set(t, p) })
		}
		homes := e.actionHomes(action)
		if len(homes) == 0 {
			return nil, lackKey(action)
		}
		return rapid.Custom(func(t *rapid.T) Case {
			_, st, _ := e.drawStep(t, action, homes, "NetworkInterfaceId")
			set(t, st.Params)
			return Case{Generator: "rule", Breaks: []string{rule}, Steps: []Step{st}}
		}), nil
	})
}

func deleteWithout(e *Env) (*rapid.Generator[Case], error) {
	return e.namingENI("param.missing.NetworkInterfaceId", func(t *rapid.T, p map[string]string) {
		if rapid.Bool().Draw(t, "NetworkInterfaceId sent empty") {
			p["NetworkInterfaceId"] = ""
		}
	})
}

func deleteUnknown(e *Env) (*rapid.Generator[Case], error) {
	return e.namingENI("ref.eni-not-found", func(t *rapid.T, p map[string]string) {
		p["NetworkInterfaceId"] = e.unknownENI().Draw(t, "NetworkInterfaceId")
	})
}

// unknownENI draws an ENI ID no one has.
func (e *Env) unknownENI() *rapid.Generator[string] {
	return rapid.StringMatching(`eni-[0-9a-z]{20}`).Filter(func(id string) bool {
		return !slices.ContainsFunc(e.World.ENIs, func(n oracle.ENI) bool { return n.ID == id })
	})
}

// tagUnknown names, in a tag request, a resource that is no ENI of the
// account in the region: made up, or another resource's ID.
func tagUnknown(e *Env) (*rapid.Generator[Case], error) {
	const rule = "ref.tag-resource-not-found"
	return e.onActions(rule, func(action string) (*rapid.Generator[Case], error) {
		homes := e.actionHomes(action)
		if len(homes) == 0 {
			return nil, lackKey(action)
		}
		return rapid.Custom(func(t *rapid.T) Case {
			setup, st, h := e.drawStep(t, action, homes)
			others := append(e.foreignIDs(h, true), e.foreignIDs(h, false)...)
			others = append(others, h.VSwitch.ID, h.SG.ID)
			at := rapid.IntRange(1, 2).Draw(t, "at ResourceId")
			st.Params["ResourceId."+strconv.Itoa(at)] = unknownID(t, "eni-", others, "ResourceId")
			if at == 1 {
				setup = nil // the request names no ENI the setup made: alone it is the case
			}
			return Case{Generator: "rule", Breaks: []string{rule}, Steps: append(setup, st)}
		}), nil
	})
}

// assignOverLimit makes an ENI with some secondary addresses, then asks
// for more than the limit allows in all.
func assignOverLimit(e *Env) (*rapid.Generator[Case], error) {
	const rule = "quota.eni-private-ips"
	r := e.Profile.Rule(rule)
	homes := e.homesWhere(func(h *Home) bool {
		return h.PoolRoom > r.Max+15 && h.CapacityRoom > r.Max+15 && h.QuotaRoom > 0 && e.mayCall(e.keys[h.Key], ActionAssign)
	})
	if len(homes) == 0 {
		return nil, fmt.Errorf("the world lacks a vSwitch with %d free addresses and a security group with room for them, of one account and VPC; see eniconform world --template", r.Max+15)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		h := rapid.SampledFrom(homes).Draw(t, "home")
		made := e.createIn(h)
		have := rapid.IntRange(0, r.Max).Draw(t, "secondary IPs at creation")
		if have > 0 {
			made.Params["SecondaryPrivateIpAddressCount"] = strconv.Itoa(have)
		}
		more := rapid.IntRange(r.Max+1-have, r.Max+10-have).Draw(t, "SecondaryPrivateIpAddressCount")
		st := Step{Action: ActionAssign, Key: h.Key, Send: ValidSend().Draw(t, "send"), Params: map[string]string{
			"RegionId": h.Region, "NetworkInterfaceId": Ref(1), "SecondaryPrivateIpAddressCount": strconv.Itoa(more)}}
		return Case{Generator: "rule", Breaks: []string{rule}, Steps: []Step{made, st}}
	}), nil
}

// unassignPrimary asks an Unassign to free the ENI's primary address.
func unassignPrimary(e *Env) (*rapid.Generator[Case], error) {
	return e.unassigning("addr.unassign-primary", func(_ *rapid.T, made Step, _ Home) string { return made.Params["PrimaryIpAddress"] })
}

// unassignFree asks an Unassign to free an address of the vSwitch the ENI
// does not hold: free, reserved, or another's.
func unassignFree(e *Env) (*rapid.Generator[Case], error) {
	return e.unassigning("addr.ip-not-assigned", func(t *rapid.T, _ Step, h Home) string {
		if rapid.Bool().Draw(t, "reserved") {
			return reservedAddr(h).Draw(t, "PrivateIpAddress")
		}
		return freeAddr(h, &Step{}).Draw(t, "PrivateIpAddress")
	})
}

// unassigning draws valid Unassigns with one address replaced by bad.
func (e *Env) unassigning(rule string, bad func(t *rapid.T, made Step, h Home) string) (*rapid.Generator[Case], error) {
	homes := e.actionHomes(ActionUnassign)
	if len(homes) == 0 || e.Profile.Action(ActionUnassign) == nil {
		return nil, lackKey(ActionUnassign)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		setup, st, h := e.drawStep(t, ActionUnassign, homes)
		n := len(itemsOf(st, "PrivateIpAddress.", ""))
		at := rapid.IntRange(1, n+1).Draw(t, "at PrivateIpAddress")
		st.Params["PrivateIpAddress."+strconv.Itoa(at)] = bad(t, setup[0], h)
		return Case{Generator: "rule", Breaks: []string{rule}, Steps: append(setup, st)}
	}), nil
}
