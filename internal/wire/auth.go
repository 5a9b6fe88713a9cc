package wire

import "strings"

// authorization is a parsed ACS3 Authorization header:
// "ALGORITHM Credential=AK,SignedHeaders=a;b;c,Signature=hex".
type authorization struct {
	algorithm     string
	credential    string
	signedHeaders string
	signature     string
	hasCredential bool
	hasSignature  bool
}

// parseAuthorization parses an ACS3 Authorization value. ok is false when it
// cannot be parsed: no algorithm, a part that is not key=value, a value with
// white space, an unknown or repeated key, or no SignedHeaders. Credential
// and Signature may be absent (they are then missing parameters, not a
// malformed header). Spaces around the parts are ignored.
func parseAuthorization(v string) (a authorization, ok bool) {
	alg, rest, found := strings.Cut(strings.TrimSpace(v), " ")
	if !found || alg == "" {
		return authorization{algorithm: alg}, false
	}
	a.algorithm = alg
	for part := range strings.SplitSeq(rest, ",") {
		key, value, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found || strings.ContainsAny(value, " \t") || !a.set(key, value) {
			return a, false
		}
	}
	return a, a.signedHeaders != ""
}

// set records one key=value part; it reports false for an unknown or
// repeated key.
func (a *authorization) set(key, value string) bool {
	switch {
	case key == "Credential" && !a.hasCredential:
		a.credential, a.hasCredential = value, true
	case key == "SignedHeaders" && a.signedHeaders == "":
		a.signedHeaders = value
	case key == "Signature" && !a.hasSignature:
		a.signature, a.hasSignature = value, true
	default:
		return false
	}
	return true
}

// signs reports whether the SignedHeaders list names the header (any case).
func (a *authorization) signs(name string) bool {
	for h := range strings.SplitSeq(a.signedHeaders, ";") {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}
