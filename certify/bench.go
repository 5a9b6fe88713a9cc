package certify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Exchange is one request that reached the bench: what the gateway decoded
// from it and what it was answered.
type Exchange struct {
	At     time.Time
	Method string
	Scheme oracle.Scheme
	// Params are the parameters as the gateway decodes them (query, form
	// body and ACS3 headers), common ones included.
	Params map[string]string
	// Wire is the request as sent, on one line, signatures redacted.
	Wire string
	// InBody: an API parameter came in a form body.
	InBody bool
	Sig    oracle.SigStatus // verified with the world's secret of its AccessKeyId
	Script string           // the script that answered; "" for the emulator

	// The answer, as sent. Reset: the connection was reset instead; Gone:
	// the client hung up before an answer.
	Status    int
	Code      string
	Message   string
	RequestID string
	Format    string
	Body      []byte
	Reset     bool
	Gone      bool
	Created   string // the ENI a create made, "" if none
}

// Bench is the reference emulator on 127.0.0.1 behind a recorder: every
// request is decoded as the gateway decodes it (wire.ParseRequest, with
// its signature verified) and recorded with the answer it got. A script,
// when set, answers instead of the emulator. One request is answered at a
// time, except that a slow script waits outside the lock.
type Bench struct {
	URL      string // "http://127.0.0.1:PORT"
	Endpoint string // "127.0.0.1:PORT"

	emu     *emulator.Handler
	profile *spec.Profile
	secrets map[string]string // AccessKeyId → secret, from the world
	srv     *http.Server
	done    chan struct{}

	mu     sync.Mutex
	seen   []*Exchange
	script *Script
	hold   time.Duration // how long a slow script holds its answer
	rng    *rand.Rand
}

// NewBench starts the emulator opts describe behind a recorder on a free
// loopback port.
func NewBench(opts emulator.Options) (*Bench, error) {
	emu, err := emulator.New(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("certify: %w", err)
	}
	b := &Bench{URL: "http://" + ln.Addr().String(), Endpoint: ln.Addr().String(), emu: emu, profile: emu.Profile(),
		secrets: map[string]string{}, done: make(chan struct{}), rng: rand.New(rand.NewPCG(emu.Seed(), 0x5d4))}
	for _, a := range emu.State().World().Accounts {
		b.secrets[a.AccessKeyID] = a.AccessKeySecret
	}
	b.srv = &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() {
		defer close(b.done)
		_ = b.srv.Serve(ln)
	}()
	return b, nil
}

// Close stops the bench and closes every connection.
func (b *Bench) Close() {
	_ = b.srv.Close()
	<-b.done
}

// Emulator returns the emulator behind the bench.
func (b *Bench) Emulator() *emulator.Handler { return b.emu }

// Play makes s answer every request from now on (nil: the emulator
// again); a slow script holds each answer for hold.
func (b *Bench) Play(s *Script, hold time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.script, b.hold = s, hold
}

// Mark returns how many requests the bench has seen, for Since.
func (b *Bench) Mark() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.seen)
}

// Since returns copies of the exchanges after mark.
func (b *Bench) Since(mark int) []Exchange {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Exchange, 0, len(b.seen)-mark)
	for _, x := range b.seen[mark:] {
		out = append(out, *x)
	}
	return out
}

// Statuses counts the HTTP statuses the bench answered with ("reset" for
// resets, "gone" for requests abandoned before an answer).
func (b *Bench) Statuses() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]int{}
	for _, x := range b.seen {
		switch {
		case x.Reset:
			out["reset"]++
		case x.Gone:
			out["gone"]++
		default:
			out[fmt.Sprint(x.Status)]++
		}
	}
	return out
}

// ServeHTTP records r, lets the script or the emulator answer it, and
// records the answer before the client reads it.
func (b *Bench) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, b.profile.Gateway.MaxRequestBytes+1))
	if err != nil {
		http.Error(w, "certify: reading the request: "+err.Error(), http.StatusBadRequest)
		return
	}
	x, req := b.decode(r, body)
	b.mu.Lock()
	b.seen = append(b.seen, x)
	script, hold := b.script, b.hold
	b.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	switch {
	case script == nil:
		b.emulate(w, r, x)
	case script.Reset:
		b.reset(w, x)
	default:
		b.scripted(w, r, x, req, script, hold)
	}
}

// decode parses r as the gateway does and says where its API parameters
// were.
func (b *Bench) decode(r *http.Request, body []byte) (*Exchange, *oracle.Request) {
	x := &Exchange{At: time.Now(), Method: r.Method, Params: map[string]string{}}
	parse := r.Clone(r.Context())
	parse.Body = io.NopCloser(bytes.NewReader(body))
	parse.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	x.Wire = wire.Redact(parse)
	parse.Body = io.NopCloser(bytes.NewReader(body))
	in, err := wire.ParseRequest(parse, b.profile)
	if err != nil {
		return x, &oracle.Request{Method: r.Method, Params: x.Params}
	}
	x.Scheme, x.Params = in.Request.Scheme, in.Request.Params
	if secret, ok := b.secrets[in.Request.Get(wire.ParamAccessKeyID)]; ok {
		x.Sig = in.Verify(secret)
	}
	if form, err := url.ParseQuery(string(body)); err == nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		for k := range form {
			x.InBody = x.InBody || b.profile.Common(k) == nil
		}
	}
	return x, &in.Request
}

