package drivers_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/sdkdriver"
)

// unavailable answers like a gateway that is down for a moment.
func unavailable(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	w.Write([]byte(`{"RequestId":"0A1B2C3D-0000-4000-8000-000000000503","HostId":"ecs.aliyuncs.com",` +
		`"Code":"ServiceUnavailable","Message":"The request has failed due to a temporary failure of the server."}`))
}

// A call retries a 503 as often as attempts says, and no more: once
// without the option, three times with attempts 3 (and no backoff); the
// last answer is surfaced with its code, status and RequestId.
func TestAttempts(t *testing.T) {
	eachSubject(t, func(t *testing.T, _ subject, b *bench, d *sdkdriver.Driver) {
		b.script = unavailable
		for _, attempts := range []int{0, 3} {
			before := len(b.exchanges())
			a := call(t, d, sdkdriver.Call{Action: "CreateNetworkInterface", Options: sdkdriver.Options{Attempts: attempts},
				Params: map[string]any{"RegionId": region, "VSwitchId": vswitch, "SecurityGroupId": group}})
			sent, want := len(b.exchanges())-before, max(attempts, 1)
			e := a.Error
			if sent != want || e == nil || e.Code != "ServiceUnavailable" || e.HTTPStatus != 503 ||
				e.RequestID != "0A1B2C3D-0000-4000-8000-000000000503" {
				t.Errorf("attempts %d: %d requests, answer %+v %+v; want %d requests and the 503", attempts, sent, a, e, want)
			}
		}
	})
}

// A timeout set on a call fires: an answer slower than timeout_ms is a
// failure of kind timeout, not a hang and not an answer, and its text
// (which quotes the request's URL, under v1 with its Signature) shows no
// signature.
func TestTimeout(t *testing.T) {
	eachSubject(t, func(t *testing.T, _ subject, b *bench, d *sdkdriver.Driver) {
		b.script = func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
			unavailable(w, r)
		}
		a := call(t, d, sdkdriver.Call{Action: "DescribeNetworkInterfaces", Params: map[string]any{"RegionId": region},
			Options: sdkdriver.Options{TimeoutMS: 300, Signature: sdkdriver.SignatureV1}})
		if f := a.Failure; f == nil || f.Kind != sdkdriver.KindTimeout || f.Elapsed < 300*time.Millisecond {
			t.Errorf("a 5 s answer with timeout_ms 300: %+v %+v", a, f)
		} else if shown := signature.FindString(f.Text); shown != "" {
			t.Errorf("the failure's text shows %q: %s", shown, f.Text)
		}
	})
}

// signature matches a Signature parameter with its value in clear.
var signature = regexp.MustCompile(`Signature=[^<&"\s][^&"\s]*`)

// The Python driver's signing passes the known answers of API-FACTS §7
// (drivers/python/test_driver.py).
func TestPythonKnownAnswers(t *testing.T) {
	python(t)
	cmd := exec.Command("python3", "-m", "unittest", "discover", "-s", filepath.Join("python"), "-p", "test_*.py")
	cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("python3 -m unittest: %v\n%s", err, out)
	}
}

// The command line users will write works: `go run ./drivers/gov7`, from
// the module's root, hello, a call and a clean Close (which ends the
// binary go run started as well as go run).
func TestGoRun(t *testing.T) {
	t.Parallel()
	b := newBench(t)
	d, err := sdkdriver.Start(context.Background(), sdkdriver.Config{Command: "go run ./drivers/gov7", Dir: "..",
		Env: sdkdriver.Env{Endpoint: strings.TrimPrefix(b.srv.URL, "http://"), Protocol: "http",
			AccessKeyID: key, AccessKeySecret: secret, RegionID: region}})
	if err != nil {
		t.Fatal(err)
	}
	a := call(t, d, sdkdriver.Call{Action: "DescribeNetworkInterfaces", Params: map[string]any{"RegionId": region}})
	if err := d.Close(); err != nil || a.OK == nil || d.Hello().SDK != "github.com/alibabacloud-go/ecs-20140526/v7" {
		t.Errorf("go run ./drivers/gov7: hello %+v, answer %+v, Close %v", d.Hello(), a, err)
	}
}
