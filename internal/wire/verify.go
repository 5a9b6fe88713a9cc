package wire

import (
	"slices"
	"strings"

	"github.com/eniconform/eniconform/oracle"
)

// Verify checks the request's signature with secret and compares in
// constant time. V1: HMAC-SHA1 over every parameter except Signature
// (CLIENTS.md §7.2). V3: SigMalformed when ParseRequest rejected the
// Authorization header; else SigMismatch unless x-acs-content-sha256 equals
// sha256(body) and the signature computed over the client's own
// SignedHeaders list (host is r.Host, with the port) matches (§7.1).
// A missing signature is SigMismatch. A nil Inbound is SigUnverified.
func (in *Inbound) Verify(secret string) oracle.SigStatus {
	switch {
	case in == nil:
		return oracle.SigUnverified
	case in.Request.Scheme == oracle.V3:
		return in.verifyV3(secret)
	}
	got, ok := in.Request.Params[ParamSignature]
	if !ok {
		return oracle.SigMismatch
	}
	return status(equal(signV1(in.Request.Method, in.Request.Params, secret), got))
}

// verifyV3 verifies an ACS3 request.
func (in *Inbound) verifyV3(secret string) oracle.SigStatus {
	if in.Request.Sig == oracle.SigMalformed {
		return oracle.SigMalformed
	}
	payload := firstValue(in.header, headerContentSHA256)
	if !in.auth.hasSignature || payload != payloadHash(in.body) {
		return oracle.SigMismatch
	}
	canon := v3Canonical{
		method:        in.Request.Method,
		path:          in.path,
		query:         in.Request.Params,
		skip:          func(k string) bool { return slices.Contains(in.notQuery, k) },
		headers:       in.signedHeaders(),
		signedHeaders: in.auth.signedHeaders,
		payload:       payload,
	}
	return status(equal(signV3(secret, in.auth.algorithm, canon.bytes()), in.auth.signature))
}

// signedHeaders returns the canonical header lines in the client's
// SignedHeaders order: host is r.Host, several values of one header are
// trimmed, sorted and joined with ",", an absent header has an empty value.
func (in *Inbound) signedHeaders() []header {
	hs := make([]header, 0, 8)
	for name := range strings.SplitSeq(in.auth.signedHeaders, ";") {
		if strings.EqualFold(name, headerHost) {
			hs = append(hs, header{name, in.host})
			continue
		}
		hs = append(hs, header{name, joinValues(headerValues(in.header, name))})
	}
	return hs
}

// joinValues trims, sorts and joins the values of one header.
func joinValues(vs []string) string {
	if len(vs) == 1 {
		return strings.TrimSpace(vs[0])
	}
	trimmed := make([]string, len(vs))
	for i, v := range vs {
		trimmed[i] = strings.TrimSpace(v)
	}
	slices.Sort(trimmed)
	return strings.Join(trimmed, ",")
}

func status(ok bool) oracle.SigStatus {
	if ok {
		return oracle.SigValid
	}
	return oracle.SigMismatch
}
