package emulator

// eniIDs gives ENI IDs, "eni-" and 20 characters of [0-9a-z], that never
// repeat and look random, without remembering any: the n-th ID is the
// counter n through a keyed bijection of [0, 36^20), a Feistel network on
// pairs of halves in [0, 36^10) with addition modulo 36^10, keyed by the
// handler's seed. A bijection maps distinct counters to distinct IDs, and a
// counter of 64 bits never wraps. IDs the world already lists are stepped
// over. Not safe for concurrent use: the Handler guards it with its mutex.
type eniIDs struct {
	keys  [feistelRounds]uint64
	count uint64
	taken map[string]bool // the world's own ENI IDs
}

const (
	feistelRounds = 6
	idHalf        = 3656158440062976 // 36^10: one half of the 20 characters
	idHalfChars   = 10
)

// newENIIDs returns the IDs of a handler with seed, stepping over taken.
func newENIIDs(seed uint64, taken map[string]bool) eniIDs {
	ids := eniIDs{taken: taken}
	k := seed
	for i := range ids.keys {
		k += 0x9e3779b97f4a7c15
		ids.keys[i] = mix64(k)
	}
	return ids
}

// next returns the next ID.
func (ids *eniIDs) next() string {
	for {
		id := ids.at(ids.count)
		ids.count++
		if !ids.taken[id] {
			return id
		}
	}
}

// at returns the ID of counter n.
func (ids *eniIDs) at(n uint64) string {
	l, r := n/idHalf, n%idHalf
	for _, k := range ids.keys {
		l, r = r, (l+feistel(r, k))%idHalf
	}
	b := []byte("eni-01234567890123456789")
	putBase36(b[4:4+idHalfChars], l)
	putBase36(b[4+idHalfChars:], r)
	return string(b)
}

// feistel is the round function: r and the round's key mixed, in [0, 36^10).
func feistel(r, k uint64) uint64 { return mix64(r^k) % idHalf }

// mix64 is the SplitMix64 finaliser: a bijection of uint64 that spreads
// every input bit over the output.
func mix64(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// putBase36 writes v (below 36^len(b)) into b in base 36, most significant
// digit first, with the digits [0-9a-z].
func putBase36(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base36[v%36]
		v /= 36
	}
}
