package generators

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"pgregory.net/rapid"
)

// A mutation turns a valid create into one that breaks exactly one rule, in
// one request, whatever the state. Mutations touching different things
// combine into multi-violation cases.
type mutation struct {
	rule    string
	action  string                                     // the action of the request it changes; "": the subject
	touches string                                     // what it changes: a parameter, or a part of the sending
	skips   []string                                   // more parameters the valid create must leave to it
	needs   string                                     // what must stay valid for its rule to fire (combinable ones); "": nothing
	where   func(e *Env, h *Home) bool                 // the homes it applies in; nil: any
	lacks   string                                     // what to add to a world where no home qualifies
	apply   func(e *Env, t *rapid.T, st *Step, h Home) // changes the step
	combine combine                                    // how it mixes into multi-violation cases
}

// combine says whether a mutation may join others in one request.
type combine uint8

const (
	alone       combine = iota // masks or is masked by too much (the key, the action, the scheme)
	combinable                 // fires unless another mutation hides what it needs (a vSwitch, say)
	independent                // fires whatever else is wrong
)

var mutations = []mutation{
	{rule: "gateway.request-too-large", touches: "scheme", apply: func(e *Env, t *rapid.T, st *Step, _ Home) {
		st.Send = Send{Format: st.Send.Format, PadBytes: int(e.Profile.Gateway.MaxRequestBytes) + 1 + rapid.IntRange(0, 4096).Draw(t, "padding")}
	}},
	{rule: "gateway.method", touches: "scheme", apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		st.Send.Method = rapid.SampledFrom([]string{"PUT", "DELETE", "PATCH"}).Draw(t, "Method")
		st.Send.FormBody = false
	}},
	{rule: "gateway.incomplete-signature", touches: "scheme", apply: func(_ *Env, _ *rapid.T, st *Step, _ Home) {
		st.Send.Scheme, st.Send.FormBody, st.Send.MalformedAuth = "v3", false, true
	}},
	{rule: "gateway.missing-common", touches: "common", apply: omitCommon},
	{rule: "gateway.unknown-action", touches: "Action", apply: func(e *Env, t *rapid.T, st *Step, _ Home) {
		st.Action = rapid.SampledFrom([]string{"CreateNetworkInterfaces", "createnetworkinterface", "CreateNetworkInterface ",
			"DescribeInstances", "RunInstances", "CreateEni"}).Filter(func(a string) bool { return e.Profile.Action(a) == nil }).Draw(t, "Action")
		if strings.TrimSpace(st.Action) != st.Action {
			st.Send.Scheme = "" // an ACS3 header value loses its spaces: only V1 can send it
		}
		if !rapid.Bool().Draw(t, "create parameters kept") {
			st.Params = map[string]string{} // an unknown action needs none: shrinking drops them
		}
	}},
	{rule: "gateway.bad-version", touches: "Version", combine: independent, apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		st.Send.Version = rapid.SampledFrom([]string{"2016-04-28", "2014-05-27", "2014-5-26", "v7", "20140526"}).Draw(t, "Version")
	}},
	{rule: "gateway.signature-method", touches: "scheme", apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		st.Send.Scheme = ""
		if rapid.Bool().Draw(t, "SignatureVersion instead") {
			st.Send.SignatureVersion = rapid.SampledFrom([]string{"2.0", "1", "1.1"}).Draw(t, "SignatureVersion")
		} else {
			st.Send.SignatureMethod = rapid.SampledFrom([]string{"HMAC-SHA256", "hmac-sha1", "MD5"}).Draw(t, "SignatureMethod")
		}
	}},
	{rule: "gateway.unknown-key", touches: "key", apply: func(e *Env, t *rapid.T, st *Step, _ Home) {
		st.Key = rapid.StringMatching(`nokey-[a-z0-9]{4,12}`).Filter(func(k string) bool { return e.keys[k] == nil }).Draw(t, "AccessKeyId")
	}},
	keyMutation("gateway.key-inactive", "a disabled access key of an account (an accounts entry with disabled: true and that account's uid)",
		func(e *Env, a *oracle.Account) bool { return a.Disabled && !a.Expired && e.ramOK(a) }),
	{rule: "gateway.timestamp-format", touches: "Timestamp", combine: independent, apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		st.Send.Timestamp = rapid.SampledFrom([]string{"2026-11-26 08:00:00", "2026-11-26T08:00:00", "20261126T080000Z",
			"1764144000", "2026-11-26T08:00:00+08:00", "2026-13-26T08:00:00Z", "2026-02-30T08:00:00Z", "2026-11-26T25:00:00Z", "yesterday"}).Draw(t, "Timestamp")
	}},
	{rule: "gateway.timestamp-expired", touches: "Timestamp", combine: independent, apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		skew := rapid.OneOf(rapid.IntRange(16*60+30, 20*60), rapid.IntRange(20*60, 48*3600)).Draw(t, "clock skew")
		if rapid.Bool().Draw(t, "in the future") {
			skew = -skew
		}
		st.Send.SkewSeconds = -skew
	}},
	{rule: "gateway.signature-mismatch", touches: "Signature", combine: independent, apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		if rapid.Bool().Draw(t, "wrong secret") {
			st.Send.WrongSecret = true
		} else {
			st.Send.CorruptSignature = true
		}
	}},
	keyMutation("account.not-found", "an expired access key of an account (an accounts entry with expired: true and that account's uid)",
		func(e *Env, a *oracle.Account) bool { return a.Expired && !a.Disabled && e.ramOK(a) }),
	keyMutation("account.ram-not-supported", "a main account whose RAM users may not call the ENI APIs (ram_unsupported: [CreateNetworkInterface, ...]) "+
		"with a RAM user allowed everything (permissions: [\"*\"]) and a vSwitch and security group of its own", func(e *Env, a *oracle.Account) bool {
		m := e.main(a.Main)
		return a.Type == "ram" && !a.Expired && !a.Disabled && m != nil && slices.Contains(m.RAMUnsupported, e.Profile.Subject) &&
			(slices.Contains(a.Permissions, "*") || slices.Contains(a.Permissions, e.Profile.Subject))
	}),
	keyMutation("account.subuser-denied", "a RAM user whose permissions leave CreateNetworkInterface out (type: ram, main: the account's uid, permissions: [DescribeNetworkInterfaces])",
		func(e *Env, a *oracle.Account) bool {
			m := e.main(a.Main)
			return a.Type == "ram" && !a.Expired && !a.Disabled && m != nil && !slices.Contains(m.RAMUnsupported, e.Profile.Subject) &&
				!slices.Contains(a.Permissions, "*") && !slices.Contains(a.Permissions, e.Profile.Subject)
		}),
	{rule: "param.unsupported", touches: "extra", combine: independent, apply: func(e *Env, t *rapid.T, st *Step, _ Home) {
		name := rapid.SampledFrom([]string{"SecurityGroupIds.1", "Tag.1.Key", "ResourceGroupId", "SecondaryPrivateIpAddressCount",
			"PrivateIpAddress.1", "QueueNumber", "InstanceType", "Visible", "regionid", "NetworkInterfaceId",
			"Ipv4PrefixCount", "Ipv6Prefix.1", "EnhancedNetwork.EnableSriov", "SecurityGroupIds.17", "Tag.21.Key", "Tag.1", "PrivateIpAddress.0"}).
			Filter(func(n string) bool { return !e.subject.Accepts(n) }).Draw(t, "unsupported parameter")
		st.Params[name] = rapid.StringMatching(`[a-z0-9-]{1,12}`).Draw(t, name)
	}},
	missing("RegionId"), missing("VSwitchId"), missing("SecurityGroupId"), // the last only where SecurityGroupId is required
	invalid("param.name-invalid", "NetworkInterfaceName"),
	invalid("param.description-invalid", "Description"),
	invalid("param.token-invalid", "ClientToken"),
	{rule: "param.ip-malformed", touches: "PrimaryIpAddress", combine: independent, apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		st.Params["PrimaryIpAddress"] = malformedAddr().Draw(t, "PrimaryIpAddress")
	}},
	{rule: "ref.region-not-found", touches: "RegionId", apply: func(e *Env, t *rapid.T, st *Step, h Home) {
		st.Params["RegionId"] = rapid.SampledFrom([]string{"cn-nowhere", "ap-southeast-1", "us-west-9", "CN-HANGZHOU", h.VSwitch.Zone, h.Region + " "}).
			Filter(func(r string) bool { return e.state.Region(r) == nil }).Draw(t, "RegionId")
	}},
	{rule: "ref.vswitch-not-found", touches: "VSwitchId", combine: combinable, apply: func(e *Env, t *rapid.T, st *Step, h Home) {
		st.Params["VSwitchId"] = unknownID(t, "vsw-", e.foreignIDs(h, true), "VSwitchId")
	}},
	{rule: "ref.sg-not-found", touches: "SecurityGroupId", combine: combinable, apply: func(e *Env, t *rapid.T, st *Step, h Home) {
		st.Params["SecurityGroupId"] = unknownID(t, "sg-", e.foreignIDs(h, false), "SecurityGroupId")
	}},
	{rule: "ref.sg-not-vpc", touches: "SecurityGroupId", skips: addressParams, where: func(e *Env, h *Home) bool { return len(e.groups(*h, true)) > 0 },
		lacks:   "a classic security group (a security_groups entry without vpc) in the region and account of a vSwitch",
		combine: combinable, apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			st.Params["SecurityGroupId"] = rapid.SampledFrom(e.groups(h, true)).Draw(t, "SecurityGroupId")
		}},
	{rule: "ref.vpc-mismatch", touches: "SecurityGroupId", skips: addressParams, needs: "VSwitchId", where: func(e *Env, h *Home) bool { return len(e.groups(*h, false)) > 0 },
		lacks:   "a security group in another VPC of the same region and account (a second vpcs entry, and a security group in it)",
		combine: combinable, apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			st.Params["SecurityGroupId"] = rapid.SampledFrom(e.groups(h, false)).Draw(t, "SecurityGroupId")
		}},
	{rule: "addr.ip-outside-cidr", touches: "PrimaryIpAddress", needs: "VSwitchId", combine: combinable, apply: func(_ *Env, t *rapid.T, st *Step, h Home) {
		st.Params["PrimaryIpAddress"] = outsideAddr(h).Draw(t, "PrimaryIpAddress")
	}},
	{rule: "addr.ip-reserved", touches: "PrimaryIpAddress", needs: "VSwitchId", combine: combinable, apply: func(_ *Env, t *rapid.T, st *Step, h Home) {
		st.Params["PrimaryIpAddress"] = reservedAddr(h).Draw(t, "PrimaryIpAddress")
	}},
}

