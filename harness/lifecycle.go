package harness

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
)

// Grace is how long requests in flight when a run stops may take to finish
// before they are cut: long enough for a live target's answers to arrive
// (so that the model learns them), short enough that a stop takes effect
// within a second on a dead one.
const Grace = time.Second

// The ways a run ends before its end (Stop.Kind).
const (
	StopInterrupted = "interrupted" // a signal (Config.Stop)
	StopMaxTime     = "max-time"    // --max-time passed
	StopUnhealthy   = "unhealthy"   // the circuit breaker opened
)

// Stop says why a run ended early.
type Stop struct {
	Kind string // StopInterrupted, StopMaxTime or StopUnhealthy
	Why  string // in words, naming what to do
}

// life is how a run may end early: a stop context that, once done, keeps
// every new case, step and shrink attempt from starting, and the reason.
type life struct {
	stop   context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	why    *Stop
}

func newLife() *life {
	l := &life{}
	l.stop, l.cancel = context.WithCancel(context.Background())
	return l
}

// halt stops the run for a reason; the first reason stays.
func (l *life) halt(s Stop) {
	l.mu.Lock()
	if l.why == nil {
		l.why = &s
	}
	l.mu.Unlock()
	l.cancel()
}

// Interrupt stops the run: no case, step or shrink attempt starts any more,
// requests in flight get Grace to finish, and Close still sweeps. It is
// what a signal does (Config.Stop); why says which.
func (h *Harness) Interrupt(why string) { h.life.halt(Stop{StopInterrupted, why}) }

// Declare records that the run ended early for a reason found outside it
// (the preflight's); the first reason stays.
func (h *Harness) Declare(s Stop) { h.life.halt(s) }

// Stopped returns why the run ended early; nil while it has not.
func (h *Harness) Stopped() *Stop {
	h.life.mu.Lock()
	defer h.life.mu.Unlock()
	return h.life.why
}

// watch stops the run when cfg.Stop is done and when --max-time passes.
func (h *Harness) watch() {
	if h.Config.Stop != nil {
		context.AfterFunc(h.Config.Stop, func() {
			why := "interrupted"
			if c := context.Cause(h.Config.Stop); c != nil && !errors.Is(c, context.Canceled) {
				why = c.Error()
			}
			h.Interrupt(why)
		})
	}
	if h.MaxTime > 0 {
		time.AfterFunc(h.MaxTime, func() {
			h.life.halt(Stop{StopMaxTime, fmt.Sprintf("--max-time %s passed", h.MaxTime)})
		})
	}
}

// within returns a context done when ctx is or when the run stops.
func (h *Harness) within(ctx context.Context) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(h.life.stop, cancel)
	return out, func() { stop(); cancel() }
}

// graceful returns the context of the requests of work bounded by ctx:
// done Grace after ctx is, so that requests in flight when ctx ends (a
// stop) may finish, but none outlasts it by more.
func graceful(ctx context.Context) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(Grace, cancel) })
	return out, func() { stop(); cancel() }
}

// breaker is the circuit breaker: it opens (stops the run as unhealthy)
// after Breaker requests in a row got no complete answer, or
// garbledFactor times as many got answers that are not the API's (empty,
// HTML, too long, not JSON or XML), and remembers what they met.
type breaker struct {
	inARow  atomic.Int64
	garbled atomic.Int64
	mu      sync.Mutex
	last    string // the problem of the last failure
}

// garbledFactor is how many more unreadable answers than transport
// failures in a row open the breaker: a target that answers, but never in
// the API's language, gets a longer chance.
const garbledFactor = 10

