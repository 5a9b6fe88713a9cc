package target

import (
	"context"
	"sync"
	"time"
)

// Pacer spaces the requests of a run: at most Rate a second, whoever sends
// them (every worker, shrinking, cleanup and the sweep share one), and none
// while the target has asked to slow down (Pause). It is a token bucket of
// depth one, kept as the theoretical time of the next request (GCRA): a
// request may go at that time or later, and moves it on by 1/Rate. A nil
// *Pacer never waits. Safe for concurrent use.
type Pacer struct {
	mu   sync.Mutex
	gap  time.Duration // 1/Rate; 0: no rate
	next time.Time     // the earliest time the next request may go
	now  func() time.Time
}

// NewPacer paces to rate requests a second (0: no limit, only pauses); now
// is the clock (nil: time.Now).
func NewPacer(rate float64, now func() time.Time) *Pacer {
	if now == nil {
		now = time.Now
	}
	p := &Pacer{now: now}
	if rate > 0 {
		p.gap = time.Duration(float64(time.Second) / rate)
	}
	return p
}

// reserve takes the next turn for a request that is ready at now and
// returns how long it must wait for it.
func (p *Pacer) reserve(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.gap)
	return at.Sub(now)
}

// Pause keeps every request from starting for d from now (a target's
// Throttling answer).
func (p *Pacer) Pause(d time.Duration) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := p.now().Add(d); until.After(p.next) {
		p.next = until
	}
}

// Wait blocks until the caller's turn, or until ctx is done (its error;
// the turn is lost).
func (p *Pacer) Wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	return sleep(ctx, p.reserve(p.now()))
}

// sleep waits d or until ctx is done, whichever is first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
