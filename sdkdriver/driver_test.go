package sdkdriver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/sdkdriver"
)

// testEnv is what the fake drivers are told.
var testEnv = sdkdriver.Env{Endpoint: "127.0.0.1:9", Protocol: "http", AccessKeyID: "fake-id",
	AccessKeySecret: "fake-secret-42", RegionID: "cn-hangzhou"}

// quick is a Config for a fake driver in mode. The tests that wait for a
// deadline shorten the wait they test; the others keep room for a loaded
// machine.
func quick(mode string) sdkdriver.Config {
	return sdkdriver.Config{Command: fakeCommand(mode), Env: testEnv, HelloTimeout: 10 * time.Second,
		Grace: 10 * time.Second, ExitTimeout: 3 * time.Second}
}

// startFake starts the fake driver in mode or fails the test.
func startFake(t *testing.T, mode string) *sdkdriver.Driver {
	t.Helper()
	d, err := sdkdriver.Start(context.Background(), quick(mode))
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// A well-behaved driver: the hello is read, each kind of answer comes back
// with its call's id and its values intact, and Close is clean.
func TestSession(t *testing.T) {
	t.Parallel()
	d := startFake(t, "good")
	if h := d.Hello(); h.SDK != "fake" || h.Version != "v0" || h.Options.Default("signature") != "v3" {
		t.Errorf("Hello = %+v", h)
	}
	params := map[string]any{"Description": "ü *~+ %20", "Empty": "", "QueueNumber": 8, "DeleteOnRelease": true,
		"SecurityGroupIds": []string{"sg-1", "sg-2"}, "Tag": []any{map[string]any{"Key": "k", "Value": ""}},
		"ConnectionTrackingConfiguration": map[string]any{"UdpTimeout": json.Number("30")}}
	opts := sdkdriver.Options{Signature: sdkdriver.SignatureV1, Format: sdkdriver.FormatXML, TimeoutMS: 500}
	a := call(t, d, sdkdriver.Call{Action: "Echo", Params: params, Options: opts})
	want := map[string]any{"Description": "ü *~+ %20", "Empty": "", "QueueNumber": json.Number("8"), "DeleteOnRelease": true,
		"SecurityGroupIds": []any{"sg-1", "sg-2"}, "Tag": []any{map[string]any{"Key": "k", "Value": ""}},
		"ConnectionTrackingConfiguration": map[string]any{"UdpTimeout": json.Number("30")}}
	if a.ID != 1 || !reflect.DeepEqual(a.OK["Params"], want) || a.OK["Options"] != `{"signature":"v1","format":"XML","timeout_ms":500}` {
		t.Errorf("Echo answer %d: %#v", a.ID, a.OK)
	}
	if a := call(t, d, sdkdriver.Call{Action: "Fail"}); a.ID != 2 ||
		!reflect.DeepEqual(a.Error, &sdkdriver.APIError{Code: "InvalidVSwitchId.NotFound", HTTPStatus: 404, RequestID: "R-1"}) {
		t.Errorf("Fail answer %d: %+v", a.ID, a.Error)
	}
	if a := call(t, d, sdkdriver.Call{Action: "Nope"}); a.ID != 3 || a.Outcome() != sdkdriver.OutcomeUnsupported {
		t.Errorf("Nope answer %d: %+v", a.ID, a)
	}
	a = call(t, d, sdkdriver.Call{Action: "Slow", Params: map[string]any{"ms": 50}})
	if a.Failure == nil || a.Failure.Kind != sdkdriver.KindTimeout || a.Failure.Elapsed != 50*time.Millisecond || a.Elapsed < 50*time.Millisecond {
		t.Errorf("Slow answer: %+v after %v", a.Failure, a.Elapsed)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := d.Call(context.Background(), sdkdriver.Call{Action: "Echo"}); err == nil {
		t.Error("Call after Close succeeded")
	}
}

// A driver built on sdkdriver.Main speaks the protocol: the hello, an
// answer from the handler made for the Env, a clean exit at the end; what
// the handler prints on stdout goes to stderr.
func TestGoDriverMain(t *testing.T) {
	t.Parallel()
	d := startFake(t, "main")
	a := call(t, d, sdkdriver.Call{Action: "Echo"})
	if !reflect.DeepEqual(a.OK, map[string]any{"Endpoint": testEnv.Endpoint, "Region": testEnv.RegionID}) || d.Hello().SDK != "fake" {
		t.Errorf("hello %+v, answer %+v", d.Hello(), a)
	}
	if err := d.Close(); err != nil { // Close waits for the driver's stderr to be copied
		t.Errorf("Close: %v", err)
	}
	if !strings.Contains(d.Stderr(), "(the SDK's debug output)") {
		t.Errorf("what the handler printed is not on stderr: %q", d.Stderr())
	}
}

// Invoke returns a method's result and error, and an SDK's panic as an
// error; ModuleVersion does not know a module the binary lacks.
func TestInvoke(t *testing.T) {
	half := func(n int) (int, error) {
		if n%2 != 0 {
			return 0, errors.New("odd")
		}
		return 100 / n, nil
	}
	for _, tc := range []struct {
		n    int
		want int
		err  string
	}{{4, 25, ""}, {3, 0, "odd"}, {0, 0, "the SDK panicked: runtime error: integer divide by zero"}} {
		out, err := sdkdriver.Invoke(reflect.ValueOf(half), reflect.ValueOf(tc.n))
		if got := errText(err); got != tc.err || (err == nil && out.Int() != int64(tc.want)) {
			t.Errorf("Invoke(half, %d) = %v, %v; want %d, %q", tc.n, out, err, tc.want, tc.err)
		}
	}
	if v := sdkdriver.ModuleVersion("example.com/no/such/module"); v != "unknown" {
		t.Errorf("ModuleVersion of a module not built in: %q", v)
	}
}

// call makes one call that must be answered.
func call(t *testing.T, d *sdkdriver.Driver, c sdkdriver.Call) sdkdriver.Answer {
	t.Helper()
	a, err := d.Call(context.Background(), c)
	if err != nil {
		t.Fatalf("Call %s: %v", c.Action, err)
	}
	return a
}

// The driver sees the endpoint and credentials, the rest of the caller's
// environment, and none of the caller's own Alibaba Cloud variables, no
// proxy (in either case) and no DEBUG.
func TestEnvironment(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_SECURITY_TOKEN", "the caller's token")
	t.Setenv("FAKE_INHERITED", "yes")
	for _, name := range withheld {
		t.Setenv(name, "http://127.0.0.1:1")
	}
	d := startFake(t, "good")
	got := call(t, d, sdkdriver.Call{Action: "Env"}).OK
	want := map[string]any{sdkdriver.EnvAccessKeyID: "fake-id", sdkdriver.EnvAccessKeySecret: "fake-secret-42",
		sdkdriver.EnvRegionID: "cn-hangzhou", sdkdriver.EnvEndpoint: "127.0.0.1:9", sdkdriver.EnvProtocol: "http",
		"FAKE_INHERITED": "yes"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the driver's environment: %v, want %v", got, want)
	}
}

// withheld are variables of the caller's that the driver must not see
// (beside the Alibaba Cloud ones); the fake's Env action looks for them.
var withheld = []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy",
	"NO_PROXY", "no_proxy", "DEBUG"}

// The secret never shows in the driver's stderr as reported, nor in an
// error.
func TestSecretRedacted(t *testing.T) {
	t.Parallel()
	d := startFake(t, "good")
	call(t, d, sdkdriver.Call{Action: "Secret"})
	_, err := sdkdriver.Start(context.Background(), quick("leak-secret"))
	for _, s := range []string{d.Stderr(), errText(err)} {
		if strings.Contains(s, testEnv.AccessKeySecret) || !strings.Contains(s, "the secret is <redacted>") {
			t.Errorf("not redacted: %s", s)
		}
	}
}

// errText is err's text, "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Each way a driver can break the protocol ends the session with an
// *Error that says what was wrong and shows the driver's stderr; nothing
// hangs and nothing panics.
func TestBreaches(t *testing.T) {
	for _, tc := range []struct {
		mode  string
		stage string // where it breaks: "start", "call" (the first), "call2" (the second) or "close"
		want  string
	}{
		{"exit-before-hello", "start", "closed its stdout before its hello line (exit status 3)"},
		{"silent", "start", "no hello line within"},
		{"prose-hello", "start", `bad hello: the hello is not JSON`},
		{"hello-v2", "start", "the driver speaks protocol 2; eniconform speaks protocol 1"},
		{"hello-no-options", "start", `the hello lacks "options"`},
		{"hello-key-option", "start", `options.signature has "<redacted>", which is unknown`},
		{"prose-answer", "call", "bad answer: the answer is not JSON"},
		{"wrong-id", "call", "the answer has id 2, want 1"},
		{"two-outcomes", "call", "the answer has 2 outcomes: ok and unsupported"},
		{"key-as-kind", "call", `failure.kind "<redacted>" is not one of`},
		{"key-as-ok", "call", `ok must be an object (the success body), got "<redacted>"`},
		{"key-cut", "call", `ok must be an object (the success body), got "xxxxxxxxxxx`},
		{"two-answers", "call2", "second answer"},
		{"huge-line", "call", "wrote a line longer than 4 MiB before answering"},
		{"exit-before-answer", "call", "closed its stdout before answering (exit status 1)"},
		{"half-line", "call", "stopped in the middle of a line before answering (exit status 0)"},
		{"hang", "call", "no answer within 400ms"},
		{"bad-exit", "close", "ended badly after its stdin closed: exit status 3"},
		{"linger", "close", "did not exit within 500ms of its stdin closing"},
		{"after-last", "close", "wrote after its last answer"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			err := breach(t, tc.mode, tc.stage)
			var e *sdkdriver.Error
			if !errors.As(err, &e) {
				t.Fatalf("want an *sdkdriver.Error, got %T %v", err, err)
			}
			if !strings.Contains(e.What, tc.want) || !strings.Contains(e.Stderr, "fake driver: mode "+tc.mode) {
				t.Errorf("error:\n%v\nwant it to say %q and show stderr", err, tc.want)
			}
			if piece := secretPiece(fmt.Sprintf("%v %+v", err, *e)); piece != "" {
				t.Errorf("error:\n%v\nshows %q of the secret", err, piece)
			}
		})
	}
}