// ramOK reports whether a key passes the RAM rules for the subject.
func (e *Env) ramOK(a *oracle.Account) bool {
	b := *a
	b.Expired, b.Disabled = false, false
	return e.mayCall(&b, e.Profile.Subject)
}

// keyMutation sends with a key of the home's owner that keep selects.
func keyMutation(rule, lacks string, keep func(*Env, *oracle.Account) bool) mutation {
	keysOf := func(e *Env, owner string) []string {
		var out []string
		for _, a := range e.World.Accounts {
			if a.Owner() == owner && keep(e, &a) {
				out = append(out, a.AccessKeyID)
			}
		}
		sort.Strings(out)
		return out
	}
	return mutation{rule: rule, touches: "key", lacks: lacks,
		where: func(e *Env, h *Home) bool { return len(keysOf(e, h.Owner)) > 0 },
		apply: func(e *Env, t *rapid.T, st *Step, h Home) {
			st.Key = rapid.SampledFrom(keysOf(e, h.Owner)).Draw(t, "AccessKeyId")
		}}
}

// missing leaves out a required parameter, or sends it empty.
func missing(name string) mutation {
	return mutation{rule: "param.missing." + name, touches: name, apply: func(_ *Env, t *rapid.T, st *Step, _ Home) {
		if rapid.Bool().Draw(t, name+" sent empty") {
			st.Params[name] = ""
		} else {
			delete(st.Params, name)
		}
	}}
}

