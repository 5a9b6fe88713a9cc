package wire

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/internal/wire/wiretest"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// FuzzParseRequest feeds ParseRequest and Verify arbitrary methods, raw
// queries, header blocks ("Name: value" lines; a Host line sets r.Host) and
// bodies, under the default profile and under one with a 64-byte body
// limit. Neither may panic, and the results must be consistent: parameters
// always decoded, V1 never malformed, Verify deterministic and SigMalformed
// exactly when ParseRequest said so, TooLarge only for long bodies.
func FuzzParseRequest(f *testing.F) {
	for _, c := range loadCaptures(f) {
		method, query, headers, body := splitCapture(f, c.raw)
		f.Add(method, query, headers, body)
	}
	for _, seed := range [][4]string{
		{"POST", "a=%zz&b=%&=x&&c", "Content-Type: application/x-www-form-urlencoded", "d=%&e=1&a=2"},
		{"GET", "Action=A&Action=B&Signature=", "Authorization: ACS3-", ""},
		{"POST", "", "Authorization: ACS3-HMAC-SHA256 Credential=,,Signature=\nx-acs-content-sha256: 0", "x"},
		{"POST", "", "Authorization: ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=00\nHost: h", ""},
		{"post", "+=+", "Content-Type: APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8", strings.Repeat("k=v&", 40)},
		{"PUT", "%E4%B8%AD=%FF", "Authorization: ACS3-HMAC-SHA256 SignedHeaders=;;x-acs-date,Signature=zz\nx-acs-date: a\nx-acs-date: b", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], []byte(seed[3]))
	}
	small, err := spec.Default().Edit(func(p *spec.Profile) { p.Gateway.MaxRequestBytes = 64 })
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, rawQuery, headers string, body []byte) {
		for _, p := range []*spec.Profile{spec.Default(), small} {
			checkParse(t, p, wiretest.Request(method, rawQuery, headers, body), len(body))
		}
	})
}

// checkParse parses and verifies r and checks the invariants.
func checkParse(t *testing.T, p *spec.Profile, r *http.Request, bodyLen int) {
	in, err := ParseRequest(r, p)
	if err != nil {
		t.Fatalf("ParseRequest: %v", err)
	}
	req := in.Request
	switch {
	case req.Params == nil:
		t.Fatal("nil Params")
	case req.TooLarge != (int64(bodyLen) > p.Gateway.MaxRequestBytes):
		t.Fatalf("TooLarge = %v for a %d-byte body (limit %d)", req.TooLarge, bodyLen, p.Gateway.MaxRequestBytes)
	case req.Scheme == oracle.V1 && req.Sig != oracle.SigUnverified:
		t.Fatalf("V1 request parsed with Sig %v", req.Sig)
	}
	got := in.Verify("testSecret")
	if again := in.Verify("testSecret"); again != got {
		t.Fatalf("Verify not deterministic: %v then %v", got, again)
	}
	if (got == oracle.SigMalformed) != (req.Sig == oracle.SigMalformed) || got == oracle.SigUnverified {
		t.Fatalf("Verify = %v for a request parsed with Sig %v", got, req.Sig)
	}
	_ = Redact(r)
}

// splitCapture splits a raw capture into the fuzzer's parts.
func splitCapture(t testing.TB, raw []byte) (string, string, string, []byte) {
	head, body, _ := bytes.Cut(raw, []byte("\n\n"))
	requestLine, headers, _ := strings.Cut(string(head), "\n")
	fields := strings.Fields(requestLine)
	if len(fields) != 3 {
		t.Fatalf("bad request line %q", requestLine)
	}
	_, query, _ := strings.Cut(fields[1], "?")
	return fields[0], query, headers, body
}

// TestFuzzSeedsVerify: the capture seeds, as the fuzzer builds requests,
// still verify, so the corpus starts from valid requests.
func TestFuzzSeedsVerify(t *testing.T) {
	for _, c := range loadCaptures(t) {
		method, query, headers, body := splitCapture(t, c.raw)
		in := parse(t, wiretest.Request(method, query, headers, body))
		if got := in.Verify(captureSecret); got != oracle.SigValid {
			t.Errorf("%s: Verify = %v, want SigValid", c.name, got)
		}
	}
}
