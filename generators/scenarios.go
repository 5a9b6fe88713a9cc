package generators

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"
)

// DefaultMaxFill is how many setup creates a case may make to reach a limit
// (Env.MaxFill) unless told otherwise: the documented default ENI quota of
// 100 fits, against a loopback target that is cheap.
const DefaultMaxFill = 300

// nearLimit bounds how far a limit may be for the state machine to prefer
// its home: sequences are short.
const nearLimit = 12

// A scenario breaks a rule that needs more than one request (a nonce or a
// token used before, a limit filled first) or another action's request.
type scenario struct {
	rule  string
	gen   func(e *Env) (*rapid.Generator[Case], error)
	fills bool // each case fills a limit first: many setup creates
}

var scenarios = []scenario{
	{"gateway.nonce-reused", nonceReused, false},
	{"idem.mismatch", tokenMismatch, false},
	{"quota.eni-count", fill("quota.eni-count", func(h *Home) int { return h.QuotaRoom }, func(h *Home) []int { return []int{h.CapacityRoom, h.PoolRoom} }), true},
	{"quota.sg-capacity", fill("quota.sg-capacity", func(h *Home) int { return h.CapacityRoom }, func(h *Home) []int { return []int{h.QuotaRoom, h.PoolRoom} }), true},
	{"quota.enterprise-sg-capacity", fill("quota.enterprise-sg-capacity", func(h *Home) int { return h.CapacityRoom }, func(h *Home) []int { return []int{h.QuotaRoom, h.PoolRoom} }), true},
	{"addr.pool-exhausted", fill("addr.pool-exhausted", func(h *Home) int { return h.PoolRoom }, func(h *Home) []int { return []int{h.QuotaRoom, h.CapacityRoom} }), true},
	{"addr.ip-in-use", ipInUse, false},
	{"addr.ipv6-in-use", ipv6InUse, false},
	{"param.missing.NetworkInterfaceId", deleteWithout, false},
	{"ref.eni-not-found", deleteUnknown, false},
	{"param.page-invalid", describeBadPage, false},
	{"ref.tag-resource-not-found", tagUnknown, false},
	{"quota.eni-private-ips", assignOverLimit, false},
	{"addr.unassign-primary", unassignPrimary, false},
	{"addr.ip-not-assigned", unassignFree, false},
}

// nonceReused sends a describe, then a valid create with the same nonce.
func nonceReused(e *Env) (*rapid.Generator[Case], error) {
	const describe = "DescribeNetworkInterfaces"
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 0 && e.mayCall(e.keys[h.Key], describe) })
	if len(homes) == 0 || e.Profile.Action(describe) == nil {
		return nil, lackKey(describe)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		probe, h := e.drawCreate(t, homes)
		first := Step{Action: describe, Key: h.Key, Params: map[string]string{"RegionId": h.Region}}
		probe.Send.ReuseNonceOf = 1
		return Case{Generator: "rule", Breaks: []string{"gateway.nonce-reused"}, Steps: []Step{first, probe}}
	}), nil
}

// tokenMismatch creates with a token, then sends the token with a changed
// but valid name or description.
func tokenMismatch(e *Env) (*rapid.Generator[Case], error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 1 })
	if len(homes) == 0 {
		return nil, lackRoom(2)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		first, _ := e.drawCreate(t, homes, append([]string{"ClientToken", "PrimaryIpAddress"}, addressParams...)...) // the addresses would be in use at the probe
		first.Params["ClientToken"] = e.token().Draw(t, "ClientToken")
		probe := first
		probe.Params = map[string]string{}
		for k, v := range first.Params {
			probe.Params[k] = v
		}
		name := rapid.SampledFrom([]string{"NetworkInterfaceName", "Description"}).Draw(t, "changed")
		probe.Params[name] = e.text(name).Filter(func(v string) bool { return v != first.Params[name] }).Draw(t, name)
		probe.Send = ValidSend().Draw(t, "send")
		return Case{Generator: "rule", Breaks: []string{"idem.mismatch"}, Steps: []Step{first, probe}}
	}), nil
}

// fill makes setup creates until one limit of a home is reached, then
// probes; room selects the limit, others the limits that must not bind.
func fill(rule string, room func(*Home) int, others func(*Home) []int) func(e *Env) (*rapid.Generator[Case], error) {
	return func(e *Env) (*rapid.Generator[Case], error) {
		homes := e.homesWhere(func(h *Home) bool {
			if !e.groupKindFits(rule, h) {
				return false
			}
			r := room(h)
			for _, o := range others(h) {
				if o <= r {
					return false
				}
			}
			return r >= 0 && r <= e.MaxFill
		})
		if len(homes) == 0 {
			return nil, fmt.Errorf("no place in the world where this limit is reached first within %d creates (--max-fill): %s (see eniconform world --template)", e.MaxFill, fillHint[rule])
		}
		return rapid.Custom(func(t *rapid.T) Case {
			probe, h := e.drawCreate(t, homes, append([]string{"PrimaryIpAddress"}, addressParams...)...)
			c := Case{Generator: "rule", Breaks: []string{rule}, Exclusive: true}
			for i := 0; i < room(&h); i++ {
				c.Steps = append(c.Steps, e.createIn(h))
			}
			c.Steps = append(c.Steps, e.fillProbe(t, rule, probe, h, len(c.Steps))...)
			return c
		}), nil
	}
}

