package oracle

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/eniconform/eniconform/spec"
)

// Model is the reference model for one spec profile: pure functions of a
// State and a Request. A Model is immutable and safe for concurrent use.
type Model struct {
	Spec     *spec.Profile
	rules    []boundRule                          // reachable rules by rank, with their checks
	byAction map[*spec.Action][]boundRule         // the rules that apply to each action
	unknown  []boundRule                          // the rules that apply to any action: for an unknown one
	accepts  map[*spec.Action]*[nKeys]bool        // which of the cached parameter names each action accepts
	bits     map[*spec.Action]map[*spec.Param]int // each action's parameter bits (present.go)
	keyBits  map[*spec.Action]*[nKeys]int         // the bit of each cached name's parameter, -1 for none
	// ranks of the rules whose position matters to Next
	nonceRank, idemRank int
	// enterprise: the profile has a rule of its own for enterprise groups'
	// capacity, so the basic one leaves them alone
	enterprise bool
}

type boundRule struct {
	*spec.Rule
	check
	params   []*spec.Param // the rule's parameters in the action it is bound for
	mask     paramBits     // their bits (present.go)
	skipless bool          // the rule fires only with one of them given
}

// NewModel binds every reachable rule of p to the code that checks it. It
// fails if a reachable rule names a check this package does not implement,
// so that a rule added to the data cannot be silently ignored.
func NewModel(p *spec.Profile) (*Model, error) {
	m := &Model{Spec: p}
	var missing []string
	for _, r := range p.RulesByRank() {
		if !r.Reachable() {
			continue
		}
		c, ok := checks[r.Check]
		if !ok {
			missing = append(missing, fmt.Sprintf("%s (check %q)", r.ID, r.Check))
			continue
		}
		m.rules = append(m.rules, boundRule{Rule: r, check: c})
		switch r.Check {
		case "nonce":
			m.nonceRank = r.Rank
		case "token-mismatch":
			m.idemRank = r.Rank
		case "enterprise-capacity":
			m.enterprise = true
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("oracle: no check implements %s", strings.Join(missing, ", "))
	}
	m.byAction, m.accepts = map[*spec.Action][]boundRule{}, map[*spec.Action]*[nKeys]bool{}
	missing = nil
	m.bits, m.keyBits = map[*spec.Action]map[*spec.Param]int{}, map[*spec.Action]*[nKeys]int{}
	for _, a := range p.Actions {
		acc := acceptsKeys(a)
		m.accepts[a] = &acc
		m.bits[a] = bitsOf(a)
		kb := keyBitsOf(a, m.bits[a])
		m.keyBits[a] = &kb
	}
	for _, br := range m.rules {
		for _, a := range p.Actions {
			if br.AppliesTo(a.Name) {
				bound := br
				bound.params = nil
				for _, name := range br.Params {
					if prm := a.Param(name); prm != nil {
						bound.params = append(bound.params, prm)
					}
				}
				if err := checkKindData(&bound); err != nil {
					missing = append(missing, err.Error())
				}
				bound.mask, bound.skipless = maskOf(m.bits[a], &bound)
				m.byAction[a] = append(m.byAction[a], bound)
			}
		}
		if len(br.Actions) == 0 {
			m.unknown = append(m.unknown, br)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("oracle: %s", strings.Join(missing, "; "))
	}
	return m, nil
}

// Prediction is the expected outcome of one request in one state.
type Prediction struct {
	Action string
	// Winner is the rule strict precedence says must answer; nil means the
	// request must succeed.
	Winner *spec.Rule
	// Param is the parameter the winner is about (for its message), if any.
	Param string
	// Part is the part of the winner the request breaks ("NetworkInterfaceName:
	// too long", "VSwitchId of another account"), if the rule has parts: two
	// parts are two defects a target may have apart.
	Part string
	// Violated lists every rule that certainly fires, by rank; Winner first.
	// Lenient mode accepts any of their codes and documented alternatives.
	Violated []*spec.Rule
	// Maybe lists rules that may fire, depending on outcomes the client
	// never observed (see State). Any of them, or the winner, is accepted.
	Maybe []*spec.Rule
	// Later lists rules after the winner that may fire: like Violated, the
	// lenient set accepts them (a target that checks them first, or skips
	// the winner, answers with their code).
	Later []*spec.Rule
	// Format is the response format due: "JSON" or "XML".
	Format string
	// Lane is the state partition the outcome depends on or the request
	// may change (a create or delete may take effect even where it must
	// fail: on a target with defects); "" when neither holds.
	Lane string
	// Replay is set for an idempotent replay: the ID that must come back.
	Replay string
	// Remembered is the prediction for a target that still remembers the
	// request's ClientToken, when it may have forgotten it (decision
	// token-retention); the prediction itself is for one that forgot. An
	// answer that fits either conforms.
	Remembered *Prediction
	// RecordsNonce tells whether the request's SignatureNonce is remembered
	// from now on (it passed signature verification); NonceUntil says until
	// when (decision nonce-recorded-after-signature). A later request with
	// the same nonce carries it as Request.NonceUntil.
	RecordsNonce bool
	NonceUntil   time.Time

	ev eval // what Predict looked up, for Check and Next
}

// Success reports whether the request must succeed.
func (p *Prediction) Success() bool { return p.Winner == nil }

// Message is the error message the winner's code carries.
func (p *Prediction) Message() string {
	if p.Winner == nil {
		return ""
	}
	return strings.ReplaceAll(p.Winner.Message, "{param}", p.Param)
}

// Predict returns the expected outcome of r in s. It reads s and r and
// changes neither.
func (m *Model) Predict(s *State, r *Request) Prediction {
	p := m.predict(s, r, false)
	if p.ev.forgettable {
		alt := m.predict(s, r, true)
		p.Remembered = &alt
	}
	return p
}

// predict is Predict, a token that may be forgotten taken as remembered or
// not.
func (m *Model) predict(s *State, r *Request, remembered bool) Prediction {
	p := Prediction{Action: r.Action(), Format: m.format(r)}
	e := m.newEval(s, r)
	e.remembered = remembered
	stateful := false
	rules := m.unknown
	if e.action != nil {
		rules = m.byAction[e.action]
	}
	for i := range rules {
		br := &rules[i]
		if br.skipless && !br.mask.meets(e.present) {
			continue // none of its parameters is given: it cannot fire
		}
		v := e.run(br)
		switch v.hit {
		case yes:
			if p.Winner == nil {
				p.Winner, p.Param, p.Part = br.Rule, v.param, v.part
				stateful = e.readState // the winner, or a rule before it, depended on the lane's state
			}
			p.Violated = append(p.Violated, br.Rule)
		case maybe:
			if p.Winner == nil {
				p.Maybe = append(p.Maybe, br.Rule)
			} else {
				p.Later = append(p.Later, br.Rule)
			}
		}
	}
	if p.Winner == nil && e.action != nil || m.mutates(e.action) {
		stateful = true
	}
	if (stateful || len(p.Maybe) > 0) && e.owner != "" && e.region != nil {
		p.Lane = LaneOf(e.owner, e.region.ID)
	}
	if e.replay != nil {
		p.Replay = e.replay.ID
	}
	p.RecordsNonce = p.Winner == nil || p.Winner.Rank > m.nonceRank
	if p.RecordsNonce {
		p.NonceUntil = m.nonceUntil(&e)
	}
	p.ev = e
	return p
}

// nonceUntil is until when a server remembers the nonce of a request it
// accepted past the signature: the request's Timestamp plus the nonce
// window, or the timestamp window if that is longer, so that the timestamp
// rule refuses the request once its nonce is forgotten and no signed
// request is accepted twice. A request whose Timestamp does not parse
// (which only a profile with the timestamp rules switched off lets
// through) counts from its arrival.
func (m *Model) nonceUntil(e *eval) time.Time {
	g := &m.Spec.Gateway
	from := e.r.Now
	if e.tsOK {
		from = e.ts
	}
	return from.Add(max(g.NonceWindow(), g.TimestampWindow()))
}

// mutates reports whether requests for action a may change the state: the
// subject (a create), DeleteNetworkInterface and the changes of ENIs.
func (m *Model) mutates(a *spec.Action) bool {
	return a != nil && (a.Name == m.Spec.Subject || a.Name == actionDelete || changes(a.Name))
}

// format chooses the response format (decision format-choice).
func (m *Model) format(r *Request) string {
	if f, ok := r.Param("Format"); ok { // before the scan: the format is due whatever else happens
		switch strings.ToUpper(f) {
		case "JSON":
			return "JSON"
		case "XML":
			return "XML"
		}
	}
	if r.Scheme == V3 || strings.Contains(strings.ToLower(r.Accept), "application/json") {
		return "JSON"
	}
	return m.Spec.Gateway.DefaultFormat
}

// eval holds what the checks of one request need, looked up once.
type eval struct {
	m       *Model
	s       *State
	r       *Request
	action  *spec.Action
	account *Account
	owner   string // main account UID whose resources the request touches
	region  *Region
	vsw     *vswInfo       // visible to the owner in the region, else nil; the named ENI's for an action on one ENI
	eni     *eniRec        // the ENI NetworkInterfaceId names, when the owner has it in the region
	sg      *SecurityGroup // visible to the owner in the region, else nil
	ip      netip.Addr     // valid when PrimaryIpAddress parses
	ts      time.Time      // valid when Timestamp parses
	tsOK    bool
	token   string // ClientToken of a create, "" when absent
	hash    string // requestHash, computed on first use

	v           [nKeys]string    // the values of the parameters the checks read most (see scan)
	items       []item           // the items of list parameters, by parameter and index (see scan)
	present     paramBits        // the action's parameters the request gives (present.go)
	groups      []string         // the security groups a create names in either form, when it has list items (else SecurityGroupId alone: see eachGroup)
	sgs         []*SecurityGroup // each of groups visible to the owner in the region, else nil
	unsupported string           // a parameter the action does not accept, if any
	replay      *tokenRec        // an idempotent replay (same token, same parameters)
	pending     *tokenRec        // the same, but the first create's outcome is unknown
	readState   bool             // a check has read the lane's mutable state

	tokOrd      int64 // the account's tokens learned so far: the new token's Ord
	forgettable bool  // the token is recorded, but a target may have forgotten it
	foreign     bool  // no record, but the target may hold one from before the model began (Request.TokenUnknown)
	remembered  bool  // predict for a target that still remembers such a token
}

func (m *Model) newEval(s *State, r *Request) eval {
	e := eval{m: m, s: s, r: r, action: m.Spec.Action(r.Action())}
	e.scan()
	e.account = s.ix.accounts[e.v[kAccessKeyID]]
	if e.account != nil {
		e.owner = e.account.Owner()
	}
	e.ts, e.tsOK = parseTime(m.Spec.Gateway.TimestampLayout, e.v[kTimestamp])
	if e.action == nil {
		return e
	}
	e.region = s.ix.regions[e.v[kRegionID]]
	if e.region == nil || e.owner == "" {
		return e
	}
	if sw := s.ix.vsws[e.v[kVSwitchID]]; sw != nil && sw.vpc.Owner == e.owner && sw.vpc.Region == e.region.ID {
		e.vsw = sw
	}
	visible := func(id string) *SecurityGroup {
		if g := s.ix.sgs[id]; g != nil && g.Owner == e.owner && g.Region == e.region.ID {
			return g
		}
		return nil
	}
	e.sg = visible(e.v[kSecurityGroupID])
	if len(e.items) > 0 { // groups in the list form too: the usual one-group request allocates nothing
		if e.groups = e.groupIDs(); len(e.groups) > 0 {
			e.sg = visible(e.groups[0])
		}
		for _, id := range e.groups {
			e.sgs = append(e.sgs, visible(id))
		}
	}
	if id := e.v[kNetworkInterfaceID]; id != "" {
		e.named(id)
	}
	if a, err := netip.ParseAddr(e.v[kPrimaryIP]); err == nil && a.Is4() {
		e.ip = a
	}
	if e.action.Name == m.Spec.Subject {
		e.token = e.v[kClientToken]
	}
	return e
}

// named looks up the ENI an action on one ENI names; such an action has
// no VSwitchId of its own, and its addresses are the ENI's vSwitch's.
func (e *eval) named(id string) {
	if rec, ok := e.s.eni(id); ok && rec.Owner == e.owner && rec.Region == e.region.ID && !placeholder(id) {
		e.eni = &rec
	}
	if e.action.Param("VSwitchId") == nil {
		e.vsw = nil
		if e.eni != nil {
			e.vsw = e.s.ix.vsws[e.eni.VSwitch]
		}
	}
}

// requestHash returns the canonical form of the parameters idempotency
// compares, computing it once.
func (e *eval) requestHash() string {
	if e.hash == "" {
		e.hash = requestHash(e.action, e.r, e.items)
	}
	return e.hash
}

// parseTime parses a Timestamp. The usual layout is parsed by hand, since
// time.Parse is a fifth of a prediction's cost; the result is the same.
func parseTime(layout, v string) (time.Time, bool) {
	const iso = "2006-01-02T15:04:05Z"
	if layout != iso || len(v) != len(iso) {
		t, err := time.Parse(layout, v)
		return t, err == nil
	}
	var n [6]int
	for i, at := range [6]int{0, 5, 8, 11, 14, 17} {
		width := 2
		if i == 0 {
			width = 4
		}
		for _, c := range []byte(v[at : at+width]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
		}
	}
	if v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':' || v[19] != 'Z' {
		return time.Time{}, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	if t.Month() != time.Month(n[1]) || t.Day() != n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59 {
		return time.Time{}, false // out of range: time.Date would normalise it
	}
	return t, true
}

// requestHash is the canonical form of the parameters idempotency compares
// (decision token-scope).
// List items come sorted (scan), by parameter and index.
func requestHash(a *spec.Action, r *Request, items []item) string {
	var b strings.Builder
	write := func(name, v string) {
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(v)
		b.WriteByte(0)
	}
	for _, p := range a.Params {
		if p.Gateway || p.Name == "ClientToken" || p.List() {
			continue
		}
		if v, ok := r.Param(p.Name); ok {
			write(p.Name, v)
		}
	}
	for _, it := range items {
		if it.value != "" {
			write(it.p.Item(it.index), it.value)
		}
	}
	return b.String()
}
