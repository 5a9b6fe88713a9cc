package emulator_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// Both signature schemes, GET and POST (and the V1 form body) are accepted,
// and each create is visible to the next Describe.
func TestSchemesAndMethodsAccepted(t *testing.T) {
	srv := start(t, emulator.Options{})
	shapes := []struct {
		name   string
		scheme oracle.Scheme
		method string
		form   bool
	}{
		{"v1-get", oracle.V1, http.MethodGet, false},
		{"v1-post", oracle.V1, http.MethodPost, false},
		{"v1-post-form", oracle.V1, http.MethodPost, true},
		{"v3-get", oracle.V3, http.MethodGet, false},
		{"v3-post", oracle.V3, http.MethodPost, false},
	}
	for _, s := range shapes {
		c := create("NetworkInterfaceName", s.name)
		c.Scheme, c.Method, c.FormBody = s.scheme, s.method, s.form
		o := send(srv.URL, c)
		mustSucceed(t, s.name, o)
		d := call(wire.ActionDescribe, "NetworkInterfaceId.1", o.NetworkInterfaceID)
		d.Scheme, d.Method, d.FormBody = s.scheme, s.method, s.form
		got := send(srv.URL, d)
		mustSucceed(t, s.name+" describe", got)
		if len(got.ENIs) != 1 || got.ENIs[0].NetworkInterfaceName != s.name {
			t.Errorf("%s: Describe shows %+v", s.name, got.ENIs)
		}
	}
}

// An action the profile does not know is answered by the oracle's rule:
// InvalidAction.NotFound, 404.
func TestUnknownActionNotFound(t *testing.T) {
	srv := start(t, emulator.Options{})
	for _, scheme := range []oracle.Scheme{oracle.V1, oracle.V3} {
		c := call("CreateNetworkInterfaces")
		c.Scheme = scheme
		o := send(srv.URL, c)
		mustFail(t, "unknown action "+scheme.String(), o, code(t, "gateway.unknown-action"))
		if o.Status != http.StatusNotFound {
			t.Errorf("%v: HTTP %d, want 404", scheme, o.Status)
		}
	}
}

// A timestamp older than the window is refused, unless ClockSkew widens it.
func TestStaleTimestampUnlessClockSkew(t *testing.T) {
	stale := func() *wire.Call {
		c := call(wire.ActionDescribe)
		c.Time = frozen.Add(-16 * time.Minute)
		return c
	}
	strict := start(t, emulator.Options{Now: frozenNow})
	mustFail(t, "16 minutes old", send(strict.URL, stale()), code(t, "gateway.timestamp-expired"))

	relaxed := start(t, emulator.Options{Now: frozenNow, ClockSkew: 24 * time.Hour})
	mustSucceed(t, "16 minutes old with a day of skew", send(relaxed.URL, stale()))
	if w := relaxed.Handler.Profile().Gateway.TimestampWindow(); w != 24*time.Hour {
		t.Errorf("derived window %v", w)
	}
	if spec.Default().Gateway.TimestampWindow() != 15*time.Minute {
		t.Error("ClockSkew changed the default profile")
	}
	if _, err := emulator.New(emulator.Options{ClockSkew: -time.Second}); err == nil {
		t.Error("a negative ClockSkew was accepted")
	}
}

// A nonce accepted once is refused the second time, in both schemes; a
// refused request does not burn its nonce.
func TestReusedNonceRefused(t *testing.T) {
	srv := start(t, emulator.Options{})
	for _, scheme := range []oracle.Scheme{oracle.V1, oracle.V3} {
		c := call(wire.ActionDescribe)
		c.Scheme = scheme
		mustSucceed(t, "first use", send(srv.URL, c))
		mustFail(t, "second use", send(srv.URL, c), code(t, "gateway.nonce-reused"))
	}
	bad := call(wire.ActionDescribe)
	bad.Break.CorruptSignature = true
	mustFail(t, "bad signature", send(srv.URL, bad), code(t, "gateway.signature-mismatch"))
	bad.Break.CorruptSignature = false
	mustSucceed(t, "the nonce of a refused request", send(srv.URL, bad))
}

