package drivers_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/eniconform/eniconform/sdkdriver"
)

// A driver talks to the endpoint it is given, and nowhere else, even when
// the caller's environment names a proxy (the Go SDKs read HTTP_PROXY
// themselves and do not exempt 127.0.0.1): the proxy sees nothing. Not
// parallel with other tests: it sets the environment.
func TestProxyIgnored(t *testing.T) {
	var proxied atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		proxied.Add(1)
		http.Error(w, "the proxy", http.StatusBadGateway)
	}))
	defer proxy.Close()
	for _, name := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"} {
		t.Setenv(name, proxy.URL)
	}
	t.Setenv("NO_PROXY", "")
	t.Cleanup(func() { // after every subtest
		if n := proxied.Load(); n != 0 {
			t.Errorf("%d requests went to the proxy", n)
		}
	})
	eachSubject(t, func(t *testing.T, _ subject, b *bench, d *sdkdriver.Driver) {
		a := call(t, d, sdkdriver.Call{Action: "DescribeNetworkInterfaces", Params: map[string]any{"RegionId": region}})
		if a.OK == nil || len(b.exchanges()) != 1 {
			t.Errorf("%d requests reached the endpoint; answer %+v", len(b.exchanges()), a)
		}
	})
}
