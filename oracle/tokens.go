package oracle

import "strconv"

// This file is the State's bounded memory of ClientTokens and of the ENI
// IDs a target returned, so that neither grows with the number of
// requests, in the emulator or in the harness.
//
// Tokens (decision token-retention). A target remembers a token at least
// while fewer than N = token_retention more tokens of its main account have
// been recorded after it; the reference emulator, which is this model,
// forgets it once N have. Each account's tokens are kept in two generations of N:
// when the current one is full it becomes the previous one and the previous
// one is dropped, so that between N and 2N tokens stay, and a token within
// the last N is always there.
//
// Which tokens came after which is only known for sure when requests are
// applied one at a time (the emulator). The harness runs requests
// concurrently and sees some outcomes never, so it counts an upper bound of
// the tokens a target may have recorded after a token: the account's
// learned tokens plus those that may have been recorded (creates in flight
// or of unknown outcome), less the learned ones before the token's create
// was predicted. A token within that bound is certainly remembered; one
// that may be older is predicted both ways (Prediction.Remembered).
//
// A token the model has dropped is predicted as new. That is no guess as
// long as the harness never sends a token again after more than N others of
// its account (its cases use tokens unique to the case).

// tokenRec is a recorded token.
type tokenRec struct {
	Hash string // the request's parameters, canonical
	ID   string // the ENI it created; a placeholder while the create's outcome is unknown
	// Ord is how many tokens of the account had been learned when its
	// create was predicted: the tokens after it are counted from there.
	Ord int64
}

// tokenSet is what a State holds of one main account's tokens.
type tokenSet struct {
	cur, prev pmap[tokenRec] // token → record: the current generation and the one before
	learned   int64          // tokens learned from answers
	possible  int64          // tokens that may have been recorded besides: creates in flight or of unknown outcome
}

// book returns owner's tokens.
func (s State) book(owner string) tokenSet {
	b, _ := s.tokens.Get(owner)
	return b
}

// token returns the record of a token of owner.
func (s State) token(owner, token string) (tokenRec, bool) {
	b := s.book(owner)
	if r, ok := b.cur.Get(token); ok {
		return r, true
	}
	return b.prev.Get(token)
}

// tokensAfter is how many tokens of owner a target may have recorded after
// rec, at most.
func (s State) tokensAfter(owner string, rec tokenRec) int64 {
	b := s.book(owner)
	return b.learned + b.possible - rec.Ord - 1
}

// setToken records rec for a token of owner, in the current generation,
// which becomes the previous one first when it holds retention tokens.
// learned and possible move by dLearned and dPossible.
func (s State) setToken(owner, token string, rec tokenRec, retention int, dLearned, dPossible int64) State {
	b := s.book(owner)
	if _, ok := b.cur.Get(token); !ok && b.cur.Len() >= retention {
		b.prev, b.cur = b.cur, pmap[tokenRec]{}
	}
	b.cur = b.cur.Set(token, rec)
	b.learned, b.possible = b.learned+dLearned, b.possible+dPossible
	s.tokens = s.tokens.Set(owner, b)
	return s
}

// dropToken forgets a token of owner; possible moves by dPossible.
func (s State) dropToken(owner, token string, dPossible int64) State {
	b := s.book(owner)
	b.cur, b.prev = b.cur.Delete(token), b.prev.Delete(token)
	b.possible += dPossible
	s.tokens = s.tokens.Set(owner, b)
	return s
}

// countPossible moves owner's count of tokens that may have been recorded
// by d, for a create that may record one without a record of its own.
func (s State) countPossible(owner string, d int64) State {
	b := s.book(owner)
	b.possible += d
	s.tokens = s.tokens.Set(owner, b)
	return s
}

