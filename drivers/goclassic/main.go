// Command goclassic is the eniconform driver of the classic Go SDK
// (github.com/aliyun/alibaba-cloud-sdk-go, services/ecs): it speaks the
// protocol of docs/driver-protocol.md on its stdin and stdout.
//
//	eniconform sdk --driver 'go run ./drivers/goclassic'
//
// Any action is called generically: a request is built as
// ecs.Create<Action>Request builds it, its fields are filled from the
// call's params through their `name:` tags (the API's names), and
// client.<Action>(request) is called by reflection. What it can express:
// signature v1 only (the SDK has no other); GET and POST (POST is the
// SDK's default), the parameters in the query (where the SDK's position
// tags put them); JSON and XML answers (request.AcceptFormat); the timeout
// (the request's read and connect timeouts); attempts (Config.AutoRetry
// and MaxRetryTime: the SDK retries 5xx answers and transport errors at
// once, with no backoff). Anything else is answered "unsupported", with
// the reason. What the SDK surfaces is reported as it is, its known
// limitations included: in XML mode it reads error bodies as JSON, so
// ErrorCode() is empty and the code is only inside Message().
package main

import "github.com/eniconform/eniconform/sdkdriver"

// sdkModule is the module the driver reports in its hello.
const sdkModule = "github.com/aliyun/alibaba-cloud-sdk-go"

func main() {
	sdkdriver.Main("goclassic", hello(), func(env sdkdriver.Env) func(sdkdriver.Call) sdkdriver.Answer {
		return (&driver{env: env}).call
	})
}

// hello says who the driver is and what it can express.
func hello() sdkdriver.Hello {
	return sdkdriver.Hello{SDK: sdkModule + "/services/ecs", Version: sdkdriver.ModuleVersion(sdkModule),
		Options: sdkdriver.Capabilities{
			Signature: []string{sdkdriver.SignatureV1},
			Method:    []string{sdkdriver.MethodPOST, sdkdriver.MethodGET},
			Body:      []string{sdkdriver.BodyQuery},
			Format:    []string{sdkdriver.FormatJSON, sdkdriver.FormatXML},
			Timeout:   true, Attempts: true,
		}}
}