// invalid sets a parameter to a value that breaks its constraints.
func invalid(rule, name string) mutation {
	return mutation{rule: rule, touches: name, combine: independent, apply: func(e *Env, t *rapid.T, st *Step, _ Home) {
		st.Params[name] = invalidText(e.subject.Param(name).Constraints, 64).Draw(t, name)
	}}
}

// omitCommon leaves out a common parameter the scheme requires. An ACS3
// request carries the key and signature in Authorization, so only the ones
// with a header of their own are left out there.
func omitCommon(e *Env, t *rapid.T, st *Step, _ Home) {
	var names []string
	for _, c := range e.Profile.Gateway.Common {
		if st.Send.Scheme == "v3" && c.V3 == "required" && c.Header != "" || st.Send.Scheme != "v3" && c.V1 == "required" {
			names = append(names, c.Name)
		}
	}
	st.Send.Omit = []string{rapid.SampledFrom(names).Draw(t, "omitted")}
}

// unknownID draws an ID that names nothing visible: made up, or foreign.
func unknownID(t *rapid.T, prefix string, foreign []string, label string) string {
	made := rapid.StringMatching(prefix + `[a-z0-9]{6,21}`)
	if len(foreign) == 0 || !rapid.Bool().Draw(t, label+" is foreign") {
		return made.Draw(t, label)
	}
	return rapid.SampledFrom(foreign).Draw(t, label)
}

