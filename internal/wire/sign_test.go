package wire

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// TestKnownAnswerV1 checks the documented V1 vector (API-FACTS §7a):
// signing through a Call gives the documented signature, and the server side
// verifies it.
func TestKnownAnswerV1(t *testing.T) {
	c := &Call{
		Scheme: oracle.V1, Method: "GET", Action: "DescribeRegions", Version: "2014-05-26",
		Format: "XML", AccessKeyID: "testid", Secret: "testsecret",
		Nonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
		Time:  time.Date(2016, 2, 23, 12, 46, 24, 0, time.UTC),
	}
	const want = "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
	if got := c.Expect().Params[ParamSignature]; got != want {
		t.Fatalf("V1 signature = %s, want %s", got, want)
	}
	req := mustRequest(t, c, "http://ecs.aliyuncs.com")
	if got := req.URL.Query().Get(ParamSignature); got != want {
		t.Errorf("V1 request carries Signature %s, want %s", got, want)
	}
	if got := parse(t, req).Verify("testsecret"); got != oracle.SigValid {
		t.Errorf("server-side Verify = %v, want SigValid", got)
	}
}

// TestKnownAnswerV3 checks the V3 vector of API-FACTS §7b through a Call
// and through the server-side verifier.
func TestKnownAnswerV3(t *testing.T) {
	c := &Call{
		Scheme: oracle.V3, Method: "POST", Action: "RunInstances", Version: "2014-05-26",
		AccessKeyID: "YourAccessKeyId", Secret: "YourAccessKeySecret",
		Nonce: "d410180a5abf7fe235dd9b74aca91fc0",
		Time:  time.Date(2023, 10, 26, 9, 1, 1, 0, time.UTC),
		Params: map[string]string{
			"ImageId":  "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
			"RegionId": "cn-shanghai",
		},
	}
	const want = "e521358f7776c97df52e6b2891a8bc73026794a071b50c3323388c4e0df64804"
	req := mustRequest(t, c, "http://ecs.cn-shanghai.aliyuncs.com")
	auth := req.Header.Get("Authorization")
	wantAuth := "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;" +
		"x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=" + want
	if auth != wantAuth {
		t.Fatalf("Authorization =\n %s\nwant\n %s", auth, wantAuth)
	}
	if got := parse(t, req).Verify("YourAccessKeySecret"); got != oracle.SigValid {
		t.Errorf("server-side Verify = %v, want SigValid", got)
	}
}

// TestPercentEncode checks RFC 3986 encoding on the characters the SDKs
// special-case.
func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"AZaz09-_.~":  "AZaz09-_.~",
		"a b":         "a%20b",
		"+*/=&%":      "%2B%2A%2F%3D%26%25",
		"中":           "%E4%B8%AD",
		"2016:02:23Z": "2016%3A02%3A23Z",
	} {
		if got := PercentEncode(in); got != want {
			t.Errorf("PercentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func mustRequest(t fatalT, c *Call, target string) *http.Request {
	t.Helper()
	req, err := c.HTTPRequest(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func parse(t fatalT, req *http.Request) *Inbound {
	t.Helper()
	in, err := ParseRequest(req, spec.Default())
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// fatalT is what the helpers need from *testing.T and *rapid.T.
type fatalT interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}