// Unknown keys and wrong secrets are refused.
func TestUnknownKeyAndWrongSecret(t *testing.T) {
	srv := start(t, emulator.Options{})
	c := call(wire.ActionDescribe)
	c.AccessKeyID = "nobody"
	mustFail(t, "unknown key", send(srv.URL, c), code(t, "gateway.unknown-key"))
	c = call(wire.ActionDescribe)
	c.Secret = "not-test"
	mustFail(t, "wrong secret", send(srv.URL, c), code(t, "gateway.signature-mismatch"))
}

// The format follows Format (any case), then V3 or Accept, then the
// profile's default (XML).
func TestResponseFormat(t *testing.T) {
	srv := start(t, emulator.Options{})
	for _, tc := range []struct {
		scheme        oracle.Scheme
		format, wantF string
	}{
		{oracle.V1, "json", "JSON"}, {oracle.V1, "XML", "XML"}, {oracle.V1, "", "XML"},
		{oracle.V3, "", "JSON"}, {oracle.V3, "xml", "XML"},
	} {
		c := call(wire.ActionDescribe)
		c.Scheme, c.Format = tc.scheme, tc.format
		o := send(srv.URL, c)
		mustSucceed(t, "format", o)
		if o.Format != tc.wantF {
			t.Errorf("%v Format=%q: answered %s", tc.scheme, tc.format, o.Format)
		}
	}
}

// failingBody fails every read, like a client that went away mid-body.
type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
func (failingBody) Close() error             { return nil }

// A body that cannot be read is answered like one that is too large: the
// oracle's envelope, never a panic or an empty answer.
func TestUnreadableBodyAnswered(t *testing.T) {
	h, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/?Action=DescribeNetworkInterfaces&Format=JSON", nil)
	req.Body = failingBody{}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	o := wire.ParseResponse(h.Profile(), "", rec.Result(), nil)
	mustFail(t, "unreadable body", o, code(t, "gateway.request-too-large"))
}

// A body over the profile's limit is refused by the oracle's rule.
func TestTooLargeBodyRefused(t *testing.T) {
	srv := start(t, emulator.Options{})
	body := strings.Repeat("a", int(spec.Default().Gateway.MaxRequestBytes)+1)
	resp, err := client.Post(srv.URL+"/?Format=JSON", "application/x-www-form-urlencoded", strings.NewReader(body))
	o := wire.ParseResponse(spec.Default(), "", resp, err)
	mustFail(t, "too large", o, code(t, "gateway.request-too-large"))
}

// With the same seed, clock and requests, two handlers answer byte for byte
// the same; the choices follow the documented patterns.
func TestSeedReproducesAnswers(t *testing.T) {
	answers := func(seed uint64) [][]byte {
		h, err := emulator.New(emulator.Options{Seed: seed, Now: frozenNow})
		if err != nil {
			t.Fatal(err)
		}
		var out [][]byte
		for i, c := range []*wire.Call{create(), create(), call(wire.ActionDescribe), create("VSwitchId", "vsw-nosuch")} {
			c.Time, c.Nonce = frozen, "reproducible-"+string(rune('a'+i))
			req, err := c.HTTPRequest(t.Context(), "http://127.0.0.1:1")
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			out = append(out, rec.Body.Bytes())
		}
		return out
	}
	a, b, other := answers(7), answers(7), answers(8)
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("answer %d differs with the same seed:\n%s\n%s", i, a[i], b[i])
		}
	}
	if bytes.Equal(a[0], other[0]) {
		t.Error("another seed gave the same first answer")
	}
	h, _ := emulator.New(emulator.Options{})
	if h.Seed() == 0 {
		t.Error("a random seed must be reported, and never 0")
	}
}

