package emulator

import (
	"testing"

	"github.com/eniconform/eniconform/spec"
)

// counterOf inverts eniIDs.at: the counter an ID was derived from.
func (ids *eniIDs) counterOf(id string) uint64 {
	half := func(s string) uint64 {
		var v uint64
		for i := 0; i < len(s); i++ {
			d := uint64(s[i] - '0')
			if s[i] >= 'a' {
				d = uint64(s[i]-'a') + 10
			}
			v = v*36 + d
		}
		return v
	}
	l, r := half(id[4:4+idHalfChars]), half(id[4+idHalfChars:])
	for i := len(ids.keys) - 1; i >= 0; i-- {
		l, r = (r+idHalf-feistel(l, ids.keys[i]))%idHalf, l
	}
	return l*idHalf + r
}

// The IDs of 10 million counters (1 million with -short) have the
// profile's form and never repeat: each one gives its counter back, so no
// two counters share an ID.
func TestENIIDsNeverRepeat(t *testing.T) {
	n := uint64(10_000_000)
	if testing.Short() {
		n = 1_000_000
	}
	p := spec.Default()
	ids := newENIIDs(7, nil)
	for c := range n {
		id := ids.at(c)
		if c < 1000 && !p.ENIIDValid(id) {
			t.Fatalf("counter %d: ID %q does not match %s", c, id, p.Responses.ENIIDPattern)
		}
		if !base36ID(id) {
			t.Fatalf("counter %d: ID %q is not eni- and 20 of [0-9a-z]", c, id)
		}
		if back := ids.counterOf(id); back != c {
			t.Fatalf("counter %d gives %s, which gives counter %d back", c, id, back)
		}
	}
	for _, c := range []uint64{1 << 40, 1<<63 + 12345, ^uint64(0)} { // far along, the bijection still holds
		if id := ids.at(c); !p.ENIIDValid(id) || ids.counterOf(id) != c {
			t.Errorf("counter %d: %s", c, id)
		}
	}
}

// base36ID reports whether id is "eni-" and 20 characters of [0-9a-z].
func base36ID(id string) bool {
	if len(id) != 24 || id[:4] != "eni-" {
		return false
	}
	for i := 4; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// The sequence depends on the seed and only on it; IDs the world lists are
// stepped over.
func TestENIIDsSeededAndSkipTheWorld(t *testing.T) {
	a, b, other := newENIIDs(7, nil), newENIIDs(7, nil), newENIIDs(8, nil)
	first := a.next()
	if first != b.next() || first == other.next() {
		t.Errorf("seed 7 gave %s, again %s; seed 8 %s", first, b.at(0), other.at(0))
	}
	skip := newENIIDs(7, map[string]bool{a.at(1): true})
	if got := []string{skip.next(), skip.next()}; got[0] != a.at(0) || got[1] != a.at(2) {
		t.Errorf("with the second ID taken: %v, want %s %s", got, a.at(0), a.at(2))
	}
}
