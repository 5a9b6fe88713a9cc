package emulator

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// raw sends the bytes req on a new connection to srv and parses the first
// answer the way the harness does.
func raw(t *testing.T, srv *Server, req string) (oracle.Observation, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no HTTP answer to %.40q: %v", req, err)
	}
	return wire.ParseResponse(srv.Handler.Profile(), "", resp, nil), resp
}

// refusedWith fails unless o is rule's error envelope, with its status, in
// format with the profile's exact Content-Type, on a closed connection.
func refusedWith(t *testing.T, what string, o oracle.Observation, resp *http.Response, rule, format string) {
	t.Helper()
	p := spec.Default()
	r := p.MustRule(rule)
	switch {
	case o.Kind != oracle.Answered || o.Code != r.Code || o.Status != r.HTTP:
		t.Errorf("%s: got %v %s HTTP %d (%s), want %s HTTP %d", what, o.Kind, o.Code, o.Status, o.Problem, r.Code, r.HTTP)
	case o.Format != format || o.ContentType != p.ContentType(format):
		t.Errorf("%s: a %s body with Content-Type %q, want %s with %q", what, o.Format, o.ContentType, format, p.ContentType(format))
	case !p.RequestIDValid(o.RequestID) || o.HostID == "" || o.Message == "":
		t.Errorf("%s: incomplete envelope %s", what, o.Body)
	case !resp.Close:
		t.Errorf("%s: the connection stays open after a refusal", what)
	}
}

// What net/http refuses by itself, before the handler sees a request, is
// answered with the API's error envelope in the default format, never
// net/http's plain text.
func TestNetHTTPRefusalsCarryTheEnvelope(t *testing.T) {
	srv, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	xml := spec.Default().Gateway.DefaultFormat
	for _, tc := range []struct{ what, req, rule string }{
		{"a malformed request line", "GARBAGE\r\n\r\n", ruleUnreadable},
		{"a malformed header", "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", ruleUnreadable},
		{"HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", ruleUnreadable},
		{"another HTTP version (505)", "GET / HTTP/2.5\r\nHost: x\r\n\r\n", ruleUnreadable},
		{"an unknown transfer coding (501)", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", ruleUnreadable},
		{"an unknown Expect (417)", "GET /?Format=JSON HTTP/1.1\r\nHost: x\r\nExpect: telepathy\r\n\r\n", ruleUnreadable},
		{"headers past what net/http reads (431)", "GET /?Format=JSON HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", readHeaderBytes+8192) + "\r\n\r\n", ruleTooLarge},
	} {
		o, resp := raw(t, srv, tc.req)
		refusedWith(t, tc.what, o, resp, tc.rule, xml)
	}
}

// Headers over the handler's limit but within what net/http reads are
// refused by the oracle's size rule, in the format the request asks for.
func TestHeadersOverTheLimitRefusedInTheirFormat(t *testing.T) {
	srv, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	big := "GET /?Format=JSON&Action=DescribeNetworkInterfaces HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", maxHeaderBytes) + "\r\n\r\n"
	o, resp := raw(t, srv, big)
	if r := spec.Default().MustRule(ruleTooLarge); o.Code != r.Code || o.Status != r.HTTP || o.Format != "JSON" {
		t.Errorf("headers of 64 KiB: %s HTTP %d in %s (%s)", o.Code, o.Status, o.Format, o.Body)
	}
	resp.Body.Close()
	small := strings.Replace(big, strings.Repeat("b", maxHeaderBytes), "b", 1)
	if o, _ := raw(t, srv, small); o.Code == spec.Default().MustRule(ruleTooLarge).Code {
		t.Errorf("a small header block is refused as too large: %s", o.Body)
	}
}

// On a kept-alive connection, the handler's answers pass unchanged and a
// later refusal by net/http still gets the envelope.
func TestRefusalAfterAnswersOnOneConnection(t *testing.T) {
	srv, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	for range 2 {
		io.WriteString(c, "GET /?Format=JSON HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		if o := wire.ParseResponse(spec.Default(), "", resp, nil); o.Format != "JSON" || o.Code == "" || resp.Close {
			t.Fatalf("the handler's answer: %s %s, close %v", o.Format, o.Code, resp.Close)
		}
	}
	io.WriteString(c, "BROKEN REQUEST LINE\r\n\r\n")
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	refusedWith(t, "after two answers", wire.ParseResponse(spec.Default(), "", resp, nil), resp, ruleUnreadable, spec.Default().Gateway.DefaultFormat)
}

// When the nonce memory is full, a request that would be remembered is
// answered Throttling and changes nothing; one refused before the
// signature (which records no nonce) is answered as usual.
func TestNonceMemoryFullThrottles(t *testing.T) {
	srv, err := NewServer(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Handler.nonces.max = 1
	c := &wire.Call{Scheme: oracle.V1, Action: wire.ActionCreate, Version: spec.Default().Version, Format: "JSON",
		AccessKeyID: "test", Secret: "test", Time: time.Now(), Nonce: "first",
		Params: map[string]string{"RegionId": "cn-hangzhou", "VSwitchId": "vsw-bp1main-h", "SecurityGroupId": "sg-bp1main"}}
	send := func(nonce string) oracle.Observation {
		c.Nonce = nonce
		req, err := c.HTTPRequest(context.Background(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		return wire.ParseResponse(spec.Default(), c.Action, resp, err)
	}
	if o := send("first"); o.Code != "" {
		t.Fatalf("first create: %s", o.Body)
	}
	before := srv.Handler.State().Dump()
	throttling := spec.Default().MustRule(ruleThrottling)
	if o := send("second"); o.Code != throttling.Code || o.Status != throttling.HTTP || o.Format != "JSON" {
		t.Errorf("with the memory full: %s HTTP %d %s", o.Code, o.Status, o.Body)
	}
	if srv.Handler.State().Dump() != before {
		t.Error("a throttled create changed the state")
	}
	c.AccessKeyID = "nobody"
	if o := send("third"); o.Code != spec.Default().MustRule("gateway.unknown-key").Code {
		t.Errorf("an unknown key with the memory full: %s", o.Code)
	}
}

// The decisions that describe the emulator's limits state the limits the
// code has.
func TestDecisionsStateTheLimits(t *testing.T) {
	texts := map[string]string{}
	for _, d := range spec.Default().Decisions {
		texts[d.ID] = d.Text
	}
	for id, want := range map[string][]string{
		"nonce-memory-full": {strconv.Itoa(maxNonces) + " nonces"},
		"header-limit":      {strconv.Itoa(maxHeaderBytes>>10) + " KiB", strconv.Itoa(readHeaderBytes>>10) + " KiB"},
	} {
		for _, w := range want {
			if !strings.Contains(texts[id], w) {
				t.Errorf("decision %s does not say %q: %q", id, w, texts[id])
			}
		}
	}
}
