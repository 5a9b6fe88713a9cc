package emulator

import (
	"hash/maphash"
	"time"
)

// maxNonces is how many nonces a Handler remembers at most: about 9,000
// requests a second for 15 minutes, in about 120 MB. A request that would
// be one more is answered Throttling (decision nonce-memory-full).
const maxNonces = 1 << 23

// nonceBuckets is how many buckets one nonce window spans.
const nonceBuckets = 16

// nonces remembers the SignatureNonce of each accepted request until the
// time the oracle gives for it (Prediction.NonceUntil), in little memory
// whatever the request rate. A nonce is kept as a 64-bit keyed hash
// (hash/maphash, with a key of the store's own) in the bucket of its
// deadline; a bucket spans a sixteenth of the nonce window, and is dropped
// whole once its last deadline has passed. A nonce costs about 14 bytes.
//
// A hash collision can only refuse a fresh nonce (SignatureNonceUsed), with
// probability n/2^64 for n nonces remembered: below 10^-12 at maxNonces.
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
	span    int64                         // seconds of deadline per bucket
	buckets map[int64]map[uint64]struct{} // deadline/span → the hashes of its nonces
	n       int                           // nonces in all buckets
	pruned  int64                         // the bucket index of the last pruning
	max     int
}

// newNonces returns an empty store for a nonce window, holding at most limit
// nonces.
func newNonces(window time.Duration, limit int) nonces {
	return nonces{seed: maphash.MakeSeed(), span: max(int64(window/time.Second)/nonceBuckets, 1),
		buckets: map[int64]map[uint64]struct{}{}, max: limit}
}

// seen returns until when nonce is remembered (the end of its latest
// bucket), zero if it is not.
func (n *nonces) seen(nonce string, now time.Time) time.Time {
	n.prune(now)
	h := maphash.String(n.seed, nonce)
	latest := int64(-1)
	for i, b := range n.buckets {
		if _, ok := b[h]; ok && i > latest {
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
		b = map[uint64]struct{}{}
		n.buckets[i] = b
	}
	h := maphash.String(n.seed, nonce)
	if _, ok := b[h]; !ok {
		b[h] = struct{}{}
		n.n++
	}
}

// prune drops the buckets whose deadlines have all passed, once per
// bucket span (or when the clock goes back).
func (n *nonces) prune(now time.Time) {
	cur := now.Unix() / n.span
	if cur == n.pruned {
		return
	}
	for i, b := range n.buckets {
		if (i+1)*n.span <= now.Unix() {
			n.n -= len(b)
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
