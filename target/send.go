package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
)

// Pending is a step built and signed but not sent yet: its Request is what
// the prediction is made for.
type Pending struct {
	Exchange
	// NoRetry keeps a Throttling answer as the answer (set it when the
	// prediction expects Throttling); otherwise one is retried (Send).
	NoRetry bool
	conn    *Conn
	sess    *Session
	call    wire.Call
	ctx     context.Context // with a trace that notes the answer's first byte (begun)
	begun   atomic.Bool
	nonce   string
	now     time.Time
	httpReq *http.Request
	err     error
}

// Prepare builds and signs the next step of a session; ctx bounds its
// sending (pacing, the request, backoff). Send it with Send; every prepared
// step must be sent (the session counts on it).
func (c *Conn) Prepare(ctx context.Context, s *Session, st generators.Step) *Pending {
	st = s.substitute(c.applyOverrides(st))
	p := &Pending{conn: c, sess: s, now: c.Now(), Exchange: Exchange{Step: st}}
	p.ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() { p.begun.Store(true) }})
	p.nonce = s.nonce(st)
	p.call = c.call(st, p.now, p.nonce)
	p.httpReq, p.err = p.call.HTTPRequest(p.ctx, c.URL)
	p.Request = c.expect(&p.call, st, s, p.now)
	p.req = p.httpReq
	return p
}

// Send sends a prepared step and returns the exchange; it never fails: a
// transport error is an Unknown observation (Transport says whether the
// target sent no complete answer). It waits for its turn (Conn.Pace)
// first. A Throttling answer (Conn.Throttle) is the target's flow control,
// not its answer: the step is signed again with a fresh nonce and sent
// again after a backoff, during which no request of the run starts, up to
// Conn.Retries times; after that, or when ctx ends first, the step is
// Dropped, as it is when ctx ends before its turn. nonceUntil tells the
// session until when the server remembers this step's nonce (the
// prediction's NonceUntil; zero if it does not), so that a later step
// reusing it expects SignatureNonceUsed only then.
func (p *Pending) Send(nonceUntil time.Time) Exchange {
	x := p.Exchange
	start := time.Now()
	for {
		if err := p.conn.Pace.Wait(p.ctx); err != nil {
			x.Dropped = "interrupted before it was sent"
			break
		}
		p.once(&x)
		if p.NoRetry || !p.conn.throttled(&x.Observed) {
			break
		}
		if x.Throttled++; x.Throttled > p.conn.Retries {
			x.Dropped = fmt.Sprintf("answered %s %d times in a row", x.Observed.Code, x.Throttled)
			break
		}
		if p.backoff(x.Throttled) != nil {
			x.Dropped = "interrupted while backing off after " + x.Observed.Code
			break
		}
	}
	x.Latency = time.Since(start)
	p.sess.record(p.nonce, nonceUntil, &x, p.conn.Profile.Subject)
	return x
}

// Drop records the step as not carried out, for why, without sending it.
func (p *Pending) Drop(why string) Exchange {
	x := p.Exchange
	x.Dropped = why
	p.sess.record(p.nonce, time.Time{}, &x, p.conn.Profile.Subject)
	return x
}

// once sends the request as built and parses the answer.
func (p *Pending) once(x *Exchange) {
	if p.err != nil {
		x.Observed = oracle.Observation{Kind: oracle.Unknown, Problem: "building the request: " + p.err.Error()}
		return
	}
	p.begun.Store(false)
	resp, err := p.conn.Client.Do(p.httpReq)
	var body *readErr
	if err == nil && resp.Body != nil {
		body = &readErr{ReadCloser: resp.Body}
		resp.Body = body
	}
	limit := wire.BodyLimit(p.conn.Profile, x.Step.Action, x.Request.PageSize())
	x.Observed = wire.ParseResponseWithin(p.conn.Profile, x.Step.Action, limit, resp, err)
	cut := p.ctx.Err() != nil // our own cancellation, not the target's failure
	x.Transport = !cut && (err != nil || body != nil && body.err != nil && !errors.Is(body.err, io.EOF))
	switch {
	case cut && x.Observed.Kind == oracle.Unknown:
		x.Observed.Problem = "interrupted: " + x.Observed.Problem
	case x.Transport && p.begun.Load() && err != nil:
		x.Observed.Problem = "the answer began but did not arrive in full: " + x.Observed.Problem
	}
}

// backoff waits before the nth retry (0.5 s, doubling, at most 8 s; no
// request of the run starts meanwhile), then signs the step again with a
// fresh timestamp and nonce (but a step that reuses an earlier nonce on
// purpose keeps it).
func (p *Pending) backoff(n int) error {
	d := min(500*time.Millisecond<<(n-1), 8*time.Second)
	p.conn.Pace.Pause(d)
	if err := sleep(p.ctx, d); err != nil {
		return err
	}
	p.now = p.conn.Now()
	p.nonce = p.sess.nonce(p.Step)
	p.call.Time = p.now.Add(time.Duration(p.Step.Send.SkewSeconds) * time.Second)
	p.call.Nonce = p.nonce
	p.httpReq, p.err = p.call.HTTPRequest(p.ctx, p.conn.URL)
	p.req = p.httpReq
	return nil
}

// throttled reports whether an answer is the target's flow control.
func (c *Conn) throttled(o *oracle.Observation) bool {
	return c.Throttle != "" && o.Kind == oracle.Answered && (o.Code == c.Throttle || strings.HasPrefix(o.Code, c.Throttle+"."))
}

// readErr remembers the error that ended reading a body.
type readErr struct {
	io.ReadCloser
	err error
}

func (r *readErr) Read(b []byte) (int, error) {
	n, err := r.ReadCloser.Read(b)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}
