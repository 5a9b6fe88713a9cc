package emulator

import (
	"testing"
	"time"
)

// The nonce store answers when a nonce was accepted and forgets nonces
// older than the window, so that its memory stays bounded.
func TestNoncesPruned(t *testing.T) {
	const window = time.Minute
	n := nonces{window: window}
	t0 := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	n.remember("a", t0)
	if got := n.seen("a"); !got.Equal(t0) {
		t.Fatalf("seen(a) = %v", got)
	}
	if !n.seen("b").IsZero() {
		t.Fatal("an unknown nonce was seen")
	}
	for i := range 1000 {
		n.remember(string(rune('A'+i%26))+time.Duration(i).String(), t0.Add(time.Duration(i)*time.Second))
	}
	// after 1000 s with a 60 s window, at most a window and a pruning
	// period (window/8) of entries remain
	if got, bound := n.len(), 60+60/8+1; got > bound {
		t.Errorf("%d nonces remembered, want at most %d", got, bound)
	}
	if !n.seen("a").IsZero() {
		t.Error("a nonce older than the window was kept")
	}
}