// fillProbe is the probe of a case that filled a limit with n creates:
// one more create; or, where the rule applies to them, an Assign of one
// more address to the last ENI made, or a Modify that makes an ENI of
// another group join the full one.
func (e *Env) fillProbe(t *rapid.T, rule string, create Step, h Home, n int) []Step {
	r := e.Profile.Rule(rule)
	ways := []string{e.Profile.Subject}
	may := func(a string) bool {
		return r.AppliesTo(a) && e.Profile.Action(a) != nil && e.mayCall(e.keys[h.Key], a)
	}
	if may(ActionAssign) && n > 0 {
		ways = append(ways, ActionAssign)
	}
	others := e.siblings(h)
	if may(ActionModify) && len(others) > 0 {
		ways = append(ways, ActionModify)
	}
	probe := Step{Key: h.Key, Send: create.Send, Params: map[string]string{"RegionId": h.Region}}
	switch probe.Action = rapid.SampledFrom(ways).Draw(t, "probe"); probe.Action {
	case ActionAssign:
		probe.Params["NetworkInterfaceId"], probe.Params["SecondaryPrivateIpAddressCount"] = Ref(n), "1"
	case ActionModify:
		made := e.createIn(h)
		made.Params["SecurityGroupId"] = rapid.SampledFrom(others).Draw(t, "another group")
		probe.Params["NetworkInterfaceId"], probe.Params["SecurityGroupId.1"] = Ref(n+1), h.SG.ID
		return []Step{made, probe}
	default:
		return []Step{create}
	}
	return []Step{probe}
}

// fillHint says what a world needs for a fill rule to be reached first.
var fillHint = map[string]string{
	"quota.eni-count":              "add an account whose eni_quota is lower than its security groups' capacity and its vSwitches' free addresses, or raise --max-fill",
	"quota.sg-capacity":            "add a security group with a small capacity (e.g. capacity: 2) in a VPC whose vSwitch has more free addresses, or raise --max-fill",
	"addr.pool-exhausted":          "add a small vSwitch (e.g. a /29, 4 usable addresses) with a security group, or raise --max-fill",
	"quota.enterprise-sg-capacity": "add an enterprise security group (type: enterprise) with a small capacity (e.g. capacity: 2) in a VPC whose vSwitch has more free addresses, or raise --max-fill",
}

// addressParams are the parameters that ask for addresses or groups beyond
// the primary and the one group: a case that fills a limit or repeats a
// create leaves them out, so that the limit alone decides.
var addressParams = []string{"PrivateIpAddress.N", "SecondaryPrivateIpAddressCount", "Ipv6Address.N", "Ipv6AddressCount", "SecurityGroupIds.N"}

// groupKindFits says whether a home's group is of the kind a capacity
// rule is about: enterprise groups have a rule of their own where the
// profile has one.
func (e *Env) groupKindFits(rule string, h *Home) bool {
	own := e.Profile.Rule("quota.enterprise-sg-capacity") != nil
	switch rule {
	case "quota.sg-capacity":
		return !own || !h.SG.Enterprise()
	case "quota.enterprise-sg-capacity":
		return h.SG.Enterprise()
	}
	return true
}

// ipv6InUse creates with an IPv6 address, then asks for the same one.
func ipv6InUse(e *Env) (*rapid.Generator[Case], error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 1 && h.Net6.IsValid() })
	if len(homes) == 0 {
		return nil, fmt.Errorf("the world lacks %s, with two free addresses; see eniconform world --template", lacksV6)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		probe, h := e.drawCreate(t, homes, append([]string{"PrimaryIpAddress", "ClientToken"}, addressParams...)...)
		first := e.createIn(h)
		first.Params["Ipv6Address.1"] = usable6(h, &probe).Draw(t, "Ipv6Address.1")
		probe.Params["Ipv6Address.1"] = first.Params["Ipv6Address.1"]
		return Case{Generator: "rule", Breaks: []string{"addr.ipv6-in-use"}, Steps: []Step{first, probe}}
	}), nil
}