// Every request is logged once, with its action, code, status and key, and
// never a secret or a signature.
func TestLogEntries(t *testing.T) {
	logged := make(chan emulator.Entry, 4)
	srv := start(t, emulator.Options{Log: func(e emulator.Entry) { logged <- e }})
	c := create()
	o := send(srv.URL, c)
	mustSucceed(t, "create", o)
	ok := <-logged // before the next request: the log runs after the answer is sent
	send(srv.URL, create("VSwitchId", "vsw-nosuch"))
	failed := <-logged
	if ok.Action != wire.ActionCreate || ok.Status != 200 || ok.Code != "" || ok.AccessKeyID != "test" || ok.RequestID != o.RequestID {
		t.Errorf("success entry %+v", ok)
	}
	if failed.Code != code(t, "ref.vswitch-not-found") || failed.Status != http.StatusNotFound {
		t.Errorf("error entry %+v", failed)
	}
	line := ok.String()
	req, _ := c.HTTPRequest(t.Context(), srv.URL)
	sig := req.URL.Query().Get(wire.ParamSignature)
	if strings.Contains(line, sig) || strings.Contains(line, "AccessKeySecret") || !strings.Contains(line, "AccessKeyId=test ") {
		t.Errorf("log line %q", line)
	}
	weird := emulator.Entry{Action: "a\nb", AccessKeyID: strings.Repeat("k", 100)}.String()
	if strings.Contains(weird, "\n") || len(weird) > 250 {
		t.Errorf("a client-supplied value broke the line: %q", weird)
	}
}

// New reports an invalid world instead of serving it.
func TestInvalidWorldRefused(t *testing.T) {
	w := world.Default()
	w.VSwitches[0].VPC = "vpc-nosuch"
	if _, err := emulator.New(emulator.Options{World: w}); err == nil || !strings.Contains(err.Error(), "vpc-nosuch") {
		t.Errorf("New with a dangling VPC: %v", err)
	}
}

// DescribeNetworkInterfaces filters by ID and vSwitch and pages through
// the account's ENIs in creation order, the world's own ENI first.
func TestDescribeFiltersAndPages(t *testing.T) {
	srv := start(t, emulator.Options{})
	var ids []string
	for _, sw := range []string{vswitch, vswitch, "vsw-bp1main-i"} {
		o := send(srv.URL, create("VSwitchId", sw))
		mustSucceed(t, "create in "+sw, o)
		ids = append(ids, o.NetworkInterfaceID)
	}
	page := func(kv ...string) oracle.Observation {
		o := send(srv.URL, call(wire.ActionDescribe, kv...))
		mustSucceed(t, "describe", o)
		return o
	}
	listed := func(o oracle.Observation) []string {
		var out []string
		for _, e := range o.ENIs {
			out = append(out, e.NetworkInterfaceID)
		}
		return out
	}
	all := append([]string{"eni-bp1existing000000001"}, ids...)
	p1, p2 := page("PageSize", "3"), page("PageSize", "3", "PageNumber", "2")
	if got := append(listed(p1), listed(p2)...); p1.TotalCount != 4 || !slices.Equal(got, all) {
		t.Errorf("pages of 3: total %d, listed %v, want %v", p1.TotalCount, got, all)
	}
	if got := listed(page("VSwitchId", "vsw-bp1main-i")); !slices.Equal(got, ids[2:]) {
		t.Errorf("by vSwitch: %v", got)
	}
	if got := listed(page("NetworkInterfaceId.1", ids[1], "NetworkInterfaceId.2", ids[0])); !slices.Equal(got, ids[:2]) {
		t.Errorf("by ID: %v", got)
	}
}

// An ACS3 request whose x-acs-security-token (or any x-acs-* header) is not
// in SignedHeaders is refused with IncompleteSignature, whatever else it
// says: the token says whose credentials sign the request.
func TestUnsignedACSHeaderRefused(t *testing.T) {
	srv := start(t, emulator.Options{})
	for _, name := range []string{"x-acs-security-token", "X-Acs-Anything"} {
		c := call(wire.ActionDescribe)
		c.Scheme = oracle.V3
		req, err := c.HTTPRequest(t.Context(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set(name, "added after signing")
		resp, err := client.Do(req)
		mustFail(t, name+" unsigned", wire.ParseResponse(spec.Default(), c.Action, resp, err), code(t, "gateway.incomplete-signature"))
	}
}
