package wire

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// TestRequestRoundTrip: Call → HTTPRequest → bytes on the wire →
// http.ReadRequest → ParseRequest gives exactly call.Expect(), with Verify
// giving SigValid for correct calls, SigMismatch with CorruptSignature, an
// omitted Signature, a body too large to read or another secret, and
// SigMalformed with MalformedAuth; PadBytes and a 300-byte body limit make
// TooLarge reachable.
// Each mode runs as its own property.
func TestRequestRoundTrip(t *testing.T) {
	modes := map[string]func(t *rapid.T) *Call{
		"V1 GET":        func(t *rapid.T) *Call { return v1Mode(t, "GET", false) },
		"V1 POST query": func(t *rapid.T) *Call { return v1Mode(t, "POST", false) },
		"V1 POST form":  func(t *rapid.T) *Call { return v1Mode(t, "POST", true) },
		"V3": func(t *rapid.T) *Call {
			c := genCall(t, oracle.V3)
			c.Break = genBreakage(t, oracle.V3)
			return c
		},
	}
	for name, gen := range modes {
		t.Run(name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) { checkRoundTrip(t, gen(t)) })
		})
	}
}

func v1Mode(t *rapid.T, method string, form bool) *Call {
	c := genCall(t, oracle.V1)
	c.Method, c.FormBody = method, form
	c.Break = genBreakage(t, oracle.V1)
	return c
}

// smallProfile has a 300-byte body limit, so that PadBytes and long form
// bodies reach TooLarge.
var smallProfile = func() *spec.Profile {
	p, err := spec.Default().Edit(func(p *spec.Profile) { p.Gateway.MaxRequestBytes = 300 })
	if err != nil {
		panic(err)
	}
	return p
}()

func checkRoundTrip(t *rapid.T, c *Call) {
	c.Profile = spec.Default()
	if rapid.Bool().Draw(t, "300-byte body limit") {
		c.Profile = smallProfile
	}
	if c.method() == "POST" && rapid.Bool().Draw(t, "pad") {
		c.Break.PadBytes = rapid.IntRange(1, 600).Draw(t, "PadBytes")
	}
	req, err := c.HTTPRequest(context.Background(), "http://127.0.0.1:8080")
	if err != nil {
		t.Fatalf("HTTPRequest: %v", err)
	}
	in, err := ParseRequest(wireCopy(t, req), c.Profile)
	if err != nil {
		t.Fatal(err)
	}
	got := in.Request
	got.Sig = in.Verify(c.Secret)
	want := c.Expect()
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("decoded request differs (-Expect +ParseRequest):\n%s\nrequest: %s", d, Redact(req))
	}
	if other := in.Verify(c.Secret + "x"); want.Sig == oracle.SigValid && other != oracle.SigMismatch {
		t.Fatalf("Verify with another secret = %v, want SigMismatch", other)
	}
}

// genBreakage draws a breakage for scheme: nothing most of the time.
func genBreakage(t *rapid.T, scheme oracle.Scheme) Breakage {
	var b Breakage
	if !rapid.Bool().Draw(t, "broken") {
		return b
	}
	common := []string{ParamAction, ParamVersion, ParamAccessKeyID, ParamSignature, ParamSignatureMethod,
		ParamSignatureVersion, ParamSignatureNonce, ParamTimestamp}
	b.Omit = rapid.SliceOfNDistinct(rapid.SampledFrom(common), 0, 3, rapid.ID).Draw(t, "Omit")
	b.CorruptSignature = rapid.Bool().Draw(t, "CorruptSignature")
	if scheme == oracle.V3 {
		b.Timestamp = headerText().Draw(t, "Timestamp")
		b.MalformedAuth = rapid.Bool().Draw(t, "MalformedAuth")
		return b
	}
	b.Timestamp = paramValue().Draw(t, "Timestamp")
	b.SignatureMethod = rapid.SampledFrom([]string{"", "HMAC-SHA256", "hmac-sha1"}).Draw(t, "SignatureMethod")
	b.SignatureVersion = rapid.SampledFrom([]string{"", "2.0", "1"}).Draw(t, "SignatureVersion")
	return b
}

// roundTrip sends req through its wire form and parses it as a server does.
func roundTrip(t fatalT, req *http.Request) *Inbound {
	t.Helper()
	return parse(t, wireCopy(t, req))
}

// wireCopy writes req in its wire form and reads it back as a server does.
func wireCopy(t fatalT, req *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := req.Write(&buf); err != nil {
		t.Fatalf("writing the request: %v", err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&buf))
	if err != nil {
		t.Fatalf("reading the request back: %v", err)
	}
	return r
}
