package emulator_test

import (
	"errors"
	"fmt"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/tea"

	"github.com/eniconform/eniconform/emulator"
)

// A test starts the emulator on a loopback port in one line and points an
// official SDK at it, with the default world's key test/test. With a fixed
// Seed the server's choices (here the ENI ID) are reproducible.
func ExampleNewServer() {
	srv, err := emulator.NewServer(emulator.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	client, err := ecs.NewClient(&openapi.Config{
		AccessKeyId: tea.String("test"), AccessKeySecret: tea.String("test"),
		Endpoint: tea.String(srv.Endpoint), Protocol: tea.String("http"), RegionId: tea.String("cn-hangzhou"),
	})
	if err != nil {
		panic(err)
	}
	out, err := client.CreateNetworkInterface(&ecs.CreateNetworkInterfaceRequest{
		RegionId: tea.String("cn-hangzhou"), VSwitchId: tea.String("vsw-bp1main-h"), SecurityGroupId: tea.String("sg-bp1main"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(*out.StatusCode, *out.Body.NetworkInterfaceId, *out.Body.Status)

	_, err = client.CreateNetworkInterface(&ecs.CreateNetworkInterfaceRequest{
		RegionId: tea.String("cn-hangzhou"), VSwitchId: tea.String("vsw-nosuch"), SecurityGroupId: tea.String("sg-bp1main"),
	})
	var sdkErr *tea.SDKError
	if errors.As(err, &sdkErr) {
		fmt.Println(*sdkErr.StatusCode, *sdkErr.Code)
	}
	// Output:
	// 200 eni-hivgq4x8tngrfn2j9dg5 Available
	// 404 InvalidVSwitchId.NotFound
}