// secretPiece returns the first 6 bytes of the secret that s shows, or "".
func secretPiece(s string) string {
	secret := testEnv.AccessKeySecret
	for i := 0; i+6 <= len(secret); i++ {
		if strings.Contains(s, secret[i:i+6]) {
			return secret[i : i+6]
		}
	}
	return ""
}

// breach runs the fake in mode up to stage and returns the error there.
func breach(t *testing.T, mode, stage string) error {
	cfg := quick(mode)
	switch mode {
	case "silent":
		cfg.HelloTimeout = 300 * time.Millisecond
	case "linger":
		cfg.ExitTimeout = 500 * time.Millisecond
	case "hang":
		cfg.Grace = 300 * time.Millisecond
	}
	d, err := sdkdriver.Start(context.Background(), cfg)
	if stage == "start" {
		if err == nil {
			d.Close()
		}
		return err
	}
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer d.Close()
	c := sdkdriver.Call{Action: "Echo", Options: sdkdriver.Options{TimeoutMS: 100}}
	if stage == "call2" {
		call(t, d, c)
		time.Sleep(50 * time.Millisecond) // let the second answer arrive: either way it is caught
	}
	if stage == "close" {
		call(t, d, c)
		return d.Close()
	}
	_, err = d.Call(context.Background(), c)
	if _, again := d.Call(context.Background(), c); again != err {
		t.Errorf("a call after a breach: %v, want the same error", again)
	}
	if closeErr := d.Close(); closeErr != nil {
		t.Errorf("Close after a breach: %v", closeErr)
	}
	return err
}