// eachToken calls fn with every token record of owner, the current
// generation's first, until fn returns false.
func (s State) eachToken(owner string, fn func(token string, r tokenRec) bool) {
	b := s.book(owner)
	seen := map[string]bool{}
	more := true
	b.cur.Range(func(k string, r tokenRec) bool { seen[k] = true; more = fn(k, r); return more })
	if more {
		b.prev.Range(func(k string, r tokenRec) bool { return seen[k] || fn(k, r) })
	}
}

// dumpTokens adds the token books to a dump.
func (s State) dumpTokens(add func(format string, args ...any)) {
	s.tokens.Range(func(owner string, b tokenSet) bool {
		add("tokens %s learned %d possible %d generations %d+%d", owner, b.learned, b.possible, b.cur.Len(), b.prev.Len())
		s.eachToken(owner, func(k string, t tokenRec) bool {
			add("token %q %q %q %s %d", owner, k, t.Hash, t.ID, t.Ord)
			return true
		})
		return true
	})
}

// issuedGeneration is how many issued IDs one generation holds: State
// remembers the last 65,536 to 131,072 IDs a target returned, besides the
// IDs of every ENI it knows.
const issuedGeneration = 1 << 16

// issue records that a target returned id.
func (s State) issue(id string) State {
	if !s.issued.Has(id) && s.issued.Len() >= issuedGeneration {
		s.older, s.issued = s.issued, pmap[struct{}]{}
	}
	s.issued = s.issued.Set(id, struct{}{})
	return s
}

// Issued reports whether a target has returned id before, as far as the
// state remembers: id is a known ENI's, or among the last 65,536 to 131,072
// IDs returned.
func (s State) Issued(id string) bool {
	return s.enis.Has(id) || s.issued.Has(id) || s.older.Has(id)
}

// dumpIssued adds the issued IDs to a dump, each with its generation.
func (s State) dumpIssued(add func(format string, args ...any)) {
	for gen, m := range []pmap[struct{}]{s.issued, s.older} {
		m.Range(func(id string, _ struct{}) bool { add("issued %s %s", id, strconv.Itoa(gen)); return true })
	}
}

// learnToken records the token of a create that succeeded with id: one
// more learned, and one fewer that may have been recorded if it replaces
// the placeholder of a create whose outcome was unknown (counted from the
// earlier of the two).
func (m *Model) learnToken(s State, e *eval, id string) State {
	rec := tokenRec{Hash: e.requestHash(), ID: id, Ord: e.tokOrd}
	var dPossible int64
	if old, ok := s.token(e.owner, e.token); ok && placeholder(old.ID) {
		dPossible, rec.Ord = -1, min(rec.Ord, old.Ord)
	}
	return s.setToken(e.owner, e.token, rec, m.Spec.Gateway.TokenRetention, 1, dPossible)
}

// mayRecordToken notes that a create with a token whose outcome is not
// known yet may record it: with a placeholder record when the token has
// none, else with the count alone. End takes back what f says.
func (m *Model) mayRecordToken(s State, e *eval, f InFlight) (State, InFlight) {
	f.owner = e.owner
	if _, taken := s.token(e.owner, e.token); taken {
		f.counted = true
		return s.countPossible(e.owner, 1), f
	}
	f.token = e.token
	rec := tokenRec{Hash: e.requestHash(), ID: f.placeholder, Ord: e.tokOrd}
	return s.setToken(e.owner, e.token, rec, m.Spec.Gateway.TokenRetention, 0, 1), f
}

// dropUnmade forgets owner's tokens whose create made one of the
// placeholders marked true in gone: it never happened, so it recorded
// nothing.
func (s State) dropUnmade(owner string, gone map[string]bool) State {
	unmade := false
	for _, ph := range gone {
		unmade = unmade || ph
	}
	if !unmade {
		return s // the usual case: no token to look through
	}
	var drop []string
	s.eachToken(owner, func(k string, t tokenRec) bool {
		if placeholder(t.ID) && gone[t.ID] {
			drop = append(drop, k)
		}
		return true
	})
	for _, k := range drop {
		s = s.dropToken(owner, k, -1)
	}
	return s
}
