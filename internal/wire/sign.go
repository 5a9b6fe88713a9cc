package wire

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// This file is the only place in the module that computes or compares
// signatures (rules_test.go keeps crypto/hmac here).

// v1StringToSign returns the V1 string to sign of a request:
// METHOD + "&%2F&" + PercentEncode(canonical query of every parameter except
// Signature).
func v1StringToSign(method string, params map[string]string) []byte {
	cq := appendCanonical(make([]byte, 0, 48*len(params)), params, isSignature)
	sts := make([]byte, 0, len(method)+5+len(cq)+len(cq)/2)
	sts = append(sts, method...)
	sts = append(sts, "&%2F&"...)
	return appendPercent(sts, cq)
}

func isSignature(key string) bool { return key == ParamSignature }

// signV1 returns the V1 signature of a request:
// base64(HMAC-SHA1(secret + "&", v1StringToSign)).
func signV1(method string, params map[string]string, secret string) string {
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write(v1StringToSign(method, params))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// header is one header line of an ACS3 canonical request.
type header struct{ name, value string }

// v3Canonical is what an ACS3 canonical request is made of.
type v3Canonical struct {
	method        string
	path          string            // the escaped request path; "" means "/"
	query         map[string]string // the decoded query parameters
	skip          func(string) bool // query keys to leave out; may be nil
	headers       []header          // in SignedHeaders order, values already joined
	signedHeaders string            // the SignedHeaders list as sent
	payload       string            // the x-acs-content-sha256 value
}

// bytes returns the canonical request:
// METHOD\nURI\nQUERY\nHEADERS\nSIGNEDHEADERS\nPAYLOAD, each header line
// "name:trimmed value\n".
func (c *v3Canonical) bytes() []byte {
	b := make([]byte, 0, 512)
	b = append(b, c.method...)
	b = append(b, '\n')
	b = append(b, canonicalURI(c.path)...)
	b = append(b, '\n')
	b = appendCanonical(b, c.query, c.skip)
	b = append(b, '\n')
	for _, h := range c.headers {
		b = append(b, h.name...)
		b = append(b, ':')
		b = append(b, strings.TrimSpace(h.value)...)
		b = append(b, '\n')
	}
	b = append(b, '\n')
	b = append(b, c.signedHeaders...)
	b = append(b, '\n')
	return append(b, c.payload...)
}

// canonicalURI is the ACS3 canonical URI of an escaped path: "/" when empty,
// else the path with + → %20, * → %2A and %7E → ~, as the SDKs write it.
func canonicalURI(path string) string {
	if path == "" || path == "/" {
		return "/"
	}
	return uriReplacer.Replace(path)
}

var uriReplacer = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")

// signV3 returns the ACS3 signature of a canonical request:
// hex(HMAC-SHA256(secret, algorithm + "\n" + hex(sha256(canonical)))).
func signV3(secret, algorithm string, canonical []byte) string {
	sum := sha256.Sum256(canonical)
	sts := make([]byte, 0, len(algorithm)+1+2*len(sum))
	sts = append(sts, algorithm...)
	sts = append(sts, '\n')
	sts = hex.AppendEncode(sts, sum[:])
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(sts)
	return hex.EncodeToString(mac.Sum(nil))
}

// payloadHash returns hex(sha256(body)).
func payloadHash(body []byte) string {
	if len(body) == 0 {
		return emptySHA256
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// equal compares two signatures in constant time (for equal lengths).
func equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// corrupt changes the first character of a signature to another one that is
// valid in both base64 and hex.
func corrupt(sig string) string {
	if sig == "" {
		return "0"
	}
	c := byte('0')
	if sig[0] == '0' {
		c = '1'
	}
	return string(c) + sig[1:]
}
