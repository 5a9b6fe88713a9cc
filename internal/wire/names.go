package wire

import (
	"fmt"
	"time"

	"github.com/eniconform/eniconform/spec"
)

// The common parameters, by their V1 names. Each is a common parameter of
// every spec profile (names_test.go checks it); the ACS3 header that carries
// one comes from the profile (spec.Common.Header), never from here.
const (
	ParamAction           = "Action"
	ParamVersion          = "Version"
	ParamFormat           = "Format"
	ParamAccessKeyID      = "AccessKeyId"
	ParamSignature        = "Signature"
	ParamSignatureMethod  = "SignatureMethod"
	ParamSignatureVersion = "SignatureVersion"
	ParamSignatureNonce   = "SignatureNonce"
	ParamTimestamp        = "Timestamp"
	ParamSecurityToken    = "SecurityToken"
)

// reserved lists the parameters a Call sets itself; Call.Params must not
// contain them.
var reserved = []string{
	ParamAction, ParamVersion, ParamFormat, ParamAccessKeyID, ParamSignature,
	ParamSignatureMethod, ParamSignatureVersion, ParamSignatureNonce, ParamTimestamp,
}

// The actions whose success bodies Render and ParseResponse know.
const (
	ActionCreate   = "CreateNetworkInterface"
	ActionDelete   = "DeleteNetworkInterface"
	ActionDescribe = "DescribeNetworkInterfaces"
	ActionAssign   = "AssignPrivateIpAddresses"
	ActionListTags = "ListTagResources"
)

// Header names of the ACS3 scheme that are not common parameters.
const (
	headerAuthorization = "Authorization"
	headerContentSHA256 = "x-acs-content-sha256"
	headerSecurityToken = "x-acs-security-token"
	acsHeaderPrefix     = "x-acs-" // an ACS3 request signs every header named so
	headerAccept        = "Accept"
	headerContentType   = "Content-Type"
	headerHost          = "host"
	formContentType     = "application/x-www-form-urlencoded"
	acceptJSON          = "application/json"
	acs3Prefix          = "ACS3-"
)

// emptySHA256 is hex(sha256("")), the payload hash of an empty body.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Timestamp formats t in UTC with the profile's timestamp layout
// (2006-01-02T15:04:05Z): the Timestamp parameter and the x-acs-date header.
func Timestamp(p *spec.Profile, t time.Time) string {
	return t.UTC().Format(p.Gateway.TimestampLayout)
}

// ParseTimestamp parses a Timestamp parameter with the profile's layout. It
// is strict: anything Timestamp would not produce is an error.
func ParseTimestamp(p *spec.Profile, s string) (time.Time, error) {
	t, err := time.Parse(p.Gateway.TimestampLayout, s)
	if err != nil {
		return time.Time{}, err
	}
	if t.UTC().Format(p.Gateway.TimestampLayout) != s {
		return time.Time{}, fmt.Errorf("wire: timestamp %q is not in the layout %s", s, p.Gateway.TimestampLayout)
	}
	return t.UTC(), nil
}
