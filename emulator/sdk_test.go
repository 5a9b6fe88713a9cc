package emulator_test

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs7 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	ecs1 "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/oracle"
)

// The acceptance of issue 4, as users of the SDKs see it.
const (
	vswitchNotFound = "InvalidVSwitchId.NotFound"
	nosuchVSwitch   = "vsw-nosuch"
	sdkName         = "sdk-eni"
	sdkDescription  = "made by an official SDK"
)

var eniPattern = regexp.MustCompile(`^eni-[0-9a-z]{20}$`)

// wantView is how Describe must show an ENI created with the SDK tests'
// parameters; the ID, IP and MAC are the server's choice and checked apart.
func wantView(id, ip, mac string) oracle.ENIView {
	return oracle.ENIView{NetworkInterfaceID: id, Status: "Available", VpcID: "vpc-bp1main", VSwitchID: vswitch,
		ZoneID: "cn-hangzhou-h", PrivateIPAddress: ip, MACAddress: mac, SecurityGroupIDs: []string{group},
		NetworkInterfaceName: sdkName, Description: sdkDescription}
}

// checkServerChoices fails unless the ENI's server-chosen values have their
// documented form and the handler's state holds the ENI with them.
func checkServerChoices(t *testing.T, srv *emulator.Server, v oracle.ENIView) {
	t.Helper()
	if !eniPattern.MatchString(v.NetworkInterfaceID) || !strings.HasPrefix(v.MACAddress, "00:16:3e:") ||
		!strings.HasPrefix(v.PrivateIPAddress, "172.16.0.") {
		t.Errorf("server choices: ID %q, MAC %q, IP %q", v.NetworkInterfaceID, v.MACAddress, v.PrivateIPAddress)
	}
	for _, e := range srv.Handler.State().ENIs(testOwner, region) {
		if e.ID == v.NetworkInterfaceID && e.IP == v.PrivateIPAddress && e.MAC == v.MACAddress {
			return
		}
	}
	t.Errorf("the handler's state lacks %+v", v)
}

// shapes records the signature method, signature scheme and answer format of every request a
// server logs, to show what an SDK mode really sends.
type shapes struct {
	mu   sync.Mutex
	seen map[string]int
}

func (s *shapes) log(e emulator.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	s.seen[e.Method+" "+e.Scheme.String()+" "+e.Format]++
}

// only fails unless every request had the shape want ("POST v3 JSON"); call it
// after the server is closed, when every entry is logged.
func (s *shapes) only(t *testing.T, want string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) != 1 || s.seen[want] == 0 {
		t.Errorf("requests by method, scheme and format: %v, want only %q", s.seen, want)
	}
}

