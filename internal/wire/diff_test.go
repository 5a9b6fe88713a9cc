package wire

import (
	"context"
	"maps"
	"testing"

	"github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	"pgregory.net/rapid"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// The differential properties compare our signatures with the official
// darabonba-openapi v2.1.14 utilities (the version the ECS SDK asks for) on
// generated calls: Chinese text, spaces, * ~ + / = & %, empty values, raw
// bytes.

// TestV1SignatureMatchesSDK: our V1 Signature equals utils.GetRPCSignature.
func TestV1SignatureMatchesSDK(t *testing.T) {
	p := spec.Default()
	rapid.Check(t, func(t *rapid.T) {
		c := genCall(t, oracle.V1)
		sent := c.v1Params(p)
		signed := map[string]*string{}
		for k, v := range sent {
			if k != ParamSignature {
				signed[k] = dara.String(v)
			}
		}
		want := dara.StringValue(utils.GetRPCSignature(signed, dara.String(c.method()), dara.String(c.Secret)))
		if got := sent[ParamSignature]; got != want {
			t.Fatalf("V1 signature %s, SDK %s", got, want)
		}
	})
}

// TestV3AuthorizationMatchesSDK: our whole ACS3 Authorization header equals
// utils.GetAuthorization given the same query and headers (accept and
// user-agent included, which neither side signs).
func TestV3AuthorizationMatchesSDK(t *testing.T) {
	p := spec.Default()
	rapid.Check(t, func(t *rapid.T) {
		c := genCall(t, oracle.V3)
		host := rapid.SampledFrom([]string{"127.0.0.1:8080", "ecs.aliyuncs.com", "[::1]:18080"}).Draw(t, "host")
		parts := c.v3Parts(p, host)
		req := dara.NewRequest()
		req.Method, req.Pathname = dara.String(c.method()), dara.String("/")
		for k, v := range parts.query {
			req.Query[k] = dara.String(v)
		}
		for _, h := range parts.headers {
			req.Headers[h.name] = dara.String(h.value)
		}
		req.Headers["accept"], req.Headers["user-agent"] = dara.String(c.accept()), dara.String("AlibabaCloud (test)")
		want := dara.StringValue(utils.GetAuthorization(req, dara.String(p.Gateway.V3Algorithm),
			dara.String(emptySHA256), dara.String(c.AccessKeyID), dara.String(c.Secret)))
		if parts.authorization != want {
			t.Fatalf("Authorization\n ours %s\n SDK  %s", parts.authorization, want)
		}
	})
}

// TestSDKSignedRequestsVerify: a request the SDK utilities sign (V3, with
// the SDK's own header set and a content-type header it also signs)
// verifies on our server side.
func TestSDKSignedRequestsVerify(t *testing.T) {
	p := spec.Default()
	rapid.Check(t, func(t *rapid.T) {
		c := genCall(t, oracle.V3)
		req, err := c.HTTPRequest(context.Background(), "http://127.0.0.1:8080")
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("x-acs-credentials-provider", "static_ak")
		sdk := dara.NewRequest()
		sdk.Method, sdk.Pathname = dara.String(req.Method), dara.String("/")
		query := map[string]string{}
		parseForm(query, req.URL.RawQuery, nil)
		for k, v := range query {
			sdk.Query[k] = dara.String(v)
		}
		sdk.Headers["host"] = dara.String(req.Host)
		for k := range maps.Keys(req.Header) {
			if k != "Authorization" {
				sdk.Headers[k] = dara.String(req.Header.Get(k))
			}
		}
		req.Header.Set("Authorization", dara.StringValue(utils.GetAuthorization(sdk, dara.String(p.Gateway.V3Algorithm),
			dara.String(emptySHA256), dara.String(c.AccessKeyID), dara.String(c.Secret))))
		in := roundTrip(t, req)
		if got := in.Verify(c.Secret); got != oracle.SigValid {
			t.Fatalf("Verify = %v for an SDK-signed request: %s", got, Redact(req))
		}
	})
}
