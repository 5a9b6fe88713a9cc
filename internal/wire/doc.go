// Package wire owns the Alibaba Cloud RPC wire protocol in both directions,
// so that the harness's client side and the reference emulator can never
// disagree: request encoding, the V1 (HMAC-SHA1) and ACS3-HMAC-SHA256
// signatures, and the JSON/XML response bodies.
//
// Client side:
//   - Call.HTTPRequest: a signed *http.Request for a target (V1 GET, V1 POST
//     with a query or a form body, or ACS3). Signing is pure: time and nonce
//     are fields. Breakage sends deliberately broken requests (omitted
//     common parameters, a verbatim timestamp, another SignatureMethod or
//     SignatureVersion, a corrupted signature, a malformed Authorization, a
//     padded body).
//   - Call.Expect: the oracle.Request a correct server decodes from it.
//   - ParseResponse, ParseResponseWithin: a target's answer as an
//     oracle.Observation, classified Answered, Garbled or Unknown, reading
//     no more of the body than BodyLimit says a conforming answer needs
//     (64 KiB; a Describe page, 7 KiB an entry).
//
// Server side:
//   - ParseRequest: any incoming request decoded into an Inbound
//     (oracle.Request plus verification material).
//   - Inbound.Verify: the signature checked in constant time.
//   - Render: an oracle.Observation written as the response.
//
// Helpers: PercentEncode (RFC 3986), Timestamp and ParseTimestamp (the
// profile's layout), Redact (a request on one line for reports, with
// signatures and security tokens replaced by "<redacted>").
//
// Everything protocol-specific that is data (timestamp layout, signature
// method and version, ACS3 algorithm and signed headers, header names of the
// common parameters, content types, code → HTTP status) comes from a
// spec.Profile. No function here reads the clock or a random source, and
// this is the only package of the module that imports crypto/hmac
// (rules_test.go enforces both). Secrets are never printed or put in
// errors.
//
// Tests: known-answer vectors (sign_test.go), the golden captures and
// tampered copies (capture_test.go), differential properties against the
// official darabonba-openapi utilities (diff_test.go), request and
// response round trips (roundtrip_test.go, response_test.go), decoding by
// the official SDKs (sdk_test.go) and FuzzParseRequest (fuzz_test.go).
package wire
