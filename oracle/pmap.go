package oracle

import "math/bits"

// pmap is a persistent (immutable) hash map from strings to V: Set and
// Delete return a new map and leave the receiver untouched, sharing all
// unchanged nodes. It lets State be a value whose Next costs O(log n), not a
// copy of every ENI, token and address. Iteration order is fixed by the
// keys' FNV hashes, so it is deterministic.
type pmap[V any] struct {
	root *hnode[V]
	n    int
}

const (
	hbits = 5
	hmask = 1<<hbits - 1
)

// hnode is a bitmap-indexed node; below the last hash level it is a bucket
// of colliding leaves searched linearly.
type hnode[V any] struct {
	bitmap uint32
	slots  []hslot[V]
}

type hslot[V any] struct {
	child *hnode[V] // nil for a leaf
	key   string
	hash  uint64
	val   V
}

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// pkey is a key made of parts, so that a lookup need not join them: the map
// holds the joined string, and lookups hash and compare part by part.
type pkey [4]string

func (k pkey) String() string { return k[0] + k[1] + k[2] + k[3] }

func (k pkey) hash() uint64 {
	h := uint64(14695981039346656037)
	for _, p := range k {
		for i := 0; i < len(p); i++ {
			h ^= uint64(p[i])
			h *= 1099511628211
		}
	}
	return h
}

func (k pkey) is(s string) bool {
	for _, p := range k {
		if len(s) < len(p) || s[:len(p)] != p {
			return false
		}
		s = s[len(p):]
	}
	return s == ""
}

// Lookup is Get for a key made of parts; it does not allocate.
func (m pmap[V]) Lookup(k pkey) (V, bool) {
	h := k.hash()
	n := m.root
	for shift := uint(0); n != nil; shift += hbits {
		if shift >= 64 {
			for _, s := range n.slots {
				if k.is(s.key) {
					return s.val, true
				}
			}
			break
		}
		bit := uint32(1) << ((h >> shift) & hmask)
		if n.bitmap&bit == 0 {
			break
		}
		s := &n.slots[bits.OnesCount32(n.bitmap&(bit-1))]
		if s.child == nil {
			if k.is(s.key) {
				return s.val, true
			}
			break
		}
		n = s.child
	}
	var zero V
	return zero, false
}

// Len is the number of keys.
func (m pmap[V]) Len() int { return m.n }

// Get returns the value for key.
func (m pmap[V]) Get(key string) (V, bool) { return m.Lookup(pkey{key}) }

// Has reports whether key is present.
func (m pmap[V]) Has(key string) bool {
	_, ok := m.Get(key)
	return ok
}

// Set returns a map in which key maps to val.
func (m pmap[V]) Set(key string, val V) pmap[V] {
	root, added := set(m.root, hslot[V]{key: key, hash: fnv(key), val: val}, 0)
	if added {
		m.n++
	}
	m.root = root
	return m
}

func set[V any](n *hnode[V], leaf hslot[V], shift uint) (*hnode[V], bool) {
	if n == nil {
		n = &hnode[V]{}
	}
	if shift >= 64 {
		out := &hnode[V]{slots: append([]hslot[V](nil), n.slots...)}
		for i, s := range out.slots {
			if s.key == leaf.key {
				out.slots[i] = leaf
				return out, false
			}
		}
		out.slots = append(out.slots, leaf)
		return out, true
	}
	bit := uint32(1) << ((leaf.hash >> shift) & hmask)
	i := bits.OnesCount32(n.bitmap & (bit - 1))
	out := &hnode[V]{bitmap: n.bitmap | bit}
	if n.bitmap&bit == 0 {
		out.slots = make([]hslot[V], 0, len(n.slots)+1)
		out.slots = append(append(append(out.slots, n.slots[:i]...), leaf), n.slots[i:]...)
		return out, true
	}
	out.slots = append([]hslot[V](nil), n.slots...)
	s := n.slots[i]
	switch {
	case s.child != nil:
		child, added := set(s.child, leaf, shift+hbits)
		out.slots[i] = hslot[V]{child: child}
		return out, added
	case s.key == leaf.key:
		out.slots[i] = leaf
		return out, false
	}
	child, _ := set(nil, s, shift+hbits)
	child, _ = set(child, leaf, shift+hbits)
	out.slots[i] = hslot[V]{child: child}
	return out, true
}

// Delete returns a map without key.
func (m pmap[V]) Delete(key string) pmap[V] {
	root, removed := del(m.root, key, fnv(key), 0)
	if removed {
		m.n--
		m.root = root
	}
	return m
}

func del[V any](n *hnode[V], key string, h uint64, shift uint) (*hnode[V], bool) {
	if n == nil {
		return nil, false
	}
	if shift >= 64 {
		for i, s := range n.slots {
			if s.key == key {
				out := &hnode[V]{slots: append(append([]hslot[V](nil), n.slots[:i]...), n.slots[i+1:]...)}
				return prune(out), true
			}
		}
		return n, false
	}
	bit := uint32(1) << ((h >> shift) & hmask)
	if n.bitmap&bit == 0 {
		return n, false
	}
	i := bits.OnesCount32(n.bitmap & (bit - 1))
	s := n.slots[i]
	if s.child == nil {
		if s.key != key {
			return n, false
		}
		out := &hnode[V]{bitmap: n.bitmap &^ bit, slots: append(append([]hslot[V](nil), n.slots[:i]...), n.slots[i+1:]...)}
		return prune(out), true
	}
	child, removed := del(s.child, key, h, shift+hbits)
	if !removed {
		return n, false
	}
	out := &hnode[V]{bitmap: n.bitmap, slots: append([]hslot[V](nil), n.slots...)}
	if child == nil {
		out.bitmap &^= bit
		out.slots = append(out.slots[:i], out.slots[i+1:]...)
		return prune(out), true
	}
	out.slots[i] = hslot[V]{child: child}
	return out, true
}

// prune drops an empty node so that a deleted subtree does not linger.
func prune[V any](n *hnode[V]) *hnode[V] {
	if len(n.slots) == 0 {
		return nil
	}
	return n
}

// Range calls fn for every key and value in hash order until fn returns false.
func (m pmap[V]) Range(fn func(key string, val V) bool) {
	rangeNode(m.root, fn)
}

func rangeNode[V any](n *hnode[V], fn func(string, V) bool) bool {
	if n == nil {
		return true
	}
	for _, s := range n.slots {
		if s.child != nil {
			if !rangeNode(s.child, fn) {
				return false
			}
		} else if !fn(s.key, s.val) {
			return false
		}
	}
	return true
}
