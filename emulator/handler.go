package emulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// Options configure a Handler. The zero value serves the default profile on
// the default world with the real clock and a random seed.
type Options struct {
	// Profile is the spec profile served; nil means spec.Default().
	Profile *spec.Profile
	// World is what exists before the first request; nil means
	// world.Default(). It must not be modified afterwards.
	World *oracle.World
	// Now is the server's clock; nil means time.Now.
	Now func() time.Time
	// Seed seeds the server's free choices (RequestId, ENI ID, MAC, address
	// offset); 0 means a random seed, which Handler.Seed reports.
	Seed uint64
	// ClockSkew, when not 0, replaces the profile's timestamp window (the
	// gateway's 15 minutes) by a derived profile, so that requests signed
	// long ago (frozen vectors) are accepted. The rule itself stays in the
	// oracle. It is rounded up to whole seconds; negative is an error.
	ClockSkew time.Duration
	// Log, when set, is called once per request after the answer is
	// written. It must be safe for concurrent use.
	Log func(Entry)
	// Faults names planted faults of the catalogue (see Faults) that the
	// handler carries; empty for the reference emulator. Only for testing a
	// conformance harness: a faulty emulator departs from its profile.
	Faults []string
}

// Entry is the log record of one request. It never holds a secret or a
// signature: the AccessKeyId is the only credential part, as sent.
type Entry struct {
	Time        time.Time     // the server's clock (Options.Now) when the request arrived
	Method      string        // the HTTP method, as sent
	Scheme      oracle.Scheme // the signature scheme the request used
	Action      string        // as requested; "" when absent
	AccessKeyID string        // as sent; "" when absent
	Status      int           // HTTP status of the answer
	Code        string        // error code; "" on success
	Format      string        // of the answer: "JSON" or "XML"
	RequestID   string        // of the answer
	Latency     time.Duration // wall time from arrival to the answer written
}

// Handler is the reference emulator: the oracle served over HTTP. Each
// request is decoded by package wire, predicted, answered and learned by
// the oracle Model, and rendered by package wire; the Handler adds only the
// server's free choices, the clock and the memory of nonces. It is safe for
// concurrent use: requests are applied one at a time to its State.
type Handler struct {
	profile *spec.Profile
	model   *oracle.Model
	initial oracle.State // for looking up secrets: accounts never change
	now     func() time.Time
	log     func(Entry)
	seed    uint64
	hooks   hooks
	faults  []string // the planted faults, by name
	refuse  refusals // the rules of the answers besides the oracle's

	mu     sync.Mutex // guards the fields below
	state  oracle.State
	nonces nonces
	rand   *rand.Rand
	ids    eniIDs
}

// hooks are the seams for planted faults; nil hooks change nothing. They
// run inside the critical section, in the order of the fields; request
// runs after the nonce is looked up, so that it can forget it.
type hooks struct {
	request func(r *oracle.Request)                                              // rewrites a decoded request before Predict
	answer  func(r *oracle.Request, p *oracle.Prediction, o *oracle.Observation) // rewrites the answer before Next and Render
	learn   func(r *oracle.Request) *oracle.Request                              // the request Next learns from: r, another, or nil for none
}

// New returns a Handler for opts. It fails when the world is invalid (the
// error lists every problem), the profile has a rule the oracle cannot
// check, ClockSkew is negative, or a fault is unknown (the error lists the
// known ones).
func New(opts Options) (*Handler, error) {
	fs, err := planted(opts.Faults)
	if err != nil {
		return nil, err
	}
	p, err := profileFor(opts)
	for _, f := range fs {
		if err == nil && !f.AppliesTo(p.Name) {
			err = fmt.Errorf("emulator: fault %s breaks rules of profile %s only, not of %s", f.Name, strings.Join(f.Profiles, ", "), p.Name)
		}
	}
	if err == nil {
		p, err = plantProfile(p, fs)
	}
	if err != nil {
		return nil, err
	}
	m, err := oracle.NewModel(p)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	refs, err := refusalsOf(p)
	if err != nil {
		return nil, err
	}
	w := opts.World
	if w == nil {
		w = world.Default()
	}
	s, err := oracle.NewState(plantWorld(w, fs))
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	h := &Handler{profile: p, model: m, initial: s, state: s, now: opts.Now, log: opts.Log, seed: opts.Seed,
		nonces: newNonces(max(p.Gateway.NonceWindow(), p.Gateway.TimestampWindow()), maxNonces), refuse: refs}
	h.hooks, h.faults = plantHooks(h, fs), slices.Clone(opts.Faults)
	if h.now == nil {
		h.now = time.Now
	}
	if h.seed == 0 {
		h.seed = rand.Uint64() | 1
	}
	h.rand = rand.New(rand.NewPCG(h.seed, h.seed^0x9e3779b97f4a7c15))
	taken := map[string]bool{}
	for _, e := range s.World().ENIs {
		taken[e.ID] = true
	}
	h.ids = newENIIDs(h.seed, taken)
	return h, nil
}