// observe counts a step's exchange: a transport failure adds one to the
// failures in a row, an unreadable answer to the unreadable ones (each opens
// the breaker at its threshold), an answer in the API's language resets
// both. A step dropped before it was sent counts neither way.
func (h *Harness) observe(x *target.Exchange) {
	b := &h.breaker
	switch {
	case x.Transport:
		b.note(x.Observed.Problem)
		if n := b.inARow.Add(1); n >= int64(h.Breaker) {
			h.life.halt(Stop{StopUnhealthy, h.unhealthy(int(n))})
		}
	case x.Observed.Kind == oracle.Garbled:
		b.inARow.Store(0)
		b.note(x.Observed.Problem)
		if n := b.garbled.Add(1); n >= int64(h.Breaker*garbledFactor) {
			h.life.halt(Stop{StopUnhealthy, h.unreadable(int(n))})
		}
	case x.Observed.Kind == oracle.Answered || x.Observed.Status != 0:
		b.inARow.Store(0)
		b.garbled.Store(0)
	}
}

func (b *breaker) note(problem string) {
	b.mu.Lock()
	b.last = problem
	b.mu.Unlock()
}

// unreadable says what the breaker saw of a target that answers, but not
// in the API's language.
func (h *Harness) unreadable(n int) string {
	h.breaker.mu.Lock()
	last := h.breaker.last
	h.breaker.mu.Unlock()
	return fmt.Sprintf("the target at %s is unhealthy: %d answers in a row were not the API's (the last: %s)", h.Target, n, last)
}

// unhealthy says what the breaker saw: how many requests got no answer,
// the last problem, and what it means.
func (h *Harness) unhealthy(n int) string {
	h.breaker.mu.Lock()
	last := h.breaker.last
	h.breaker.mu.Unlock()
	return fmt.Sprintf("the target at %s is unhealthy: %d requests in a row got no complete answer: %s (the last: %s)",
		h.Target, n, diagnose(last, h.Timeout), shortProblem(last))
}

// shortProblem drops the method and URL from a transport problem ("Post
// http://…: context deadline exceeded" → "context deadline exceeded").
func shortProblem(p string) string { return requestURL.ReplaceAllString(p, "") }

var requestURL = regexp.MustCompile(`(?:[A-Z][A-Za-z]* )?https?://[^ ]*: `)

// lastPart is what a transport problem ends with ("dial tcp …: connect:
// connection refused" → "connection refused").
func lastPart(p string) string { return p[strings.LastIndex(p, ": ")+1:] }

// diagnose names the problem a transport failure shows, in words.
func diagnose(problem string, timeout time.Duration) string {
	switch p := strings.ToLower(problem); {
	case strings.Contains(p, "did not arrive in full") || strings.Contains(p, "reading the body") || strings.Contains(p, "while reading body"):
		return fmt.Sprintf("its answers do not arrive in full within --timeout %s (it sends too slowly)", timeout)
	case strings.Contains(p, "awaiting headers") || strings.Contains(p, "deadline exceeded") || strings.Contains(p, "timeout"):
		return fmt.Sprintf("it accepts connections but sends no answer within --timeout %s", timeout)
	case strings.Contains(p, "connection refused"):
		return "it refuses connections (is it running?)"
	case strings.Contains(p, "no such host"):
		return "its host name does not resolve"
	case strings.Contains(p, "eof") || strings.Contains(p, "reset"):
		return "it closes connections without answering"
	}
	return "no answer"
}

// budget counts the creates a run sends that may make an ENI, against
// --max-creates (0: no limit).
type budget struct {
	max   int64
	used  atomic.Int64
	spent atomic.Bool
}

// take counts one create; false when the budget is spent (it is not sent).
func (b *budget) take() bool {
	if b.max <= 0 {
		b.used.Add(1)
		return true
	}
	for {
		n := b.used.Load()
		if n >= b.max {
			b.spent.Store(true)
			return false
		}
		if b.used.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// spentWhy is the reason a case or property could not run on the budget.
func (h *Harness) spentWhy() string {
	return fmt.Sprintf("the create budget is spent (--max-creates %d): raise it to exercise this", h.MaxCreates)
}

// mayCreate reports whether a create may make an ENI: it must succeed (and
// is no replay), or may, on outcomes not observed.
func mayCreate(p *oracle.Prediction) bool {
	return p.Success() && p.Replay == "" || len(p.Maybe) > 0
}
