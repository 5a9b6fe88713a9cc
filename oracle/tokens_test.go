package oracle_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// retention is the token_retention of the profile these tests use: small,
// so that tokens are forgotten within a few requests.
const retention = 4

func retentionModel(t testing.TB) *oracle.Model {
	p, err := spec.Default().Edit(func(p *spec.Profile) { p.Gateway.TokenRetention = retention })
	if err == nil {
		var m *oracle.Model
		if m, err = oracle.NewModel(p); err == nil {
			return m
		}
	}
	t.Fatal(err)
	return nil
}

// tokenCreate is a create of the main account "test" with ClientToken
// tok-k, its other parameters depending on variant.
func tokenCreate(k, variant int) *oracle.Request {
	return with(create(), "VSwitchId", "vsw-bp1wide", "ClientToken", fmt.Sprintf("tok-%d", k),
		"NetworkInterfaceName", fmt.Sprintf("name-%d", variant))
}

// recorded is a token as a test's reference model remembers it.
type recorded struct {
	token, variant int
	id             string
}

// lastRecord returns the last record of token k and how many were recorded
// after it.
func lastRecord(log []recorded, k int) (recorded, int, bool) {
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].token == k {
			return log[i], len(log) - 1 - i, true
		}
	}
	return recorded{}, 0, false
}

// tokenLines keeps the token lines of a dump.
func tokenLines(dump string) string {
	var out []string
	for line := range strings.SplitSeq(dump, "\n") {
		if strings.HasPrefix(line, "token") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// Fed the same creates, the emulator (Predict, Answer, Next) and the
// harness's model (Predict, Begin, End, Check, Next with the emulator's
// answers) agree: every answer conforms and both remember the same tokens.
// A token with fewer than token_retention tokens recorded after it always
// replays (or is a mismatch); an older one is forgotten by the emulator and,
// while the model still holds it, predicted both ways.
func TestPropTokenRetention(t *testing.T) {
	m := retentionModel(t)
	rapid.Check(t, func(rt *rapid.T) {
		emu, har := state(t), state(t)
		var log []recorded
		for i := range rapid.IntRange(1, 40).Draw(rt, "requests") {
			k, v := rapid.IntRange(0, 9).Draw(rt, "token"), rapid.IntRange(0, 1).Draw(rt, "variant")
			r := tokenCreate(k, v)
			pe := m.Predict(&emu, r)
			o := m.Answer(&emu, &pe, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(i), MAC: "00:16:3e:00:01:02"})
			emu = m.Next(emu, &pe, &o)

			before := har
			ph := m.Predict(&har, r)
			var f oracle.InFlight
			har, f = m.Begin(har, &ph)
			har = m.End(har, f)
			if d := m.Check(&before, &ph, &o); len(d) > 0 {
				rt.Fatalf("request %d (tok-%d, variant %d): the emulator's answer diverges from the model: %v", i, k, v, d)
			}
			har = m.Next(har, &ph, &o)

			rec, after, ok := lastRecord(log, k)
			switch {
			case ok && after < retention && rec.variant == v && (o.Code != "" || o.NetworkInterfaceID != rec.id):
				rt.Fatalf("request %d: tok-%d, %d tokens old, did not replay %s: %s %s", i, k, after, rec.id, o.Code, o.NetworkInterfaceID)
			case ok && after < retention && rec.variant != v && o.Code != "IdempotentParameterMismatch":
				rt.Fatalf("request %d: tok-%d, %d tokens old, with other parameters: %q, want a mismatch", i, k, after, o.Code)
			case ok && after < retention:
			case ok && after == retention && ph.Remembered == nil: // still held: a generation holds retention tokens
				rt.Fatalf("request %d: tok-%d is %d tokens old but predicted one way only", i, k, after)
			case o.Code != "" || o.NetworkInterfaceID != eniID(i):
				rt.Fatalf("request %d: tok-%d (%v, %d tokens old) is not a new create: %s %s", i, k, ok, after, o.Code, o.NetworkInterfaceID)
			default:
				log = append(log, recorded{k, v, o.NetworkInterfaceID})
			}
		}
		if a, b := tokenLines(emu.Dump()), tokenLines(har.Dump()); a != b {
			rt.Fatalf("the tokens differ:\nemulator\n%s\nmodel\n%s", a, b)
		}
	})
}

// A token is predicted both ways once requests in flight could have
// recorded enough tokens after it, and certain again when they are
// answered; a target that replays it then, or one that creates anew,
// conforms.
func TestTokenPredictedBothWaysWhileInFlightCouldAgeIt(t *testing.T) {
	m := retentionModel(t)
	s := state(t)
	choice := func(i int) oracle.Choice {
		return oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(i), MAC: "00:16:3e:00:01:02"}
	}
	learn := func(r *oracle.Request, i int) oracle.Observation {
		p := m.Predict(&s, r)
		o := m.Answer(&s, &p, choice(i))
		s = m.Next(s, &p, &o)
		return o
	}
	first := learn(tokenCreate(0, 0), 0)
	for i := 1; i < retention; i++ {
		learn(tokenCreate(i, 0), i)
	}
	replay := tokenCreate(0, 0)
	if p := m.Predict(&s, replay); p.Replay != first.NetworkInterfaceID || p.Remembered != nil {
		t.Fatalf("with %d tokens after it, tok-0 must replay: %+v", retention-1, p)
	}
	p := m.Predict(&s, tokenCreate(99, 0))
	inflight, f := m.Begin(s, &p) // one more may be recorded at any moment
	q := m.Predict(&inflight, replay)
	if q.Remembered == nil || q.Remembered.Replay != first.NetworkInterfaceID || q.Replay != "" {
		t.Fatalf("with a create in flight tok-0 may be forgotten: replay %q, remembered %+v", q.Replay, q.Remembered)
	}
	fresh := m.Answer(&inflight, &q, choice(50))
	if d := m.Check(&inflight, &q, &fresh); len(d) > 0 {
		t.Errorf("a new create for a token that may be forgotten diverges: %v", d)
	}
	replayed := m.Answer(&inflight, q.Remembered, choice(51))
	if d := m.Check(&inflight, &q, &replayed); len(d) > 0 {
		t.Errorf("a replay of a token that may be remembered diverges: %v", d)
	}
	if after := m.Next(inflight, &q, &replayed); !slices.Equal(ids2(after.Live()), ids2(inflight.Live())) {
		t.Error("Next learned a replay as a new ENI")
	}
	s = m.End(inflight, f)
	if p := m.Predict(&s, replay); p.Remembered != nil || p.Replay != first.NetworkInterfaceID {
		t.Fatalf("with nothing in flight tok-0 is remembered again: %+v", p)
	}
}

func ids2(enis []oracle.ENI) []string {
	var out []string
	for _, e := range enis {
		out = append(out, e.ID)
	}
	return out
}
