package emulator_test

import (
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"

	ecs7 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	ecs1 "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/spec"
)

// The acceptance of issue 12, as users of today's SDKs see it: an ENI made
// with SecurityGroupIds, two tags and two secondary addresses, described
// back, its tags listed, renamed and deleted, against the current profile.
const (
	sideGroup   = "sg-bp1side"
	renamed     = "sdk-eni-renamed"
	sgConflict  = "InvalidParameter.Conflict"
	mainSubnet  = "172.16.0.0/24"
	secondaries = 2
)

var modernTags = map[string]string{"env": "test", "team": "net"}

// modernView is what the tests compare of a Describe entry; the addresses
// are the server's choice and checked by checkAddresses.
type modernView struct {
	Name, Description, Status, Type, VpcID, VSwitchID string
	Groups                                            []string
	Tags                                              map[string]string
	Primary                                           string   // PrivateIpAddress
	Sets                                              []ipSet  // PrivateIpSets, in order
	Secondary                                         []string // the Sets not primary
}

type ipSet struct {
	Address string
	Primary bool
}

func wantModern(name string, got modernView) modernView {
	return modernView{Name: name, Description: sdkDescription, Status: "Available", Type: "Secondary",
		VpcID: "vpc-bp1main", VSwitchID: vswitch, Groups: []string{group, sideGroup}, Tags: modernTags,
		Primary: got.Primary, Sets: got.Sets, Secondary: got.Secondary}
}

// checkAddresses fails unless the primary is the first set, marked
// primary, and the two secondaries are distinct addresses of the subnet,
// marked not primary.
func checkAddresses(t *testing.T, v modernView) {
	t.Helper()
	pfx := netip.MustParsePrefix(mainSubnet)
	if len(v.Sets) != 1+secondaries || v.Sets[0] != (ipSet{v.Primary, true}) {
		t.Fatalf("PrivateIpSets %+v, want the primary %s first and %d secondaries", v.Sets, v.Primary, secondaries)
	}
	seen := map[string]bool{}
	for _, s := range v.Sets {
		a, err := netip.ParseAddr(s.Address)
		if err != nil || !pfx.Contains(a) || seen[s.Address] {
			t.Errorf("PrivateIpSets %+v: %s is not a distinct address of %s", v.Sets, s.Address, mainSubnet)
		}
		seen[s.Address] = true
	}
	for _, s := range v.Sets[1:] {
		if s.Primary || !slices.Contains(v.Secondary, s.Address) {
			t.Errorf("PrivateIpSets %+v: %s is not a secondary", v.Sets, s.Address)
		}
	}
}

// checkGone fails if the handler's state still holds the ENI id.
func checkGone(t *testing.T, srv *emulator.Server, id string) {
	t.Helper()
	for _, e := range srv.Handler.State().ENIs(testOwner, region) {
		if e.ID == id {
			t.Errorf("%s is left after Delete", id)
		}
	}
}

func startCurrent(t *testing.T, sh *shapes) *emulator.Server {
	return start(t, emulator.Options{Profile: spec.Must(spec.CurrentProfile), Log: sh.log})
}

