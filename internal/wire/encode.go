package wire

import (
	"net/url"
	"slices"
	"strings"
)

const upperHex = "0123456789ABCDEF"

// PercentEncode returns s percent-encoded as RFC 3986 asks and as both
// signature schemes need: the bytes A–Z a–z 0–9 - _ . ~ stay as they are and
// every other byte of s becomes %XY with upper-case hex, so a space is %20
// (never +) and 中 is %E4%B8%AD.
func PercentEncode(s string) string {
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			return string(appendPercent(make([]byte, 0, len(s)+16), s))
		}
	}
	return s
}

// unreserved reports whether c stays as it is under RFC 3986.
func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}

// appendPercent appends PercentEncode(s) to dst.
func appendPercent[T string | []byte](dst []byte, s T) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// appendCanonical appends the canonical query of params to dst: keys sorted
// in byte order, each written PercentEncode(key)=PercentEncode(value), joined
// by '&'; an empty value gives "key=". Keys for which skip reports true are
// left out; skip may be nil.
func appendCanonical(dst []byte, params map[string]string, skip func(string) bool) []byte {
	keys := make([]string, 0, len(params))
	for k := range params {
		if skip == nil || !skip(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = appendPercent(dst, k)
		dst = append(dst, '=')
		dst = appendPercent(dst, params[k])
	}
	return dst
}

// encodeParams returns params as a query string or form body, sorted by key
// and percent-encoded (RFC 3986).
func encodeParams(params map[string]string) string {
	return string(appendCanonical(make([]byte, 0, 64*len(params)), params, nil))
}

// parseForm decodes the application/x-www-form-urlencoded string raw into
// params: pieces are separated by '&', '+' is a space, a piece without '='
// is a key with an empty value. A key already in params keeps its value (the
// first occurrence wins); pieces with an empty key or a bad %-escape are
// skipped. Each key it adds is appended to *added when added is not nil.
func parseForm(params map[string]string, raw string, added *[]string) {
	for raw != "" {
		var piece string
		piece, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(piece, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || key == "" {
			continue
		}
		if _, dup := params[key]; dup {
			continue
		}
		params[key] = value
		if added != nil {
			*added = append(*added, key)
		}
	}
}

// isForm reports whether a Content-Type value names a form body.
func isForm(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), formContentType)
}
