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
	Spec  *spec.Profile
	rules []boundRule // reachable rules by rank, with their checks
	// ranks of the rules whose position matters to Next
	nonceRank, idemRank int
}

type boundRule struct {
	*spec.Rule
	check
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
		m.rules = append(m.rules, boundRule{r, c})
		switch r.Check {
		case "nonce":
			m.nonceRank = r.Rank
		case "token-mismatch":
			m.idemRank = r.Rank
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("oracle: no check implements %s", strings.Join(missing, ", "))
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
	// Violated lists every rule that certainly fires, by rank; Winner first.
	// Lenient mode accepts any of their codes and documented alternatives.
	Violated []*spec.Rule
	// Maybe lists rules that may fire, depending on outcomes the client
	// never observed (see State). Any of them, or the winner, is accepted.
	Maybe []*spec.Rule
	// Format is the response format due: "JSON" or "XML".
	Format string
	// Lane is the state partition the outcome depends on; "" when the
	// outcome is the same in every state of the world.
	Lane string
	// Replay is set for an idempotent replay: the ID that must come back.
	Replay string
	// RecordsNonce tells whether the request's SignatureNonce is remembered
	// from now on (it passed signature verification).
	RecordsNonce bool

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
	p := Prediction{Action: r.Action(), Format: m.format(r)}
	e := m.newEval(s, r)
	stateful := false
	for i := range m.rules {
		br := &m.rules[i]
		if !br.Rule.AppliesTo(p.Action) {
			continue
		}
		v := br.fn(&e, br.Rule)
		switch v.hit {
		case yes:
			if p.Winner == nil {
				p.Winner, p.Param = br.Rule, v.param
				stateful = br.stateful
			}
			p.Violated = append(p.Violated, br.Rule)
		case maybe:
			if p.Winner == nil {
				p.Maybe = append(p.Maybe, br.Rule)
			}
		}
	}
	if p.Winner == nil && e.action != nil {
		stateful = true
	}
	if (stateful || len(p.Maybe) > 0) && e.owner != "" && e.region != nil {
		p.Lane = LaneOf(e.owner, e.region.ID)
	}
	if e.replay != nil {
		p.Replay = e.replay.ID
	}
	p.RecordsNonce = p.Winner == nil || p.Winner.Rank > m.nonceRank
	p.ev = e
	return p
}

// format chooses the response format (decision format-choice).
func (m *Model) format(r *Request) string {
	if f, ok := r.Param("Format"); ok {
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
	vsw     *vswInfo       // visible to the owner in the region, else nil
	sg      *SecurityGroup // visible to the owner in the region, else nil
	ip      netip.Addr     // valid when PrimaryIpAddress parses
	ts      time.Time      // valid when Timestamp parses
	tsOK    bool
	token   string
	hash    string
	replay  *tokenRec // an idempotent replay (same token, same parameters)
	pending *tokenRec // the same, but the first create's outcome is unknown
}

func (m *Model) newEval(s *State, r *Request) eval {
	e := eval{m: m, s: s, r: r, action: m.Spec.Action(r.Action())}
	e.account = s.ix.accounts[r.Get("AccessKeyId")]
	if e.account != nil {
		e.owner = e.account.Owner()
	}
	if t, err := time.Parse(m.Spec.Gateway.TimestampLayout, r.Get("Timestamp")); err == nil {
		e.ts, e.tsOK = t, true
	}
	if e.action == nil {
		return e
	}
	e.region = s.ix.regions[r.Get("RegionId")]
	if e.region == nil || e.owner == "" {
		return e
	}
	if sw := s.ix.vsws[r.Get("VSwitchId")]; sw != nil && sw.vpc.Owner == e.owner && sw.vpc.Region == e.region.ID {
		e.vsw = sw
	}
	if g := s.ix.sgs[r.Get("SecurityGroupId")]; g != nil && g.Owner == e.owner && g.Region == e.region.ID {
		e.sg = g
	}
	if a, err := netip.ParseAddr(r.Get("PrimaryIpAddress")); err == nil && a.Is4() {
		e.ip = a
	}
	e.token, _ = r.Param("ClientToken")
	if e.token != "" && e.action.Name == m.Spec.Subject {
		e.hash = requestHash(e.action, r)
	}
	return e
}

// requestHash is the canonical form of the parameters idempotency compares
// (decision token-scope).
func requestHash(a *spec.Action, r *Request) string {
	var b strings.Builder
	for _, p := range a.Params {
		if p.Gateway || p.Name == "ClientToken" {
			continue
		}
		if v, ok := r.Param(p.Name); ok {
			b.WriteString(p.Name)
			b.WriteByte('=')
			b.WriteString(v)
			b.WriteByte(0)
		}
	}
	return b.String()
}
