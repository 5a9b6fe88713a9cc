package oracle

import "time"

// Scheme is the signature scheme a request uses.
type Scheme uint8

// The two signature schemes of the Alibaba RPC protocol.
const (
	V1 Scheme = iota + 1 // RPC HMAC-SHA1: Signature and the common parameters in the query or form
	V3                   // ACS3-HMAC-SHA256: Authorization and x-acs-* headers
)

func (s Scheme) String() string {
	switch s {
	case V1:
		return "v1"
	case V3:
		return "v3"
	}
	return "unknown"
}

// SigStatus is the result of verifying a request's signature with the secret
// of its AccessKeyId. The oracle never computes signatures: package wire does,
// and whoever builds a Request states the result here.
type SigStatus uint8

// Signature verification results. The zero value means "not verified" and
// counts as a mismatch.
const (
	SigUnverified SigStatus = iota // no secret to verify with, or not checked
	SigValid                       // the signature matches
	SigMismatch                    // the signature does not match
	SigMalformed                   // an ACS3 Authorization header that cannot be parsed, or that leaves a required header unsigned
)

// Request is one request as the gateway sees it, after decoding.
//
// Params holds every parameter: common ones under their V1 names (for ACS3
// requests the x-acs-* headers and the Authorization credential are mapped to
// Action, Version, Timestamp, SignatureNonce, AccessKeyId and Signature) and
// API ones under their wire names. An absent parameter has no key.
type Request struct {
	Method   string // HTTP method
	Scheme   Scheme
	Params   map[string]string
	Accept   string    // the Accept header, for the response format
	Sig      SigStatus // whether the signature verifies
	TooLarge bool      // the request exceeded the gateway's limits: a body over max_request_bytes (its parameters are dropped) or a header block over the server's limit
	Now      time.Time // the server's clock when the request arrived
	// NonceUntil is until when the server remembers this SignatureNonce
	// from an earlier request that recorded it (that request's
	// Prediction.NonceUntil); zero if it remembers none. The nonce is used
	// while Now is not after it.
	NonceUntil time.Time
	// TokenUnknown says that the client cannot know whether the target
	// recorded this request's (valid) ClientToken before the model began:
	// an earlier run or another client may have sent it, with parameters
	// and an ENI the model never saw. A create with such a token that the
	// model holds no record of may then be refused as a mismatch, or
	// answered with an ENI that may be new or an earlier one (which may be
	// gone); the model learns the token, and the ENI as one that may not
	// exist. The server never sets it: it knows its own history.
	TokenUnknown bool
}

// Param returns the value of a parameter; an empty value counts as absent
// (decision empty-is-absent).
func (r *Request) Param(name string) (string, bool) {
	v, ok := r.Params[name]
	return v, ok && v != ""
}

// PageSize is the page a DescribeNetworkInterfaces asks for: its PageSize,
// or 10 (the API's default) when it has none that is a number.
func (r *Request) PageSize() int { return intParam(r, "PageSize", 10) }

// Get returns the value of a parameter, "" when absent.
func (r *Request) Get(name string) string { return r.Params[name] }

// Action returns the requested action ("" when absent).
func (r *Request) Action() string { return r.Params["Action"] }
