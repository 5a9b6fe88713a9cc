package emulator

import "time"

// nonces remembers when each accepted SignatureNonce was accepted, for the
// profile's nonce window. Entries older than the window are pruned, so its
// size is bounded by the requests of one window. It is not safe for
// concurrent use: the Handler guards it with its mutex.
type nonces struct {
	window time.Duration
	at     map[string]time.Time // nonce → when it was accepted
	pruned time.Time            // when prune last ran
}

// seen returns when nonce was accepted, zero if never. An entry older than
// the window may still be returned until it is pruned; the oracle ignores it.
func (n *nonces) seen(nonce string) time.Time {
	return n.at[nonce]
}

// remember records that nonce was accepted at now, and prunes old entries
// once per window fraction so that the cost stays amortised O(1).
func (n *nonces) remember(nonce string, now time.Time) {
	if n.at == nil {
		n.at = map[string]time.Time{}
	}
	n.at[nonce] = now
	if now.Sub(n.pruned) >= n.window/8 || now.Before(n.pruned) {
		n.prune(now)
	}
}

// prune forgets nonces accepted longer than the window before now.
func (n *nonces) prune(now time.Time) {
	for k, t := range n.at {
		if now.Sub(t) >= n.window {
			delete(n.at, k)
		}
	}
	n.pruned = now
}

// len returns how many nonces are remembered.
func (n *nonces) len() int { return len(n.at) }
