package wire

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
)

// TestRedact: reports keep AccessKeyId but never show a signature, a
// security token or the secret, for every way a request carries them; the
// body can still be sent afterwards.
func TestRedact(t *testing.T) {
	v1 := v3Call()
	v1.Scheme, v1.Method = oracle.V1, "GET"
	v1.Params["SecurityToken"] = "tok-secret"
	form := v3Call()
	form.Scheme, form.FormBody = oracle.V1, true
	form.Params["SecurityToken"] = "tok-secret"
	for name, c := range map[string]*Call{"V1 GET": v1, "V1 form": form, "V3": v3Call()} {
		t.Run(name, func(t *testing.T) {
			req := mustRequest(t, c, "http://127.0.0.1:8080")
			req.Header.Set(headerSecurityToken, "tok-secret")
			sig := c.Expect().Params[ParamSignature]
			line := Redact(req)
			if !strings.Contains(line, "testAKID") || !strings.Contains(line, redacted) {
				t.Errorf("AccessKeyId or <redacted> missing: %s", line)
			}
			for _, secret := range []string{sig, PercentEncode(sig), "tok-secret", c.Secret} {
				if strings.Contains(line, secret) {
					t.Errorf("report shows %q: %s", secret, line)
				}
			}
			if strings.Contains(line, "\n") {
				t.Errorf("report is not one line: %q", line)
			}
			if req.Body != nil && req.Body != http.NoBody {
				if b, _ := io.ReadAll(req.Body); !strings.Contains(string(b), "Signature=") {
					t.Errorf("Redact consumed the body: %q", b)
				}
			}
		})
	}
	if got := redactAuthorization("ACS3-X Credential=a SignedHeaders=h Signature=abc,signature=def"); strings.Contains(got, "abc") || strings.Contains(got, "def") {
		t.Errorf("malformed Authorization not redacted: %s", got)
	}
	// Found by FuzzParseRequest: searching a strings.ToLower copy gave
	// indexes that were out of range in the original.
	if got := redactAuthorization("\xffSignAture=abc İSignature=def"); strings.Contains(got, "abc") || strings.Contains(got, "def") {
		t.Errorf("non-ASCII Authorization not redacted: %q", got)
	}
	if got := redactURL("http://h/?Signature=abc%zz&x=%"); strings.Contains(got, "abc") {
		t.Errorf("URL not redacted: %s", got)
	}
}
