// Package drivers_test runs the drivers shipped with eniconform (gov7,
// goclassic, python) against the reference emulator through package
// sdkdriver, as `eniconform sdk` will, and checks on the server side what
// each SDK sent.
package drivers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	// The SDKs the Go drivers are built on: imported here so that go test
	// compiles them with every other package that uses them (the emulator's
	// tests do), and the build in TestMain only links.
	_ "github.com/alibabacloud-go/ecs-20140526/v7/client"
	_ "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/testbin"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/sdkdriver"
)

// The default world's names the tests call with (`eniconform world`).
const (
	region  = "cn-hangzhou"
	vswitch = "vsw-bp1main-h"
	group   = "sg-bp1main"
	key     = "test"
	secret  = "test"
)

// bin is where TestMain built the Go drivers, once per test binary.
var bin string

// TestMain builds the Go drivers into bin.
func TestMain(m *testing.M) { testbin.Run(m, &bin, "./gov7", "./goclassic") }

// subject is one shipped driver.
type subject struct {
	name    string
	command func(t *testing.T) string
	// combos is how many of the 12 combinations of signature, method, body
	// and format the driver can send.
	combos int
	// dropsEmpty: the SDK leaves parameters with an empty value out.
	dropsEmpty bool
	// xmlErrorsLost: in XML mode the SDK surfaces no code and no RequestId
	// (it reads error bodies as JSON), only the body as the message.
	xmlErrorsLost bool
	// refuses says which combinations of options the driver answers
	// unsupported although its hello promises each of their values; nil
	// for none.
	refuses func(sdkdriver.Options) bool
}

var subjects = []subject{
	{name: "gov7", command: built("gov7"), combos: 2},
	{name: "goclassic", command: built("goclassic"), combos: 4, dropsEmpty: true, xmlErrorsLost: true},
	{name: "python", command: python, combos: 9, refuses: func(o sdkdriver.Options) bool {
		return o.Signature == sdkdriver.SignatureV3 && o.Format == sdkdriver.FormatXML // under ACS3 the gateway answers JSON
	}},
}

// promises reports whether s's driver, whose hello is h, should send a
// call with options o: the hello promises it, and it is not one of the
// combinations s refuses.
func (s subject) promises(h sdkdriver.Hello, o sdkdriver.Options) bool {
	promised, _ := h.Options.Expresses(o)
	return promised && (s.refuses == nil || !s.refuses(o))
}

// built returns the command of the Go driver name.
func built(name string) func(*testing.T) string {
	return func(*testing.T) string { return filepath.Join(bin, name) }
}

// python returns the Python driver's command, skipping without python3.
func python(t *testing.T) string {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the Python driver is not tested")
	}
	abs, err := filepath.Abs(filepath.Join("python", "driver.py"))
	if err != nil {
		t.Fatal(err)
	}
	return "python3 '" + abs + "'"
}

// exchange is one request the bench saw: what the gateway decoded, whether
// the signature verified, and the emulator's log entry for it.
type exchange struct {
	Params map[string]string
	Method string
	Scheme oracle.Scheme
	Sig    oracle.SigStatus
	Entry  emulator.Entry
}

// bench is the reference emulator behind a recorder that decodes every
// request with wire.ParseRequest, as the gateway does, before the emulator
// answers it. A script, when set, answers instead of the emulator.
type bench struct {
	srv *httptest.Server
	h   *emulator.Handler

	mu     sync.Mutex // one request at a time
	seen   []exchange
	entry  emulator.Entry
	script func(w http.ResponseWriter, r *http.Request)
}

// newBench starts a bench on 127.0.0.1 for the test.
func newBench(t *testing.T) *bench {
	b := &bench{}
	h, err := emulator.New(emulator.Options{Log: func(e emulator.Entry) { b.entry = e }})
	if err != nil {
		t.Fatal(err)
	}
	b.h, b.srv = h, httptest.NewServer(b)
	t.Cleanup(b.srv.Close)
	return b
}

// ServeHTTP records r and lets the emulator (or the script) answer; the
// answer is buffered, so the exchange is recorded before the client sees it.
func (b *bench) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var body bytes.Buffer
	body.ReadFrom(r.Body)
	parse := r.Clone(r.Context())
	parse.Body = readCloser{bytes.NewReader(body.Bytes())}
	r.Body = readCloser{bytes.NewReader(body.Bytes())}
	in, err := wire.ParseRequest(parse, b.h.Profile())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rec := httptest.NewRecorder()
	b.entry = emulator.Entry{}
	if b.script != nil {
		b.script(rec, r)
	} else {
		b.h.ServeHTTP(rec, r)
	}
	b.seen = append(b.seen, exchange{Params: in.Request.Params, Method: in.Request.Method, Scheme: in.Request.Scheme,
		Sig: in.Verify(secret), Entry: b.entry})
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// readCloser is a body that needs no closing.
type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

// exchanges returns what the bench has seen so far.
func (b *bench) exchanges() []exchange {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]exchange(nil), b.seen...)
}

// last returns the last exchange, failing the test when there is none.
func (b *bench) last(t *testing.T) exchange {
	t.Helper()
	seen := b.exchanges()
	if len(seen) == 0 {
		t.Fatal("the driver sent no request")
	}
	return seen[len(seen)-1]
}

// start starts the subject's driver against the bench.
func (b *bench) start(t *testing.T, s subject) *sdkdriver.Driver {
	t.Helper()
	d, err := sdkdriver.Start(context.Background(), sdkdriver.Config{Command: s.command(t),
		Env: sdkdriver.Env{Endpoint: strings.TrimPrefix(b.srv.URL, "http://"), Protocol: "http",
			AccessKeyID: key, AccessKeySecret: secret, RegionID: region},
		HelloTimeout: 30 * time.Second, AttemptTimeout: 10 * time.Second, Grace: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

// eachSubject runs test for every shipped driver, in parallel subtests,
// each with a bench of its own and the driver started against it.
func eachSubject(t *testing.T, test func(t *testing.T, s subject, b *bench, d *sdkdriver.Driver)) {
	for _, s := range subjects {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			b := newBench(t)
			test(t, s, b, b.start(t, s))
		})
	}
}

// call makes c through d, failing the test on a breach.
func call(t *testing.T, d *sdkdriver.Driver, c sdkdriver.Call) sdkdriver.Answer {
	t.Helper()
	a, err := d.Call(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// combos returns every combination of the enumerated options the protocol
// allows (GET has no form body), each set explicitly.
func combos() []sdkdriver.Options {
	var out []sdkdriver.Options
	for _, sig := range []string{sdkdriver.SignatureV1, sdkdriver.SignatureV3} {
		for _, method := range []string{sdkdriver.MethodPOST, sdkdriver.MethodGET} {
			for _, body := range []string{sdkdriver.BodyQuery, sdkdriver.BodyForm} {
				for _, format := range []string{sdkdriver.FormatJSON, sdkdriver.FormatXML} {
					if method == sdkdriver.MethodGET && body == sdkdriver.BodyForm {
						continue
					}
					out = append(out, sdkdriver.Options{Signature: sig, Method: method, Body: body, Format: format})
				}
			}
		}
	}
	return out
}

// name describes options in a subtest name.
func name(o sdkdriver.Options) string {
	return strings.Join([]string{o.Signature, o.Method, o.Body, o.Format}, "-")
}
