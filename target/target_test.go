package target

import (
	"strings"
	"testing"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// Tokens of 8 characters or more become unique to the session, keep their
// length, and map the same way within a session; others are kept.
func TestTokensAreUniquePerSession(t *testing.T) {
	a, b := NewSession("run"), NewSession("run")
	tok := strings.Repeat("t", 20)
	ta, tb := a.token(tok), b.token(tok)
	if ta == tb || len(ta) != len(tok) || a.token(tok) != ta || !strings.HasSuffix(ta, tok[8:]) {
		t.Fatalf("a=%q b=%q", ta, tb)
	}
	for _, keep := range []string{"short", strings.Repeat("x", 65), "nön-ascii-token"} {
		if got := a.token(keep); got != keep {
			t.Errorf("%q became %q", keep, got)
		}
	}
}

// A reference to an earlier step's ENI is replaced by the ID it created.
func TestRefsAreSubstituted(t *testing.T) {
	s := NewSession("run")
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
