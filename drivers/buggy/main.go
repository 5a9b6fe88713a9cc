// Command buggy is an eniconform driver over a small hand-written client
// (the project's own wire encoder and signer, and net/http) into which SDK
// bugs can be planted, each chosen by name, so that tests can show
// `eniconform sdk` catches each under its aspect:
//
//	eniconform sdk --driver 'go run ./drivers/buggy --bug drop-star'
//
// Bugs (--bug NAME, repeatable or comma-separated; none: a correct client):
//   - drop-star: drops '*' from every parameter value before signing, so
//     the server decodes other values than the caller gave (encoding);
//   - status-500: surfaces every API error as HTTP 500 (surfacing);
//   - lose-request-id: surfaces API errors without their RequestId
//     (surfacing);
//   - retry-create: sends a CreateNetworkInterface without a ClientToken
//     once more after a 5xx or a transport error, a non-idempotent retry
//     (transport).
//
// What it can express: V1 and ACS3 (V1 the default); POST and GET; the
// parameters in the query, or (V1 only) in a form body; JSON answers; the
// timeout. It has no retry settings (attempts, backoff).
package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/eniconform/eniconform/sdkdriver"
)

// The bugs that can be planted.
const (
	bugDropStar      = "drop-star"
	bugStatus500     = "status-500"
	bugLoseRequestID = "lose-request-id"
	bugRetryCreate   = "retry-create"
)

// bugs lists them, for --bug.
var bugs = []string{bugDropStar, bugStatus500, bugLoseRequestID, bugRetryCreate}

func main() {
	planted := map[string]bool{}
	flag.Func("bug", "plant the SDK bug `NAME[,NAME]`: "+strings.Join(bugs, ", "), func(s string) error {
		for _, b := range strings.Split(s, ",") {
			if !slices.Contains(bugs, b) {
				return fmt.Errorf("unknown bug %q (known: %s)", b, strings.Join(bugs, ", "))
			}
			planted[b] = true
		}
		return nil
	})
	flag.Parse()
	sdkdriver.Main("buggy", hello(planted), func(env sdkdriver.Env) func(sdkdriver.Call) sdkdriver.Answer {
		return (&client{env: env, bugs: planted}).call
	})
}

// hello says what the client can express, and which bugs it carries.
func hello(planted map[string]bool) sdkdriver.Hello {
	version := "1 (no bugs)"
	if len(planted) > 0 {
		var names []string
		for _, b := range bugs {
			if planted[b] {
				names = append(names, b)
			}
		}
		version = "1 (bugs: " + strings.Join(names, ", ") + ")"
	}
	return sdkdriver.Hello{SDK: "eniconform/drivers/buggy", Version: version, Options: sdkdriver.Capabilities{
		Signature: []string{sdkdriver.SignatureV1, sdkdriver.SignatureV3},
		Method:    []string{sdkdriver.MethodPOST, sdkdriver.MethodGET},
		Body:      []string{sdkdriver.BodyQuery, sdkdriver.BodyForm},
		Format:    []string{sdkdriver.FormatJSON},
		Timeout:   true,
	}}
}
