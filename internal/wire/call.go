package wire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Call is one request to send. Signing is pure: Time and Nonce are inputs,
// and the same Call always gives the same bytes.
type Call struct {
	Scheme      oracle.Scheme     // oracle.V1 or oracle.V3
	Method      string            // "GET" or "POST"; "" means POST
	FormBody    bool              // V1 POST only: every parameter, Signature included, in an application/x-www-form-urlencoded body
	Action      string            // sent as Action (V1) or x-acs-action (V3)
	Version     string            // sent as Version (V1) or x-acs-version (V3)
	Format      string            // sent as the Format parameter when non-empty (both schemes)
	Accept      string            // the Accept header; for V3 "" means "application/json" like the SDK, for V1 "" sends none
	AccessKeyID string            // sent as AccessKeyId (V1) or the Authorization Credential (V3)
	Secret      string            // never printed, never in errors
	Params      map[string]string // API parameters under wire names ("NetworkInterfaceId.1"); empty values are sent as k=
	Time        time.Time         // formatted with the profile's timestamp layout
	Nonce       string            // SignatureNonce (V1) or x-acs-signature-nonce (V3)
	Break       Breakage          // deliberate breakage; the zero value sends a correct request

	// Profile supplies the timestamp layout, SignatureMethod,
	// SignatureVersion, the ACS3 algorithm and the header names; nil means
	// spec.Default().
	Profile *spec.Profile

	host  string   // the host HTTPRequest signed (V3), for Expect
	built *v1Wire  // what HTTPRequest laid out and signed (V1), for Expect
	parts *v3Parts // the same for V3
}

// Breakage deliberately breaks a request for the gateway rules.
type Breakage struct {
	Omit             []string // common parameters to leave out, by V1 name (Action, Version, AccessKeyId, Signature, SignatureMethod, SignatureVersion, SignatureNonce, Timestamp); for V3 the matching header / Authorization part is left out
	Timestamp        string   // when set, sent verbatim instead of Time formatted (a malformed timestamp)
	SignatureMethod  string   // V1: when set, sent instead of the profile's HMAC-SHA1
	SignatureVersion string   // V1: when set, sent instead of the profile's 1.0
	CorruptSignature bool     // change the computed signature (one character)
	MalformedAuth    bool     // V3: send an Authorization header that cannot be parsed (no Credential or Signature can be read from it)
	PadBytes         int      // POST only: add an unsigned form parameter Padding of this many x's to the body (with FormBody, after the others), so the body is longer than PadBytes; a server that reads it finds an unsigned, unknown parameter
}

// HTTPRequest builds the signed request for target, a base URL such as
// "http://127.0.0.1:8080" (its path must be empty or "/"; the request goes
// to "/"). V1 GET puts every parameter in the query; V1 POST puts them in
// the query, or with FormBody in a form body; V3 sends the API parameters
// (and Format) in the query, the x-acs-* headers, Authorization and an
// empty body. Parameters are sorted and percent-encoded (RFC 3986).
//
// It records the signed host for Expect, so it must not be called
// concurrently on the same Call. Errors never contain the secret.
func (c *Call) HTTPRequest(ctx context.Context, target string) (*http.Request, error) {
	u, err := c.check(target)
	if err != nil {
		return nil, err
	}
	c.host = u.Host
	p := c.profile()
	if c.Scheme == oracle.V1 {
		return c.v1Request(ctx, p, u)
	}
	return c.v3Request(ctx, p, u)
}

