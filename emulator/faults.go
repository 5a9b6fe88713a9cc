package emulator

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Fault is a planted bug: a named way in which the emulator departs from
// its profile, modelled on a bug real emulators have. Options.Faults names
// the faults a Handler carries; `eniconform selftest` plants each one and
// checks that a conformance run catches it.
//
// A fault never adds validation logic to the emulator. It works in one of
// three ways: it derives a changed profile for the oracle the emulator
// serves (a constraint off by one, a rule made unreachable, two ranks
// swapped), it changes the emulator's copy of the world (a quota), or it
// rewrites a decoded request, an answer, or what the state learns from it
// through the handler's hooks.
// Rules are named by ID and statuses by number, never by error code.
type Fault struct {
	Name string // kebab-case, unique
	Doc  string // the real-emulator bug it models, one line
	// Family is the rule family (spec.Families) whose behaviour it breaks.
	Family string
	// Breaks lists the verdict rows (rule and aspect IDs of the profile) the
	// fault breaks: a conformance run must report it under one of them, and
	// must report nothing else that no planted fault breaks.
	Breaks []string
	// Strict is set when only strict precedence can catch the fault: its
	// answers are codes of rules the request does break, in the wrong order.
	Strict bool
	// Needs lists the API parameters a minimal case showing the fault
	// carries beyond the required ones (RegionId, VSwitchId, SecurityGroupId
	// for a create).
	Needs []string
	// Setup is set when a minimal case needs more than one request (to fill
	// a limit, record a token, use a nonce or an address, or to list what a
	// case made); otherwise a minimal case is one request.
	Setup bool
	// Profiles lists the profiles whose rules the fault breaks; empty:
	// every profile. A fault is planted only on a profile it applies to.
	Profiles []string

	profile func(p *spec.Profile)                                                            // changes the profile served
	world   func(w *oracle.World)                                                            // changes the emulator's copy of the world
	request func(h *Handler, r *oracle.Request)                                              // rewrites a decoded request
	answer  func(h *Handler, r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) // rewrites an answer
	learn   func(r *oracle.Request) *oracle.Request                                          // the request the state learns from (nil: none)
}

// Faults returns the catalogue of planted faults, covering every rule
// family, for every profile. The slice is a copy; changing it changes
// nothing.
func Faults() []Fault { return slices.Clone(faults) }

// FaultsFor returns the faults of the catalogue that apply to a profile.
func FaultsFor(profile string) []Fault {
	return slices.DeleteFunc(Faults(), func(f Fault) bool { return !f.AppliesTo(profile) })
}

// AppliesTo reports whether the fault breaks rules the profile has.
func (f Fault) AppliesTo(profile string) bool {
	return len(f.Profiles) == 0 || slices.Contains(f.Profiles, profile)
}

// faults is the whole catalogue: the base profile's faults, then the
// current profile's (faults_current.go, faults_actions.go).
var faults = slices.Concat(baseFaults, currentFaults, actionFaults)

// FaultNames returns the names of the catalogue, in catalogue order.
func FaultNames() []string {
	names := make([]string, len(faults))
	for i, f := range faults {
		names[i] = f.Name
	}
	return names
}

// LookupFault returns the fault of the catalogue called name.
func LookupFault(name string) (Fault, bool) {
	i := slices.IndexFunc(faults, func(f Fault) bool { return f.Name == name })
	if i < 0 {
		return Fault{}, false
	}
	return faults[i], true
}

// CheckFaults returns an error naming the first unknown or repeated name
// and listing the known ones; nil when every name is in the catalogue.
func CheckFaults(names []string) error {
	_, err := planted(names)
	return err
}