// A call abandoned through its context ends the session.
func TestCallContext(t *testing.T) {
	t.Parallel()
	d := startFake(t, "hang")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := d.Call(ctx, sdkdriver.Call{Action: "Echo"})
	if err == nil || !strings.Contains(err.Error(), "call abandoned: context deadline exceeded") {
		t.Errorf("Call = %v", err)
	}
}

// A call that breaks the protocol is refused before anything is sent, and
// the session goes on.
func TestCallValidation(t *testing.T) {
	t.Parallel()
	d := startFake(t, "good")
	for _, c := range []sdkdriver.Call{
		{Action: "Echo", Params: map[string]any{"QueueNumber": 1.5}},
		{Action: "Echo", Params: map[string]any{"Tag": []any{map[string]any{"Key": nil}}}},
		{Action: "Echo", Params: map[string]any{"N": json.Number("1e3")}},
		{Action: "Echo", Options: sdkdriver.Options{Format: "YAML"}},
		{Action: "Echo", Options: sdkdriver.Options{Method: sdkdriver.MethodGET, Body: sdkdriver.BodyForm}},
		{Action: "Echo", Options: sdkdriver.Options{Attempts: sdkdriver.MaxAttempts + 1}},
		{Action: "Not an action"},
	} {
		if _, err := d.Call(context.Background(), c); err == nil {
			t.Errorf("Call(%+v) was sent", c)
		}
	}
	if a := call(t, d, sdkdriver.Call{Action: "Echo"}); a.ID != 1 {
		t.Errorf("the first call sent has id %d", a.ID)
	}
}

// Start refuses a bad command line or environment, and a command that does
// not exist, with an error that says so.
func TestStartRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cfg  sdkdriver.Config
		want string
	}{
		{sdkdriver.Config{Command: "  ", Env: testEnv}, "empty"},
		{sdkdriver.Config{Command: `go run './drivers`, Env: testEnv}, "unterminated ' quote"},
		{sdkdriver.Config{Command: "./no-such-driver --flag", Env: testEnv}, "cannot start"},
		{sdkdriver.Config{Command: "true", Env: sdkdriver.Env{Endpoint: "127.0.0.1", Protocol: "http"}}, "not host:port"},
		{sdkdriver.Config{Command: "true", Env: sdkdriver.Env{Endpoint: "127.0.0.1:1", Protocol: "ftp"}}, "neither http nor https"},
		{sdkdriver.Config{Command: "true", Env: sdkdriver.Env{Endpoint: "127.0.0.1:1", Protocol: "http"}}, "AccessKeyId is empty"},
	} {
		_, err := sdkdriver.Start(context.Background(), tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start(%q): %v, want it to say %q", tc.cfg.Command, err, tc.want)
		}
	}
}
