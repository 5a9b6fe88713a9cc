package spec_test

import (
	"os"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/spec"
)

func TestEmbeddedProfilesLoad(t *testing.T) {
	for _, name := range spec.Names() {
		if _, err := spec.Get(name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := spec.Get("no-such"); err == nil || !strings.Contains(err.Error(), "2018-doc") {
		t.Fatalf("an unknown profile must be refused, naming the ones there are: %v", err)
	}
}

func TestLoadErrorsAreClear(t *testing.T) {
	cases := map[string]string{
		"{\n  \"name\": 1\n}":          "line 2",
		`{"name": "x", "bogus": true}`: `unknown field "bogus"`,
		`{"name": "x"}`:                "version and subject are required",
	}
	for in, want := range cases {
		if _, err := spec.Load([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s): want an error containing %q, got %v", in, want, err)
		}
	}
}

func TestOverlayChangesOneRuleAndValidates(t *testing.T) {
	p := spec.Default()
	q, err := p.Overlay([]byte(`{"rules": [{"id": "param.name-invalid", "code": "InvalidParameter", "http": 400}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if r := q.Rule("param.name-invalid"); r.Code != "InvalidParameter" || r.HTTP != 400 || r.Rank != 300 {
		t.Fatalf("overlay: got %+v", r)
	}
	if p.Rule("param.name-invalid").Code != "InvalidParams.NetworkInterfaceName" || len(q.Rules) != len(p.Rules) {
		t.Fatal("the overlay must leave the base untouched and merge by id")
	}
	if _, err := p.Overlay([]byte(`{"rules": [{"id": "param.name-invalid", "provenance": "rumour"}]}`)); err == nil {
		t.Fatal("an overlay that breaks validation must be refused")
	}
	if _, err := p.Overlay([]byte(`{"rules": [{"id": "param.name-invalid", "http": 403}, {"id": "x", "code": "InvalidParameter", "http": 403, "check": "format", "message": "m", "rank": 1, "provenance": "inferred", "source": "s", "family": "parameters"}]}`)); err == nil || !strings.Contains(err.Error(), "InvalidParameter has HTTP") {
		t.Fatalf("one code with two statuses must be refused: %v", err)
	}
}

func TestEditCopies(t *testing.T) {
	p := spec.Default()
	q, err := p.Edit(func(q *spec.Profile) { q.Action(q.Subject).Param("NetworkInterfaceName").Constraints.MaxLen = 129 })
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a", 129)
	if q.Action(q.Subject).Param("NetworkInterfaceName").Constraints.Check(long) != "" ||
		p.Action(p.Subject).Param("NetworkInterfaceName").Constraints.Check(long) != spec.TooLong {
		t.Fatal("Edit must change the copy only")
	}
}

func TestNameConstraints(t *testing.T) {
	c := spec.Default().Action("CreateNetworkInterface").Param("NetworkInterfaceName").Constraints
	cases := map[string]spec.Violation{
		"ab": "", "a" + strings.Repeat("中", 127): "", "𠀀x": "", "a:b_c-d9": "",
		"a": spec.TooShort, "a" + strings.Repeat("中", 128): spec.TooLong,
		"-ab": spec.BadFirst, "9ab": spec.BadFirst, "ａb": spec.BadFirst, "ab.c": spec.BadChar, "a b": spec.BadChar,
		"http://x": spec.ForbiddenPrefix, "HTTPS://x": spec.ForbiddenPrefix, "httpx": "",
	}
	for v, want := range cases {
		if got := c.Check(v); got != want {
			t.Errorf("name %q: got %q, want %q", v, got, want)
		}
	}
}

func TestOtherConstraints(t *testing.T) {
	a := spec.Default().Action("CreateNetworkInterface")
	cases := []struct {
		param, value string
		want         spec.Violation
	}{
		{"Description", strings.Repeat("描", 256), ""},
		{"Description", strings.Repeat("描", 257), spec.TooLong},
		{"Description", " http://x", ""},
		{"Description", "Http://x", spec.ForbiddenPrefix},
		{"ClientToken", strings.Repeat("t", 64), ""},
		{"ClientToken", strings.Repeat("t", 65), spec.TooLong},
		{"ClientToken", "tök", spec.NotASCII},
		{"PrimaryIpAddress", "172.16.0.1", ""},
		{"PrimaryIpAddress", "172.016.0.1", spec.NotIPv4},
		{"PrimaryIpAddress", "::1", spec.NotIPv4},
	}
	for _, c := range cases {
		if got := a.Param(c.param).Constraints.Check(c.value); got != c.want {
			t.Errorf("%s %q: got %q, want %q", c.param, c.value, got, c.want)
		}
	}
	d := spec.Default().Action("DescribeNetworkInterfaces")
	if d.Param("NetworkInterfaceId.100") == nil || d.Param("NetworkInterfaceId.101") != nil || d.Param("NetworkInterfaceId.0") != nil {
		t.Error("a RepeatList accepts X.1 to X.max_items only")
	}
	if d.Param("PageSize").Constraints.Check("0") != spec.OutOfRange || d.Param("PageSize").Constraints.Check("x") != spec.NotInteger {
		t.Error("PageSize is an integer from 1 to 1000")
	}
}

func TestEveryRuleHasProvenanceAndEveryDecisionIsInferred(t *testing.T) {
	for _, name := range spec.Names() {
		p := spec.Must(name)
		for _, r := range p.Rules {
			if r.Source == "" || r.Provenance == "" {
				t.Errorf("%s: rule %s lacks a source", name, r.ID)
			}
		}
		for _, d := range p.Decisions {
			if d.Provenance != spec.Inferred {
				t.Errorf("%s: decision %s must be marked inferred", name, d.ID)
			}
		}
	}
	// the parameters the current profile adds or changes say where they come from
	c, b := spec.Must(spec.CurrentProfile), spec.Default()
	for _, prm := range c.Action(c.Subject).Params {
		if old := b.Action(b.Subject).Param(prm.Name); (old == nil || old.Required != prm.Required) && prm.Source == "" {
			t.Errorf("current: parameter %s lacks a source", prm.Name)
		}
	}
}

// The README lists every decision of every profile, so that it stays true
// when the data changes.
func TestReadmeListsEveryDecision(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range spec.Names() {
		for _, d := range spec.Must(name).Decisions {
			if !strings.Contains(string(readme), "`"+d.ID+"`") {
				t.Errorf("README.md does not mention decision %s of profile %s", d.ID, name)
			}
		}
	}
}

func TestRepeatListNamesAndBadOverlaysAreRefusedCleanly(t *testing.T) {
	d := spec.Default().Action("DescribeNetworkInterfaces")
	if d.Param("NetworkInterfaceId") != nil || d.Param("NetworkInterfaceId.N") == nil {
		t.Error("the bare name of a RepeatList is not a parameter; X.N names the table entry")
	}
	_, err := spec.Default().Overlay([]byte(`{"actions": [{"name": "DescribeNetworkInterfaces", "params": [{"name": "Bad", "type": "RepeatList", "max_items": 2, "provenance": "inferred"}]}]}`))
	if err == nil || !strings.Contains(err.Error(), "X.N") {
		t.Errorf("a RepeatList not named X.N must be refused, got %v", err)
	}
	_, err = spec.Default().Overlay([]byte(`{"rules": [{"id": "addr.ip-reserved", "rank": 800}]}`))
	if err == nil || !strings.Contains(err.Error(), "rank 800") {
		t.Errorf("tied ranks must be refused, got %v", err)
	}
}