// ParseFaults splits a comma-separated list of fault names (the --fault
// flag) and checks each against the catalogue; "" is no fault.
func ParseFaults(list string) ([]string, error) {
	var names []string
	for _, name := range strings.Split(list, ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names, CheckFaults(names)
}

// planted returns the faults of the catalogue called names, in that order.
func planted(names []string) ([]Fault, error) {
	out := make([]Fault, 0, len(names))
	for i, name := range names {
		f, ok := LookupFault(name)
		switch {
		case !ok:
			return nil, fmt.Errorf("emulator: unknown fault %q; the known faults are %s", name, strings.Join(FaultNames(), ", "))
		case slices.Contains(names[:i], name):
			return nil, fmt.Errorf("emulator: fault %q is named twice", name)
		}
		out = append(out, f)
	}
	return out, nil
}

// plantProfile derives the profile the faults serve from p; p itself is
// not changed. Without profile faults it returns p.
func plantProfile(p *spec.Profile, fs []Fault) (*spec.Profile, error) {
	var edits []func(*spec.Profile)
	for _, f := range fs {
		if f.profile != nil {
			edits = append(edits, f.profile)
		}
	}
	if len(edits) == 0 {
		return p, nil
	}
	q, err := p.Edit(func(q *spec.Profile) {
		for _, edit := range edits {
			edit(q)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("emulator: planting faults: %w", err)
	}
	return q, nil
}

// plantWorld returns the world the faults serve: a deep enough copy of w
// with their changes, or w itself when no fault changes the world.
func plantWorld(w *oracle.World, fs []Fault) *oracle.World {
	changed := w
	for _, f := range fs {
		if f.world == nil {
			continue
		}
		if changed == w {
			changed = copyWorld(w)
		}
		f.world(changed)
	}
	return changed
}

// copyWorld copies the parts of a world a fault may change: the accounts
// (with their quota maps) and the regions.
func copyWorld(w *oracle.World) *oracle.World {
	c := *w
	c.Accounts = slices.Clone(w.Accounts)
	for i := range c.Accounts {
		c.Accounts[i].ENIQuota = maps.Clone(c.Accounts[i].ENIQuota)
	}
	c.Regions = slices.Clone(w.Regions)
	return &c
}

// plantHooks returns the hooks that run the faults' rewrites on h, in the
// order the faults are named.
func plantHooks(h *Handler, fs []Fault) hooks {
	var k hooks
	var requests []func(*Handler, *oracle.Request)
	var answers []func(*Handler, *oracle.Request, *oracle.Prediction, *oracle.Observation)
	var learns []func(*oracle.Request) *oracle.Request
	for _, f := range fs {
		if f.request != nil {
			requests = append(requests, f.request)
		}
		if f.answer != nil {
			answers = append(answers, f.answer)
		}
		if f.learn != nil {
			learns = append(learns, f.learn)
		}
	}
	if len(learns) > 0 {
		k.learn = func(r *oracle.Request) *oracle.Request {
			for _, l := range learns {
				if r = l(r); r == nil {
					return nil
				}
			}
			return r
		}
	}
	if len(requests) > 0 {
		k.request = func(r *oracle.Request) {
			for _, rw := range requests {
				rw(h, r)
			}
		}
	}
	if len(answers) > 0 {
		k.answer = func(r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
			for _, rw := range answers {
				rw(h, r, p, o)
			}
		}
	}
	return k
}

// unreachable switches a rule off: the oracle the emulator serves skips
// it, so the emulator goes on as if the condition did not hold.
func unreachable(ruleID string) func(*spec.Profile) {
	return func(p *spec.Profile) {
		for _, r := range p.Rules {
			if r.ID == ruleID {
				r.Unreachable = "planted fault"
			}
		}
	}
}

// constraint changes the constraints of a parameter of the subject.
func constraint(param string, change func(c *spec.Constraints)) func(*spec.Profile) {
	return func(p *spec.Profile) {
		for _, a := range p.Actions {
			if a.Name != p.Subject {
				continue
			}
			for _, prm := range a.Params {
				if prm.Name == param && prm.Constraints != nil {
					change(prm.Constraints)
				}
			}
		}
	}
}

// swapRanks exchanges the precedence of two rules.
func swapRanks(a, b string) func(*spec.Profile) {
	return func(p *spec.Profile) {
		var ra, rb *spec.Rule
		for _, r := range p.Rules {
			switch r.ID {
			case a:
				ra = r
			case b:
				rb = r
			}
		}
		if ra != nil && rb != nil {
			ra.Rank, rb.Rank = rb.Rank, ra.Rank
		}
	}
}

// quotaPlusOne lets every account create one ENI more per region than the
// world says.
func quotaPlusOne(w *oracle.World) {
	for i := range w.Regions {
		if w.Regions[i].ENIQuota == 0 {
			w.Regions[i].ENIQuota = oracle.DefaultENIQuota
		}
		w.Regions[i].ENIQuota++
	}
	for i := range w.Accounts {
		for region := range w.Accounts[i].ENIQuota {
			w.Accounts[i].ENIQuota[region]++
		}
	}
}

// staleWindow is the timestamp window of stale-timestamp-accepted: longer
// than any clock skew a generator draws.
const staleWindow = 30 * 24 * time.Hour

// reanswerWithoutToken answers the request again as if it carried no
// ClientToken: a fresh create, with a new ENI. The caller holds h.mu.
func reanswerWithoutToken(h *Handler, r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
	without := *r
	without.Params = maps.Clone(r.Params)
	delete(without.Params, clientToken)
	*p = h.model.Predict(&h.state, &without)
	*o = h.model.Answer(&h.state, p, h.choose())
}

// clientToken is the name of the idempotency parameter.
const clientToken = "ClientToken"

var baseFaults = []Fault{
	{Name: "name-length-off-by-one", Family: "parameters", Breaks: []string{"param.name-invalid"},
		Doc:   "a NetworkInterfaceName of 129 characters is accepted (the limit is checked with > 129)",
		Needs: []string{"NetworkInterfaceName"}, profile: constraint("NetworkInterfaceName", func(c *spec.Constraints) { c.MaxLen++ })},
	{Name: "name-first-char-unchecked", Family: "parameters", Breaks: []string{"param.name-invalid"}, Profiles: []string{spec.BaseProfile}, // the current name has no first-character rule
		Doc:   "a NetworkInterfaceName may start with a digit, '-', '_' or ':' (only the character set is checked)",
		Needs: []string{"NetworkInterfaceName"}, profile: constraint("NetworkInterfaceName", func(c *spec.Constraints) { c.First = nil })},
	{Name: "description-http-allowed", Family: "parameters", Breaks: []string{"param.description-invalid"},
		Doc:   "a Description starting with http:// is accepted (only https:// is refused)",
		Needs: []string{"Description"}, profile: constraint("Description", func(c *spec.Constraints) {
			c.ForbiddenPrefixes = slices.DeleteFunc(c.ForbiddenPrefixes, func(p string) bool { return p == "http://" })
		})},
	{Name: "token-limit-65", Family: "parameters", Breaks: []string{"param.token-invalid"},
		Doc:   "a ClientToken of 65 characters is accepted (the limit is 65, not 64)",
		Needs: []string{"ClientToken"}, profile: constraint("ClientToken", func(c *spec.Constraints) { c.MaxLen++ })},
	{Name: "ip-outside-cidr-accepted", Family: "addressing", Breaks: []string{"addr.ip-outside-cidr"},
		Doc:   "moto: a PrimaryIpAddress outside the vSwitch CIDR is accepted and assigned",
		Needs: []string{"PrimaryIpAddress"}, profile: unreachable("addr.ip-outside-cidr")},
	{Name: "reserved-ip-accepted", Family: "addressing", Breaks: []string{"addr.ip-reserved"},
		Doc:   "a PrimaryIpAddress the vSwitch reserves (first, last three) is assigned",
		Needs: []string{"PrimaryIpAddress"}, profile: unreachable("addr.ip-reserved")},
	{Name: "duplicate-ip-accepted", Family: "addressing", Breaks: []string{"addr.ip-in-use"},
		Doc:   "a PrimaryIpAddress already held by another ENI is assigned a second time",
		Needs: []string{"PrimaryIpAddress"}, Setup: true, profile: unreachable("addr.ip-in-use")},
	{Name: "vpc-mismatch-ignored", Family: "references", Breaks: []string{"ref.vpc-mismatch"},
		Doc:     "a security group of another VPC than the vSwitch is accepted",
		profile: unreachable("ref.vpc-mismatch")},
	{Name: "classic-sg-accepted", Family: "references", Breaks: []string{"ref.sg-not-vpc"},
		Doc:     "a classic (non-VPC) security group is accepted for a VPC ENI",
		profile: unreachable("ref.sg-not-vpc")},
	{Name: "quota-off-by-one", Family: "quotas", Breaks: []string{"quota.eni-count"},
		Doc:   "an account may create one ENI more per region than its quota",
		Setup: true, world: quotaPlusOne},
	{Name: "sg-capacity-ignored", Family: "quotas", Breaks: []string{"quota.sg-capacity"},
		Doc:   "a full security group takes more ENIs (its capacity is never counted)",
		Setup: true, profile: unreachable("quota.sg-capacity")},
	{Name: "replay-creates-new-eni", Family: "idempotency", Breaks: []string{"idem.replay"},
		Doc:   "an idempotent replay (same ClientToken, same parameters) creates a second ENI",
		Needs: []string{"ClientToken"}, Setup: true,
		answer: func(h *Handler, r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
			if p.Replay != "" {
				reanswerWithoutToken(h, r, p, o)
			}
		}},
	{Name: "token-mismatch-accepted", Family: "idempotency", Breaks: []string{"idem.mismatch"},
		Doc:   "a ClientToken reused with other parameters creates a second ENI instead of being refused",
		Needs: []string{"ClientToken", "NetworkInterfaceName"}, Setup: true,
		answer: func(h *Handler, r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
			if p.Winner != nil && p.Winner.ID == "idem.mismatch" {
				reanswerWithoutToken(h, r, p, o)
			}
		}},
	{Name: "signature-unchecked", Family: "gateway", Breaks: []string{"gateway.signature-mismatch"},
		Doc: "any signature is accepted: requests are never verified against the secret of their AccessKeyId",
		request: func(_ *Handler, r *oracle.Request) {
			if r.Sig == oracle.SigMismatch {
				r.Sig = oracle.SigValid
			}
		}},
	{Name: "stale-timestamp-accepted", Family: "gateway", Breaks: []string{"gateway.timestamp-expired"},
		Doc: "a Timestamp hours or days off the clock is accepted (a 30-day window instead of 15 minutes)",
		profile: func(p *spec.Profile) {
			p.Gateway.TimestampWindowS = max(p.Gateway.TimestampWindowS, int(staleWindow/time.Second))
		}},
	{Name: "nonce-replay-accepted", Family: "gateway", Breaks: []string{"gateway.nonce-reused"},
		Doc:   "a SignatureNonce used a moment ago is accepted again (nonces are never remembered)",
		Setup: true, request: func(_ *Handler, r *oracle.Request) { r.NonceUntil = time.Time{} }},
	{Name: "not-found-as-400", Family: "references", Breaks: []string{"gateway.unknown-action", "gateway.unknown-key", "ref.region-not-found", "ref.vswitch-not-found",
		"ref.sg-not-found", "ref.eni-not-found", "ref.resource-group-not-found", "param.sg-repeated", "ref.tag-resource-not-found", "param.resource-type-invalid"},
		Doc: "every NotFound error is answered with HTTP 400 instead of 404",
		answer: func(_ *Handler, _ *oracle.Request, _ *oracle.Prediction, o *oracle.Observation) {
			if o.Status == http.StatusNotFound {
				o.Status = http.StatusBadRequest
			}
		}},
	{Name: "json-instead-of-xml", Family: "formats", Breaks: []string{"check.format"},
		Doc: "every answer is JSON, also when XML is asked for or is the default",
		answer: func(h *Handler, _ *oracle.Request, _ *oracle.Prediction, o *oracle.Observation) {
			o.Format, o.ContentType = "JSON", h.profile.ContentType("JSON")
		}},
	{Name: "eni-ids-upper-case", Family: "formats", Breaks: []string{"check.eni-id"},
		Doc: "NetworkInterfaceIds are issued in upper case (eni-1A2B…), which the ID pattern refuses",
		answer: func(_ *Handler, _ *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
			if p.Replay == "" && o.NetworkInterfaceID != "" {
				o.NetworkInterfaceID = strings.ToUpper(o.NetworkInterfaceID)
			}
			if o.Created != nil {
				o.Created.NetworkInterfaceID = o.NetworkInterfaceID
			}
		}},
	{Name: "request-id-missing", Family: "formats", Breaks: []string{"check.envelope"},
		Doc:    "answers carry no RequestId",
		answer: func(_ *Handler, _ *oracle.Request, _ *oracle.Prediction, o *oracle.Observation) { o.RequestID = "" }},
	{Name: "describe-drops-description", Family: "post-state", Breaks: []string{"check.post-state"},
		Doc:   "DescribeNetworkInterfaces shows every ENI with an empty Description (the field is never stored)",
		Setup: true, // the first property to list an ENI sends its describe before a create
		answer: func(_ *Handler, _ *oracle.Request, p *oracle.Prediction, o *oracle.Observation) {
			for i := range o.ENIs {
				o.ENIs[i].Description = ""
			}
		}},
	{Name: "not-found-checks-swapped", Family: "references", Breaks: []string{"precedence"},
		Doc:    "an unknown security group is reported before an unknown vSwitch (the two NotFound checks in the wrong order)",
		Strict: true, profile: swapRanks("ref.vswitch-not-found", "ref.sg-not-found")},
	{Name: "missing-sg-invented", Family: "references", Breaks: []string{"ref.sg-not-found"},
		Doc:     "moto: an unknown SecurityGroupId is accepted, as if the group existed",
		profile: unreachable("ref.sg-not-found")},
}
