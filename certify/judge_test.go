package certify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/sdkdriver"
	"github.com/eniconform/eniconform/spec"
)

// The embedded data is valid, names every row the code judges, and none of
// its rows is a rule or aspect of a server profile (so `eniconform run`
// never shows them); broken data is refused with what is wrong.
func TestCertificationData(t *testing.T) {
	d, err := Certification()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range spec.Names() {
		p, err := spec.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range d.Rows {
			if p.Rule(row.ID) != nil || p.Aspect(row.ID) != nil {
				t.Errorf("row %s is also in the server profile %s", row.ID, name)
			}
		}
	}
	for _, f := range formats {
		for _, part := range append([]string{PartSuccess}, errorParts...) {
			if d.surfaceRow(f, part) == nil {
				t.Errorf("no surfacing row for %s %s", f, part)
			}
		}
	}
	for _, tc := range []struct{ edit, want string }{
		{`"family": "transport"`, `family "nowhere"`},
		{`"id": "transport.reset"`, "transport.reset is missing"},
		{`"DeleteOnRelease": "boolean"`, "shapes.DeleteOnRelease"},
		{`"provenance": "inferred"`, "provenance"},
	} {
		broken := strings.Replace(string(certificationJSON), tc.edit, map[string]string{
			`"family": "transport"`: `"family": "nowhere"`, `"id": "transport.reset"`: `"id": "transport.other"`,
			`"DeleteOnRelease": "boolean"`: `"DeleteOnRelease": "float"`, `"provenance": "inferred"`: `"provenance": "hearsay"`}[tc.edit], 1)
		if _, err := parseData([]byte(broken)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s changed: %v, want an error naming %q", tc.edit, err, tc.want)
		}
	}
}

// What the server sent is compared with what the SDK surfaced field by
// field, in XML as in JSON: a list of one is a single element, an SDK's
// zero value is a field not surfaced, a field sent empty is not judged.
func TestCompareBodies(t *testing.T) {
	xml := []byte(`<?xml version="1.0" encoding="UTF-8"?><DescribeNetworkInterfacesResponse><RequestId>R</RequestId>` +
		`<TotalCount>1</TotalCount><NetworkInterfaceSets><NetworkInterfaceSet><NetworkInterfaceId>eni-1</NetworkInterfaceId>` +
		`<Description></Description><SecurityGroupIds><SecurityGroupId>sg-1</SecurityGroupId></SecurityGroupIds>` +
		`</NetworkInterfaceSet></NetworkInterfaceSets></DescribeNetworkInterfacesResponse>`)
	server, err := bodyTree("XML", xml)
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := bodyTree("JSON", []byte(`{"RequestId":"R","TotalCount":1,"PageNumber":0,"NetworkInterfaceSets":{"NetworkInterfaceSet":`+
		`[{"NetworkInterfaceId":"","Description":"","SecurityGroupIds":{"SecurityGroupId":["sg-2"]},"Extra":"x"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []fieldDiff{
		{Path: "NetworkInterfaceSets.NetworkInterfaceSet.NetworkInterfaceId", Pattern: "NetworkInterfaceSets.NetworkInterfaceSet.NetworkInterfaceId", Kind: "not surfaced", Sent: "eni-1"},
		{Path: "NetworkInterfaceSets.NetworkInterfaceSet.SecurityGroupIds.SecurityGroupId", Pattern: "NetworkInterfaceSets.NetworkInterfaceSet.SecurityGroupIds.SecurityGroupId", Kind: "changed", Sent: "sg-1", Got: "sg-2"},
		{Path: "NetworkInterfaceSets.NetworkInterfaceSet.Extra", Pattern: "NetworkInterfaceSets.NetworkInterfaceSet.Extra", Kind: "invented", Got: "x"},
	}
	if d := cmp.Diff(want, compareBodies(server, sdk)); d != "" {
		t.Errorf("compareBodies (-want +got):\n%s", d)
	}
	if d := compareBodies(sdk, sdk); len(d) != 0 {
		t.Errorf("a body compared with itself: %v", d)
	}
}

// A changed value is classed by the characters lost and gained, so that
// dropping '*' and escaping '~' are two defects, and shrinking keeps one.
func TestDiffClass(t *testing.T) {
	for _, tc := range []struct{ sent, got, want string }{
		{"a*b", "ab", "'*' lost"},
		{"a~b", "a%7Eb", "'~' lost, gained '%' alnum"},
		{"a b", "a+b", "space lost, gained '+'"},
		{"😀", "??", "astral lost, gained separator"},
		{"ab", "ba", "characters reordered"},
	} {
		if got := diffClass(tc.sent, tc.got); got != tc.want {
			t.Errorf("diffClass(%q, %q) = %q, want %q", tc.sent, tc.got, got, tc.want)
		}
	}
	if got := valueFeatures("e\u0301 *" + strings.Repeat("x", 200)); !cmp.Equal(got, []string{featLong, "combining", "space", "'*'"}) {
		t.Errorf("valueFeatures: %v", got)
	}
}

// A generated step's flat parameters become typed params whose flattening
// is the same; names that form no tree are passed flat.
func TestTyped(t *testing.T) {
	r := &runner{profile: spec.Default()}
	for _, flat := range []map[string]string{
		{"RegionId": "r", "NetworkInterfaceId.1": "eni-1", "NetworkInterfaceId.2": "eni-2", "PageSize": "10"},
		{"Tag.1.Key": "k", "Tag.1.Value": "", "Tag.2.Key": "k2", "Conf.UdpTimeout": "30"},
		{"X": "a", "X.1": "b"},
		{"Y.2": "only the second"},
	} {
		typed := r.typed("DescribeNetworkInterfaces", flat)
		if d := cmp.Diff(flat, sdkdriver.Flatten(typed)); d != "" {
			t.Errorf("%v: typed %v flattens otherwise (-flat +typed):\n%s", flat, typed, d)
		}
	}
	if typed := r.typed("DescribeNetworkInterfaces", map[string]string{"PageSize": "10", "NetworkInterfaceId.1": "e"}); !cmp.Equal(typed,
		map[string]any{"PageSize": int64(10), "NetworkInterfaceId": []any{"e"}}) {
		t.Errorf("an Integer parameter and a list: %#v", typed)
	}
}

// Every simplification shrink tries is smaller than what it came from.
func TestSmallerParams(t *testing.T) {
	params := map[string]any{"A": "héllo wörld", "L": []any{"x", "yz"}, "S": map[string]any{"K": "ab", "V": 1}}
	size := func(p map[string]any) int { return len(sdkdriver.Flatten(p)) + len(strings.Join(values(p), "")) }
	for _, p := range smallerParams(params) {
		if size(p) >= size(params) {
			t.Errorf("%v is not smaller than %v", p, params)
		}
	}
}

// values lists the flat values of params.
func values(p map[string]any) []string {
	var out []string
	for _, v := range sdkdriver.Flatten(p) {
		out = append(out, v)
	}
	return out
}
