package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// captureSecret is the secret the golden captures were signed with.
const captureSecret = "testSecret"

// capture is one golden request from testdata/captures: the raw HTTP bytes
// and what the capture server recorded about them.
type capture struct {
	name string
	raw  []byte
	meta struct {
		Query     map[string]string `json:"query"`
		SigKind   string            `json:"sig_kind"`
		SigOK     bool              `json:"sig_ok"`
		SigDetail string            `json:"sig_detail"`
	}
}

func loadCaptures(t testing.TB) []capture {
	t.Helper()
	files, err := filepath.Glob("testdata/captures/*.http")
	if err != nil || len(files) != 7 {
		t.Fatalf("want the 7 golden captures in testdata/captures, found %d (%v)", len(files), err)
	}
	var out []capture
	for _, f := range files {
		c := capture{name: strings.TrimSuffix(filepath.Base(f), ".http")}
		if c.raw, err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
		meta, err := os.ReadFile(strings.TrimSuffix(f, ".http") + ".json")
		if err == nil {
			err = json.Unmarshal(meta, &c.meta)
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, c)
	}
	return out
}

// readInbound parses raw HTTP bytes as a server would.
func readInbound(t testing.TB, raw []byte) *Inbound {
	t.Helper()
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("http.ReadRequest: %v", err)
	}
	return parse(t, req)
}

// TestCapturesVerify: every golden capture parses, carries the parameters
// the capture server decoded, has the scheme it recorded, builds the same
// string to sign (V1) or canonical request (V3) and verifies with testSecret.
func TestCapturesVerify(t *testing.T) {
	for _, c := range loadCaptures(t) {
		t.Run(c.name, func(t *testing.T) {
			in := readInbound(t, c.raw)
			wantScheme := oracle.V1
			if c.meta.SigKind == "ACS3-HMAC-SHA256" {
				wantScheme = oracle.V3
			}
			if in.Request.Scheme != wantScheme || !c.meta.SigOK {
				t.Fatalf("scheme %v (recorded %s, sig_ok %v)", in.Request.Scheme, c.meta.SigKind, c.meta.SigOK)
			}
			for k, v := range c.meta.Query {
				if got, ok := in.Request.Params[k]; !ok || got != v {
					t.Errorf("param %s = %q (present %v), want %q", k, got, ok, v)
				}
			}
			if d := cmp.Diff(c.meta.SigDetail, signingDetail(in)); d != "" {
				t.Errorf("signing material differs from the capture server's (-capture +ours):\n%s", d)
			}
			if got := in.Verify(captureSecret); got != oracle.SigValid {
				t.Errorf("Verify(testSecret) = %v, want SigValid", got)
			}
			if got := in.Verify("otherSecret"); got != oracle.SigMismatch {
				t.Errorf("Verify(otherSecret) = %v, want SigMismatch", got)
			}
		})
	}
}

// signingDetail renders the signing material the way the capture server's
// sig_detail does.
func signingDetail(in *Inbound) string {
	if in.Request.Scheme == oracle.V1 {
		return "stringToSign=" + string(v1StringToSign(in.Request.Method, in.Request.Params))
	}
	canon := v3Canonical{method: in.Request.Method, path: in.path, query: in.Request.Params,
		skip: func(k string) bool { return contains(in.notQuery, k) }, headers: in.signedHeaders(),
		signedHeaders: in.auth.signedHeaders, payload: firstValue(in.header, headerContentSHA256)}
	return "canonicalRequest=" + strings.ReplaceAll(string(canon.bytes()), "\n", `\n`)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestCapturesTampered: a copy of each capture with one byte changed in a
// signed value, in the timestamp (x-acs-date for V3, Timestamp for V1) or in
// the signature verifies as SigMismatch, which the spec answers with
// SignatureDoesNotMatch.
func TestCapturesTampered(t *testing.T) {
	signature := signatureRule(t, spec.Default())
	if signature.Code != "SignatureDoesNotMatch" {
		t.Fatalf("the spec's signature rule %s answers %s, want SignatureDoesNotMatch", signature.ID, signature.Code)
	}
	tamper := map[string]func(raw []byte, v3 bool) []byte{
		"signed value": func(raw []byte, _ bool) []byte { return changeAfter(raw, "RegionId=cn-hangzho") },
		"timestamp": func(raw []byte, v3 bool) []byte {
			if v3 {
				return changeAfter(raw, "x-acs-date: 2026-11-26T07:")
			}
			return changeAfter(raw, "Timestamp=2026-11-26T07%3A")
		},
		"signature": func(raw []byte, v3 bool) []byte {
			if v3 {
				return changeAfter(raw, ",Signature=")
			}
			return changeAfter(raw, "&Signature=")
		},
	}
	for _, c := range loadCaptures(t) {
		v3 := bytes.Contains(c.raw, []byte("Authorization: ACS3-"))
		for what, change := range tamper {
			t.Run(c.name+"/"+what, func(t *testing.T) {
				raw := change(c.raw, v3)
				if n := diffBytes(c.raw, raw); n != 1 {
					t.Fatalf("tampering changed %d bytes, want 1", n)
				}
				if got := readInbound(t, raw).Verify(captureSecret); got != oracle.SigMismatch {
					t.Errorf("Verify = %v, want SigMismatch (%s %d)", got, signature.Code, signature.HTTP)
				}
			})
		}
	}
}

// signatureRule returns the spec's rule whose check is "signature".
func signatureRule(t testing.TB, p *spec.Profile) *spec.Rule {
	t.Helper()
	for _, r := range p.Rules {
		if r.Check == "signature" {
			return r
		}
	}
	t.Fatal("the spec has no rule with check \"signature\"")
	return nil
}

// changeAfter returns a copy of raw with the byte after the first marker
// changed to another character that is valid in the same position.
func changeAfter(raw []byte, marker string) []byte {
	i := bytes.Index(raw, []byte(marker))
	if i < 0 {
		panic("marker not found: " + marker)
	}
	out := bytes.Clone(raw)
	j := i + len(marker)
	if out[j] == '1' {
		out[j] = '2'
	} else {
		out[j] = '1'
	}
	return out
}

func diffBytes(a, b []byte) int {
	if len(a) != len(b) {
		return -1
	}
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
