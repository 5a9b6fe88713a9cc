package emulator

import (
	"hash/maphash"
	"time"
)

// maxNonces is how many nonces a Handler remembers at most: about 4,600
// requests a second for 15 minutes (the real API allows 25), in 45 to 90
// MB. A request that would be one more is answered Throttling (decision
// nonce-memory-full). With the state's memories bounded too, the
// emulator's memory does not grow with the request rate.
const maxNonces = 1 << 22

// nonceBuckets is how many buckets one nonce window spans.
const nonceBuckets = 16

// nonces remembers the SignatureNonce of each accepted request until the
// time the oracle gives for it (Prediction.NonceUntil), in little memory
// whatever the request rate. A nonce is kept as a 64-bit keyed hash
// (hash/maphash, with a key of the store's own) in the bucket of its
// deadline; a bucket spans a sixteenth of the nonce window, and is dropped
// whole once its last deadline has passed. A bucket is an open-addressing
// table of hashes: a nonce costs 11 to 21 bytes.
//
// A hash collision can only refuse a fresh nonce (SignatureNonceUsed), with
// probability n/2^63 for n nonces remembered: below 10^-12 at maxNonces.
// It never lets a replay in: a replay hashes like the nonce it repeats.
//
// A nonce is remembered until the end of its deadline's bucket, up to a
// bucket's span (56 s) after its deadline. That is never seen while the
// timestamp rule ranks before the nonce rule: past the deadline (the
// request's Timestamp plus at least the timestamp window) the timestamp
// rule refuses the request anyway.
//
// It is not safe for concurrent use: the Handler guards it with its mutex.
type nonces struct {
	seed    maphash.Seed
	span    int64              // seconds of deadline per bucket
	buckets map[int64]*hashSet // deadline/span → the hashes of its nonces
	n       int                // nonces in all buckets
	pruned  int64              // the bucket index of the last pruning
	max     int
}

// newNonces returns an empty store for a nonce window, holding at most limit
// nonces.
func newNonces(window time.Duration, limit int) nonces {
	return nonces{seed: maphash.MakeSeed(), span: max(int64(window/time.Second)/nonceBuckets, 1),
		buckets: map[int64]*hashSet{}, max: limit}
}

// seen returns until when nonce is remembered (the end of its latest
// bucket), zero if it is not.
func (n *nonces) seen(nonce string, now time.Time) time.Time {
	n.prune(now)
	h := n.hash(nonce)
	latest := int64(-1)
	for i, b := range n.buckets {
		if i > latest && b.has(h) {
			latest = i
		}
	}
	if latest < 0 {
		return time.Time{}
	}
	return time.Unix((latest+1)*n.span-1, 0)
}

// full reports whether the store holds max nonces, the expired ones
// dropped first: then no other may be remembered.
func (n *nonces) full(now time.Time) bool {
	n.prune(now)
	return n.n >= n.max
}

// remember records nonce until the deadline until; the caller has checked
// that the store is not full.
func (n *nonces) remember(nonce string, until time.Time) {
	i := ceilSeconds(until) / n.span
	b := n.buckets[i]
	if b == nil {
		b = &hashSet{}
		n.buckets[i] = b
	}
	if b.add(n.hash(nonce)) {
		n.n++
	}
}

// hash is the keyed hash of a nonce, never 0 (an empty slot).
func (n *nonces) hash(nonce string) uint64 { return maphash.String(n.seed, nonce) | 1 }

// prune drops the buckets whose deadlines have all passed, once per
// bucket span (or when the clock goes back).
func (n *nonces) prune(now time.Time) {
	cur := now.Unix() / n.span
	if cur == n.pruned {
		return
	}
	for i, b := range n.buckets {
		if (i+1)*n.span <= now.Unix() {
			n.n -= b.n
			delete(n.buckets, i)
		}
	}
	n.pruned = cur
}

// len returns how many nonces are remembered.
func (n *nonces) len() int { return n.n }

// ceilSeconds is t in Unix seconds, rounded up.
func ceilSeconds(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}

// hashSet is a set of nonzero hashes: open addressing with linear probing in
// a power-of-two table, at most three quarters full, 8 bytes a slot (a Go
// map takes 16 bytes a slot and a control byte).
type hashSet struct {
	slots []uint64 // 0 is an empty slot
	n     int
}

// has reports whether h is in the set.
func (s *hashSet) has(h uint64) bool {
	if len(s.slots) == 0 {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; s.slots[i] != 0; i = (i + 1) & mask {
		if s.slots[i] == h {
			return true
		}
	}
	return false
}

// add puts h in the set and reports whether it was not there.
func (s *hashSet) add(h uint64) bool {
	if s.has(h) {
		return false
	}
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	i := h & mask
	for s.slots[i] != 0 {
		i = (i + 1) & mask
	}
	s.slots[i] = h
	s.n++
	return true
}

// grow doubles the table (64 slots at first) and puts every hash back.
func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, max(2*len(old), 64))
	mask := uint64(len(s.slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = h
	}
}
