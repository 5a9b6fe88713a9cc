package wire

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// redacted replaces secrets and signatures in reports.
const redacted = "<redacted>"

// maxBodyShown is how much of a request body Redact shows.
const maxBodyShown = 4 << 10

// Redact renders req on one line for reports: method, URL, the Accept,
// Authorization, Content-Type and x-acs-* headers (sorted), and a body that
// GetBody can re-read (so req can still be sent). The Signature and
// SecurityToken parameters (query or form), the Signature part of an ACS3
// Authorization header and the x-acs-security-token header read
// "<redacted>"; AccessKeyId stays. Reports must use it instead of printing
// a request.
func Redact(req *http.Request) string {
	if req == nil {
		return "<nil request>"
	}
	var b strings.Builder
	b.WriteString(req.Method + " " + requestURL(req))
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		if shownHeader(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		b.WriteString(" | " + name + ": " + redactHeader(name, strings.Join(req.Header[name], ", ")))
	}
	if body, ok := rereadBody(req); ok && body != "" {
		b.WriteString(" | body: " + body)
	}
	return b.String()
}

// requestURL returns the URL of a client or a server request, redacted.
func requestURL(req *http.Request) string {
	if req.URL == nil {
		return "<no URL>"
	}
	u := *req.URL
	if u.Host == "" {
		u.Host = req.Host
	}
	if u.Host != "" && u.Scheme == "" {
		u.Scheme = "http"
	}
	u.RawQuery = redactQuery(u.RawQuery)
	return u.String() // RawQuery is written as it is
}

// shownHeader reports whether Redact shows a header.
func shownHeader(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(lower, "x-acs-") || lower == "accept" || lower == "authorization" || lower == "content-type"
}

// redactHeader returns a header value with its secrets redacted.
func redactHeader(name, value string) string {
	switch {
	case strings.EqualFold(name, headerSecurityToken):
		return redacted
	case strings.EqualFold(name, headerAuthorization):
		return redactAuthorization(value)
	}
	return value
}

// redactAuthorization replaces the value of every Signature= part (up to the
// next ',' or space).
func redactAuthorization(v string) string {
	const key = "signature="
	var b strings.Builder
	for {
		i := indexFold(v, key)
		if i < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(v[:i+len(key)] + redacted)
		v = v[i+len(key):]
		if j := strings.IndexAny(v, ", "); j >= 0 {
			v = v[j:]
		} else {
			v = ""
		}
	}
}

// indexFold is strings.Index with ASCII case folding; unlike searching a
// strings.ToLower copy, its index is valid in s whatever bytes s holds.
func indexFold(s, substr string) int {
	for i := 0; i+len(substr) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(substr)], substr) {
			return i
		}
	}
	return -1
}

// redactQuery returns a raw query or form body with the values of
// Signature and SecurityToken replaced; everything else stays as sent.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	pieces := strings.Split(raw, "&")
	for i, piece := range pieces {
		k, _, _ := strings.Cut(piece, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if strings.EqualFold(key, ParamSignature) || strings.EqualFold(key, ParamSecurityToken) {
			pieces[i] = k + "=" + redacted
		}
	}
	return strings.Join(pieces, "&")
}

// redactURL redacts the query of a URL string; an unparsable URL loses its
// query entirely.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if i := strings.IndexByte(s, '?'); i >= 0 {
			return s[:i] + "?" + redacted
		}
		return s
	}
	u.RawQuery = redactQuery(u.RawQuery)
	return u.String() // RawQuery is written as it is
}

// rereadBody returns the body of a request that GetBody can re-read,
// redacted as a form and quoted when it is not printable.
func rereadBody(req *http.Request) (string, bool) {
	if req.GetBody == nil {
		return "", false
	}
	rc, err := req.GetBody()
	if err != nil {
		return "", false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxBodyShown))
	if err != nil {
		return "", false
	}
	s := redactQuery(string(b))
	if strconv.CanBackquote(s) && !strings.ContainsAny(s, "`\t") {
		return s, true
	}
	return strconv.Quote(s), true
}
