package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"
)

// request fills the model through its JSON tags: lists, lists of structs,
// structs, integers and booleans.
func TestRequest(t *testing.T) {
	v, why := request(reflect.TypeFor[ecs.CreateNetworkInterfaceRequest](), map[string]any{"RegionId": "cn-hangzhou",
		"QueueNumber": json.Number("8"), "DeleteOnRelease": true, "SecurityGroupIds": []any{"sg-1"}, "PrivateIpAddress": []any{},
		"Tag": []any{map[string]any{"Key": "k", "Value": ""}}, "ConnectionTrackingConfiguration": map[string]any{"UdpTimeout": json.Number("30")}})
	if why != "" {
		t.Fatal(why)
	}
	r := v.Interface().(*ecs.CreateNetworkInterfaceRequest)
	if tea.StringValue(r.RegionId) != "cn-hangzhou" || tea.Int32Value(r.QueueNumber) != 8 || !tea.BoolValue(r.DeleteOnRelease) ||
		tea.StringValue(r.SecurityGroupIds[0]) != "sg-1" || tea.StringValue(r.Tag[0].Value) != "" || r.Tag[0].Value == nil ||
		tea.Int32Value(r.ConnectionTrackingConfiguration.UdpTimeout) != 30 {
		t.Errorf("filled %s", r)
	}
}

// request names what the model cannot hold: encoding/json alone would drop
// an unknown name, or take it in another case.
func TestRequestRefuses(t *testing.T) {
	for _, tc := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"vswitchid": "x"}, "has no field vswitchid"},
		{map[string]any{"Tag": []any{map[string]any{"Key": "k", "Colour": "red"}}}, "has no field Tag.1.Colour"},
		{map[string]any{"QueueNumber": "eight"}, "cannot hold the parameters"},
		{map[string]any{"QueueNumber": json.Number("99999999999")}, "cannot hold the parameters"},
	} {
		if _, why := request(reflect.TypeFor[ecs.CreateNetworkInterfaceRequest](), tc.params); !strings.Contains(why, tc.want) {
			t.Errorf("request(%v) = %q, want it to say %q", tc.params, why, tc.want)
		}
	}
}
