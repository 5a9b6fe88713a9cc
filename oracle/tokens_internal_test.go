package oracle

import (
	"fmt"
	"testing"
)

// The issued IDs are kept in two generations: the last generation's are
// always remembered, the memory never exceeds two, and a known ENI's ID
// counts as issued whatever its age.
func TestIssuedBounded(t *testing.T) {
	var s State
	s.enis = s.enis.Set("eni-live", &eniRec{})
	n := 3*issuedGeneration + 17
	for i := range n {
		s = s.issue(fmt.Sprintf("eni-%d", i))
		if got := s.issued.Len() + s.older.Len(); got > 2*issuedGeneration {
			t.Fatalf("after %d IDs, %d remembered", i+1, got)
		}
	}
	for i := n - issuedGeneration; i < n; i++ {
		if !s.Issued(fmt.Sprintf("eni-%d", i)) {
			t.Fatalf("ID %d of the last %d was forgotten", i, issuedGeneration)
		}
	}
	if s.Issued("eni-0") || !s.Issued("eni-live") {
		t.Errorf("the first ID is still remembered (%v) or a live ENI is not (%v)", s.Issued("eni-0"), s.Issued("eni-live"))
	}
}

// An account's tokens stay within two generations of token_retention,
// however many are recorded, and the last token_retention are all there.
func TestTokensBounded(t *testing.T) {
	const retention, n = 100, 1000
	var s State
	for i := range n {
		s = s.setToken("owner", fmt.Sprint(i), tokenRec{ID: fmt.Sprint("eni-", i), Ord: int64(i)}, retention, 1, 0)
		if b := s.book("owner"); b.cur.Len()+b.prev.Len() > 2*retention {
			t.Fatalf("after %d tokens, %d kept", i+1, b.cur.Len()+b.prev.Len())
		}
	}
	for i := n - retention; i < n; i++ {
		if _, ok := s.token("owner", fmt.Sprint(i)); !ok {
			t.Fatalf("token %d of the last %d was dropped", i, retention)
		}
	}
	if _, ok := s.token("owner", "0"); ok {
		t.Error("the first token is still kept")
	}
	if got := s.tokensAfter("owner", tokenRec{Ord: n - 1}); got != 0 {
		t.Errorf("tokens after the last: %d", got)
	}
}
