package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
)

// newRequest builds what the generated constructors build.
func TestNewRequestIsTheGeneratedOne(t *testing.T) {
	for action, want := range map[string]any{
		"CreateNetworkInterface":    ecs.CreateCreateNetworkInterfaceRequest(),
		"DeleteNetworkInterface":    ecs.CreateDeleteNetworkInterfaceRequest(),
		"DescribeNetworkInterfaces": ecs.CreateDescribeNetworkInterfacesRequest(),
		"RunInstances":              ecs.CreateRunInstancesRequest(),
	} {
		got, _ := newRequest(reflect.TypeOf(want).Elem(), action)
		if !reflect.DeepEqual(got.Interface(), want) {
			t.Errorf("%s: newRequest = %+v, want %+v", action, got.Elem().Field(0).Interface(), want)
		}
	}
}

// fill sets scalars as text, lists, lists of structs, structs and RegionId
// from the protocol's params.
func TestFill(t *testing.T) {
	req, rpc := newRequest(reflect.TypeFor[ecs.CreateNetworkInterfaceRequest](), "CreateNetworkInterface")
	err := fillRequest(req.Elem(), rpc, map[string]any{"RegionId": "cn-hangzhou", "QueueNumber": json.Number("8"),
		"DeleteOnRelease": true, "SecurityGroupIds": []any{"sg-1"}, "Tag": []any{map[string]any{"Key": "k", "Value": ""}},
		"ConnectionTrackingConfiguration": map[string]any{"UdpTimeout": json.Number("30")}})
	if err != nil {
		t.Fatal(err)
	}
	r := req.Interface().(*ecs.CreateNetworkInterfaceRequest)
	if r.RegionId != "cn-hangzhou" || r.QueueNumber != "8" || r.DeleteOnRelease != "true" ||
		!reflect.DeepEqual(*r.SecurityGroupIds, []string{"sg-1"}) ||
		!reflect.DeepEqual(*r.Tag, []ecs.CreateNetworkInterfaceTag{{Key: "k"}}) || r.ConnectionTrackingConfiguration.UdpTimeout != "30" {
		t.Errorf("filled %+v", r)
	}
}

// fill names what the request cannot hold.
func TestFillRefuses(t *testing.T) {
	for _, tc := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"vswitchid": "x"}, "has no field vswitchid"},
		{map[string]any{"EnhancedNetwork": map[string]any{"VirtualFunctionQuantity": json.Number("1")}}, "has no field EnhancedNetwork.VirtualFunctionQuantity"},
		{map[string]any{"Tag": map[string]any{"Key": "k"}}, "takes a list for Tag, not an object"},
		{map[string]any{"Tag": []any{"k"}}, "takes an object for Tag.1, not a single value"},
		{map[string]any{"Description": []any{"a"}}, "takes a single value for Description, not a list"},
		{map[string]any{"RegionId": []any{"a"}}, "takes a single value for RegionId"},
	} {
		req, rpc := newRequest(reflect.TypeFor[ecs.CreateNetworkInterfaceRequest](), "CreateNetworkInterface")
		if err := fillRequest(req.Elem(), rpc, tc.params); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("fill(%v) = %v, want it to say %q", tc.params, err, tc.want)
		}
	}
	if !apiShape(reflect.ValueOf(&ecs.Client{}).MethodByName("CreateNetworkInterface").Type()) {
		t.Error("CreateNetworkInterface does not have the API shape")
	}
	for _, method := range []string{"CreateNetworkInterfaceWithChan", "DoAction", "Shutdown"} {
		if m := reflect.ValueOf(&ecs.Client{}).MethodByName(method); m.IsValid() && apiShape(m.Type()) {
			t.Errorf("%s has the API shape", method)
		}
	}
}
