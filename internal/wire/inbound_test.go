package wire

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// v3Call is a correct ACS3 call used by the table tests.
func v3Call() *Call {
	return &Call{Scheme: oracle.V3, Action: ActionCreate, Version: "2014-05-26", AccessKeyID: "testAKID",
		Secret: "testSecret", Nonce: "n1", Time: time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC),
		Params: map[string]string{"RegionId": "cn-hangzhou", "Description": "a b"}}
}

// TestParseRequestRules covers the decoding rules one by one.
func TestParseRequestRules(t *testing.T) {
	p := spec.Default()
	for _, tc := range []struct {
		name        string
		method, url string
		header      http.Header
		body        string
		want        map[string]string
	}{
		{"plus and %20 are spaces, empty values kept", "GET", "/?a=x+y&b=x%20y&c=&d", nil, "",
			map[string]string{"a": "x y", "b": "x y", "c": "", "d": ""}},
		{"first of repeated keys wins; bad escapes and empty keys skipped", "GET", "/?a=1&a=2&b=%zz&=v&c=%E4%B8%AD", nil, "",
			map[string]string{"a": "1", "c": "中"}},
		{"form body merged, query wins", "POST", "/?a=q", http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=UTF-8"}}, "a=b&c=d+e",
			map[string]string{"a": "q", "c": "d e"}},
		{"form body ignored without the form content type", "POST", "/?a=q", http.Header{"Content-Type": {"application/json"}}, "c=d",
			map[string]string{"a": "q"}},
		{"form body ignored for GET", "GET", "/", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "c=d",
			map[string]string{}},
		{"V3 headers fill common parameters the query lacks", "POST", "/?Action=FromQuery",
			http.Header{"Authorization": {"ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token,Signature=00"},
				"X-Acs-Action": {"FromHeader"}, "X-Acs-Version": {"v"}, "X-Acs-Date": {"d"}, "X-Acs-Security-Token": {"tok"},
				"X-Acs-Content-Sha256": {emptySHA256}}, "",
			map[string]string{"Action": "FromQuery", "Version": "v", "Timestamp": "d", "SecurityToken": "tok", "AccessKeyId": "ak", "Signature": "00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest(tc.method, "http://h"+tc.url, strings.NewReader(tc.body))
			for k, vs := range tc.header {
				r.Header[k] = vs
			}
			if d := cmp.Diff(tc.want, parse(t, r).Request.Params); d != "" {
				t.Errorf("Params (-want +got):\n%s", d)
			}
		})
	}
	if _, err := ParseRequest(nil, p); err == nil {
		t.Error("ParseRequest(nil) gave no error")
	}
	r, _ := http.NewRequest("POST", "http://h/", iotest.ErrReader(errors.New("reset")))
	if _, err := ParseRequest(r, p); err == nil {
		t.Error("an unreadable body gave no error")
	}
}