// profileFor returns the profile opts ask for, its timestamp window
// replaced when ClockSkew is set.
func profileFor(opts Options) (*spec.Profile, error) {
	p := opts.Profile
	if p == nil {
		p = spec.Default()
	}
	switch {
	case opts.ClockSkew < 0:
		return nil, errors.New("emulator: ClockSkew must not be negative")
	case opts.ClockSkew == 0:
		return p, nil
	}
	seconds := int(opts.ClockSkew / time.Second)
	if opts.ClockSkew%time.Second != 0 {
		seconds++
	}
	q, err := p.Edit(func(q *spec.Profile) { q.Gateway.TimestampWindowS = seconds })
	if err != nil {
		return nil, fmt.Errorf("emulator: widening the timestamp window: %w", err)
	}
	return q, nil
}

// ServeHTTP answers one request: decode, oracle, encode. Every answer is a
// success body or the error envelope of the profile, whatever the input.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	req := h.decode(r)
	p, obs := h.step(&req)
	wire.Render(w, h.profile, p.Action, &obs)
	if h.log != nil {
		h.log(Entry{Time: req.Now, Method: req.Method, Scheme: req.Scheme, Action: req.Action(),
			AccessKeyID: req.Get(wire.ParamAccessKeyID), Status: obs.Status, Code: obs.Code, Format: obs.Format,
			RequestID: obs.RequestID, Latency: time.Since(start)})
	}
}

// decode parses r as the gateway sees it and verifies its signature with
// the secret of its AccessKeyId. A body that cannot be read is treated like
// one that is too large: its query is kept, the body dropped. A request
// line and header block over maxHeaderBytes is too large as well (decision
// header-limit).
func (h *Handler) decode(r *http.Request) oracle.Request {
	in, err := wire.ParseRequest(r, h.profile)
	if err != nil {
		bodiless := r.WithContext(r.Context())
		bodiless.Body = http.NoBody
		if in, err = wire.ParseRequest(bodiless, h.profile); err != nil {
			in = &wire.Inbound{Request: oracle.Request{Method: r.Method, Params: map[string]string{}}}
		}
		in.Request.TooLarge = true
	}
	if headerBytes(r) > maxHeaderBytes {
		in.Request.TooLarge = true
	}
	if a := h.initial.Account(in.Request.Get(wire.ParamAccessKeyID)); a != nil {
		in.Request.Sig = in.Verify(a.AccessKeySecret)
	}
	in.Request.Now = h.now()
	return in.Request
}

// step applies one request to the state: the critical section.
func (h *Handler) step(req *oracle.Request) (oracle.Prediction, oracle.Observation) {
	h.mu.Lock()
	defer h.mu.Unlock()
	nonce, hasNonce := req.Param(wire.ParamSignatureNonce)
	if hasNonce {
		req.NonceUntil = h.nonces.seen(nonce, req.Now)
	}
	if h.hooks.request != nil {
		h.hooks.request(req)
	}
	p := h.model.Predict(&h.state, req)
	if p.RecordsNonce && hasNonce && h.nonces.full(req.Now) {
		return h.throttled(&p)
	}
	obs := h.model.Answer(&h.state, &p, h.choose())
	if h.hooks.answer != nil {
		h.hooks.answer(req, &p, &obs)
	}
	h.learn(req, &p, &obs)
	if p.RecordsNonce && hasNonce {
		h.nonces.remember(nonce, p.NonceUntil)
	}
	return p, obs
}

// learn applies the answer to the state: Next, or what a planted fault
// makes of it (nothing, or the answer to another request). The caller
// holds h.mu.
func (h *Handler) learn(req *oracle.Request, p *oracle.Prediction, obs *oracle.Observation) {
	from := req
	if h.hooks.learn != nil {
		from = h.hooks.learn(req)
	}
	switch {
	case from == nil:
	case from != req:
		q := h.model.Predict(&h.state, from)
		h.state = h.model.Next(h.state, &q, obs)
	default:
		h.state = h.model.Next(h.state, p, obs)
	}
}

// State returns the current state. It is a value that later requests never
// change, so it may be read at leisure (by tests, by a leak check).
func (h *Handler) State() oracle.State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.state
}

// Model returns the oracle model the handler serves.
func (h *Handler) Model() *oracle.Model { return h.model }

// Profile returns the profile served: Options.Profile, with the timestamp
// window of Options.ClockSkew.
func (h *Handler) Profile() *spec.Profile { return h.profile }

// Seed returns the seed of the free choices: Options.Seed, or the random
// one drawn when it was 0. A handler with the same seed, world, clock and
// requests gives the same answers.
func (h *Handler) Seed() uint64 { return h.seed }

// Faults returns the names of the planted faults (Options.Faults); empty
// for the reference emulator.
func (h *Handler) Faults() []string { return slices.Clone(h.faults) }