// v7Client configures the Go SDK v7 for srv: no retries (RetryOptions nil;
// with retries and no Backoff it would sleep 100 s each) and short timeouts.
func v7Client(t *testing.T, srv *emulator.Server, algorithm string) *ecs7.Client {
	t.Helper()
	cfg := &openapi.Config{AccessKeyId: tea.String("test"), AccessKeySecret: tea.String("test"),
		Endpoint: tea.String(srv.Endpoint), Protocol: tea.String("http"), RegionId: tea.String(region),
		ReadTimeout: tea.Int(5000), ConnectTimeout: tea.Int(2000)}
	if algorithm != "" {
		cfg.SignatureAlgorithm = tea.String(algorithm)
	}
	c, err := ecs7.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The Go SDK v7, with ACS3 signing and with "v2" (RPC HMAC-SHA1): create,
// describe, an unknown vSwitch as *tea.SDKError 404, delete.
func TestGoSDKv7(t *testing.T) {
	for algorithm, shape := range map[string]string{"": "POST v3 JSON", "v2": "POST v1 JSON"} {
		t.Run("signature="+algorithm, func(t *testing.T) {
			t.Parallel()
			var sh shapes
			srv := start(t, emulator.Options{Log: sh.log})
			defer sh.only(t, shape)
			defer srv.Close()
			c := v7Client(t, srv, algorithm)
			req := &ecs7.CreateNetworkInterfaceRequest{RegionId: tea.String(region), VSwitchId: tea.String(vswitch),
				SecurityGroupId: tea.String(group), NetworkInterfaceName: tea.String(sdkName), Description: tea.String(sdkDescription)}
			id := createV7(t, c, req)
			got := describeV7(t, c, id)
			if d := cmp.Diff([]oracle.ENIView{wantView(id, got[0].PrivateIPAddress, got[0].MACAddress)}, got); d != "" {
				t.Errorf("Describe (-want +got):\n%s", d)
			}
			checkServerChoices(t, srv, got[0])

			req.VSwitchId = tea.String(nosuchVSwitch)
			_, err := c.CreateNetworkInterface(req)
			var sdkErr *tea.SDKError
			if !errors.As(err, &sdkErr) || tea.StringValue(sdkErr.Code) != vswitchNotFound || tea.IntValue(sdkErr.StatusCode) != 404 {
				t.Fatalf("unknown vSwitch: want *tea.SDKError %s 404, got %T %v", vswitchNotFound, err, err)
			}

			if _, err := c.DeleteNetworkInterface(&ecs7.DeleteNetworkInterfaceRequest{RegionId: tea.String(region),
				NetworkInterfaceId: tea.String(id)}); err != nil {
				t.Fatal(err)
			}
			if got := describeV7(t, c, id); len(got) != 0 {
				t.Errorf("Describe after Delete: %+v", got)
			}
		})
	}
}

// createV7 creates an ENI with the Go SDK v7 and returns its ID, failing
// unless the answer is HTTP 200 with an ID of the documented form.
func createV7(t *testing.T, c *ecs7.Client, req *ecs7.CreateNetworkInterfaceRequest) string {
	t.Helper()
	out, err := c.CreateNetworkInterface(req)
	if err != nil {
		t.Fatal(err)
	}
	id := tea.StringValue(out.Body.NetworkInterfaceId)
	if !eniPattern.MatchString(id) || tea.Int32Value(out.StatusCode) != 200 {
		t.Fatalf("CreateNetworkInterface: HTTP %d, ID %q", tea.Int32Value(out.StatusCode), id)
	}
	return id
}

// describeV7 lists the ENI id with the Go SDK v7.
func describeV7(t *testing.T, c *ecs7.Client, id string) []oracle.ENIView {
	t.Helper()
	out, err := c.DescribeNetworkInterfaces(&ecs7.DescribeNetworkInterfacesRequest{RegionId: tea.String(region),
		NetworkInterfaceId: []*string{tea.String(id)}})
	if err != nil {
		t.Fatal(err)
	}
	var views []oracle.ENIView
	for _, e := range out.Body.NetworkInterfaceSets.NetworkInterfaceSet {
		views = append(views, oracle.ENIView{NetworkInterfaceID: tea.StringValue(e.NetworkInterfaceId),
			Status: tea.StringValue(e.Status), VpcID: tea.StringValue(e.VpcId), VSwitchID: tea.StringValue(e.VSwitchId),
			ZoneID: tea.StringValue(e.ZoneId), PrivateIPAddress: tea.StringValue(e.PrivateIpAddress),
			MACAddress: tea.StringValue(e.MacAddress), SecurityGroupIDs: tea.StringSliceValue(e.SecurityGroupIds.SecurityGroupId),
			NetworkInterfaceName: tea.StringValue(e.NetworkInterfaceName), Description: tea.StringValue(e.Description)})
	}
	if int(tea.Int32Value(out.Body.TotalCount)) != len(views) {
		t.Errorf("TotalCount %d for %d ENIs", tea.Int32Value(out.Body.TotalCount), len(views))
	}
	return views
}

// classicClient configures the classic SDK (no retries, short timeout);
// each request must still be pointed at srv with classicTarget.
func classicClient(t *testing.T) *ecs1.Client {
	t.Helper()
	cfg := sdk.NewConfig().WithAutoRetry(false).WithTimeout(5 * time.Second)
	c, err := ecs1.NewClientWithOptions(region, cfg, credentials.NewAccessKeyCredential("test", "test"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aim points a classic SDK request at srv.
func aim(r requests.AcsRequest, srv *emulator.Server) {
	r.SetScheme("http")
	r.SetDomain(srv.Endpoint)
}

// The classic Go SDK, JSON and XML: create, describe, an unknown vSwitch as
// a ServerError 404 (in XML mode it cannot parse the error body, so the
// code is only in the message, which holds the body), delete.
func TestClassicSDK(t *testing.T) {
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) { // not parallel: the SDK's NewClient races on a global map
			var sh shapes
			srv := start(t, emulator.Options{Log: sh.log})
			defer sh.only(t, "POST v1 "+format)
			defer srv.Close()
			c := classicClient(t)
			req := ecs1.CreateCreateNetworkInterfaceRequest()
			aim(req, srv)
			req.AcceptFormat = format
			req.RegionId, req.VSwitchId, req.SecurityGroupId = region, vswitch, group
			req.NetworkInterfaceName, req.Description = sdkName, sdkDescription
			id := createClassic(t, c, req)
			got := describeClassic(t, srv, c, format, id)
			if d := cmp.Diff([]oracle.ENIView{wantView(id, got[0].PrivateIPAddress, got[0].MACAddress)}, got); d != "" {
				t.Errorf("Describe (-want +got):\n%s", d)
			}
			checkServerChoices(t, srv, got[0])

			bad := ecs1.CreateCreateNetworkInterfaceRequest()
			aim(bad, srv)
			bad.AcceptFormat = format
			bad.RegionId, bad.VSwitchId, bad.SecurityGroupId = region, nosuchVSwitch, group
			_, err := c.CreateNetworkInterface(bad)
			checkClassicError(t, format, err)

			del := ecs1.CreateDeleteNetworkInterfaceRequest()
			aim(del, srv)
			del.AcceptFormat = format
			del.RegionId, del.NetworkInterfaceId = region, id
			if _, err := c.DeleteNetworkInterface(del); err != nil {
				t.Fatal(err)
			}
			if got := describeClassic(t, srv, c, format, id); len(got) != 0 {
				t.Errorf("Describe after Delete: %+v", got)
			}
		})
	}
}

// createClassic creates an ENI with the classic SDK and returns its ID,
// failing unless the answer is HTTP 200 with an ID of the documented form.
func createClassic(t *testing.T, c *ecs1.Client, req *ecs1.CreateNetworkInterfaceRequest) string {
	t.Helper()
	out, err := c.CreateNetworkInterface(req)
	if err != nil {
		t.Fatal(err)
	}
	if !eniPattern.MatchString(out.NetworkInterfaceId) || out.GetHttpStatus() != 200 {
		t.Fatalf("CreateNetworkInterface: HTTP %d, ID %q", out.GetHttpStatus(), out.NetworkInterfaceId)
	}
	return out.NetworkInterfaceId
}

// checkClassicError checks the classic SDK's error for an unknown vSwitch.
func checkClassicError(t *testing.T, format string, err error) {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) || se.HttpStatus() != 404 {
		t.Fatalf("unknown vSwitch: want a ServerError with HTTP 404, got %T %v", err, err)
	}
	switch format {
	case "JSON":
		if se.ErrorCode() != vswitchNotFound {
			t.Errorf("ErrorCode() = %q, want %s", se.ErrorCode(), vswitchNotFound)
		}
	case "XML": // parsed as JSON whatever the format: the message is the XML body
		if se.ErrorCode() != "" || !strings.HasPrefix(se.Message(), "<?xml") ||
			!strings.Contains(se.Message(), "<Code>"+vswitchNotFound+"</Code>") {
			t.Errorf("XML error: ErrorCode() %q, Message() %q", se.ErrorCode(), se.Message())
		}
	}
}

