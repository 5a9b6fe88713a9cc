package wire

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Inbound is a decoded incoming request plus what is needed to verify its
// signature. Request.Sig is SigUnverified, or SigMalformed for an ACS3
// Authorization header that ParseRequest already rejected; Verify gives the
// final result.
type Inbound struct {
	Request oracle.Request

	host     string        // r.Host, with the port
	path     string        // the escaped request path
	header   http.Header   // the request headers, as received
	body     []byte        // at most max_request_bytes of the body
	notQuery []string      // V3: keys of Request.Params that did not come from the query
	auth     authorization // V3: the parsed Authorization header
}

// ParseRequest decodes r as the gateway sees it, with the common parameters
// of profile p. Parameters are the form-decoded query ('+' is a space, any
// order, empty values kept as "", the first of repeated keys wins) plus, for
// POST with Content-Type application/x-www-form-urlencoded, the
// form-decoded body (the query wins on duplicate keys). The scheme is V3
// when the Authorization header starts with "ACS3-": then the x-acs-* headers
// of p's common parameters fill Action, Version, Timestamp, SignatureNonce
// and SecurityToken when the query lacks them, and the Authorization
// Credential and Signature fill AccessKeyId and Signature.
//
// It reads at most p.Gateway.MaxRequestBytes of the body (no limit when it
// is not positive); a longer body sets Request.TooLarge and only the query
// parameters are kept. It returns an error only when the body cannot be
// read. Verify reads Request.Params: do not change them before verifying.
func ParseRequest(r *http.Request, p *spec.Profile) (*Inbound, error) {
	if r == nil || p == nil {
		return nil, fmt.Errorf("wire: ParseRequest needs a request and a profile")
	}
	body, tooLarge, err := readBody(r.Body, p.Gateway.MaxRequestBytes)
	if err != nil {
		return nil, fmt.Errorf("wire: reading the request body: %w", err)
	}
	in := &Inbound{host: r.Host, header: r.Header, body: body}
	params := make(map[string]string, 16)
	if r.URL != nil {
		in.path = r.URL.EscapedPath()
		parseForm(params, r.URL.RawQuery, nil)
	}
	in.Request = oracle.Request{Method: r.Method, Scheme: oracle.V1, Params: params,
		Accept: firstValue(r.Header, headerAccept), TooLarge: tooLarge}
	if !tooLarge && r.Method == http.MethodPost && isForm(firstValue(r.Header, headerContentType)) {
		parseForm(params, string(body), &in.notQuery)
	}
	if auth := firstValue(r.Header, headerAuthorization); strings.HasPrefix(auth, acs3Prefix) {
		in.parseV3(p, auth)
	}
	return in, nil
}

// readBody reads at most max bytes of body and reports whether there was
// more.
func readBody(body io.Reader, max int64) ([]byte, bool, error) {
	if body == nil || body == http.NoBody {
		return nil, false, nil
	}
	if max <= 0 || max == math.MaxInt64 {
		b, err := io.ReadAll(body)
		return b, false, err
	}
	b, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(b)) > max {
		return b[:max], true, nil
	}
	return b, false, nil
}

// parseV3 maps the ACS3 headers to common parameters and parses the
// Authorization header value.
func (in *Inbound) parseV3(p *spec.Profile, value string) {
	in.Request.Scheme = oracle.V3
	for _, c := range p.Gateway.Common {
		if c.Header == "" {
			continue
		}
		if vs := headerValues(in.header, c.Header); len(vs) > 0 {
			in.add(c.Name, vs[0])
		}
	}
	a, ok := parseAuthorization(value)
	in.auth = a
	if ok && a.hasCredential {
		in.add(ParamAccessKeyID, a.credential)
	}
	if ok && a.hasSignature {
		in.add(ParamSignature, a.signature)
	}
	if !ok || in.unsigned(p) {
		in.Request.Sig = oracle.SigMalformed
	}
}

// add sets a parameter that does not come from the query, unless the query
// already has it.
func (in *Inbound) add(name, value string) {
	if _, ok := in.Request.Params[name]; ok {
		return
	}
	in.Request.Params[name] = value
	in.notQuery = append(in.notQuery, name)
}

// unsigned reports whether the parsed Authorization breaks the profile's
// rules: another algorithm, no x-acs-content-sha256 header, a header of
// p.Gateway.V3SignedHeaders present in the request but not signed, or any
// other x-acs-* header not signed (decision acs3-signs-every-x-acs-header:
// x-acs-security-token above all, which says whose credentials these are).
func (in *Inbound) unsigned(p *spec.Profile) bool {
	if in.auth.algorithm != p.Gateway.V3Algorithm || len(headerValues(in.header, headerContentSHA256)) == 0 {
		return true
	}
	for _, h := range p.Gateway.V3SignedHeaders {
		if in.present(h) && !in.auth.signs(h) {
			return true
		}
	}
	for name := range in.header {
		if len(name) >= len(acsHeaderPrefix) && strings.EqualFold(name[:len(acsHeaderPrefix)], acsHeaderPrefix) && !in.auth.signs(name) {
			return true
		}
	}
	return false
}

// present reports whether the request has the header name.
func (in *Inbound) present(name string) bool {
	if strings.EqualFold(name, headerHost) {
		return in.host != ""
	}
	return len(headerValues(in.header, name)) > 0
}

// firstValue returns the first value of a header, "" when absent.
func firstValue(h http.Header, name string) string {
	if vs := headerValues(h, name); len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// headerValues returns the values of header name (any case) as net/http
// stores them, under the canonical key, without allocating.
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) > len(buf) || h == nil {
		return h.Values(name)
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !tokenByte(c) {
			return h[name] // net/http leaves such keys as they are
		}
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
		upper = c == '-'
	}
	return h[string(buf[:len(name)])]
}

// tokenByte reports whether c may appear in a header name.
func tokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