// emulate lets the emulator answer and records what it said.
func (b *Bench) emulate(w http.ResponseWriter, r *http.Request, x *Exchange) {
	rec := httptest.NewRecorder()
	b.emu.ServeHTTP(rec, r)
	resp := rec.Result()
	obs := wire.ParseResponse(b.profile, x.Params[wire.ParamAction], resp, nil)
	b.mu.Lock()
	x.Status, x.Code, x.Message, x.RequestID, x.Format = rec.Code, obs.Code, obs.Message, obs.RequestID, obs.Format
	x.Body = rec.Body.Bytes()
	if x.Params[wire.ParamAction] == wire.ActionCreate && obs.Code == "" {
		x.Created = obs.NetworkInterfaceID
	}
	b.mu.Unlock()
	copyAnswer(w, rec)
}

// copyAnswer writes a recorded answer to w.
func copyAnswer(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// reset resets the connection without answering.
func (b *Bench) reset(w http.ResponseWriter, x *Exchange) {
	b.mu.Lock()
	x.Reset, x.Script = true, "reset"
	b.mu.Unlock()
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0) // close with RST, not FIN
	}
	_ = conn.Close()
}

// scripted answers with the script's error envelope, in the format the
// request is due, after holding it when the script is slow.
func (b *Bench) scripted(w http.ResponseWriter, r *http.Request, x *Exchange, req *oracle.Request, s *Script, hold time.Duration) {
	if s.Slow {
		select {
		case <-time.After(hold):
		case <-r.Context().Done():
			b.mu.Lock()
			x.Gone, x.Script = true, s.ID
			b.mu.Unlock()
			return
		}
	}
	state := b.emu.State()
	pred := b.emu.Model().Predict(&state, req)
	b.mu.Lock()
	obs := oracle.Observation{Status: s.HTTP, Code: s.Code, Message: s.Message, RequestID: b.requestID(),
		HostID: b.profile.HostID, Format: pred.Format}
	b.mu.Unlock()
	rec := httptest.NewRecorder()
	wire.Render(rec, b.profile, x.Params[wire.ParamAction], &obs)
	b.mu.Lock()
	x.Script, x.Status, x.Code, x.Message, x.RequestID, x.Format = s.ID, rec.Code, obs.Code, obs.Message, obs.RequestID, obs.Format
	x.Body = rec.Body.Bytes()
	b.mu.Unlock()
	copyAnswer(w, rec)
}

// requestID draws a RequestId in the emulator's layout (an upper-case
// UUID); b.mu must be held.
func (b *Bench) requestID() string {
	u := fmt.Sprintf("%016X%016X", b.rng.Uint64(), b.rng.Uint64())
	return u[0:8] + "-" + u[8:12] + "-4" + u[13:16] + "-8" + u[17:20] + "-" + u[20:32]
}

// Sweep deletes, through the bench's own client, every ENI a create made
// through the bench, and returns how many ENIs beyond the world's are left.
func (b *Bench) Sweep(ctx context.Context) (left int, err error) {
	b.mu.Lock()
	var made []Exchange
	for _, x := range b.seen {
		if x.Created != "" {
			made = append(made, *x)
		}
	}
	b.mu.Unlock()
	var errs []error
	for _, x := range made {
		errs = append(errs, b.delete(ctx, x))
	}
	world := map[string]bool{}
	state := b.emu.State()
	for _, e := range state.World().ENIs {
		world[e.ID] = true
	}
	for _, e := range state.Live() {
		if !world[e.ID] {
			left++
		}
	}
	return left, errors.Join(errs...)
}

// delete deletes the ENI x created, with x's key and region; an ENI
// already gone is fine.
func (b *Bench) delete(ctx context.Context, x Exchange) error {
	key := x.Params[wire.ParamAccessKeyID]
	b.mu.Lock()
	nonce := b.requestID()
	b.mu.Unlock()
	c := wire.Call{Scheme: oracle.V1, Action: wire.ActionDelete, Version: b.profile.Version, Format: "JSON",
		AccessKeyID: key, Secret: b.secrets[key], Time: time.Now(), Nonce: nonce, Profile: b.profile,
		Params: map[string]string{paramRegion: x.Params[paramRegion], paramENI: x.Created}}
	req, err := c.HTTPRequest(ctx, b.URL)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("certify: deleting %s: %w", x.Created, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}
