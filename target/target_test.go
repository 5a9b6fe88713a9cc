package target

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// Every ClientToken becomes one no other case of the run, and no other
// run, sent: of the same length, with its non-ASCII characters (and
// spaces) where they were, the same within a case. Tokens with 8 printable
// characters or more are unique to the run; shorter ones only within it,
// so they are marked as of unknown history against a target whose history
// the run does not know.
func TestTokensAreUniqueToTheRunWhateverTheirLength(t *testing.T) {
	run, other := NewRun(false), NewRun(false)
	seen := map[string]bool{}
	for _, tok := range []string{strings.Repeat("t", 20), "#", "ab", "1234567", strings.Repeat("x", 65), "nön-ascii-tøken", "é", "a b", strings.Repeat("y", 64)} {
		for _, r := range []*Run{run, run, other} {
			s := NewSession(r)
			u := s.token(tok)
			if s.token(tok) != u {
				t.Errorf("%q maps to %q, then to %q in one case", tok, u, s.token(tok))
			}
			if len([]rune(u)) != len([]rune(tok)) {
				t.Errorf("%q became %q: another length", tok, u)
			}
			for i, c := range []rune(tok) {
				if (c < tagFirst || c > tagLast) && []rune(u)[i] != c {
					t.Errorf("%q became %q: character %d changed", tok, u, i)
				}
			}
			slots := strings.Count(strings.Map(func(c rune) rune {
				if c >= tagFirst && c <= tagLast {
					return 's'
				}
				return '-'
			}, tok), "s")
			if slots > 0 && seen[u] {
				t.Errorf("%q became %q, which an earlier case sent", tok, u)
			}
			seen[u] = true
			if want := slots < tagLen; s.TokenUnknown(u) != want {
				t.Errorf("%q (%d slots): TokenUnknown %v, want %v", tok, slots, s.TokenUnknown(u), want)
			}
		}
	}
	if s := NewSession(NewRun(true)); s.TokenUnknown(s.token("#")) {
		t.Error("a run that knows the target's history marks a short token as unknown")
	}
}

// A run hands out every tag of a length once before it repeats one.
func TestShortTagsRepeatOnlyAfterTheirSpace(t *testing.T) {
	r := NewRun(false)
	seen := map[string]bool{}
	for i := 0; i < tagBase; i++ {
		v := string(r.draw(1))
		if seen[v] {
			t.Fatalf("tag %q repeated after %d", v, i)
		}
		seen[v] = true
	}
	if !seen[string(r.draw(1))] {
		t.Fatal("the 95th one-character tag is new: the space has more than 94")
	}
}

// Only a valid token the run cannot make unique is sent as one of unknown
// history.
func TestRequestsCarryTokenUnknown(t *testing.T) {
	c := &Conn{Profile: spec.Default(), World: world.Default(), Now: time.Now, URL: "http://127.0.0.1:1"}
	create := func(tok string) bool {
		st := generators.Step{Action: "CreateNetworkInterface", Key: "test", Params: map[string]string{"RegionId": "cn-hangzhou", "ClientToken": tok}}
		return c.Prepare(context.Background(), NewSession(NewRun(false)), st).Request.TokenUnknown
	}
	if !create("#") || create(strings.Repeat("t", 12)) || create("é#") {
		t.Errorf("TokenUnknown: short %v, long %v, invalid short %v; want true, false, false", create("#"), create(strings.Repeat("t", 12)), create("é#"))
	}
}

// A reference to an earlier step's ENI is replaced by the ID it created.
func TestRefsAreSubstituted(t *testing.T) {
	s := NewSession(NewRun(false))
	s.created = []string{"eni-first", ""}
	st := s.substitute(generators.Step{Params: map[string]string{"NetworkInterfaceId.1": generators.Ref(1), "NetworkInterfaceId.2": generators.Ref(2)}})
	if st.Params["NetworkInterfaceId.1"] != "eni-first" || st.Params["NetworkInterfaceId.2"] != "" {
		t.Fatalf("%v", st.Params)
	}
}

// A run's scheme and format apply unless the step's breakage needs its own.
func TestOverridesKeepWhatARuleNeeds(t *testing.T) {
	c := &Conn{Profile: spec.Default(), World: world.Default(), Scheme: "v3", Format: "XML"}
	plain := c.applyOverrides(generators.Step{Action: "CreateNetworkInterface", Send: generators.Send{FormBody: true}})
	if plain.Send.Scheme != "v3" || plain.Send.FormBody || plain.Send.Format != "XML" {
		t.Errorf("plain step: %+v", plain.Send)
	}
	v1only := c.applyOverrides(generators.Step{Action: "CreateNetworkInterface", Send: generators.Send{SignatureMethod: "MD5"}})
	if v1only.Send.Scheme != "" {
		t.Errorf("a SignatureMethod breakage must stay V1: %+v", v1only.Send)
	}
}