// TestParseRequestTooLarge: a body over max_request_bytes sets TooLarge and
// keeps only the query parameters.
func TestParseRequestTooLarge(t *testing.T) {
	p, err := spec.Default().Edit(func(p *spec.Profile) { p.Gateway.MaxRequestBytes = 8 })
	if err != nil {
		t.Fatal(err)
	}
	for body, tooLarge := range map[string]bool{"b=12345": false, "b=123456": false, "b=1234567": true} {
		r, _ := http.NewRequest("POST", "http://h/?a=1", strings.NewReader(body))
		r.Header.Set("Content-Type", formContentType)
		in, err := ParseRequest(r, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, hasB := in.Request.Params["b"]; in.Request.TooLarge != tooLarge || hasB == tooLarge || in.Request.Params["a"] != "1" {
			t.Errorf("%d-byte body: TooLarge %v, Params %v", len(body), in.Request.TooLarge, in.Request.Params)
		}
	}
}

// TestV3Malformed: the ACS3 Authorization rules that give SigMalformed, and
// the payload rule that gives SigMismatch.
func TestV3Malformed(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(r *http.Request)
		want   oracle.SigStatus
	}{
		{"correct", func(*http.Request) {}, oracle.SigValid},
		{"unparsable", func(r *http.Request) { r.Header.Set("Authorization", "ACS3-HMAC-SHA256") }, oracle.SigMalformed},
		{"unknown part", func(r *http.Request) { setAuth(r, ",Signature=", ",Foo=1,Signature=") }, oracle.SigMalformed},
		{"repeated part", func(r *http.Request) { setAuth(r, ",Signature=", ",Credential=x,Signature=") }, oracle.SigMalformed},
		{"another algorithm", func(r *http.Request) { setAuth(r, "ACS3-HMAC-SHA256 ", "ACS3-HMAC-SM3 ") }, oracle.SigMalformed},
		{"present header not signed", func(r *http.Request) { setAuth(r, ";x-acs-date", "") }, oracle.SigMalformed},
		{"no x-acs-content-sha256", func(r *http.Request) { r.Header.Del(headerContentSHA256) }, oracle.SigMalformed},
		{"absent header need not be signed", func(r *http.Request) { setAuth(r, ";x-acs-date", ""); r.Header.Del("x-acs-date") }, oracle.SigMismatch},
		{"payload hash differs from the body", func(r *http.Request) {
			r.Body = http.NoBody
			r.Header.Set(headerContentSHA256, strings.Repeat("0", 64))
		}, oracle.SigMismatch},
		{"spaces after commas", func(r *http.Request) { setAuth(r, ",", ", ") }, oracle.SigValid},
		{"an x-acs-* header not signed", func(r *http.Request) { r.Header.Set("x-acs-extra", "1") }, oracle.SigMalformed},
		{"x-acs-security-token not signed", func(r *http.Request) { r.Header.Set(headerSecurityToken, "tok") }, oracle.SigMalformed},
		{"x-acs-security-token signed", func(r *http.Request) { resign(t, r, headerSecurityToken, "tok") }, oracle.SigValid},
		{"another unsigned header", func(r *http.Request) { r.Header.Set("X-Forwarded-For", "10.0.0.1") }, oracle.SigValid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := mustRequest(t, v3Call(), "http://127.0.0.1:8080")
			tc.change(req)
			in := parse(t, req)
			if got := in.Verify("testSecret"); got != tc.want {
				t.Errorf("Verify = %v, want %v (Authorization %s)", got, tc.want, req.Header.Get("Authorization"))
			}
		})
	}
}

func setAuth(r *http.Request, old, new string) {
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
}

// resign adds the header name: value to an ACS3 request of v3Call and signs
// it too, in sorted SignedHeaders order as the SDKs do.
func resign(t *testing.T, r *http.Request, name, value string) {
	t.Helper()
	r.Header.Set(name, value)
	in := parse(t, r)
	names := append(strings.Split(in.auth.signedHeaders, ";"), name)
	slices.Sort(names)
	in.auth.signedHeaders = strings.Join(names, ";")
	canon := v3Canonical{method: r.Method, path: in.path, query: in.Request.Params, skip: func(k string) bool { return slices.Contains(in.notQuery, k) },
		headers: in.signedHeaders(), signedHeaders: in.auth.signedHeaders, payload: r.Header.Get(headerContentSHA256)}
	r.Header.Set("Authorization", "ACS3-HMAC-SHA256 Credential="+in.auth.credential+",SignedHeaders="+in.auth.signedHeaders+
		",Signature="+signV3("testSecret", in.auth.algorithm, canon.bytes()))
}

// TestHTTPRequestErrors: calls that cannot be sent as asked are errors, and
// no error mentions the secret.
func TestHTTPRequestErrors(t *testing.T) {
	for name, change := range map[string]func(c *Call) string{
		"unknown scheme":        func(c *Call) string { c.Scheme = 9; return "http://h" },
		"FormBody with V3":      func(c *Call) string { c.FormBody = true; return "http://h" },
		"FormBody with V1 GET":  func(c *Call) string { c.Scheme, c.Method, c.FormBody = oracle.V1, "GET", true; return "http://h" },
		"PadBytes with GET":     func(c *Call) string { c.Method, c.Break.PadBytes = "GET", 10; return "http://h" },
		"reserved parameter":    func(c *Call) string { c.Params["Signature"] = "x"; return "http://h" },
		"empty parameter name":  func(c *Call) string { c.Params[""] = "x"; return "http://h" },
		"target with a path":    func(c *Call) string { return "http://h/api" },
		"target with a query":   func(c *Call) string { return "http://h/?a=1" },
		"target without host":   func(c *Call) string { return "/relative" },
		"bad method":            func(c *Call) string { c.Method = "PO ST"; return "http://h" },
		"V3 header with a CRLF": func(c *Call) string { c.Action = "a\r\nX-Evil: 1"; return "http://h" },
		"V3 padded header":      func(c *Call) string { c.Nonce = " n"; return "http://h" },
		"V3 key with a comma":   func(c *Call) string { c.AccessKeyID = "a,b"; return "http://h" },
	} {
		c := v3Call()
		c.Secret = "s3cr3t-value"
		target := change(c)
		_, err := c.HTTPRequest(context.Background(), target)
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if strings.Contains(err.Error(), c.Secret) {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
}
