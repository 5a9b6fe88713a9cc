package drivers_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/sdkdriver"
)

var eniPattern = regexp.MustCompile(`^eni-[0-9a-z]{20}$`)

// Each driver, in every combination of options it can send, creates an
// ENI, describes it back, surfaces an unknown vSwitch as the SDK sees it,
// and deletes the ENI; what it cannot send it answers "unsupported" and
// sends nothing, and its hello never promises less than it does.
func TestLifecycle(t *testing.T) {
	eachSubject(t, func(t *testing.T, s subject, b *bench, d *sdkdriver.Driver) {
		if v := d.Hello().Version; strings.Contains(v, "unknown") {
			t.Errorf("the hello's version %q does not name the SDK's", v)
		}
		supported := 0
		for _, o := range combos() {
			t.Run(name(o), func(t *testing.T) {
				if lifecycle(t, b, d, s, o) {
					supported++
				}
			})
		}
		if supported != s.combos {
			t.Errorf("%s sends %d of the 12 combinations of options, want %d", s.name, supported, s.combos)
		}
	})
}

// lifecycle runs create, describe, a refused create, delete and describe
// with options o, and reports whether the driver could send them.
func lifecycle(t *testing.T, b *bench, d *sdkdriver.Driver, s subject, o sdkdriver.Options) bool {
	before := len(b.exchanges())
	a := call(t, d, sdkdriver.Call{Action: "CreateNetworkInterface", Options: o, Params: map[string]any{
		"RegionId": region, "VSwitchId": vswitch, "SecurityGroupId": group, "NetworkInterfaceName": "sdk-eni",
		"Description": "made by " + s.name}})
	promised, _ := d.Hello().Options.Expresses(o)
	if a.Outcome() == sdkdriver.OutcomeUnsupported {
		if n := len(b.exchanges()); n != before {
			t.Errorf("unsupported (%s), yet %d requests were sent", a.Unsupported, n-before)
		}
		return false
	}
	if !promised {
		t.Errorf("the hello does not promise %+v, yet the driver sent it", o)
	}
	id := created(t, b, o, a)
	if got := describe(t, b, d, o, id); got != 1 {
		t.Errorf("Describe after Create lists %d ENIs", got)
	}
	refused(t, b, d, s, o)
	a = call(t, d, sdkdriver.Call{Action: "DeleteNetworkInterface", Options: o,
		Params: map[string]any{"RegionId": region, "NetworkInterfaceId": id}})
	if a.OK == nil || a.OK["RequestId"] != b.last(t).Entry.RequestID {
		t.Errorf("Delete: %+v", a)
	}
	if got := describe(t, b, d, o, id); got != 0 {
		t.Errorf("Describe after Delete lists %d ENIs", got)
	}
	return true
}

// created checks the answer to a create and the request behind it, and
// returns the new ENI's ID.
func created(t *testing.T, b *bench, o sdkdriver.Options, a sdkdriver.Answer) string {
	t.Helper()
	x := b.last(t)
	wantScheme := map[string]oracle.Scheme{sdkdriver.SignatureV1: oracle.V1, sdkdriver.SignatureV3: oracle.V3}[o.Signature]
	if x.Sig != oracle.SigValid || x.Scheme != wantScheme || x.Method != o.Method || x.Entry.Format != o.Format {
		t.Errorf("the create was sent %s %s (signature valid: %v) and answered in %s, want %s %s %s",
			x.Method, x.Scheme, x.Sig == oracle.SigValid, x.Entry.Format, o.Method, o.Signature, o.Format)
	}
	id, _ := a.OK["NetworkInterfaceId"].(string)
	if !eniPattern.MatchString(id) || a.OK["RequestId"] != x.Entry.RequestID {
		t.Fatalf("Create: want an ENI and RequestId %s, got %+v", x.Entry.RequestID, a)
	}
	return id
}

// describe describes the ENI id and returns how many ENIs are listed,
// checking that any listed is id.
func describe(t *testing.T, b *bench, d *sdkdriver.Driver, o sdkdriver.Options, id string) int {
	t.Helper()
	a := call(t, d, sdkdriver.Call{Action: "DescribeNetworkInterfaces", Options: o,
		Params: map[string]any{"RegionId": region, "NetworkInterfaceId": []any{id}}})
	sets, _ := dig(a.OK, "NetworkInterfaceSets", "NetworkInterfaceSet").([]any)
	for _, e := range sets {
		if got := dig(e, "NetworkInterfaceId"); got != id {
			t.Errorf("Describe lists %v, want only %s", got, id)
		}
	}
	if total := fmt.Sprint(dig(a.OK, "TotalCount")); total != fmt.Sprint(len(sets)) || a.OK["RequestId"] != b.last(t).Entry.RequestID {
		t.Errorf("Describe: TotalCount %s for %d ENIs, answer %+v", total, len(sets), a)
	}
	return len(sets)
}

// refused checks how the driver surfaces an unknown vSwitch: the code,
// status and RequestId the emulator sent, or (where the SDK is known to
// lose them in XML) the status and the body as the message.
func refused(t *testing.T, b *bench, d *sdkdriver.Driver, s subject, o sdkdriver.Options) {
	t.Helper()
	a := call(t, d, sdkdriver.Call{Action: "CreateNetworkInterface", Options: o,
		Params: map[string]any{"RegionId": region, "VSwitchId": "vsw-nosuch", "SecurityGroupId": group}})
	x := b.last(t).Entry
	if x.Code != "InvalidVSwitchId.NotFound" || x.Status != 404 {
		t.Fatalf("the emulator answered %d %s", x.Status, x.Code)
	}
	e := a.Error
	switch {
	case e == nil:
		t.Errorf("an unknown vSwitch: want an API error, got %+v", a)
	case s.xmlErrorsLost && o.Format == sdkdriver.FormatXML:
		if e.Code != "" || e.RequestID != "" || e.HTTPStatus != 404 || !strings.Contains(e.Message, "<Code>InvalidVSwitchId.NotFound</Code>") {
			t.Errorf("the known XML limitation changed: %+v", e)
		}
	case e.Code != x.Code || e.HTTPStatus != x.Status || e.RequestID != x.RequestID || e.Message == "":
		t.Errorf("an unknown vSwitch surfaced as %+v, want code %s, status %d, RequestId %s and a message",
			e, x.Code, x.Status, x.RequestID)
	}
}

// dig returns the value at path inside nested JSON objects, nil if absent.
func dig(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return v
}