// describeClassic lists the ENI id with the classic SDK.
func describeClassic(t *testing.T, srv *emulator.Server, c *ecs1.Client, format, id string) []oracle.ENIView {
	t.Helper()
	req := ecs1.CreateDescribeNetworkInterfacesRequest()
	aim(req, srv)
	req.AcceptFormat = format
	req.RegionId, req.NetworkInterfaceId = region, &[]string{id}
	out, err := c.DescribeNetworkInterfaces(req)
	if err != nil {
		t.Fatal(err)
	}
	var views []oracle.ENIView
	for _, e := range out.NetworkInterfaceSets.NetworkInterfaceSet {
		views = append(views, oracle.ENIView{NetworkInterfaceID: e.NetworkInterfaceId, Status: e.Status, VpcID: e.VpcId,
			VSwitchID: e.VSwitchId, ZoneID: e.ZoneId, PrivateIPAddress: e.PrivateIpAddress, MACAddress: e.MacAddress,
			SecurityGroupIDs: e.SecurityGroupIds.SecurityGroupId, NetworkInterfaceName: e.NetworkInterfaceName,
			Description: e.Description})
	}
	if out.TotalCount != len(views) {
		t.Errorf("TotalCount %d for %d ENIs", out.TotalCount, len(views))
	}
	return views
}
