// Package target is the harness's client: it turns generated steps into
// signed HTTP requests for an endpoint (through package wire), says what a
// conforming server decodes from each (the oracle.Request the prediction is
// made for), and parses what comes back. Simulate runs a case against the
// oracle itself, with no network, for corpora and meta-tests.
//
// Entry points: Conn (an endpoint, its world and credentials), Session (one
// case's run: nonces, created IDs, unique tokens), Conn.Prepare and
// Pending.Send (one step: built, predicted by the caller, then sent), and
// Conn.Simulate.
package target

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Conn is an endpoint and what the harness knows about it. It is safe for
// concurrent use once set up.
type Conn struct {
	URL     string
	Profile *spec.Profile
	World   *oracle.World // for the secrets of the keys; never printed
	Client  *http.Client  // its Timeout is the per-request timeout
	Now     func() time.Time

	// Overrides of the generated sending, for runs restricted to one
	// scheme or format ("" keeps what the case says). A step that needs
	// another scheme for the rule it breaks keeps its own.
	Scheme, Format string
}

// Exchange is one step as sent and answered.
type Exchange struct {
	Step     generators.Step    // with references and tokens substituted
	Request  oracle.Request     // what a conforming server decodes from it
	req      *http.Request      // as sent, for Sent
	Observed oracle.Observation // what came back
	Latency  time.Duration
}

// Sent renders the request on one line, signatures and tokens redacted
// (computed on demand: only reports need it).
func (x *Exchange) Sent() string {
	if x.req == nil {
		return "(not sent: the request could not be built)"
	}
	return wire.Redact(x.req)
}

// Session is the run of one case: it remembers the nonce of each step and
// until when the server remembers it (zero: it does not), the ENIs created,
// and makes ClientTokens unique to the run so that cases never see each
// other's tokens. One Session per case run; not for concurrent use.
type Session struct {
	run     string // unique to the harness run
	nonces  []string
	until   []time.Time
	created []string // per step: the ENI it created, or ""
	steps   []generators.Step
	tokens  map[string]string
}

var sessions atomic.Uint64

// NewSession starts the run of one case; run distinguishes harness runs (a
// random string, so that two runs against one target do not share tokens).
func NewSession(run string) *Session {
	return &Session{run: run, tokens: map[string]string{}}
}

