package wire

import (
	"maps"
	"slices"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Expect returns what a correct server decodes from the request the call
// builds: Method, Scheme, Params (common ones under their V1 names, API
// ones under their wire names, omitted ones absent), Accept, TooLarge and
// Sig (SigValid; SigMismatch with CorruptSignature, an omitted Signature or
// a form body too large to read; SigMalformed with MalformedAuth). Now and
// NonceSeen are left zero. For V3 the signature covers the host, so Expect
// describes the request of the last HTTPRequest call.
func (c *Call) Expect() oracle.Request {
	p := c.profile()
	req := oracle.Request{Method: c.method(), Scheme: c.Scheme, Accept: c.accept(), Sig: c.expectSig()}
	if c.Scheme != oracle.V3 {
		req.Params = c.v1Params(p)
		if c.FormBody && int64(len(encodeParams(req.Params))) > p.Gateway.MaxRequestBytes && p.Gateway.MaxRequestBytes > 0 {
			req.Params, req.TooLarge, req.Sig = map[string]string{}, true, oracle.SigMismatch
		}
		return req
	}
	parts := c.v3Parts(p, c.host)
	req.Params = maps.Clone(parts.query)
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

// expectSig is the verification result a correct server reaches.
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

// v1Params returns every parameter a V1 call sends, Signature included.
func (c *Call) v1Params(p *spec.Profile) map[string]string {
	m := make(map[string]string, len(c.Params)+10)
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
	parts.headers = append(parts.headers, header{headerHost, host}, header{headerContentSHA256, emptySHA256})
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
		signedHeaders: strings.Join(names, ";"), payload: emptySHA256}
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
