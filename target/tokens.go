package target

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync/atomic"
)

// Run is what the cases of one harness run share: an ID that its nonces
// carry, and the ClientTokens it has handed out. Two runs against one
// target never send the same nonce, and never the same ClientToken of 8
// characters or more (see Session.token). It is safe for concurrent use.
type Run struct {
	ID string
	// HistoryKnown says that the model knows every token the target has
	// recorded (a target the harness started itself, or the model acting
	// as one); otherwise a token too short to be made unique to the run may
	// be one that an earlier run or another client recorded.
	HistoryKnown bool
	// LongOnly tags only tokens with tagLen slots or more and sends shorter
	// ones as drawn: a simulation's way, where each simulated case starts
	// from a state the caller chose and no other run shares it.
	LongOnly bool
	start    [tagLen + 1]uint64 // per number of slots: where this run's values start
	next     [tagLen + 1]atomic.Uint64
}

// tagLen is how many characters of a ClientToken make it unique to a run:
// 94^8 (about 6·10^15) values, of which each run takes a stretch starting
// at a random point.
const tagLen = 8

// The characters a tag is written in: printable ASCII but the space, so
// that a tag never adds a space (or a quote the generator did not draw
// where it drew a letter: every one of them is a valid token character).
const (
	tagFirst = 0x21
	tagLast  = 0x7e
	tagBase  = tagLast - tagFirst + 1
)

// NewRun starts a run with a random ID and random starting points for its
// tokens. historyKnown: see Run.HistoryKnown.
func NewRun(historyKnown bool) *Run {
	var b [8 * (tagLen + 1)]byte
	_, _ = rand.Read(b[:])
	r := &Run{ID: hex.EncodeToString(b[:6]), HistoryKnown: historyKnown}
	for k := range r.start {
		r.start[k] = binary.BigEndian.Uint64(b[8*k:])
	}
	return r
}

// space is how many tags of k slots there are: 94^k.
func space(k int) uint64 {
	n := uint64(1)
	for range k {
		n *= tagBase
	}
	return n
}

// draw returns the next tag of k slots, as k characters; the run hands out
// every tag of that length once before it repeats one.
func (r *Run) draw(k int) []rune {
	n := space(k)
	v := (r.start[k]%n + r.next[k].Add(1) - 1) % n
	out := make([]rune, k)
	for i := k - 1; i >= 0; i-- {
		out[i] = rune(tagFirst + v%tagBase)
		v /= tagBase
	}
	return out
}

// tag makes a ClientToken unique to the run, keeping its length and every
// character that is not a printable, non-space ASCII one (a non-ASCII
// token stays non-ASCII, a 65-character one 65 characters long): the
// first tagLen such characters (the slots) are overwritten with a tag the
// run never handed out before. It reports whether the token is unique to
// the run: only one with tagLen slots or more is; a shorter one can only
// be unique within it, so an earlier run or another client may have used
// it too.
func (r *Run) tag(v string) (string, bool) {
	runes := []rune(v)
	var slots []int
	for i, c := range runes {
		if c >= tagFirst && c <= tagLast && len(slots) < tagLen {
			slots = append(slots, i)
		}
	}
	if len(slots) == 0 || r.LongOnly && len(slots) < tagLen {
		return v, false
	}
	for i, c := range r.draw(len(slots)) {
		runes[slots[i]] = c
	}
	return string(runes), len(slots) == tagLen
}
