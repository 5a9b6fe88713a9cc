package sdkdriver_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/sdkdriver"
)

// The test binary is also the fake driver of the runner tests: run as
// `sdkdriver.test fake-driver MODE`, it speaks the protocol (or breaks it)
// as MODE says, instead of running the tests.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "fake-driver" {
		os.Exit(fake(os.Args[2]))
	}
	// A fake built with -race would otherwise sleep 1 s at exit, longer
	// than the tests wait for it.
	os.Setenv("GORACE", "atexit_sleep_ms=0")
	os.Exit(m.Run())
}

// fakeCommand is the command line of the fake driver in mode.
func fakeCommand(mode string) string {
	return strconv.Quote(os.Args[0]) + " fake-driver " + mode
}

// fakeHello is the hello of a well-behaved fake.
const fakeHello = `{"protocol":1,"sdk":"fake","version":"v0","options":{"signature":["v3","v1"],"method":["POST"],` +
	`"body":["query"],"format":["JSON","XML"],"timeout":true,"attempts":false}}`

// fake runs the fake driver in mode and returns its exit status.
func fake(mode string) int {
	fmt.Fprintf(os.Stderr, "fake driver: mode %s\n", mode)
	switch mode {
	case "main":
		hello, _ := sdkdriver.ParseHello([]byte(fakeHello))
		sdkdriver.Main("fake driver", hello, mainHandler)
		return 0
	case "exit-before-hello":
		fmt.Fprintln(os.Stderr, "fake driver: cannot load the SDK")
		return 3
	case "leak-secret":
		fmt.Fprintln(os.Stderr, "fake driver: the secret is", os.Getenv(sdkdriver.EnvAccessKeySecret))
		return 1
	case "silent":
		time.Sleep(time.Hour)
	case "prose-hello":
		fmt.Println("Hello! I am a driver.")
	case "hello-v2":
		fmt.Println(`{"protocol":2,"sdk":"fake","version":"v0"}`)
	case "hello-no-options":
		fmt.Println(`{"protocol":1,"sdk":"fake","version":"v0"}`)
	case "hello-key-option":
		fmt.Println(strings.Replace(fakeHello, `"v1"`, strconv.Quote(os.Getenv(sdkdriver.EnvAccessKeySecret)), 1))
	}
	if !strings.HasPrefix(mode, "hello-") && mode != "prose-hello" {
		fmt.Println(fakeHello)
	}
	return serveFake(mode)
}

// serveFake answers calls (or misbehaves) after the hello, as mode says.
func serveFake(mode string) int {
	if mode == "slow-reader" {
		time.Sleep(800 * time.Millisecond) // a call past the pipe's buffer waits as long
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 8<<20)
	for in.Scan() {
		c, err := sdkdriver.ParseCall(in.Bytes())
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake driver:", err)
			return 2
		}
		if status, stop := misbehave(mode, c); stop {
			return status
		}
	}
	return atEOF(mode)
}

// misbehave writes what mode answers to c; stop says the fake ends with
// status.
func misbehave(mode string, c sdkdriver.Call) (status int, stop bool) {
	switch mode {
	case "prose-answer":
		fmt.Println("OK, done with " + os.Getenv(sdkdriver.EnvAccessKeySecret))
	case "wrong-id":
		fmt.Printf(`{"id":%d,"ok":{}}`+"\n", c.ID+1)
	case "two-answers":
		fmt.Printf(`{"id":%d,"ok":{}}`+"\n", c.ID)
		fmt.Printf(`{"id":%d,"ok":{}}`+"\n", c.ID)
	case "two-outcomes":
		fmt.Printf(`{"id":%d,"ok":{},"unsupported":"no"}`+"\n", c.ID)
	case "huge-line":
		hugeLine()
	case "exit-before-answer":
		fmt.Fprintln(os.Stderr, "fake driver: giving up")
		return 1, true
	case "half-line":
		fmt.Printf(`{"id":%d,"ok":`, c.ID)
		return 0, true
	case "hang", "slow-reader":
		time.Sleep(time.Hour)
	case "key-as-kind", "key-as-ok", "key-cut":
		keyAnswer(mode, c)
	default:
		answer(c)
	}
	return 0, false
}