// Created lists the ENIs the case created so far.
func (s *Session) Created() []string {
	var out []string
	for _, id := range s.created {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// nonce returns the nonce of the step about to be sent.
func (s *Session) nonce(st generators.Step) string {
	if n := st.Send.ReuseNonceOf; n > 0 && n <= len(s.nonces) {
		return s.nonces[n-1]
	}
	return s.run + "-" + strconv.FormatUint(sessions.Add(1), 36)
}

// substitute replaces references to earlier steps' ENIs and makes long
// enough ClientTokens unique to the run, keeping their length.
func (s *Session) substitute(st generators.Step) generators.Step {
	params := make(map[string]string, len(st.Params))
	for k, v := range st.Params {
		if n, ok := generators.ParseRef(v); ok && n <= len(s.created) {
			v = s.created[n-1]
		}
		if k == "ClientToken" {
			v = s.token(v)
		}
		params[k] = v
	}
	st.Params = params
	return st
}

// token maps a ClientToken of 8 to 64 printable ASCII characters to one of
// the same length whose first 8 characters are unique to this run and case;
// the same token within a case maps to the same value. Other tokens (short,
// long or non-ASCII ones, which the rules refuse anyway) are kept.
func (s *Session) token(v string) string {
	if len(v) < 8 || len(v) > 64 || strings.IndexFunc(v, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
		return v
	}
	if u, ok := s.tokens[v]; ok {
		return u
	}
	n := strconv.FormatUint(sessions.Add(1)%(36*36*36*36*36), 36)
	u := (s.run + "000")[:3] + strings.Repeat("0", 5-len(n)) + n + v[8:]
	s.tokens[v] = u
	return u
}

// call builds the wire call for a step sent at now.
func (c *Conn) call(st generators.Step, now time.Time, nonce string) wire.Call {
	send := st.Send
	scheme := oracle.V1
	if send.Scheme == "v3" {
		scheme = oracle.V3
	}
	version := send.Version
	if version == "" {
		version = c.Profile.Version
	}
	call := wire.Call{Scheme: scheme, Method: send.Method, FormBody: send.FormBody, Action: st.Action, Version: version,
		Format: send.Format, AccessKeyID: st.Key, Secret: c.secret(st.Key), Params: st.Params,
		Time: now.Add(time.Duration(send.SkewSeconds) * time.Second), Nonce: nonce, Profile: c.Profile,
		Break: wire.Breakage{Omit: send.Omit, Timestamp: send.Timestamp, SignatureMethod: send.SignatureMethod,
			SignatureVersion: send.SignatureVersion, CorruptSignature: send.CorruptSignature, MalformedAuth: send.MalformedAuth,
			PadBytes: send.PadBytes}}
	if send.WrongSecret {
		call.Secret += "-wrong"
	}
	return call
}

// secret is the world's secret of a key, or a made-up one.
func (c *Conn) secret(key string) string {
	for _, a := range c.World.Accounts {
		if a.AccessKeyID == key {
			return a.AccessKeySecret
		}
	}
	return "secret-of-an-unknown-key"
}

// expect is what a conforming server decodes from the call.
func (c *Conn) expect(call *wire.Call, st generators.Step, s *Session, now time.Time) oracle.Request {
	req := call.Expect()
	req.Now = now
	if st.Send.WrongSecret && req.Sig == oracle.SigValid {
		req.Sig = oracle.SigMismatch
	}
	if n := st.Send.ReuseNonceOf; n > 0 && n <= len(s.until) {
		req.NonceUntil = s.until[n-1] // zero when the server did not remember it
	}
	return req
}

// applyOverrides forces the run's scheme and format on steps whose rule
// does not depend on them.
func (c *Conn) applyOverrides(st generators.Step) generators.Step {
	if c.Scheme != "" && st.SchemeFree() {
		st.Send.Scheme = c.Scheme
		if c.Scheme == "v3" {
			st.Send.FormBody = false
		}
	}
	if c.Format != "" {
		st.Send.Format = c.Format
	}
	return st
}

// Pending is a step built and signed but not sent yet: its Request is what
// the prediction is made for.
type Pending struct {
	Exchange
	conn    *Conn
	sess    *Session
	nonce   string
	now     time.Time
	httpReq *http.Request
	err     error
}

// Prepare builds and signs the next step of a session. Send it with Send;
// every prepared step must be sent (the session counts on it).
func (c *Conn) Prepare(ctx context.Context, s *Session, st generators.Step) *Pending {
	st = s.substitute(c.applyOverrides(st))
	p := &Pending{conn: c, sess: s, now: c.Now(), Exchange: Exchange{Step: st}}
	p.nonce = s.nonce(st)
	call := c.call(st, p.now, p.nonce)
	p.httpReq, p.err = call.HTTPRequest(ctx, c.URL)
	p.Request = c.expect(&call, st, s, p.now)
	p.req = p.httpReq
	return p
}

// Send sends a prepared step and returns the exchange; it never fails: a
// transport error is an Unknown observation. nonceUntil tells the session
// until when the server remembers this step's nonce (the prediction's
// NonceUntil; zero if it does not), so that a later step reusing it expects
// SignatureNonceUsed only then.
func (p *Pending) Send(nonceUntil time.Time) Exchange {
	x := p.Exchange
	start := time.Now()
	if p.err != nil {
		x.Observed = oracle.Observation{Kind: oracle.Unknown, Problem: "building the request: " + p.err.Error()}
	} else {
		resp, err := p.conn.Client.Do(p.httpReq)
		limit := wire.BodyLimit(p.conn.Profile, x.Step.Action, x.Request.PageSize())
		x.Observed = wire.ParseResponseWithin(p.conn.Profile, x.Step.Action, limit, resp, err)
	}
	x.Latency = time.Since(start)
	p.sess.record(p.nonce, nonceUntil, &x, p.conn.Profile.Subject)
	return x
}

// record notes what a step used and created.
func (s *Session) record(nonce string, nonceUntil time.Time, x *Exchange, subject string) {
	s.nonces = append(s.nonces, nonce)
	s.until = append(s.until, nonceUntil)
	id := ""
	if x.Step.Action == subject && x.Observed.Kind == oracle.Answered && !x.Observed.Failed() {
		id = x.Observed.NetworkInterfaceID
	}
	s.created = append(s.created, id)
	s.steps = append(s.steps, x.Step)
}

// CreatedBy lists the ENIs the case created with the step that created each
// (its key and region are the ones to delete it with).
func (s *Session) CreatedBy() map[string]generators.Step {
	out := map[string]generators.Step{}
	for i, id := range s.created {
		if id != "" {
			out[id] = s.steps[i]
		}
	}
	return out
}
