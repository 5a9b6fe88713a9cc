package wire

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// A Describe entry carries every list map even when empty, as maps
// holding lists (Terraform type-asserts Ipv6Sets.Ipv6Set and the others,
// CLIENTS.md §9), with Primary a JSON boolean; in XML the elements are
// there too. Parsing a body without them names each one missing.
func TestDescribeEntryCarriesEveryListMapEvenWhenEmpty(t *testing.T) {
	bare := oracle.ENIView{NetworkInterfaceID: "eni-1", Status: "Available", PrivateIPAddress: "172.16.0.5", Type: "Secondary"}
	obs := oracle.Observation{RequestID: "R", TotalCount: 1, PageNumber: 1, PageSize: 10, ENIs: []oracle.ENIView{bare}}
	var body struct {
		NetworkInterfaceSets struct{ NetworkInterfaceSet []map[string]any }
	}
	if err := json.Unmarshal(readAll(t, renderBody(t, ActionDescribe, "JSON", obs)), &body); err != nil {
		t.Fatal(err)
	}
	entry := body.NetworkInterfaceSets.NetworkInterfaceSet[0]
	lists := map[string]string{"Ipv6Sets": "Ipv6Set", "Ipv4PrefixSets": "Ipv4PrefixSet", "Ipv6PrefixSets": "Ipv6PrefixSet",
		"PrivateIpSets": "PrivateIpSet", "SecurityGroupIds": "SecurityGroupId", "Tags": "Tag"}
	for outer, inner := range lists {
		m, ok := entry[outer].(map[string]any)
		if !ok {
			t.Errorf("%s is %T, want a map", outer, entry[outer])
			continue
		}
		if _, ok := m[inner].([]any); !ok {
			t.Errorf("%s.%s is %T, want a list (empty at least)", outer, inner, m[inner])
		}
	}
	if ip := entry["PrivateIpSets"].(map[string]any)["PrivateIpSet"].([]any)[0].(map[string]any); ip["Primary"] != true {
		t.Errorf("Primary is %#v, want the JSON boolean true", ip["Primary"])
	}
	xml := string(readAll(t, renderBody(t, ActionDescribe, "XML", obs)))
	for outer := range lists {
		if !strings.Contains(xml, "<"+outer+">") {
			t.Errorf("the XML entry lacks <%s>", outer)
		}
	}
	for _, f := range []string{"JSON", "XML"} {
		if got := parseENIs(t, f, obs); len(got[0].Missing) != 0 {
			t.Errorf("%s: a rendered entry misses %v", f, got[0].Missing)
		}
	}
	o := parseBody(t, `{"RequestId":"R","TotalCount":1,"NetworkInterfaceSets":{"NetworkInterfaceSet":[{"NetworkInterfaceId":"eni-1","SecurityGroupIds":{"SecurityGroupId":[]}}]}}`)
	if want := []string{"PrivateIpSets", "Ipv6Sets", "Ipv4PrefixSets", "Ipv6PrefixSets", "Tags"}; !slices.Equal(o.ENIs[0].Missing, want) {
		t.Errorf("a body without the list maps: Missing %v, want %v", o.ENIs[0].Missing, want)
	}
}

func parseENIs(t *testing.T, format string, obs oracle.Observation) []oracle.ENIView {
	o := ParseResponse(spec.Default(), ActionDescribe, renderBody(t, ActionDescribe, format, obs), nil)
	if o.Kind != oracle.Answered {
		t.Fatalf("%s: %s", format, o.Problem)
	}
	return o.ENIs
}

func parseBody(t *testing.T, body string) oracle.Observation {
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json;charset=utf-8"}}, Body: io.NopCloser(strings.NewReader(body))}
	return ParseResponse(spec.Default(), ActionDescribe, resp, nil)
}

// A Create body carries the newest Create fields only (API-FACTS §3a): the
// fields only a Describe entry has (QueueNumber, ...) are left out, so
// that an SDK's Create model surfaces every field it gets.
func TestCreateBodyLacksDescribeOnlyFields(t *testing.T) {
	v := oracle.ENIView{NetworkInterfaceID: "eni-1", Status: "Available", Type: "Secondary", TrafficMode: "Standard", QueueNumber: 2}
	create := string(readAll(t, renderBody(t, ActionCreate, "JSON", oracle.Observation{RequestID: "R", NetworkInterfaceID: "eni-1", Created: &v})))
	describe := string(readAll(t, renderBody(t, ActionDescribe, "JSON", oracle.Observation{RequestID: "R", ENIs: []oracle.ENIView{v}})))
	for _, f := range []string{"QueueNumber", "QueuePairNumber", "NetworkInterfaceTrafficMode", "DeleteOnRelease"} {
		if strings.Contains(create, `"`+f+`"`) || !strings.Contains(describe, `"`+f+`"`) {
			t.Errorf("%s: want it in the Describe entry only; create %s", f, create)
		}
	}
}