// keyAnswer writes an answer whose bad value is the secret: a failure
// kind, an ok that is a string, or (key-cut) a string in which the secret
// straddles the 60th byte, where the parsers cut what they quote.
func keyAnswer(mode string, c sdkdriver.Call) {
	secret := os.Getenv(sdkdriver.EnvAccessKeySecret)
	switch mode {
	case "key-as-kind":
		fmt.Printf(`{"id":%d,"failure":{"kind":%q,"text":"","elapsed_ms":1}}`+"\n", c.ID, secret)
	case "key-as-ok":
		fmt.Printf(`{"id":%d,"ok":%q}`+"\n", c.ID, secret)
	default:
		fmt.Printf(`{"id":%d,"ok":%q}`+"\n", c.ID, strings.Repeat("x", 60-len(secret)/2)+secret)
	}
}

// mainHandler is the handler of mode main, run by sdkdriver.Main: Echo
// prints on stdout, as an SDK's debug output does, and answers the Env it
// was given.
func mainHandler(env sdkdriver.Env) func(sdkdriver.Call) sdkdriver.Answer {
	return func(c sdkdriver.Call) sdkdriver.Answer {
		fmt.Println("> POST / (the SDK's debug output)")
		if c.Action != "Echo" {
			return sdkdriver.Answer{Unsupported: "the fake knows no action " + c.Action}
		}
		return sdkdriver.Answer{OK: map[string]any{"Endpoint": env.Endpoint, "Region": env.RegionID}}
	}
}

// hugeLine writes a 100 MB line, or as much as the reader takes.
func hugeLine() {
	chunk := []byte(strings.Repeat("x", 1<<20))
	for range 100 {
		if _, err := os.Stdout.Write(chunk); err != nil {
			return
		}
	}
	fmt.Println()
}

// answer is the well-behaved answer to c: action Echo returns its params
// and options, Env the driver's environment, Fail an API error, Slow
// sleeps for params.ms first, Secret logs the secret.
func answer(c sdkdriver.Call) {
	a := sdkdriver.Answer{ID: c.ID}
	switch c.Action {
	case "Echo":
		opts, _ := json.Marshal(c.Options)
		a.OK = map[string]any{"Params": c.Params, "Options": string(opts)}
	case "Env":
		a.OK = map[string]any{}
		for _, k := range append([]string{sdkdriver.EnvAccessKeyID, sdkdriver.EnvAccessKeySecret, sdkdriver.EnvRegionID,
			sdkdriver.EnvEndpoint, sdkdriver.EnvProtocol, "ALIBABA_CLOUD_SECURITY_TOKEN", "FAKE_INHERITED"}, withheld...) {
			if v, ok := os.LookupEnv(k); ok {
				a.OK[k] = v
			}
		}
	case "Fail":
		a.Error = &sdkdriver.APIError{Code: "InvalidVSwitchId.NotFound", HTTPStatus: 404, RequestID: "R-1"}
	case "Slow":
		ms, _ := c.Params["ms"].(json.Number).Int64()
		time.Sleep(time.Duration(ms) * time.Millisecond)
		a.Failure = &sdkdriver.Failure{Kind: sdkdriver.KindTimeout, Text: "slow", Elapsed: time.Duration(ms) * time.Millisecond}
	case "Secret":
		fmt.Fprintln(os.Stderr, "fake driver: the secret is", os.Getenv(sdkdriver.EnvAccessKeySecret))
		a.Unsupported = "logged it"
	default:
		a.Unsupported = "the fake knows no action " + c.Action
	}
	b, _ := a.MarshalJSON()
	fmt.Println(string(b))
}

// atEOF is what mode does when its stdin ends.
func atEOF(mode string) int {
	switch mode {
	case "bad-exit":
		return 3
	case "linger":
		time.Sleep(time.Hour)
	case "after-last":
		fmt.Println(`{"id":99,"ok":{}}`)
	}
	return 0
}
