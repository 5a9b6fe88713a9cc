package oracle

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/spec"
)

// DivKind says how serious a divergence is.
type DivKind uint8

// Kinds of divergence.
const (
	// Hard: a wrong or missing code or status, success where an error is due
	// or the reverse, a malformed ID, a wrong format, an unparseable body, a
	// transport failure. Always fails a run.
	Hard DivKind = iota + 1
	// Precedence: the code belongs to a rule the request violates, but not to
	// the one strict precedence picks. Fails a run only in strict mode.
	Precedence
	// Alternative: the winner's rule answered with a documented alternative
	// code. Fails a run only in strict mode.
	Alternative
)

func (k DivKind) String() string {
	switch k {
	case Hard:
		return "hard"
	case Precedence:
		return "precedence"
	case Alternative:
		return "alternative"
	}
	return "invalid"
}

// Divergence is one way an observation differs from the prediction, on one
// aspect, counted against one verdict row.
type Divergence struct {
	Kind DivKind
	// Row is the verdict row the divergence counts against: the ID of a rule
	// of the profile, or of one of its aspects (spec.Aspect*).
	Row string
	// What differs: "outcome", "code", "status", "format", "envelope",
	// "RequestId", "NetworkInterfaceId", a field name, "transport", "body",
	// "listing", "TotalCount".
	What string
	// Rule is the rule of Row; nil when Row is an aspect.
	Rule *spec.Rule
	// Part is the part of Row's rule the request breaks (Prediction.Part),
	// when the divergence is about that rule's own outcome.
	Part string
	Want string
	Got  string
	// Class says what came back in words that do not change from run to
	// run (no IDs, names or times): with Row, What, Want and Part it makes
	// the signature of a defect.
	Class string
	Why   string // one line, in words a bug report would use
}

func (d Divergence) String() string {
	return fmt.Sprintf("%s divergence in %s [%s]: want %s, got %s: %s", d.Kind, d.What, d.Row, d.Want, d.Got, d.Why)
}

// Judgement is how one answer fared: every divergence, and every verdict
// row the answer was judged on, conforming or not. A row the answer could
// not show (an outcome another defect hid, an outcome that unobserved
// requests make uncertain) is not judged.
type Judgement struct {
	Divergences []Divergence
	Judged      []string
}

// Check compares what a target answered with the prediction p made in state
// s, and returns every divergence (none when the answer conforms).
func (m *Model) Check(s *State, p *Prediction, o *Observation) []Divergence {
	return m.Judge(s, p, o).Divergences
}

// Judge judges an answer on every aspect independently: whether it could
// be read at all; its format, envelope and RequestId; its outcome (success
// or error, code, status), which is counted against the rule the request
// exercises (or, for an error code that belongs to one other rule alone,
// against that rule, which fired where it must not); and the server-chosen
// values and the state it shows. When the target may have forgotten the
// request's ClientToken (p.Remembered, decision token-retention), the
// answer is judged for both and the judgement with fewer divergences holds.
func (m *Model) Judge(s *State, p *Prediction, o *Observation) Judgement {
	j := m.judge(s, p, o)
	if p.Remembered != nil && len(j.Divergences) > 0 {
		if r := m.judge(s, p.Remembered, o); len(r.Divergences) < len(j.Divergences) {
			return r
		}
	}
	return j
}

func (m *Model) judge(s *State, p *Prediction, o *Observation) Judgement {
	c := checker{m: m, s: s, p: p, o: o}
	c.judged(spec.AspectAnswer)
	switch o.Kind {
	case Unknown:
		c.hard(spec.AspectAnswer, "transport", p.expect(), describeKind(o), describeKind(o), "no usable answer: "+o.Problem)
		return c.j
	case Garbled:
		c.hard(spec.AspectAnswer, "body", p.expect(), describeKind(o), garbledClass(o), "the body cannot be parsed: "+o.Problem)
		return c.j
	}
	c.envelope()
	if p.Success() {
		c.success()
	} else {
		c.failure()
	}
	return c.j
}

func describeKind(o *Observation) string {
	if o.Status != 0 {
		return fmt.Sprintf("%s (HTTP %d)", o.Kind, o.Status)
	}
	return o.Kind.String()
}

// garbledClass is the status and the kind of problem of a garbled answer,
// without the parser's details or numbers (a body too long is one defect,
// whatever the limit its action allows).
func garbledClass(o *Observation) string {
	kind, _, _ := strings.Cut(o.Problem, ":")
	return fmt.Sprintf("HTTP %d, %s", o.Status, digits.ReplaceAllString(kind, "N"))
}

var digits = regexp.MustCompile(`[0-9]+`)

// expect says in a few words what the prediction demands.
func (p *Prediction) expect() string {
	if p.Success() {
		return "success"
	}
	return fmt.Sprintf("%s (HTTP %d)", p.Winner.Code, p.Winner.HTTP)
}

// Row is the verdict row of the request's outcome: the winner's rule, or
// for a request that must succeed the replay aspect (a ClientToken sent
// again with the same parameters) or the valid aspect.
func (p *Prediction) Row() string {
	switch {
	case p.Winner != nil:
		return p.Winner.ID
	case p.Replay != "" || p.ev.pending != nil:
		return spec.AspectReplay
	}
	return spec.AspectValid
}

