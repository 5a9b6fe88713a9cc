// Command gov7 is the eniconform driver of the Go SDK v7
// (github.com/alibabacloud-go/ecs-20140526/v7 on darabonba-openapi/v2): it
// speaks the protocol of docs/driver-protocol.md on its stdin and stdout.
//
//	eniconform sdk --driver 'go run ./drivers/gov7'
//
// Any action is called generically: the request model <Action>Request is
// filled from the call's params through its JSON tags (the API's names),
// and client.<Action>WithOptions(request, runtime) is called by
// reflection. What it can express: signature v3 (the SDK's default, ACS3)
// and v1 (Config.SignatureAlgorithm "v2"); POST only, the parameters in the
// query, JSON answers only (the generated methods fix all three); the
// timeout (RuntimeOptions ReadTimeout and ConnectTimeout); attempts through
// Config.RetryOptions with a fixed backoff in whole seconds. Anything else
// is answered "unsupported", with the reason.
package main

import "github.com/eniconform/eniconform/sdkdriver"

// The modules the driver reports in its hello.
const (
	sdkModule     = "github.com/alibabacloud-go/ecs-20140526/v7"
	openapiModule = "github.com/alibabacloud-go/darabonba-openapi/v2"
)

func main() {
	sdkdriver.Main("gov7", hello(), func(env sdkdriver.Env) func(sdkdriver.Call) sdkdriver.Answer {
		return (&driver{env: env}).call
	})
}

// hello says who the driver is and what it can express.
func hello() sdkdriver.Hello {
	return sdkdriver.Hello{SDK: sdkModule,
		Version: sdkdriver.ModuleVersion(sdkModule) + " (darabonba-openapi/v2 " + sdkdriver.ModuleVersion(openapiModule) + ")",
		Options: sdkdriver.Capabilities{
			Signature: []string{sdkdriver.SignatureV3, sdkdriver.SignatureV1},
			Method:    []string{sdkdriver.MethodPOST},
			Body:      []string{sdkdriver.BodyQuery},
			Format:    []string{sdkdriver.FormatJSON},
			Timeout:   true, Attempts: true, Backoff: true,
		}}
}
