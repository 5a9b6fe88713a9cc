package oracle_test

import (
	"slices"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// A ClientToken of unknown history (Request.TokenUnknown) that the model
// holds no record of may be one an earlier run recorded: the create may be
// refused as a mismatch, or answered with a new ENI or an earlier one; the
// ENI is learned as one that may not exist. Once the model has recorded the
// token, the prediction is exact again.
func TestATokenOfUnknownHistoryIsEitherWay(t *testing.T) {
	m := model(t)
	s := fill(t, m, state(t), 1) // eniID(0): an ENI the model saw
	r := with(create(), "ClientToken", "#")
	r.TokenUnknown = true
	p := m.Predict(&s, r)
	if !p.Success() || !slices.ContainsFunc(p.Maybe, func(x *spec.Rule) bool { return x.ID == "idem.mismatch" }) {
		t.Fatalf("winner %v, maybe %v: want success, or maybe idem.mismatch", p.Winner, ids(p.Maybe))
	}
	mismatch := refusal("IdempotentParameterMismatch", 400)
	if d := m.Check(&s, &p, mismatch); len(d) != 0 {
		t.Fatalf("a mismatch is one of the answers: %v", d)
	}
	// an ID the model saw before (an earlier create's) is a replay, not a reused ID
	o := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(0), MAC: "00:16:3e:00:01:02"})
	if d := m.Check(&s, &p, &o); len(d) != 0 {
		t.Fatalf("an earlier ENI's ID for an unknown token: %v", d)
	}
	fresh := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(7), MAC: "00:16:3e:00:01:02"})
	if d := m.Check(&s, &p, &fresh); len(d) != 0 {
		t.Fatalf("a new ENI for an unknown token: %v", d)
	}
	next := m.Next(s, &p, &fresh)
	if !next.Uncertain(oracle.LaneOf("1000000000000001", "cn-hangzhou")) {
		t.Error("the ENI of an unknown token is learned as certain: it may be an earlier create's, long gone")
	}
	again := m.Predict(&next, r)
	if again.Replay != eniID(7) || len(again.Maybe) != 0 {
		t.Errorf("once recorded the token replays exactly: replay %q, maybe %v", again.Replay, ids(again.Maybe))
	}
	r.TokenUnknown = false
	if p := m.Predict(&s, r); len(p.Maybe) != 0 {
		t.Errorf("a token of known history: maybe %v", ids(p.Maybe))
	}
}

// Such a token may be an earlier create's record with the same
// parameters: a replay, answered before the resources are checked, so a
// full security group may answer success too.
func TestATokenOfUnknownHistoryMayReplayPastAFullGroup(t *testing.T) {
	m := model(t)
	kv := []string{"SecurityGroupId", "sg-bp1pair"} // capacity 2
	s := fill(t, m, state(t), 2, kv...)
	r := with(create(), append(kv, "ClientToken", "#")...)
	if p := m.Predict(&s, r); p.Winner == nil || p.Winner.ID != "quota.sg-capacity" {
		t.Fatalf("a known token: winner %v, want quota.sg-capacity", p.Winner)
	}
	r.TokenUnknown = true
	p := m.Predict(&s, r)
	if !p.Success() || !slices.ContainsFunc(p.Maybe, func(x *spec.Rule) bool { return x.ID == "quota.sg-capacity" }) {
		t.Fatalf("winner %v, maybe %v: want success, or maybe the capacity", p.Winner, ids(p.Maybe))
	}
	o := m.Answer(&s, &p, oracle.Choice{RequestID: "0E3F1F4C-0000-4000-8000-000000000000", ENIID: eniID(0), MAC: "00:16:3e:00:01:02"})
	if d := m.Check(&s, &p, &o); len(d) != 0 {
		t.Fatalf("a replay of an earlier ENI past a full group: %v", d)
	}
	if d := m.Check(&s, &p, refusal("SecurityGroupInstanceLimitExceed", 403)); len(d) != 0 {
		t.Fatalf("the full group's refusal: %v", d)
	}
}
