package oracle

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

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

// Divergence is one way an observation differs from the prediction.
type Divergence struct {
	Kind DivKind
	// What differs: "outcome", "code", "status", "format", "content-type",
	// "RequestId", "NetworkInterfaceId", a field name, "transport", "body",
	// "listing".
	What string
	// Rule is the rule the request exercises: the winner, or for a
	// success the rule-less "success" (nil).
	Rule *spec.Rule
	Want string
	Got  string
	Why  string // one line, in words a bug report would use
}

func (d Divergence) String() string {
	rule := "success"
	if d.Rule != nil {
		rule = d.Rule.ID
	}
	return fmt.Sprintf("%s divergence in %s [%s]: want %s, got %s: %s", d.Kind, d.What, rule, d.Want, d.Got, d.Why)
}

// Check compares what a target answered with the prediction p made in state
// s, and returns every divergence (none when the answer conforms).
func (m *Model) Check(s *State, p *Prediction, o *Observation) []Divergence {
	if p.Remembered != nil && len(m.Check(s, p.Remembered, o)) == 0 {
		return nil // the target still remembered the token (decision token-retention)
	}
	c := checker{m: m, s: s, p: p, o: o}
	switch o.Kind {
	case Unknown:
		c.hard("transport", p.expect(), describeKind(o), "no usable answer: "+o.Problem)
		return c.divs
	case Garbled:
		c.hard("body", p.expect(), describeKind(o), "the body cannot be parsed: "+o.Problem)
		return c.divs
	}
	c.envelope()
	if p.Success() && !c.errorMaybe() {
		c.success()
	} else if !p.Success() {
		c.failure()
	}
	return c.divs
}

func describeKind(o *Observation) string {
	if o.Status != 0 {
		return fmt.Sprintf("%s (HTTP %d)", o.Kind, o.Status)
	}
	return o.Kind.String()
}

// expect says in a few words what the prediction demands.
func (p *Prediction) expect() string {
	if p.Success() {
		return "success"
	}
	return fmt.Sprintf("%s (HTTP %d)", p.Winner.Code, p.Winner.HTTP)
}

type checker struct {
	m    *Model
	s    *State
	p    *Prediction
	o    *Observation
	divs []Divergence
}

func (c *checker) add(k DivKind, what, want, got, why string) {
	c.divs = append(c.divs, Divergence{Kind: k, What: what, Rule: c.p.Winner, Want: want, Got: got, Why: why})
}

func (c *checker) hard(what, want, got, why string) { c.add(Hard, what, want, got, why) }

// envelope checks what every answer carries: format, content type, RequestId.
func (c *checker) envelope() {
	if c.o.Format != c.p.Format {
		c.hard("format", c.p.Format, c.o.Format, "the response body is not in the format the request asked for")
	}
	if ct := c.m.Spec.ContentType(c.p.Format); c.o.ContentType != ct {
		c.hard("content-type", ct, c.o.ContentType, "the official SDKs parse the body only with this exact Content-Type")
	}
	if !c.m.Spec.RequestIDValid(c.o.RequestID) {
		c.hard("RequestId", c.m.Spec.Responses.RequestIDPattern, strconv.Quote(c.o.RequestID), "every answer carries an uppercase UUID RequestId")
	}
}

// errorMaybe handles an error answer to a request predicted to succeed: it
// is fine when one of the Maybe rules explains it; anything else diverges.
// It reports whether the answer was an error.
func (c *checker) errorMaybe() bool {
	if !c.o.Failed() {
		return false
	}
	for _, r := range c.p.Maybe {
		if r.Accepts(c.o.Code, c.o.Status) {
			return true
		}
	}
	c.hard("outcome", "success", fmt.Sprintf("%s (HTTP %d)", c.o.Code, c.o.Status), "the request is valid in this state and must succeed")
	return true
}

