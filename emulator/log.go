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
	for _, f := range []string{plain(e.Method), e.Scheme.String(), plain(e.Action), strconv.Itoa(e.Status), plain(code), e.Format,
		e.Latency.Round(time.Microsecond).String(), "AccessKeyId=" + plain(e.AccessKeyID), "RequestId=" + plain(e.RequestID)} {
		b.WriteByte(' ')
		b.WriteString(f)
	}
	return b.String()
}

// maxPlain is how much of a client-supplied value a log line shows.
const maxPlain = 64

// plain returns s when it is a plain token (letters, digits, '.', '-',
// '_'), else s cut to maxPlain bytes and quoted.
func plain(s string) string {
	ok := s != "" && len(s) <= maxPlain
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_'
	}
	if ok {
		return s
	}
	if len(s) > maxPlain {
		s = s[:maxPlain] + "…"
	}
	return strconv.Quote(s)
}
