// Package target is the harness's client: it turns generated steps into
// signed HTTP requests for an endpoint (through package wire), says what a
// conforming server decodes from each (the oracle.Request the prediction is
// made for), and parses what comes back. Simulate runs a case against the
// oracle itself, with no network, for corpora and meta-tests.
//
// Entry points: Conn (an endpoint, its world and credentials), Run (what
// a harness run's cases share: its nonce prefix and the ClientTokens it
// hands out, unique to it), Session (one case's run: nonces, created IDs,
// tokens), Conn.Prepare and Pending.Send (one step: built, predicted by the
// caller, paced by a Pacer, sent, Throttling retried), and Conn.Simulate.
package target

import (
	"net/http"
	"strconv"
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

	Pace     *Pacer // spaces every request; nil: none
	Throttle string // the code of the target's flow control (its codes "Throttle.*" too); "": none is retried
	Retries  int    // how many times a throttled step is sent again
}

// Exchange is one step as sent and answered.
type Exchange struct {
	Step     generators.Step    // with references and tokens substituted
	Request  oracle.Request     // what a conforming server decodes from it
	req      *http.Request      // as sent, for Sent
	Observed oracle.Observation // what came back
	Latency  time.Duration
	// Transport says that the target sent no complete answer: the
	// connection failed or timed out, or the body did not arrive in full
	// (never for a request the run itself cut short).
	Transport bool
	// Throttled counts the Throttling answers the step got and retried.
	Throttled int
	// Dropped says why the step was not carried out ("" when it was):
	// the run stopped before its turn, or the target throttled it every
	// time. Nothing reached the target that could take effect; Observed
	// is the last answer, if any.
	Dropped string
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
// other's tokens, nor those of earlier runs. One Session per case run; not
// for concurrent use.
type Session struct {
	run     *Run
	nonces  []string
	until   []time.Time
	created []string // per step: the ENI it created, or ""
	steps   []generators.Step
	tokens  map[string]string // token as drawn → as sent
	unknown map[string]bool   // token as sent → the target may have recorded it before the run
}

var sessions atomic.Uint64

// NewSession starts the run of one case within a harness run.
func NewSession(run *Run) *Session {
	return &Session{run: run, tokens: map[string]string{}, unknown: map[string]bool{}}
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
	return s.run.ID + "-" + strconv.FormatUint(sessions.Add(1), 36)
}

// substitute replaces references to earlier steps' ENIs and makes
// ClientTokens unique to the run (see token).
func (s *Session) substitute(st generators.Step) generators.Step {
	params := make(map[string]string, len(st.Params))
	for k, v := range st.Params {
		if n, ok := generators.ParseRef(v); ok && n <= len(s.created) {
			v = s.created[n-1]
		}
		if k == "ClientToken" && v != "" {
			v = s.token(v)
		}
		params[k] = v
	}
	st.Params = params
	return st
}

// token maps a ClientToken as drawn to the one sent: the same within the
// case (a replay sends the first create's token again), never one another
// case of the run sent, of the same length and with the same characters
// but for the first 8 printable ASCII ones (Run.tag). A token with 8 such
// characters or more is unique to the run; a shorter one is unique within
// it only, and unless the run knows the target's history it is marked as
// one the target may have recorded before (TokenUnknown).
func (s *Session) token(v string) string {
	if u, ok := s.tokens[v]; ok {
		return u
	}
	u, unique := s.run.tag(v)
	s.tokens[v] = u
	s.unknown[u] = !unique && !s.run.HistoryKnown
	return u
}

// TokenUnknown reports whether a ClientToken the session sent may have
// been recorded by the target before the run (see token).
func (s *Session) TokenUnknown(sent string) bool { return s.unknown[sent] }

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
	if tok := st.Params["ClientToken"]; s.TokenUnknown(tok) && c.validToken(st.Action, tok) {
		req.TokenUnknown = true // an invalid token is never recorded: its history does not matter
	}
	return req
}

// validToken reports whether the profile accepts a ClientToken of action.
func (c *Conn) validToken(action, tok string) bool {
	a := c.Profile.Action(action)
	if a == nil || a.Param("ClientToken") == nil {
		return false
	}
	return a.Param("ClientToken").Constraints.Check(tok) == ""
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
