package emulator

import (
	"strconv"
	"strings"
	"time"
)

// String formats the entry as one log line:
//
//	2026-11-26T08:00:00Z POST v3 CreateNetworkInterface 404 InvalidVSwitchId.NotFound JSON 312µs AccessKeyId=test RequestId=…
//
// The code reads "-" on success. Method, Action and AccessKeyId come from
// the client: a value that is empty, long or not a plain token is quoted
// and cut, so that a line stays one line.
func (e Entry) String() string {
	code := e.Code
	if code == "" {
		code = "-"
	}
	var b strings.Builder
	b.WriteString(e.Time.UTC().Format(time.RFC3339))
	for _, f := range []string{token(e.Method), e.Scheme.String(), token(e.Action), strconv.Itoa(e.Status), token(code), e.Format,
		e.Latency.Round(time.Microsecond).String(), "AccessKeyId=" + token(e.AccessKeyID), "RequestId=" + token(e.RequestID)} {
		b.WriteByte(' ')
		b.WriteString(f)
	}
	return b.String()
}

// maxToken is how much of a client-supplied value a log line shows.
const maxToken = 64

// token returns s when it is a plain token (letters, digits, '.', '-',
// '_'), else s cut to maxToken bytes and quoted.
func token(s string) string {
	plain := s != "" && len(s) <= maxToken
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_'
	}
	if plain {
		return s
	}
	if len(s) > maxToken {
		s = s[:maxToken] + "…"
	}
	return strconv.Quote(s)
}