func (c *checker) failure() {
	o, w := c.o, c.p.Winner
	got := fmt.Sprintf("%s (HTTP %d)", o.Code, o.Status)
	switch {
	case !o.Failed():
		c.hard("outcome", c.p.expect(), fmt.Sprintf("success (HTTP %d)", o.Status), "the request breaks "+w.ID+" and must be refused")
	case o.Code == w.Code && o.Status == w.HTTP:
	case w.Accepts(o.Code, o.Status):
		c.add(Alternative, "code", c.p.expect(), got, "a documented alternative of "+w.ID+" ("+altSource(w, o.Code)+")")
	case c.maybeExplains():
	case c.violatedExplains():
		c.add(Precedence, "code", c.p.expect(), got, "the request also breaks the rule behind this code, but "+w.ID+" takes precedence")
	case o.Code == w.Code:
		c.hard("status", strconv.Itoa(w.HTTP), strconv.Itoa(o.Status), "the code is right but its HTTP status is not")
	default:
		c.hard("code", c.p.expect(), got, "no rule the request breaks answers with this code")
	}
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

func (c *checker) violatedExplains() bool {
	return slices.ContainsFunc(c.p.Violated[1:], func(r *spec.Rule) bool { return r.Accepts(c.o.Code, c.o.Status) })
}

func (c *checker) success() {
	if c.o.Status < 200 || c.o.Status > 299 {
		c.hard("status", "2xx", strconv.Itoa(c.o.Status), "a success answer has a 2xx status")
	}
	switch c.p.Action {
	case c.m.Spec.Subject:
		c.created()
	case "DescribeNetworkInterfaces":
		c.described()
	}
}

func (c *checker) created() {
	id := c.o.NetworkInterfaceID
	switch {
	case c.p.Replay != "" && id != c.p.Replay:
		c.hard("NetworkInterfaceId", c.p.Replay, strconv.Quote(id), "a replay with the same ClientToken and parameters returns the first ENI")
	case c.p.Replay != "":
	case !c.m.Spec.ENIIDValid(id):
		c.hard("NetworkInterfaceId", c.m.Spec.Responses.ENIIDPattern, strconv.Quote(id), "the ENI ID is malformed")
	case c.s.Issued(id) && c.p.ev.pending == nil:
		c.hard("NetworkInterfaceId", "an ID never returned before", id, "the target returned an existing ENI's ID for a new ENI")
	}
	if v := c.o.Created; v != nil && c.p.Replay == "" {
		want := c.p.ev.newENI(id, "") // the MAC is the server's choice: only its form is checked
		c.eniFields(want, *v, c.p.ev.ip.IsValid())
	}
}

// eniFields compares how a response shows an ENI with what the model knows
// of it. ipKnown says whether want.IP is certain; if not, the shown address
// only has to be one the ENI could have been given.
func (c *checker) eniFields(want eniRec, got ENIView, ipKnown bool) {
	exp := c.m.view(c.s, want)
	pairs := [][3]string{
		{"Status", exp.Status, got.Status}, {"VpcId", exp.VpcID, got.VpcID}, {"VSwitchId", exp.VSwitchID, got.VSwitchID},
		{"ZoneId", exp.ZoneID, got.ZoneID}, {"NetworkInterfaceName", exp.NetworkInterfaceName, got.NetworkInterfaceName},
		{"Description", exp.Description, got.Description},
		{"SecurityGroupIds", fmt.Sprint(exp.SecurityGroupIDs), fmt.Sprint(got.SecurityGroupIDs)},
	}
	if want.MAC != "" {
		pairs = append(pairs, [3]string{"MacAddress", want.MAC, got.MACAddress})
	}
	if ipKnown {
		pairs = append(pairs, [3]string{"PrivateIpAddress", want.IP, got.PrivateIPAddress})
	}
	for _, f := range pairs {
		if f[1] != f[2] {
			c.hard(f[0], strconv.Quote(f[1]), strconv.Quote(f[2]), "ENI "+want.ID+" is shown with the wrong "+f[0])
		}
	}
	if !c.m.Spec.MACValid(got.MACAddress) {
		c.hard("MacAddress", c.m.Spec.Responses.MACPattern, strconv.Quote(got.MACAddress), "the MAC address is malformed")
	}
	if !ipKnown {
		c.chosenIP(want, got.PrivateIPAddress)
	}
}

// chosenIP checks an address the server chose: inside the vSwitch, not
// reserved, and free before this ENI took it (an ENI that may be gone, or
// may never have been made, does not count as holding it).
func (c *checker) chosenIP(e eniRec, ip string) {
	sw := c.s.ix.vsws[e.VSwitch]
	a, err := netip.ParseAddr(ip)
	switch {
	case sw == nil:
	case err != nil || !sw.net.Contains(a) || reserved(sw.net, a):
		c.hard("PrivateIpAddress", "a usable address of "+sw.CIDR, strconv.Quote(ip), "the chosen address is outside the vSwitch or reserved")
	default:
		if c.s.holds(ipKey(e.VSwitch, ip), e.ID) == yes {
			c.hard("PrivateIpAddress", "a free address", ip, "the chosen address is already in use")
		}
	}
}
