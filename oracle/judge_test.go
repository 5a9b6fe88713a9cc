package oracle_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

const rid = "0E3F1F4C-0000-4000-8000-000000000000"

// refusal is an error answer in JSON with a complete envelope.
func refusal(code string, status int) *oracle.Observation {
	return &oracle.Observation{Kind: oracle.Answered, Status: status, Code: code, Message: "m", HostID: "ecs.aliyuncs.com",
		Format: "JSON", ContentType: "application/json;charset=utf-8", RequestID: rid}
}

func rows(divs []oracle.Divergence) []string {
	var out []string
	for _, d := range divs {
		out = append(out, d.Row)
	}
	return out
}

// An answer is judged on independent aspects: the right refusal in the
// wrong format is the format aspect's divergence alone, and the rule the
// request breaks is judged (and conforms).
func TestAWrongFormatDoesNotHideTheRule(t *testing.T) {
	m, s := model(t), state(t)
	r := with(create(), "VSwitchId", "vsw-nothere", "Format", "XML")
	p := m.Predict(&s, r)
	o := refusal("InvalidVSwitchId.NotFound", 404)
	j := m.Judge(&s, &p, o)
	if got := rows(j.Divergences); !slices.Equal(got, []string{spec.AspectFormat}) {
		t.Fatalf("divergences on %v, want only %s", got, spec.AspectFormat)
	}
	if !slices.Contains(j.Judged, "ref.vswitch-not-found") {
		t.Fatalf("the rule was not judged: %v", j.Judged)
	}
}

// A valid request refused with the code of one other rule is that rule
// firing where it must not: the divergence counts against it, and the
// valid aspect is not judged on the answer.
func TestAFalseRefusalCountsAgainstTheRuleThatFired(t *testing.T) {
	m, s := model(t), state(t)
	p := m.Predict(&s, create())
	j := m.Judge(&s, &p, refusal("InvalidParams.NetworkInterfaceName", 403))
	if got := rows(j.Divergences); !slices.Equal(got, []string{"param.name-invalid"}) || slices.Contains(j.Judged, spec.AspectValid) {
		t.Fatalf("divergences on %v, judged %v; want param.name-invalid alone, valid not judged", got, j.Judged)
	}
}

// A replay refused is the replay's defect, whatever the code: a target that
// treats it as a new create meets the address the first create took.
func TestARefusedReplayIsTheReplaysDefect(t *testing.T) {
	m, s := model(t), state(t)
	r := with(create(), "ClientToken", "tok-12345678", "PrimaryIpAddress", "172.16.0.20")
	p := m.Predict(&s, r)
	first := m.Answer(&s, &p, oracle.Choice{RequestID: rid, ENIID: eniID(1), MAC: "00:16:3e:00:00:02"})
	s = m.Next(s, &p, &first)
	p = m.Predict(&s, r)
	if p.Replay == "" {
		t.Fatal("the second create is not a replay")
	}
	j := m.Judge(&s, &p, refusal("InvalidPrivateIpAddress.Duplicated", 400))
	if got := rows(j.Divergences); !slices.Equal(got, []string{spec.AspectReplay}) {
		t.Fatalf("divergences on %v, want %s", got, spec.AspectReplay)
	}
}

// The part of a rule a request breaks tells two defects of one rule apart.
func TestPartsOfARule(t *testing.T) {
	m, s := model(t), state(t)
	long := m.Predict(&s, with(create(), "NetworkInterfaceName", "a"+strings.Repeat("b", 128)))
	digit := m.Predict(&s, with(create(), "NetworkInterfaceName", "9ab"))
	if long.Part != "NetworkInterfaceName: "+string(spec.TooLong) || digit.Part != "NetworkInterfaceName: "+string(spec.BadFirst) {
		t.Fatalf("parts %q and %q", long.Part, digit.Part)
	}
	foreign := m.Predict(&s, with(create(), "VSwitchId", "vsw-2zebeijing"))
	if foreign.Part != "VSwitchId of another region" {
		t.Fatalf("part %q for another region's vSwitch", foreign.Part)
	}
}