// check validates the call and the target and returns the target URL.
func (c *Call) check(target string) (*url.URL, error) {
	if c.Scheme != oracle.V1 && c.Scheme != oracle.V3 {
		return nil, fmt.Errorf("wire: unknown scheme %d", c.Scheme)
	}
	if c.FormBody && (c.Scheme != oracle.V1 || c.method() != http.MethodPost) {
		return nil, errors.New("wire: FormBody needs V1 and POST")
	}
	if c.Break.PadBytes > 0 && c.method() != http.MethodPost {
		return nil, errors.New("wire: PadBytes needs POST")
	}
	for k := range c.Params {
		if k == "" || slices.Contains(reserved, k) || k == padParam && c.Break.PadBytes > 0 {
			return nil, fmt.Errorf("wire: Params must not contain %q (the call sets the common parameters)", k)
		}
	}
	if !headerSafe(c.Accept) {
		return nil, fmt.Errorf("wire: Accept %q cannot be sent in a header unchanged", c.Accept)
	}
	if c.Scheme == oracle.V3 {
		if err := c.checkHeaders(); err != nil {
			return nil, err
		}
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("wire: bad target: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("wire: target %q is not a base URL like http://127.0.0.1:8080", target)
	}
	u.Path = "/"
	return u, nil
}

// checkHeaders rejects V3 values that a header cannot carry unchanged.
func (c *Call) checkHeaders() error {
	values := [...][2]string{
		{"Action", c.Action}, {"Version", c.Version}, {"Nonce", c.Nonce},
		{"Timestamp", c.timestamp(c.profile())}, {"AccessKeyID", c.AccessKeyID},
	}
	for _, nv := range values {
		if !headerSafe(nv[1]) {
			return fmt.Errorf("wire: V3 %s %q cannot be sent in a header unchanged", nv[0], nv[1])
		}
	}
	if strings.ContainsAny(c.AccessKeyID, ", \t") {
		return fmt.Errorf("wire: V3 AccessKeyID %q cannot be an Authorization Credential", c.AccessKeyID)
	}
	return nil
}

// headerSafe reports whether v survives as a header value: no control
// characters and no leading or trailing white space.
func headerSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 && v[i] != '\t' || v[i] == 0x7f {
			return false
		}
	}
	return strings.TrimSpace(v) == v
}

// v1Request builds a V1 request.
func (c *Call) v1Request(ctx context.Context, p *spec.Profile, u *url.URL) (*http.Request, error) {
	w := c.v1Wire(p)
	c.built = &w
	u.RawQuery = encodeParams(w.query)
	req, err := newRequest(ctx, c.method(), u, w.body)
	if err != nil {
		return nil, err
	}
	if c.Accept != "" {
		req.Header.Set(headerAccept, c.Accept)
	}
	return req, nil
}

// v3Request builds an ACS3 request.
func (c *Call) v3Request(ctx context.Context, p *spec.Profile, u *url.URL) (*http.Request, error) {
	parts := c.v3Parts(p, u.Host)
	c.parts = &parts
	u.RawQuery = encodeParams(parts.query)
	req, err := newRequest(ctx, c.method(), u, parts.body)
	if err != nil {
		return nil, err
	}
	for _, h := range parts.headers {
		if h.name != headerHost {
			req.Header.Set(h.name, h.value)
		}
	}
	req.Header.Set(headerAccept, c.accept())
	req.Header.Set(headerAuthorization, parts.authorization)
	return req, nil
}

// newRequest builds a request with an optional form body.
func newRequest(ctx context.Context, method string, u *url.URL, body string) (*http.Request, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("wire: %w", err)
	}
	if body != "" {
		req.Header.Set(headerContentType, formContentType)
	}
	return req, nil
}

// profile returns the call's profile, spec.Default() when nil.
func (c *Call) profile() *spec.Profile {
	if c.Profile != nil {
		return c.Profile
	}
	return spec.Default()
}

// method returns the HTTP method, POST when empty.
func (c *Call) method() string {
	if c.Method == "" {
		return http.MethodPost
	}
	return c.Method
}

// accept returns the Accept header to send ("" for none).
func (c *Call) accept() string {
	if c.Accept == "" && c.Scheme == oracle.V3 {
		return acceptJSON
	}
	return c.Accept
}

// timestamp returns the Timestamp value to send.
func (c *Call) timestamp(p *spec.Profile) string {
	if c.Break.Timestamp != "" {
		return c.Break.Timestamp
	}
	return Timestamp(p, c.Time)
}

// omitted reports whether the common parameter name is to be left out.
func (c *Call) omitted(name string) bool { return slices.Contains(c.Break.Omit, name) }

// signature applies CorruptSignature to a computed signature.
func (c *Call) signature(sig string) string {
	if c.Break.CorruptSignature {
		return corrupt(sig)
	}
	return sig
}
