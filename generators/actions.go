package generators

import (
	"slices"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// The actions besides the create that a profile may have, and how a valid
// request of each is drawn: most act on one ENI, which a setup create
// makes first (step 1; the request names it as Ref(1)), so that no case
// changes an ENI another case may list.
const (
	ActionDelete   = "DeleteNetworkInterface"
	ActionDescribe = "DescribeNetworkInterfaces"
	ActionModify   = "ModifyNetworkInterfaceAttribute"
	ActionTag      = "TagResources"
	ActionUntag    = "UntagResources"
	ActionListTags = "ListTagResources"
	ActionAssign   = "AssignPrivateIpAddresses"
	ActionUnassign = "UnassignPrivateIpAddresses"
)

// eniKind is the ResourceType of an ENI in the tag actions.
const eniKind = "eni"

// drawable lists the actions besides the subject whose valid requests
// drawStep draws.
var drawable = []string{ActionModify, ActionTag, ActionUntag, ActionListTags, ActionAssign, ActionUnassign, ActionDescribe}

// onENI says whether an action acts on one ENI that exists.
func onENI(action string) bool { return action != ActionDescribe && slices.Contains(drawable, action) }

// actionHomes are the homes where a valid request of action can be drawn:
// the key may call it (and create, for the setup), and there is room for
// the setup create and what the request adds.
func (e *Env) actionHomes(action string) []Home {
	return e.homesWhere(func(h *Home) bool {
		return e.mayCall(e.keys[h.Key], action) && (!onENI(action) || h.Room() > 6)
	})
}

// drawStep draws a valid request of action in one of homes, every
// optional parameter sometimes present (skip names those the caller sets
// itself), with the setup steps it needs. The subject needs none.
func (e *Env) drawStep(t *rapid.T, action string, homes []Home, skip ...string) (setup []Step, st Step, h Home) {
	if action == e.Profile.Subject {
		st, h = e.drawCreate(t, homes, skip...)
		return nil, st, h
	}
	h = rapid.SampledFrom(homes).Draw(t, "home")
	skipped := map[string]bool{}
	for _, s := range skip {
		skipped[s] = true
	}
	st = Step{Action: action, Key: h.Key, Params: map[string]string{"RegionId": h.Region}, Send: ValidSend().Draw(t, "send")}
	if !onENI(action) {
		e.drawFilters(t, &st, h, skipped)
		return nil, st, h
	}
	made := e.setupCreate(t, action, h)
	h.taken = takenIn(&made)
	e.drawChange(t, &st, h, made, Ref(1), skipped)
	return []Step{made}, st, h
}

// setupCreate is the create that makes the ENI of an action: a plain one,
// with tags for the tag actions to find, secondary addresses for an
// Unassign to free, and for the actions about addresses its primary
// address given (so that an address drawn for the request is not the one
// the server would choose).
func (e *Env) setupCreate(t *rapid.T, action string, h Home) Step {
	c := e.createIn(h)
	switch action {
	case ActionUntag, ActionListTags:
		e.drawParam(t, &c, h, e.subject.Param("Tag.N.Key"))
	case ActionUnassign:
		e.drawParam(t, &c, h, e.subject.Param("PrivateIpAddress.N"))
		fallthrough
	case ActionAssign:
		c.Params["PrimaryIpAddress"] = freeAddr(h, &c).Draw(t, "setup PrimaryIpAddress")
	}
	e.repair(&c) // no repeated key
	return c
}

// drawChange draws the parameters of a request on the ENI ref, which made
// created.
func (e *Env) drawChange(t *rapid.T, st *Step, h Home, made Step, ref string, skipped map[string]bool) {
	set := func(name, v string) {
		if !skipped[name] && !skipped[listName(name)] {
			st.Params[name] = v
		}
	}
	switch st.Action {
	case ActionTag, ActionUntag, ActionListTags:
		set("ResourceType", eniKind)
		set("ResourceId.1", ref)
	default:
		set("NetworkInterfaceId", ref)
	}
	switch st.Action {
	case ActionUntag:
		e.drawUntag(t, st, made, skipped)
	case ActionListTags:
		if keys := itemsOf(made, "Tag.", ".Key"); len(keys) > 0 && !skipped["Tag.N.Key"] && rapid.Bool().Draw(t, "by tag") {
			st.Params["Tag.1.Key"] = rapid.SampledFrom(keys).Draw(t, "Tag.1.Key")
		}
	case ActionUnassign:
		if !skipped["PrivateIpAddress.N"] {
			have := itemsOf(made, "PrivateIpAddress.", "")
			for i, a := range rapid.SliceOfNDistinct(rapid.SampledFrom(have), 1, len(have), rapid.ID).Draw(t, "addresses to free") {
				st.Params["PrivateIpAddress."+strconv.Itoa(i+1)] = a
			}
		}
	default:
		e.drawOptional(t, st, h, made, skipped)
	}
	e.repair(st)
}

// drawOptional draws, each sometimes, a valid value of every optional
// parameter of the step's action not in skipped (for an Assign, one of
// its two ways; for a tag request, its tags).
func (e *Env) drawOptional(t *rapid.T, st *Step, h Home, made Step, skipped map[string]bool) {
	if st.Action == ActionAssign {
		e.drawAssign(t, st, h, made, skipped)
		return
	}
	for _, p := range e.Profile.Action(st.Action).Params {
		switch {
		case p.Required && !p.List() || p.Gateway || p.Unsupported != "" || skipped[p.Name] || e.givenIn(st, p.Name):
		case p.Required:
			e.drawParam(t, st, h, p) // the tags of a TagResources
		case rapid.Bool().Draw(t, p.Name+" given"):
			e.drawParam(t, st, h, p)
		}
	}
}

// drawAssign draws the addresses an Assign asks for: free ones, not the
// setup ENI's, or a count.
func (e *Env) drawAssign(t *rapid.T, st *Step, h Home, made Step, skipped map[string]bool) {
	byCount := rapid.Bool().Draw(t, "by count")
	switch {
	case byCount && !skipped["SecondaryPrivateIpAddressCount"]:
		st.Params["SecondaryPrivateIpAddressCount"] = strconv.Itoa(rapid.IntRange(1, 3).Draw(t, "SecondaryPrivateIpAddressCount"))
	case !skipped["PrivateIpAddress.N"]:
		e.drawParam(t, st, h, e.paramOf(st, "PrivateIpAddress.N"))
	}
}

// listName is the table name of a list item ("X.2" → "X.N"), or name.
func listName(name string) string {
	if i := spec.ItemIndex(name); i > 0 {
		return strings.Replace(name, "."+strconv.Itoa(i), ".N", 1)
	}
	return name
}

// drawUntag draws the keys an Untag removes: some of the setup's, perhaps
// one it lacks, or All.
func (e *Env) drawUntag(t *rapid.T, st *Step, made Step, skipped map[string]bool) {
	if rapid.Bool().Draw(t, "All") && !skipped["All"] {
		st.Params["All"] = "true"
		return
	}
	if skipped["TagKey.N"] {
		return
	}
	keys := itemsOf(made, "Tag.", ".Key")
	var pick []string
	if len(keys) > 0 {
		pick = rapid.SliceOfNDistinct(rapid.SampledFrom(keys), 0, len(keys), rapid.ID).Draw(t, "keys to remove")
	}
	if rapid.Bool().Draw(t, "a key it lacks") {
		pick = append(pick, validText(e.subject.Param("Tag.N.Key").Constraints, 16).Filter(func(k string) bool { return !slices.Contains(keys, k) }).Draw(t, "absent key"))
	}
	for i, k := range pick {
		st.Params["TagKey."+strconv.Itoa(i+1)] = k
	}
}

// drawFilters draws a DescribeNetworkInterfaces in a home, with filters
// its vSwitch's ENIs may match, each sometimes.
func (e *Env) drawFilters(t *rapid.T, st *Step, h Home, skipped map[string]bool) {
	a := e.Profile.Action(st.Action)
	for _, f := range [][2]string{{"VSwitchId", h.VSwitch.ID}, {"VpcId", h.VSwitch.VPC}, {"SecurityGroupId", h.SG.ID}, {"Type", "Secondary"}, {"Status", "Available"}} {
		if a.Param(f[0]) != nil && !skipped[f[0]] && rapid.Bool().Draw(t, f[0]+" given") {
			st.Params[f[0]] = f[1]
		}
	}
	for _, p := range a.Params {
		if p.Constraints != nil && p.Constraints.Boolean && !skipped[p.Name] && rapid.Bool().Draw(t, p.Name+" given") {
			st.Params[p.Name] = "false"
		}
	}
}

// itemsOf returns the values of a step's list items named prefix N suffix,
// by index.
func itemsOf(st Step, prefix, suffix string) []string {
	var out []string
	for i := 1; i <= 100; i++ {
		if v, ok := st.Params[prefix+strconv.Itoa(i)+suffix]; ok && v != "" {
			out = append(out, v)
		}
	}
	return out
}

// actionsOf lists the actions a rule's cases may probe with: the subject
// when the rule applies to it, and the drawable actions of the profile the
// rule names (a rule of every action is probed with the create).
func actionsOf(p *spec.Profile, r *spec.Rule) []string {
	out := []string{}
	if r.AppliesTo(p.Subject) {
		out = append(out, p.Subject)
	}
	for _, a := range drawable {
		if p.Action(a) != nil && slices.Contains(r.Actions, a) {
			out = append(out, a)
		}
	}
	return out
}