// The Go SDK v7, ACS3 and v2, with its own request and response models.
func TestGoSDKv7CurrentProfile(t *testing.T) {
	for algorithm, shape := range map[string]string{"": "POST v3 JSON", "v2": "POST v1 JSON"} {
		t.Run("signature="+algorithm, func(t *testing.T) {
			t.Parallel()
			var sh shapes
			srv := startCurrent(t, &sh)
			defer sh.only(t, shape)
			defer srv.Close()
			c := v7Client(t, srv, algorithm)
			var tags []*ecs7.CreateNetworkInterfaceRequestTag
			for _, k := range []string{"env", "team"} {
				tags = append(tags, &ecs7.CreateNetworkInterfaceRequestTag{Key: tea.String(k), Value: tea.String(modernTags[k])})
			}
			req := &ecs7.CreateNetworkInterfaceRequest{RegionId: tea.String(region), VSwitchId: tea.String(vswitch),
				SecurityGroupIds: tea.StringSlice([]string{group, sideGroup}), Tag: tags,
				SecondaryPrivateIpAddressCount: tea.Int32(secondaries),
				NetworkInterfaceName:           tea.String(sdkName), Description: tea.String(sdkDescription)}
			id := createV7(t, c, req)
			got := describeModernV7(t, c, id)
			if d := cmp.Diff(wantModern(sdkName, got), got); d != "" {
				t.Errorf("Describe (-want +got):\n%s", d)
			}
			checkAddresses(t, got)

			lt, err := c.ListTagResources(&ecs7.ListTagResourcesRequest{RegionId: tea.String(region),
				ResourceType: tea.String("eni"), ResourceId: tea.StringSlice([]string{id})})
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]string{}
			for _, r := range lt.Body.TagResources.TagResource {
				if tea.StringValue(r.ResourceId) != id || tea.StringValue(r.ResourceType) != "eni" {
					t.Errorf("ListTagResources lists %s %s", tea.StringValue(r.ResourceType), tea.StringValue(r.ResourceId))
				}
				listed[tea.StringValue(r.TagKey)] = tea.StringValue(r.TagValue)
			}
			if d := cmp.Diff(modernTags, listed); d != "" {
				t.Errorf("ListTagResources (-want +got):\n%s", d)
			}

			if _, err := c.ModifyNetworkInterfaceAttribute(&ecs7.ModifyNetworkInterfaceAttributeRequest{RegionId: tea.String(region),
				NetworkInterfaceId: tea.String(id), NetworkInterfaceName: tea.String(renamed)}); err != nil {
				t.Fatal(err)
			}
			after := describeModernV7(t, c, id)
			if d := cmp.Diff(wantModern(renamed, got), after); d != "" {
				t.Errorf("Describe after Modify (-want +got):\n%s", d)
			}

			both := &ecs7.CreateNetworkInterfaceRequest{RegionId: tea.String(region), VSwitchId: tea.String(vswitch),
				SecurityGroupId: tea.String(group), SecurityGroupIds: tea.StringSlice([]string{group})}
			_, err = c.CreateNetworkInterface(both)
			var sdkErr *tea.SDKError
			if !errors.As(err, &sdkErr) || tea.StringValue(sdkErr.Code) != sgConflict || tea.IntValue(sdkErr.StatusCode) != 400 {
				t.Errorf("both SG forms: want *tea.SDKError %s 400, got %T %v", sgConflict, err, err)
			}

			if _, err := c.DeleteNetworkInterface(&ecs7.DeleteNetworkInterfaceRequest{RegionId: tea.String(region),
				NetworkInterfaceId: tea.String(id)}); err != nil {
				t.Fatal(err)
			}
			checkGone(t, srv, id)
		})
	}
}

// describeModernV7 describes the ENI id with the Go SDK v7; it fails
// unless there is exactly one.
func describeModernV7(t *testing.T, c *ecs7.Client, id string) modernView {
	t.Helper()
	out, err := c.DescribeNetworkInterfaces(&ecs7.DescribeNetworkInterfacesRequest{RegionId: tea.String(region),
		NetworkInterfaceId: tea.StringSlice([]string{id})})
	if err != nil {
		t.Fatal(err)
	}
	set := out.Body.NetworkInterfaceSets.NetworkInterfaceSet
	if len(set) != 1 {
		t.Fatalf("Describe %s: %d entries", id, len(set))
	}
	e := set[0]
	v := modernView{Name: tea.StringValue(e.NetworkInterfaceName), Description: tea.StringValue(e.Description),
		Status: tea.StringValue(e.Status), Type: tea.StringValue(e.Type), VpcID: tea.StringValue(e.VpcId),
		VSwitchID: tea.StringValue(e.VSwitchId), Groups: tea.StringSliceValue(e.SecurityGroupIds.SecurityGroupId),
		Tags: map[string]string{}, Primary: tea.StringValue(e.PrivateIpAddress)}
	for _, tg := range e.Tags.Tag {
		v.Tags[tea.StringValue(tg.TagKey)] = tea.StringValue(tg.TagValue)
	}
	for _, s := range e.PrivateIpSets.PrivateIpSet {
		v.Sets = append(v.Sets, ipSet{tea.StringValue(s.PrivateIpAddress), tea.BoolValue(s.Primary)})
		if !tea.BoolValue(s.Primary) {
			v.Secondary = append(v.Secondary, tea.StringValue(s.PrivateIpAddress))
		}
	}
	return v
}

