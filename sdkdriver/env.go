package sdkdriver

import (
	"fmt"
	"net"
	"os"
	"strings"
)

// The environment variables through which a driver learns where and as
// whom to call (docs/driver-protocol.md §1).
const (
	EnvAccessKeyID     = "ALIBABA_CLOUD_ACCESS_KEY_ID"
	EnvAccessKeySecret = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
	EnvRegionID        = "ALIBABA_CLOUD_REGION_ID"
	EnvEndpoint        = "ENICONFORM_ENDPOINT" // host:port, no scheme
	EnvProtocol        = "ENICONFORM_PROTOCOL" // "http" or "https"
)

// strippedPrefixes name the inherited variables a driver never sees, so
// that no credential or setting of the caller's own reaches an SDK.
var strippedPrefixes = []string{"ALIBABA_CLOUD_", "ALICLOUD_", "ENICONFORM_"}

// strippedNames are more inherited variables a driver never sees, in any
// case: a proxy would take its requests elsewhere than the endpoint (both
// Go SDKs read HTTP_PROXY and HTTPS_PROXY themselves and skip Go's
// exemption of 127.0.0.1), and DEBUG makes both Go SDKs print request
// dumps on stdout, which is the protocol's.
var strippedNames = []string{"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "DEBUG"}

// Env is what a driver is told: the endpoint and the credentials.
type Env struct {
	Endpoint        string // host:port, e.g. "127.0.0.1:40123"
	Protocol        string // "http" or "https"
	AccessKeyID     string
	AccessKeySecret string
	RegionID        string
}

// check reports the first field of e that is missing or malformed.
func (e Env) check() error {
	if _, port, err := net.SplitHostPort(e.Endpoint); err != nil || port == "" {
		return fmt.Errorf("driver endpoint %q is not host:port", e.Endpoint)
	}
	if e.Protocol != "http" && e.Protocol != "https" {
		return fmt.Errorf("driver protocol %q is neither http nor https", e.Protocol)
	}
	for _, f := range []struct{ name, value string }{{"AccessKeyId", e.AccessKeyID},
		{"AccessKeySecret", e.AccessKeySecret}, {"RegionId", e.RegionID}} {
		if f.value == "" {
			return fmt.Errorf("driver %s is empty", f.name)
		}
	}
	return nil
}

// environ returns base without the stripped variables, plus e's.
func (e Env) environ(base []string) []string {
	out := make([]string, 0, len(base)+5)
	for _, kv := range base {
		if !stripped(kv) {
			out = append(out, kv)
		}
	}
	return append(out, EnvAccessKeyID+"="+e.AccessKeyID, EnvAccessKeySecret+"="+e.AccessKeySecret,
		EnvRegionID+"="+e.RegionID, EnvEndpoint+"="+e.Endpoint, EnvProtocol+"="+e.Protocol)
}

// stripped reports whether the NAME=value pair kv is withheld from drivers.
func stripped(kv string) bool {
	for _, p := range strippedPrefixes {
		if strings.HasPrefix(kv, p) {
			return true
		}
	}
	name, _, _ := strings.Cut(kv, "=")
	for _, n := range strippedNames {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// EnvFromOS reads a driver's Env from its environment, for Go drivers. It
// fails, naming the variable, when one is missing or malformed.
func EnvFromOS() (Env, error) {
	e := Env{Endpoint: os.Getenv(EnvEndpoint), Protocol: os.Getenv(EnvProtocol), AccessKeyID: os.Getenv(EnvAccessKeyID),
		AccessKeySecret: os.Getenv(EnvAccessKeySecret), RegionID: os.Getenv(EnvRegionID)}
	if err := e.check(); err != nil {
		return Env{}, fmt.Errorf("%w (set %s, %s, %s, %s and %s)", err, EnvEndpoint, EnvProtocol,
			EnvAccessKeyID, EnvAccessKeySecret, EnvRegionID)
	}
	return e, nil
}
