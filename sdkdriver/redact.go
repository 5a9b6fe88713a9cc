package sdkdriver

import "regexp"

// signedParam matches a Signature or SecurityToken parameter, or the
// Signature part of an ACS3 Authorization header, in free text: its name
// at a word boundary, "=", and its value up to the next '&', ',', quote
// or blank.
var signedParam = regexp.MustCompile(`(?i)(^|[^a-z0-9_])(signature|securitytoken)=[^&,;\s"'<>]*`)

// RedactText returns s, an SDK's error text (which often quotes the
// request's URL), with the value of every Signature and SecurityToken
// parameter, and of the Signature of an ACS3 Authorization header,
// replaced by "<redacted>", as internal/wire redacts requests in reports;
// the AccessKeyId stays. Drivers pass a Failure's Text through it.
func RedactText(s string) string { return signedParam.ReplaceAllString(s, "${1}${2}=<redacted>") }