// noPlace says what a world lacks for a mutation to apply.
func noPlace(m mutation) error {
	if m.lacks != "" {
		return fmt.Errorf("the world lacks %s; see eniconform world --template", m.lacks)
	}
	return lackRoom(1)
}

// lackRoom says the world has no vSwitch and group where n creates succeed.
func lackRoom(n int) error {
	what := "a free address"
	if n > 1 {
		what = fmt.Sprintf("%d free addresses", n)
	}
	return fmt.Errorf("the world lacks a vSwitch and a security group of one account and VPC with %s; see eniconform world --template", what)
}

// lackKey says no key that may create an ENI may also call action.
func lackKey(action string) error {
	return fmt.Errorf("the world lacks a key that may call both CreateNetworkInterface and %s (a main account's key, or a RAM user with "+
		"permissions [\"*\"]) in an account with a vSwitch and security group; see eniconform world --template", action)
}

// single wraps a mutation as the generator of cases whose probe is a
// valid request of its action so changed (after the setup create an
// action on one ENI needs).
func (m mutation) single(e *Env) (*rapid.Generator[Case], error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 0 })
	if m.action != e.Profile.Subject {
		homes = e.actionHomes(m.action)
	}
	homes = slices.DeleteFunc(homes, func(h Home) bool { return m.where != nil && !m.where(e, &h) })
	if len(homes) == 0 {
		if m.action != e.Profile.Subject && m.lacks == "" && len(e.actionHomes(m.action)) == 0 {
			return nil, lackKey(m.action)
		}
		return nil, noPlace(m)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		setup, st, h := e.drawStep(t, m.action, homes, append([]string{m.touches}, m.skips...)...)
		m.apply(e, t, &st, h)
		return Case{Generator: "rule", Breaks: []string{m.rule}, Steps: append(setup, st)}
	}), nil
}
