package wire

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	ecs7 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	ecs1 "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// The official SDKs decode what Render writes: the Tea SDK (ecs v7, JSON
// model types) and the classic SDK (responses.Unmarshal, JSON and XML), and
// both error paths (classic: JSON ServerError; Tea: JSON, or XML <Error>
// under text/xml;charset=utf-8).

var sampleENI = oracle.ENIView{
	NetworkInterfaceID: "eni-bp1bighqoqowq73yw91r", Status: "Available", VpcID: "vpc-1",
	VSwitchID: "vsw-1", ZoneID: "cn-hangzhou-e", PrivateIPAddress: "192.168.1.7",
	MACAddress: "00:16:3e:12:34:56", SecurityGroupIDs: []string{"sg-1", "sg-2"},
	NetworkInterfaceName: "名字 <&>", Description: "d", Type: "Secondary",
}

// sdkENI is the ENI as the SDKs show it, for comparison.
type sdkENI struct {
	ID, Status, Type, Vpc, VSwitch, Zone, IP, MAC, Name, Description string
	Groups                                                           []string
	PrimaryIP                                                        string
	Primary                                                          bool
}

var wantENI = sdkENI{"eni-bp1bighqoqowq73yw91r", "Available", "Secondary", "vpc-1", "vsw-1", "cn-hangzhou-e",
	"192.168.1.7", "00:16:3e:12:34:56", "名字 <&>", "d", []string{"sg-1", "sg-2"}, "192.168.1.7", true}

