// Package wiretest builds server-side requests from a fuzzer's parts, for
// the fuzz targets of the wire protocol and of the emulator.
package wiretest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// DefaultHost is the Host of a request whose header block names none.
const DefaultHost = "127.0.0.1:8080"

// Request builds the request a server would see: method, raw query, a
// header block of "Name: value" lines (a Host line sets r.Host; lines
// without a name are dropped, as a server's parser would) and a body.
func Request(method, rawQuery, headers string, body []byte) *http.Request {
	r := &http.Request{Method: method, URL: &url.URL{Path: "/", RawQuery: rawQuery}, Header: http.Header{},
		Host: DefaultHost, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	for line := range strings.SplitSeq(headers, "\n") {
		name, value, _ := strings.Cut(line, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if strings.EqualFold(name, "Host") {
			r.Host = value
		} else if name != "" {
			r.Header.Add(name, value)
		}
	}
	return r
}