type checker struct {
	m *Model
	s *State
	p *Prediction
	o *Observation
	j Judgement
}

func (c *checker) judged(row string) {
	if !slices.Contains(c.j.Judged, row) {
		c.j.Judged = append(c.j.Judged, row)
	}
}

func (c *checker) add(k DivKind, row, what, want, got, class, why string) {
	d := Divergence{Kind: k, Row: row, What: what, Rule: c.m.Spec.Rule(row), Want: want, Got: got, Class: class, Why: why}
	if c.p.Winner != nil && row == c.p.Winner.ID {
		d.Part = c.p.Part
	}
	c.j.Divergences = append(c.j.Divergences, d)
}

func (c *checker) hard(row, what, want, got, class, why string) {
	c.add(Hard, row, what, want, got, class, why)
}

// envelope checks what every answer carries: the format with its exact
// Content-Type, the envelope fields, the form of the RequestId.
func (c *checker) envelope() {
	c.judged(spec.AspectFormat)
	if ct := c.m.Spec.ContentType(c.p.Format); c.o.Format != c.p.Format || c.o.ContentType != ct {
		want, got := c.p.Format+" ("+ct+")", c.o.Format+" ("+c.o.ContentType+")"
		c.hard(spec.AspectFormat, "format", want, got, got, "the body is not in the format due, with its exact Content-Type (the official SDKs need both)")
	}
	c.judged(spec.AspectEnvelope)
	if missing := c.missingEnvelope(); len(missing) > 0 {
		want := "RequestId"
		if c.o.Failed() {
			want = "RequestId, HostId, Code and Message"
		}
		got := "no " + strings.Join(missing, ", no ")
		c.hard(spec.AspectEnvelope, "envelope", want, got, got, "the answer lacks fields of the envelope every client reads")
	}
	if c.o.RequestID != "" {
		c.judged(spec.AspectRequestID)
		if !c.m.Spec.RequestIDValid(c.o.RequestID) {
			c.hard(spec.AspectRequestID, "RequestId", c.m.Spec.Responses.RequestIDPattern, strconv.Quote(c.o.RequestID), "malformed",
				"every answer carries an uppercase UUID RequestId")
		}
	}
}

// missingEnvelope lists the envelope fields the answer lacks.
func (c *checker) missingEnvelope() []string {
	var out []string
	if c.o.RequestID == "" {
		out = append(out, "RequestId")
	}
	if c.o.Failed() && c.o.HostID == "" {
		out = append(out, "HostId")
	}
	if c.o.Failed() && c.o.Message == "" {
		out = append(out, "Message")
	}
	return out
}

// success judges the answer to a request that must succeed.
func (c *checker) success() {
	if c.o.Failed() {
		c.refused()
		return
	}
	c.judged(c.p.Row())
	switch c.p.Action {
	case c.m.Spec.Subject:
		c.created()
	case actionDescribe:
		c.described()
	case actionAssign:
		c.assignedAnswer()
	case actionListTags:
		c.listedTags()
	}
}

// refused judges an error answer to a request predicted to succeed: fine
// when one of the Maybe rules explains it (not judged: the state was
// uncertain). A replay refused is the replay's defect, whatever the code
// (a target that treats it as a new create meets the address or quota the
// first create took). Otherwise a code that one other rule alone answers
// with is that rule firing where it must not; anything else fails the
// request's own row.
func (c *checker) refused() {
	if c.maybeExplains() {
		return
	}
	if c.maybeStatus() {
		return
	}
	got := fmt.Sprintf("%s (HTTP %d)", c.o.Code, c.o.Status)
	if r := c.overFired(); r != nil && c.p.Row() != spec.AspectReplay {
		c.hard(r.ID, "outcome", "success", got, got, r.ID+" fires on a request that does not break it")
		return
	}
	c.judged(c.p.Row())
	c.hard(c.p.Row(), "outcome", "success", got, got, "the request is valid in this state and must succeed")
}

// failure judges the answer to a request that must be refused by the
// winner.
func (c *checker) failure() {
	o, w := c.o, c.p.Winner
	got := fmt.Sprintf("%s (HTTP %d)", o.Code, o.Status)
	switch {
	case !o.Failed():
		c.judged(w.ID)
		c.hard(w.ID, "outcome", c.p.expect(), fmt.Sprintf("success (HTTP %d)", o.Status), "success", "the request breaks "+w.ID+" and must be refused")
	case o.Code == w.Code && o.Status == w.HTTP:
		c.held()
	case w.Accepts(o.Code, o.Status):
		c.held()
		c.add(Alternative, w.ID, "code", c.p.expect(), got, got, "a documented alternative of "+w.ID+" ("+altSource(w, o.Code)+")")
	case c.maybeExplains(), c.maybeStatus():
	case c.violatedStatus():
	case c.violatedExplains():
		c.judged(spec.AspectPrecedence)
		c.add(Precedence, spec.AspectPrecedence, "code", c.p.expect(), got, got, "the request also breaks the rule behind this code, but "+w.ID+" takes precedence")
	case o.Code == w.Code:
		c.judged(w.ID)
		c.hard(w.ID, "status", strconv.Itoa(w.HTTP), strconv.Itoa(o.Status), strconv.Itoa(o.Status), "the code is right but its HTTP status is not")
	default:
		if r := c.overFired(); r != nil {
			c.hard(r.ID, "outcome", c.p.expect(), got, got, r.ID+" fires on a request that does not break it (so "+w.ID+" could not be seen)")
			return
		}
		c.judged(w.ID)
		c.hard(w.ID, "code", c.p.expect(), got, got, "no rule the request breaks answers with this code")
	}
}

