package emulator

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)

// A nonce is remembered until its deadline (at most a bucket's span
// later), and an unknown one is not.
func TestNoncesRememberedUntilTheirDeadline(t *testing.T) {
	n := newNonces(15*time.Minute, 100)
	deadline := t0.Add(29 * time.Minute)
	n.remember("a", deadline)
	for _, at := range []time.Duration{0, 16 * time.Minute, 28 * time.Minute, 29 * time.Minute} {
		got := n.seen("a", t0.Add(at))
		if got.Before(deadline) || got.After(deadline.Add(time.Duration(n.span)*time.Second)) {
			t.Errorf("at +%v: remembered until %v, want from %v to a bucket later", at, got, deadline)
		}
	}
	if !n.seen("b", t0).IsZero() {
		t.Error("a nonce never remembered was seen")
	}
	if got := n.seen("a", deadline.Add(time.Duration(n.span)*time.Second)); !got.IsZero() {
		t.Errorf("a bucket after its deadline the nonce is still remembered, until %v", got)
	}
}

// Whole buckets are dropped once their deadlines have passed, so the store
// holds about one window of nonces however long it runs.
func TestNonceBucketsExpire(t *testing.T) {
	const window = time.Minute
	n := newNonces(window, 1<<20)
	for i := range 1000 { // one a second, each remembered for the window
		now := t0.Add(time.Duration(i) * time.Second)
		n.seen("probe", now) // every lookup prunes
		n.remember(fmt.Sprint(i), now.Add(window))
	}
	if got, bound := n.len(), 60+int(n.span)+1; got > bound {
		t.Errorf("%d nonces remembered, want at most %d", got, bound)
	}
	if got, bound := len(n.buckets), int(60/n.span)+2; got > bound {
		t.Errorf("%d buckets kept, want at most %d", got, bound)
	}
	if !n.seen("0", t0.Add(999*time.Second)).IsZero() {
		t.Error("a nonce long past its deadline was kept")
	}
}

// The store takes at most its cap of nonces; full says so, and expired
// nonces do not count.
func TestNoncesCapped(t *testing.T) {
	n := newNonces(time.Minute, 3)
	for i := range 3 {
		if n.full(t0) {
			t.Fatalf("full after %d nonces", i)
		}
		n.remember(fmt.Sprint(i), t0.Add(time.Minute))
	}
	n.remember("0", t0.Add(time.Minute)) // the same again: no new entry
	if !n.full(t0) || n.len() != 3 {
		t.Fatalf("after 3 nonces: full %v, len %d", n.full(t0), n.len())
	}
	if n.full(t0.Add(2 * time.Minute)) {
		t.Error("still full once every nonce has expired")
	}
}
