package spec

import (
	"encoding/json"
	"strings"
	"testing"
)

// A derived profile states only what it changes; every mistake in doing so
// is an error naming the file and the entry.
func TestCompositionErrorsNameFileAndEntry(t *testing.T) {
	base, err := profileFS.ReadFile("profiles/" + BaseProfile + ".json")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		`{"base": "2018-doc", "name": "d", "rules": [{"id": "no.such", "op": "remove"}]}`:            `profiles/d.json: rules[0] (no.such): removes an entry the base does not have`,
		`{"base": "2018-doc", "name": "d", "rules": [{"id": "no.such", "op": "change", "rank": 3}]}`: `rules[0] (no.such): changes an entry the base does not have`,
		`{"base": "2018-doc", "name": "d", "rules": [{"id": "param.name-invalid", "rank": 3}]}`:      `rules[0] (param.name-invalid): the base already has this entry`,
		`{"base": "2018-doc", "name": "d", "rules": [{"id": "param.name-invalid", "op": "rename"}]}`: `op "rename" is not change or remove`,
		`{"base": "nowhere", "name": "d"}`: `base profile "nowhere" does not exist`,
		`{"base": "d", "name": "d"}`:       `base cycle d → d`,
		`{"base": "2018-doc", "name": "d", "rules": [{"id": "param.name-invalid", "op": "change", "rank": 0}]}`: `rank must be positive`,
	}
	for in, want := range cases {
		_, err := composeAll(map[string][]byte{BaseProfile: base, "d": []byte(in)})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: want an error containing %q, got %v", in, want, err)
		}
	}
}

// The current profile is composed, not copied: the gateway, the aspects and
// the shared rules come from the base file, and its removal and changes
// took effect.
func TestCurrentComposesOnTheBase(t *testing.T) {
	b, c := Must(BaseProfile), Must(CurrentProfile)
	if c.Base != BaseProfile || len(c.Gateway.Common) != len(b.Gateway.Common) || len(c.Aspects) != len(b.Aspects) {
		t.Fatalf("current must inherit the gateway and the aspects of %s", BaseProfile)
	}
	if c.Rule("param.missing.SecurityGroupId") != nil || c.Rule("gateway.signature-mismatch") == nil {
		t.Error("current removes param.missing.SecurityGroupId and keeps the shared rules")
	}
	if c.Action(c.Subject).Param("SecurityGroupId").Required || !b.Action(b.Subject).Param("SecurityGroupId").Required {
		t.Error("SecurityGroupId is optional in current only")
	}
	if c.Rule("addr.ip-in-use").Rank != b.Rule("addr.ip-in-use").Rank || len(c.Rule("addr.ip-in-use").Params) != 2 {
		t.Error("a changed rule keeps the fields the change does not name")
	}
	data, _ := profileFS.ReadFile("profiles/" + CurrentProfile + ".json")
	var file struct {
		Gateway json.RawMessage  `json:"gateway"`
		Aspects []map[string]any `json:"aspects"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if file.Gateway != nil {
		t.Error("the current profile file must not restate the gateway")
	}
	for _, a := range file.Aspects {
		if a[opKey] != "change" {
			t.Errorf("the current profile file may change the base's aspects, not restate or add them: %v", a["id"])
		}
	}
}

// The constraint kinds the current profile adds are checked from the data.
func TestGenericConstraints(t *testing.T) {
	a := Must(CurrentProfile).Action("CreateNetworkInterface")
	cases := []struct {
		param, value string
		want         Violation
	}{
		{"InstanceType", "Trunk", ""}, {"InstanceType", "trunk", NotInEnum},
		{"DeleteOnRelease", "true", ""}, {"DeleteOnRelease", "True", NotBoolean},
		{"RxQueueSize", "16384", ""}, {"RxQueueSize", "12288", NotPowerOfTwo}, {"RxQueueSize", "32768", OutOfRange},
		{"Ipv6Address.3", "2408:4005::1", ""}, {"Ipv6Address.3", "::ffff:1.2.3.4", NotIPv6}, {"Ipv6Address.3", "1.2.3.4", NotIPv6},
		{"Tag.2.Key", "team", ""}, {"Tag.2.Key", "ACS:team", ForbiddenPrefix}, {"Tag.2.Key", "see Http://x", ForbiddenText},
		{"Tag.2.Value", "", ""}, {"ConnectionTrackingConfiguration.UdpTimeout", "030", NotInEnum},
	}
	for _, c := range cases {
		p := a.Param(c.param)
		if p == nil {
			t.Fatalf("no parameter %s", c.param)
		}
		if got := p.Constraints.Check(c.value); got != c.want {
			t.Errorf("%s=%q: %q, want %q", c.param, c.value, got, c.want)
		}
	}
	if a.Param("Tag.21.Key") != nil || a.Param("Ipv4PrefixCount") != nil || a.Refused("Ipv4Prefix.2") == nil {
		t.Error("Tag.N has 20 items; the prefix parameters are refused, with a reason")
	}
}