// ipInUse creates with an address, then asks for the same address.
func ipInUse(e *Env) (*rapid.Generator[Case], error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 1 })
	if len(homes) == 0 {
		return nil, lackRoom(2)
	}
	byAssign := e.Profile.Rule("addr.ip-in-use").AppliesTo(ActionAssign) && e.Profile.Action(ActionAssign) != nil
	return rapid.Custom(func(t *rapid.T) Case {
		probe, h := e.drawCreate(t, homes, append([]string{"PrimaryIpAddress", "ClientToken"}, addressParams...)...)
		first := e.createIn(h)
		first.Params["PrimaryIpAddress"] = freeAddr(h, &probe).Draw(t, "PrimaryIpAddress")
		probe.Params["PrimaryIpAddress"] = first.Params["PrimaryIpAddress"]
		if byAssign && e.mayCall(e.keys[h.Key], ActionAssign) && rapid.Bool().Draw(t, "by AssignPrivateIpAddresses") { // the ENI's own address, asked for again
			probe = Step{Action: ActionAssign, Key: h.Key, Send: probe.Send, Params: map[string]string{"RegionId": h.Region,
				"NetworkInterfaceId": Ref(1), "PrivateIpAddress.1": first.Params["PrimaryIpAddress"]}}
		}
		return Case{Generator: "rule", Breaks: []string{"addr.ip-in-use"}, Steps: []Step{first, probe}}
	}), nil
}

// anyHome draws a home with room, or fails the world.
func (e *Env) anyHome() ([]Home, error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 0 })
	if len(homes) == 0 {
		return nil, lackRoom(1)
	}
	return homes, nil
}

func describeBadPage(e *Env) (*rapid.Generator[Case], error) {
	homes, err := e.anyHome()
	return aux(e, homes, err, "param.page-invalid", "DescribeNetworkInterfaces", func(t *rapid.T, p map[string]string, _ Home) {
		name := rapid.SampledFrom([]string{"PageSize", "PageNumber"}).Draw(t, "page parameter")
		bad := []string{"0", "-1", "x", "1.5", " 10", "1e3"}
		if name == "PageSize" {
			bad = append(bad, "1001", "100000")
		}
		p[name] = rapid.SampledFrom(bad).Draw(t, name)
	})
}

// aux builds one-request cases of an auxiliary action in a home's region.
func aux(e *Env, homes []Home, err error, rule, action string, set func(*rapid.T, map[string]string, Home)) (*rapid.Generator[Case], error) {
	if err != nil {
		return nil, err
	}
	if e.Profile.Action(action) == nil {
		return nil, fmt.Errorf("the profile has no %s", action)
	}
	homes = slices.DeleteFunc(homes, func(h Home) bool { return !e.mayCall(e.keys[h.Key], action) })
	if len(homes) == 0 {
		return nil, lackKey(action)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		h := rapid.SampledFrom(homes).Draw(t, "home")
		st := Step{Action: action, Key: h.Key, Params: map[string]string{"RegionId": h.Region}, Send: ValidSend().Draw(t, "send")}
		set(t, st.Params, h)
		return Case{Generator: "rule", Breaks: []string{rule}, Steps: []Step{st}}
	}), nil
}

// Replay draws a create with a ClientToken sent twice with the same
// parameters (perhaps signed and formatted differently): the second must
// return the first's ENI and create nothing.
func (e *Env) Replay() (*rapid.Generator[Case], error) {
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 0 })
	if len(homes) == 0 {
		return nil, lackRoom(1)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		first, _ := e.drawCreate(t, homes, "ClientToken")
		first.Params["ClientToken"] = e.token().Draw(t, "ClientToken")
		again := first
		again.Send = ValidSend().Draw(t, "send again")
		return Case{Generator: "replay", Steps: []Step{first, again}}
	}), nil
}

// CreateThenDescribe draws a valid create followed by a describe of the new
// ENI (by ID, or by its vSwitch), so that the listing shows what was made.
func (e *Env) CreateThenDescribe() (*rapid.Generator[Case], error) {
	const describe = "DescribeNetworkInterfaces"
	homes := e.homesWhere(func(h *Home) bool { return h.Room() > 0 && e.mayCall(e.keys[h.Key], describe) })
	if len(homes) == 0 || e.Profile.Action(describe) == nil {
		return nil, lackKey(describe)
	}
	return rapid.Custom(func(t *rapid.T) Case {
		create, h := e.drawCreate(t, homes)
		d := Step{Action: describe, Key: h.Key, Params: map[string]string{"RegionId": h.Region}, Send: ValidSend().Draw(t, "send describe")}
		if rapid.Bool().Draw(t, "by VSwitchId") {
			d.Params["VSwitchId"] = h.VSwitch.ID
		} else {
			d.Params["NetworkInterfaceId.1"] = Ref(1)
		}
		return Case{Generator: "post-state", Steps: []Step{create, d}}
	}), nil
}

// WithSend changes how every step of g's cases is sent.
func WithSend(g *rapid.Generator[Case], change func(*Step)) *rapid.Generator[Case] {
	return rapid.Map(g, func(c Case) Case {
		steps := make([]Step, len(c.Steps))
		for i, s := range c.Steps {
			change(&s)
			steps[i] = s
		}
		c.Steps = steps
		return c
	})
}
