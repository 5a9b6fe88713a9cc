package sdkdriver

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"syscall"
)

// FailureKind classifies a Go error that an SDK raised instead of an API
// error, for drivers written in Go: KindTimeout for an error that says it
// timed out (net.Error.Timeout, as net/http reports Client.Timeout and dial
// timeouts), KindConnection for refused, reset or broken connections and
// answers cut short (io.EOF, io.ErrUnexpectedEOF, a net.OpError),
// KindParse for JSON and XML decoding errors, and KindOther for anything
// else.
func FailureKind(err error) string {
	var netErr net.Error
	var opErr *net.OpError
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var xmlErr *xml.SyntaxError
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &opErr):
		return KindConnection
	case errors.As(err, &syntax), errors.As(err, &typeErr), errors.As(err, &xmlErr):
		return KindParse
	}
	return KindOther
}