func renderBody(t *testing.T, action, format string, obs oracle.Observation) *http.Response {
	t.Helper()
	obs.Format = format
	rec := httptest.NewRecorder()
	Render(rec, spec.Default(), action, &obs)
	return rec.Result()
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

func TestSDKv7DecodesJSON(t *testing.T) {
	created := sampleENI
	resp := renderBody(t, ActionCreate, "JSON", oracle.Observation{RequestID: "R", NetworkInterfaceID: created.NetworkInterfaceID, Created: &created})
	var c ecs7.CreateNetworkInterfaceResponseBody
	if err := json.Unmarshal(readAll(t, resp), &c); err != nil {
		t.Fatal(err)
	}
	got := sdkENI{*c.NetworkInterfaceId, *c.Status, *c.Type, *c.VpcId, *c.VSwitchId, *c.ZoneId, *c.PrivateIpAddress,
		*c.MacAddress, *c.NetworkInterfaceName, *c.Description, dara.StringSliceValue(c.SecurityGroupIds.SecurityGroupId),
		*c.PrivateIpSets.PrivateIpSet[0].PrivateIpAddress, *c.PrivateIpSets.PrivateIpSet[0].Primary}
	if d := cmp.Diff(wantENI, got); d != "" || *c.RequestId != "R" {
		t.Errorf("Create (-want +SDK v7):\n%s", d)
	}
	resp = renderBody(t, ActionDescribe, "JSON", oracle.Observation{RequestID: "R", TotalCount: 1, PageNumber: 1, PageSize: 10, ENIs: []oracle.ENIView{sampleENI}})
	var d ecs7.DescribeNetworkInterfacesResponseBody
	if err := json.Unmarshal(readAll(t, resp), &d); err != nil {
		t.Fatal(err)
	}
	e := d.NetworkInterfaceSets.NetworkInterfaceSet[0]
	got = sdkENI{*e.NetworkInterfaceId, *e.Status, *e.Type, *e.VpcId, *e.VSwitchId, *e.ZoneId, *e.PrivateIpAddress,
		*e.MacAddress, *e.NetworkInterfaceName, *e.Description, dara.StringSliceValue(e.SecurityGroupIds.SecurityGroupId),
		*e.PrivateIpSets.PrivateIpSet[0].PrivateIpAddress, *e.PrivateIpSets.PrivateIpSet[0].Primary}
	if diff := cmp.Diff(wantENI, got); diff != "" || *d.TotalCount != 1 || *d.PageNumber != 1 || *d.PageSize != 10 {
		t.Errorf("Describe (-want +SDK v7):\n%s", diff)
	}
	resp = renderBody(t, ActionDelete, "JSON", oracle.Observation{RequestID: "R"})
	var del ecs7.DeleteNetworkInterfaceResponseBody
	if err := json.Unmarshal(readAll(t, resp), &del); err != nil || *del.RequestId != "R" {
		t.Errorf("Delete: %v", err)
	}
}

func TestClassicSDKDecodesJSONAndXML(t *testing.T) {
	for _, format := range []string{"JSON", "XML"} {
		created := sampleENI
		c := ecs1.CreateCreateNetworkInterfaceResponse()
		resp := renderBody(t, ActionCreate, format, oracle.Observation{RequestID: "R", NetworkInterfaceID: created.NetworkInterfaceID, Created: &created})
		if err := responses.Unmarshal(c, resp, format); err != nil {
			t.Fatalf("%s Create: %v", format, err)
		}
		got := sdkENI{c.NetworkInterfaceId, c.Status, c.Type, c.VpcId, c.VSwitchId, c.ZoneId, c.PrivateIpAddress,
			c.MacAddress, c.NetworkInterfaceName, c.Description, c.SecurityGroupIds.SecurityGroupId,
			c.PrivateIpSets.PrivateIpSet[0].PrivateIpAddress, c.PrivateIpSets.PrivateIpSet[0].Primary}
		if d := cmp.Diff(wantENI, got); d != "" || c.RequestId != "R" {
			t.Errorf("%s Create (-want +classic SDK):\n%s", format, d)
		}
		d := ecs1.CreateDescribeNetworkInterfacesResponse()
		resp = renderBody(t, ActionDescribe, format, oracle.Observation{RequestID: "R", TotalCount: 1, PageNumber: 1, PageSize: 10, ENIs: []oracle.ENIView{sampleENI}})
		if err := responses.Unmarshal(d, resp, format); err != nil {
			t.Fatalf("%s Describe: %v", format, err)
		}
		e := d.NetworkInterfaceSets.NetworkInterfaceSet[0]
		got = sdkENI{e.NetworkInterfaceId, e.Status, e.Type, e.VpcId, e.VSwitchId, e.ZoneId, e.PrivateIpAddress,
			e.MacAddress, e.NetworkInterfaceName, e.Description, e.SecurityGroupIds.SecurityGroupId,
			e.PrivateIpSets.PrivateIpSet[0].PrivateIpAddress, e.PrivateIpSets.PrivateIpSet[0].Primary}
		if diff := cmp.Diff(wantENI, got); diff != "" || d.TotalCount != 1 || d.PageNumber != 1 || d.PageSize != 10 || d.RequestId != "R" {
			t.Errorf("%s Describe (-want +classic SDK):\n%s", format, diff)
		}
		del := ecs1.CreateDeleteNetworkInterfaceResponse()
		if err := responses.Unmarshal(del, renderBody(t, ActionDelete, format, oracle.Observation{RequestID: "R"}), format); err != nil || del.RequestId != "R" {
			t.Errorf("%s Delete: %v, RequestId %q", format, err, del.RequestId)
		}
	}
}

func TestSDKsDecodeErrors(t *testing.T) {
	p := spec.Default()
	obs := oracle.Observation{RequestID: "R", HostID: "ecs.aliyuncs.com", Code: "InvalidVSwitchId.NotFound",
		Message: "The specified VSwitchId is not found.", Recommend: "https://api.aliyun.com/troubleshoot?q=x"}
	want, _ := p.Status(obs.Code)
	resp := renderBody(t, ActionCreate, "JSON", obs)
	if resp.StatusCode != want {
		t.Errorf("status %d, want p.Status(%s) = %d", resp.StatusCode, obs.Code, want)
	}
	se := sdkerrors.NewServerError(resp.StatusCode, string(readAll(t, resp)), "").(*sdkerrors.ServerError)
	got := []string{se.RequestId(), se.HostId(), se.ErrorCode(), se.Message(), se.Recommend()}
	if d := cmp.Diff([]string{obs.RequestID, obs.HostID, obs.Code, obs.Message, obs.Recommend}, got); d != "" {
		t.Errorf("classic SDK ServerError (-want +got):\n%s", d)
	}
	resp = renderBody(t, ActionCreate, "XML", obs)
	if ct := resp.Header.Get("Content-Type"); ct != "text/xml;charset=utf-8" {
		t.Errorf("XML error Content-Type %q: the Tea SDKs parse XML errors only under text/xml;charset=utf-8", ct)
	}
	m, _ := dara.ParseXml(string(readAll(t, resp)), nil)["Error"].(map[string]any)
	if m["Code"] != obs.Code || m["RequestId"] != obs.RequestID || m["HostId"] != obs.HostID {
		t.Errorf("Tea SDK XML error: %v", m)
	}
}