// held records that the winner's rule answered, and that precedence held
// when the request broke several rules.
func (c *checker) held() {
	c.judged(c.p.Winner.ID)
	if len(c.p.Violated) > 1 {
		c.judged(spec.AspectPrecedence)
	}
}

// overFired returns the one rule of the action, other than the winner and
// the rules the request breaks, whose code (or documented alternative) the
// answer carries; nil when no rule or several rules have that code, since
// then the answer cannot be put down to one rule.
func (c *checker) overFired() *spec.Rule {
	var found *spec.Rule
	for _, r := range c.m.Spec.RulesByRank() {
		if !r.AppliesTo(c.p.Action) || slices.Contains(c.p.Violated, r) || !hasCode(r, c.o.Code) {
			continue
		}
		if found != nil {
			return nil
		}
		found = r
	}
	return found
}

func hasCode(r *spec.Rule, code string) bool {
	return r.Code == code || slices.ContainsFunc(r.Alternatives, func(a spec.Alternative) bool { return a.Code == code })
}

func altSource(r *spec.Rule, code string) string {
	for _, a := range r.Alternatives {
		if a.Code == code {
			return a.Source
		}
	}
	return ""
}

func (c *checker) maybeExplains() bool {
	return slices.ContainsFunc(c.p.Maybe, func(r *spec.Rule) bool { return r.Accepts(c.o.Code, c.o.Status) })
}

// violatedExplains reports whether the answer is the code of another rule
// the request breaks, or of a later rule that may fire.
func (c *checker) violatedExplains() bool {
	accepts := func(r *spec.Rule) bool { return r.Accepts(c.o.Code, c.o.Status) }
	return slices.ContainsFunc(c.p.Violated[1:], accepts) || slices.ContainsFunc(c.p.Later, accepts)
}

// maybeStatus judges an answer that carries the code of a rule that may
// fire (Maybe) with another HTTP status: that rule's status diverges. It
// reports whether there was such a rule.
func (c *checker) maybeStatus() bool { return c.statusOf(c.p.Maybe) }

// violatedStatus does the same for the other rules the request breaks and
// the later rules that may fire: the answer is theirs, with a wrong status
// (and, as precedence goes, the winner's code was due).
func (c *checker) violatedStatus() bool {
	return c.statusOf(c.p.Violated[1:]) || c.statusOf(c.p.Later)
}

// statusOf judges an answer that carries the code of one of rules with
// another status: that rule's status diverges. It reports whether there
// was such a rule.
func (c *checker) statusOf(rules []*spec.Rule) bool {
	i := slices.IndexFunc(rules, func(r *spec.Rule) bool { return r.Code == c.o.Code && r.HTTP != c.o.Status })
	if i < 0 {
		return false
	}
	r := rules[i]
	c.judged(r.ID)
	c.hard(r.ID, "status", strconv.Itoa(r.HTTP), strconv.Itoa(c.o.Status), strconv.Itoa(c.o.Status), "the code is right but its HTTP status is not")
	return true
}

// created judges a successful Create: a replay returns its ENI; a new ENI
// has a well-formed ID never returned before and is shown as created.
func (c *checker) created() {
	id := c.o.NetworkInterfaceID
	switch {
	case c.p.Replay != "" && id != c.p.Replay:
		c.hard(spec.AspectReplay, "NetworkInterfaceId", c.p.Replay, strconv.Quote(id), "another ID", "a replay with the same ClientToken and parameters returns the first ENI")
	case c.p.Replay != "":
	case !c.m.Spec.ENIIDValid(id):
		c.judged(spec.AspectENIID)
		c.hard(spec.AspectENIID, "NetworkInterfaceId", c.m.Spec.Responses.ENIIDPattern, strconv.Quote(id), "malformed", "the ENI ID is malformed")
	case c.s.Issued(id) && c.p.ev.pending == nil && !c.p.ev.foreign:
		c.judged(spec.AspectENIID)
		c.hard(spec.AspectENIID, "NetworkInterfaceId", "an ID never returned before", id, "an ID returned before", "the target returned an existing ENI's ID for a new ENI")
	default:
		c.judged(spec.AspectENIID)
	}
	if v := c.o.Created; v != nil && c.p.Replay == "" {
		want := c.p.ev.newENI(id, "") // the MAC is the server's choice: only its form is checked
		c.eniFields(want, *v, c.p.ev.ip.IsValid(), spec.AspectENIFields)
	}
}
