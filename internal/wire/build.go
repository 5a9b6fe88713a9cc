package wire

import (
	"maps"
	"slices"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// padParam is the form parameter Breakage.PadBytes fills. It is not
// signed: a server that reads the body finds an unsigned, unknown
// parameter; one that keeps to its size limit never reads it. Signing a
// megabyte would cost more than the rest of a run's requests together.
const padParam = "Padding"

// padding is the form parameter of PadBytes x's, encoded.
func padding(n int) string { return padParam + "=" + strings.Repeat("x", n) }

// Expect returns what a correct server decodes from the request the call
// builds: Method, Scheme, Params (common ones under their V1 names, API
// ones under their wire names, omitted ones absent), Accept, TooLarge and
// Sig (SigValid; SigMismatch with CorruptSignature, an omitted Signature or
// a body too large to read; SigMalformed with MalformedAuth). Now and
// NonceUntil are left zero. For V3 the signature covers the host, so Expect
// describes the request of the last HTTPRequest call.
func (c *Call) Expect() oracle.Request {
	p := c.profile()
	req := oracle.Request{Method: c.method(), Scheme: c.Scheme, Accept: c.accept(), Sig: c.expectSig()}
	if c.Scheme != oracle.V3 {
		w := c.wireV1(p)
		req.Params, req.TooLarge = w.all, tooLarge(p, w.body)
		switch {
		case req.TooLarge:
			req.Params = w.query
			if c.FormBody {
				req.Sig = oracle.SigMismatch // the signature was in the body
			}
		case c.Break.PadBytes > 0:
			req.Params = maps.Clone(w.all)
			req.Params[padParam], req.Sig = strings.Repeat("x", c.Break.PadBytes), oracle.SigMismatch
		}
		return req
	}
	parts := c.partsV3(p)
	req.Params = maps.Clone(parts.query)
	req.TooLarge = tooLarge(p, parts.body)
	if !req.TooLarge && parts.body != "" {
		parseForm(req.Params, parts.body, nil)
	}
	if parts.body != "" && req.Sig == oracle.SigValid {
		req.Sig = oracle.SigMismatch // the body, read or not, does not hash to the signed payload
	}
	for _, h := range parts.headers {
		if common := p.CommonByHeader(h.name); common != nil {
			req.Params[common.Name] = h.value
		}
	}
	if !c.Break.MalformedAuth {
		c.putCommon(req.Params, ParamAccessKeyID, c.AccessKeyID)
		c.putCommon(req.Params, ParamSignature, parts.signature)
	}
	return req
}

// tooLarge reports whether a body exceeds the profile's limit.
func tooLarge(p *spec.Profile, body string) bool {
	return p.Gateway.MaxRequestBytes > 0 && int64(len(body)) > p.Gateway.MaxRequestBytes
}

// expectSig is the verification result a correct server reaches for a body
// it can read.
func (c *Call) expectSig() oracle.SigStatus {
	switch {
	case c.Scheme == oracle.V3 && c.Break.MalformedAuth:
		return oracle.SigMalformed
	case c.Break.CorruptSignature || c.omitted(ParamSignature):
		return oracle.SigMismatch
	}
	return oracle.SigValid
}

// putCommon sets a common parameter unless the call omits it.
func (c *Call) putCommon(params map[string]string, name, value string) {
	if !c.omitted(name) {
		params[name] = value
	}
}

// wireV1 is the V1 layout HTTPRequest signed, or a new one. A Call is not
// changed between HTTPRequest and Expect.
func (c *Call) wireV1(p *spec.Profile) v1Wire {
	if c.built != nil {
		return *c.built
	}
	return c.v1Wire(p)
}

// partsV3 is the ACS3 request HTTPRequest signed, or a new one for the
// host it signed.
func (c *Call) partsV3(p *spec.Profile) v3Parts {
	if c.parts != nil {
		return *c.parts
	}
	return c.v3Parts(p, c.host)
}

// v1Wire is where a V1 call puts its parameters.
type v1Wire struct {
	all   map[string]string // every parameter sent, Signature included
	query map[string]string // those sent in the query
	body  string            // the form body; "" for none
}

// v1Wire lays the call's parameters out: all in the query, all in a form
// body (FormBody), or the Padding parameter alone in the body (PadBytes
// without FormBody).
func (c *Call) v1Wire(p *spec.Profile) v1Wire {
	w := v1Wire{all: c.v1Params(p)}
	switch {
	case c.FormBody:
		w.query, w.body = map[string]string{}, encodeParams(w.all)
	default:
		w.query = w.all
	}
	if c.Break.PadBytes > 0 {
		if w.body != "" {
			w.body += "&"
		}
		w.body += padding(c.Break.PadBytes)
	}
	return w
}

// v1Params returns every parameter a V1 call sends, Signature included.
func (c *Call) v1Params(p *spec.Profile) map[string]string {
	m := make(map[string]string, len(c.Params)+11)
	maps.Copy(m, c.Params)
	c.putCommon(m, ParamAction, c.Action)
	c.putCommon(m, ParamVersion, c.Version)
	if c.Format != "" {
		m[ParamFormat] = c.Format
	}
	c.putCommon(m, ParamAccessKeyID, c.AccessKeyID)
	c.putCommon(m, ParamSignatureMethod, or(c.Break.SignatureMethod, p.Gateway.SignatureMethod))
	c.putCommon(m, ParamSignatureVersion, or(c.Break.SignatureVersion, p.Gateway.SignatureVersion))
	c.putCommon(m, ParamSignatureNonce, c.Nonce)
	c.putCommon(m, ParamTimestamp, c.timestamp(p))
	c.putCommon(m, ParamSignature, c.signature(signV1(c.method(), m, c.Secret)))
	return m
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// v3Parts is what an ACS3 call sends besides the method and the path.
type v3Parts struct {
	query         map[string]string // API parameters and Format
	body          string            // the Padding form body; "" for none
	headers       []header          // the signed headers, host included, sorted by name
	signature     string            // as sent (corrupted when asked)
	authorization string
}

// v3Parts builds and signs the ACS3 parts of the call for host.
func (c *Call) v3Parts(p *spec.Profile, host string) v3Parts {
	parts := v3Parts{query: make(map[string]string, len(c.Params)+1)}
	maps.Copy(parts.query, c.Params)
	if c.Format != "" {
		parts.query[ParamFormat] = c.Format
	}
	payload := emptySHA256
	if c.Break.PadBytes > 0 {
		parts.body = padding(c.Break.PadBytes) // unsigned: the payload hash stays the empty body's
		parts.headers = append(parts.headers, header{strings.ToLower(headerContentType), formContentType})
	}
	parts.headers = append(parts.headers, header{headerHost, host}, header{headerContentSHA256, payload})
	for _, nv := range [...][2]string{
		{ParamAction, c.Action}, {ParamVersion, c.Version},
		{ParamTimestamp, c.timestamp(p)}, {ParamSignatureNonce, c.Nonce},
	} {
		if common := p.Common(nv[0]); common != nil && common.Header != "" && !c.omitted(nv[0]) {
			parts.headers = append(parts.headers, header{strings.ToLower(common.Header), nv[1]})
		}
	}
	slices.SortFunc(parts.headers, func(a, b header) int { return strings.Compare(a.name, b.name) })
	names := make([]string, len(parts.headers))
	for i, h := range parts.headers {
		names[i] = h.name
	}
	canon := v3Canonical{method: c.method(), query: parts.query, headers: parts.headers,
		signedHeaders: strings.Join(names, ";"), payload: payload}
	parts.signature = c.signature(signV3(c.Secret, p.Gateway.V3Algorithm, canon.bytes()))
	parts.authorization = c.authorization(p.Gateway.V3Algorithm, canon.signedHeaders, parts.signature)
	return parts
}

// authorization builds the Authorization header, leaving out omitted parts
// and breaking it when MalformedAuth asks.
func (c *Call) authorization(algorithm, signedHeaders, signature string) string {
	if c.Break.MalformedAuth {
		return algorithm + " Credential=" + c.AccessKeyID + " SignedHeaders=" + signedHeaders
	}
	parts := make([]string, 0, 3)
	if !c.omitted(ParamAccessKeyID) {
		parts = append(parts, "Credential="+c.AccessKeyID)
	}
	parts = append(parts, "SignedHeaders="+signedHeaders)
	if !c.omitted(ParamSignature) {
		parts = append(parts, "Signature="+signature)
	}
	return algorithm + " " + strings.Join(parts, ",")
}
