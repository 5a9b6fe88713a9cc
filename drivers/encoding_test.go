package drivers_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/sdkdriver"
)

// stress are values that SDKs encode or sign wrongly: non-ASCII, spaces,
// the characters form encoding and RFC 3986 treat apart, percent signs,
// reserved characters, control characters, a long value, an empty one.
var stress = []string{"ü 中文 ✓", "a b", "a+b", "*", "~", "%20", "&=?/#;,", "  two  spaces ",
	"line\nbreak\ttab", strings.Repeat("long·", 50), ""}

// In every combination of options a driver can send, the gateway decodes
// exactly the values the driver was given, and the signature verifies:
// stressed strings, repeat lists, lists of structs, structs, integers and
// booleans. The classic SDK leaves empty values out (an absent and an
// empty value are the same to the API).
func TestEncoding(t *testing.T) {
	eachSubject(t, func(t *testing.T, s subject, b *bench, d *sdkdriver.Driver) {
		for _, o := range combos() {
			t.Run(name(o), func(t *testing.T) {
				for _, v := range stress {
					encodes(t, b, d, s, o, map[string]any{"Description": v})
				}
				encodes(t, b, d, s, o, structured)
			})
		}
	})
}

// structured holds every kind of value.
var structured = map[string]any{
	"SecurityGroupIds":                []any{group, "sg ü+*"},
	"Tag":                             []any{map[string]any{"Key": "k*", "Value": ""}, map[string]any{"Key": "k~2", "Value": "v+2 ü"}},
	"ConnectionTrackingConfiguration": map[string]any{"UdpTimeout": 30},
	"QueueNumber":                     8,
	"DeleteOnRelease":                 true,
}

// encodes sends a create for an unknown vSwitch (so that nothing is
// created) with extra params and checks that the gateway decoded exactly
// their flattening (beside the common parameters), under a valid
// signature. Options the driver cannot send are skipped (TestLifecycle
// counts them); an unsupported answer to options it promises is an error.
func encodes(t *testing.T, b *bench, d *sdkdriver.Driver, s subject, o sdkdriver.Options, extra map[string]any) {
	t.Helper()
	params := map[string]any{"RegionId": region, "VSwitchId": "vsw-nosuch"}
	maps.Copy(params, extra)
	before := len(b.exchanges())
	a := call(t, d, sdkdriver.Call{Action: "CreateNetworkInterface", Options: o, Params: params})
	switch {
	case a.Failure != nil:
		t.Errorf("the driver failed: %+v", a.Failure)
		return
	case a.Outcome() == sdkdriver.OutcomeUnsupported:
		if s.promises(d.Hello(), o) {
			t.Errorf("%v: unsupported (%s), though the hello promises these options", extra, a.Unsupported)
		}
		return
	}
	seen := b.exchanges()
	if len(seen) != before+1 {
		t.Fatalf("%d requests for one call", len(seen)-before)
	}
	x := seen[before]
	want := sdkdriver.Flatten(params)
	if s.dropsEmpty {
		maps.DeleteFunc(want, func(_, v string) bool { return v == "" })
	}
	if d := cmp.Diff(want, apiParams(b, x)); d != "" || x.Sig != oracle.SigValid {
		t.Errorf("%v: signature valid %v; decoded parameters (-sent +decoded):\n%s", extra, x.Sig == oracle.SigValid, d)
	}
}

// apiParams returns the decoded parameters of x that are not common
// parameters of the profile.
func apiParams(b *bench, x exchange) map[string]string {
	p := b.h.Profile()
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(x.Params)) {
		if p.Common(k) == nil {
			out[k] = x.Params[k]
		}
	}
	return out
}
