package emulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// The rules of the answers the emulator gives besides the oracle's: when
// its nonce memory is full (decision nonce-memory-full), and when net/http
// refuses a request before the handler sees it (decisions header-limit and
// unreadable-http). New fails for a profile without them.
const (
	ruleThrottling = "unreachable.throttling"
	ruleTooLarge   = "gateway.request-too-large"
	ruleUnreadable = "gateway.unreadable-http"
)

// refusals are the rules of those answers, looked up once.
type refusals struct{ throttling, tooLarge, unreadable *spec.Rule }

// refusalsOf looks the rules up in p.
func refusalsOf(p *spec.Profile) (refusals, error) {
	r := refusals{p.Rule(ruleThrottling), p.Rule(ruleTooLarge), p.Rule(ruleUnreadable)}
	if r.throttling == nil || r.tooLarge == nil || r.unreadable == nil {
		return r, fmt.Errorf("emulator: profile %s lacks one of the rules %s, %s and %s", p.Name, ruleThrottling, ruleTooLarge, ruleUnreadable)
	}
	return r, nil
}

// throttled answers Throttling for a request the nonce memory has no room
// for; the state is not changed. The caller holds h.mu.
func (h *Handler) throttled(p *oracle.Prediction) (oracle.Prediction, oracle.Observation) {
	t := oracle.Prediction{Action: p.Action, Winner: h.refuse.throttling, Format: p.Format}
	return t, h.model.Answer(&h.state, &t, h.choose())
}

// refusal renders the whole response, Connection: close, to a request that
// net/http refused with status before any handler saw it: the envelope of
// gateway.request-too-large for 431, of gateway.unreadable-http otherwise,
// in the profile's default format, since nothing of the request was read.
func (h *Handler) refusal(status int) []byte {
	rule := h.refuse.unreadable
	if status == http.StatusRequestHeaderFieldsTooLarge {
		rule = h.refuse.tooLarge
	}
	p := oracle.Prediction{Winner: rule, Format: h.profile.Gateway.DefaultFormat}
	h.mu.Lock()
	now, obs := h.now(), h.model.Answer(&h.state, &p, h.choose())
	h.mu.Unlock()
	rec := &recorder{header: http.Header{}}
	wire.Render(rec, h.profile, "", &obs)
	resp := &http.Response{StatusCode: rec.status, ProtoMajor: 1, ProtoMinor: 1, Header: rec.header, Close: true,
		ContentLength: int64(rec.body.Len()), Body: io.NopCloser(&rec.body)}
	var out bytes.Buffer
	_ = resp.Write(&out) // into memory: it cannot fail
	if h.log != nil {
		h.log(Entry{Time: now, Status: obs.Status, Code: obs.Code, Format: obs.Format, RequestID: obs.RequestID})
	}
	return out.Bytes()
}

// recorder is the ResponseWriter refusal renders into.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

// envelopeListener hands out connections whose plain-text refusals by
// net/http are rewritten into the API's error envelope.
type envelopeListener struct {
	net.Listener
	h *Handler
}

// Accept wraps the next connection.
func (l envelopeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &envelopeConn{Conn: c, h: l.h}, nil
}

// envelopeConn is a connection that knows whether the handler is
// answering on it. Outside the handler, net/http writes only its own
// refusals (400 for a malformed request line or header, 431, 501, 505, 417
// for an Expect it does not know), each in one Write; Write replaces any
// with an error status by Handler.refusal.
type envelopeConn struct {
	net.Conn
	h        *Handler
	handling atomic.Bool
}

// Write writes b, or the envelope instead of a refusal of net/http's own.
// It reports b as written either way.
func (c *envelopeConn) Write(b []byte) (int, error) {
	status, ok := refusalStatus(b)
	if c.handling.Load() || !ok {
		return c.Conn.Write(b)
	}
	if _, err := c.Conn.Write(c.h.refusal(status)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// CloseWrite half-closes the connection when the underlying one can, as
// net/http does after a 431 (so that the client reads the answer).
func (c *envelopeConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// refusalStatus returns the status of a response that starts in b, when it
// is an error status.
func refusalStatus(b []byte) (int, bool) {
	if len(b) < 12 || !bytes.HasPrefix(b, []byte("HTTP/1.")) || b[8] != ' ' {
		return 0, false
	}
	status, err := strconv.Atoi(string(b[9:12]))
	return status, err == nil && status >= 400
}

// connKey is the context key of a request's envelopeConn.
type connKey struct{}

// withConn is the http.Server's ConnContext: it lets the handler find the
// connection it answers on.
func withConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// marking serves h with the connection marked as answered by the handler
// while it runs; the answer is flushed before the mark is taken off, so that
// every byte net/http writes unmarked is its own.
func marking(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Context().Value(connKey{}).(*envelopeConn)
		if c == nil {
			h.ServeHTTP(w, r)
			return
		}
		c.handling.Store(true)
		defer c.handling.Store(false)
		h.ServeHTTP(w, r)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	})
}

// headerBytes is the size of r's request line and header block as sent,
// counted as "Name: value" lines with CRLF.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4 + len("Host: ") + len(r.Host) + 2 + 2
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n
}