// The classic Go SDK, JSON and XML, with its request types.
func TestClassicSDKCurrentProfile(t *testing.T) {
	for _, format := range []string{"JSON", "XML"} {
		t.Run(format, func(t *testing.T) { // not parallel: the SDK's NewClient races on a global map
			var sh shapes
			srv := startCurrent(t, &sh)
			defer sh.only(t, "POST v1 "+format)
			defer srv.Close()
			c := classicClient(t)
			req := ecs1.CreateCreateNetworkInterfaceRequest()
			aim(req, srv)
			req.AcceptFormat = format
			req.RegionId, req.VSwitchId = region, vswitch
			req.SecurityGroupIds = &[]string{group, sideGroup}
			req.Tag = &[]ecs1.CreateNetworkInterfaceTag{{Key: "env", Value: modernTags["env"]}, {Key: "team", Value: modernTags["team"]}}
			req.SecondaryPrivateIpAddressCount = "2"
			req.NetworkInterfaceName, req.Description = sdkName, sdkDescription
			id := createClassic(t, c, req)
			got := describeModernClassic(t, srv, c, format, id)
			if d := cmp.Diff(wantModern(sdkName, got), got); d != "" {
				t.Errorf("Describe (-want +got):\n%s", d)
			}
			checkAddresses(t, got)

			lt := ecs1.CreateListTagResourcesRequest()
			aim(lt, srv)
			lt.AcceptFormat = format
			lt.RegionId, lt.ResourceType, lt.ResourceId = region, "eni", &[]string{id}
			lo, err := c.ListTagResources(lt)
			if err != nil {
				t.Fatal(err)
			}
			listed := map[string]string{}
			for _, r := range lo.TagResources.TagResource {
				if r.ResourceId != id || r.ResourceType != "eni" {
					t.Errorf("ListTagResources lists %s %s", r.ResourceType, r.ResourceId)
				}
				listed[r.TagKey] = r.TagValue
			}
			if d := cmp.Diff(modernTags, listed); d != "" {
				t.Errorf("ListTagResources (-want +got):\n%s", d)
			}

			mod := ecs1.CreateModifyNetworkInterfaceAttributeRequest()
			aim(mod, srv)
			mod.AcceptFormat = format
			mod.RegionId, mod.NetworkInterfaceId, mod.NetworkInterfaceName = region, id, renamed
			if _, err := c.ModifyNetworkInterfaceAttribute(mod); err != nil {
				t.Fatal(err)
			}
			after := describeModernClassic(t, srv, c, format, id)
			if d := cmp.Diff(wantModern(renamed, got), after); d != "" {
				t.Errorf("Describe after Modify (-want +got):\n%s", d)
			}

			both := ecs1.CreateCreateNetworkInterfaceRequest()
			aim(both, srv)
			both.AcceptFormat = format
			both.RegionId, both.VSwitchId, both.SecurityGroupId, both.SecurityGroupIds = region, vswitch, group, &[]string{group}
			_, err = c.CreateNetworkInterface(both)
			var se *sdkerrors.ServerError
			switch {
			case !errors.As(err, &se) || se.HttpStatus() != 400:
				t.Errorf("both SG forms: want a ServerError with HTTP 400, got %T %v", err, err)
			case format == "JSON" && se.ErrorCode() != sgConflict:
				t.Errorf("both SG forms: ErrorCode() = %q, want %s", se.ErrorCode(), sgConflict)
			case format == "XML" && !strings.Contains(se.Message(), "<Code>"+sgConflict+"</Code>"): // see checkClassicError
				t.Errorf("both SG forms: XML message %q lacks the code %s", se.Message(), sgConflict)
			}

			del := ecs1.CreateDeleteNetworkInterfaceRequest()
			aim(del, srv)
			del.AcceptFormat = format
			del.RegionId, del.NetworkInterfaceId = region, id
			if _, err := c.DeleteNetworkInterface(del); err != nil {
				t.Fatal(err)
			}
			checkGone(t, srv, id)
		})
	}
}

// describeModernClassic describes the ENI id with the classic SDK; it
// fails unless there is exactly one.
func describeModernClassic(t *testing.T, srv *emulator.Server, c *ecs1.Client, format, id string) modernView {
	t.Helper()
	req := ecs1.CreateDescribeNetworkInterfacesRequest()
	aim(req, srv)
	req.AcceptFormat = format
	req.RegionId, req.NetworkInterfaceId = region, &[]string{id}
	out, err := c.DescribeNetworkInterfaces(req)
	if err != nil {
		t.Fatal(err)
	}
	set := out.NetworkInterfaceSets.NetworkInterfaceSet
	if len(set) != 1 {
		t.Fatalf("Describe %s: %d entries", id, len(set))
	}
	e := set[0]
	v := modernView{Name: e.NetworkInterfaceName, Description: e.Description, Status: e.Status, Type: e.Type,
		VpcID: e.VpcId, VSwitchID: e.VSwitchId, Groups: e.SecurityGroupIds.SecurityGroupId, Tags: map[string]string{},
		Primary: e.PrivateIpAddress}
	for _, tg := range e.Tags.Tag {
		v.Tags[tg.TagKey] = tg.TagValue
	}
	for _, s := range e.PrivateIpSets.PrivateIpSet {
		v.Sets = append(v.Sets, ipSet{s.PrivateIpAddress, s.Primary})
		if !s.Primary {
			v.Secondary = append(v.Secondary, s.PrivateIpAddress)
		}
	}
	return v
}
