package harness_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/spec"
)

// A target that hangs, resets or answers garbage gives classified
// divergences, never a hang or a crash.
func TestBrokenTargetsGiveClassifiedDivergences(t *testing.T) {
	cases := map[string]struct {
		handler http.HandlerFunc
		what    string
	}{
		"hangs": {func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}, "transport"},
		"answers HTML": {func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
		}, "body"},
		"answers 500": {func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, "transport"},
		"resets": {func(w http.ResponseWriter, r *http.Request) {
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				c.Close()
			}
		}, "transport"},
	}
	valid := harness.Catalogue(spec.Default())
	var prop *harness.Property
	for _, p := range valid {
		if strings.HasPrefix(p.Name, "a valid CreateNetworkInterface") {
			prop = p
		}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			h, err := harness.Open(harness.Config{Target: srv.URL, Checks: 3, Workers: 2, Timeout: 300 * time.Millisecond,
				ShrinkTime: time.Second, ReportDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan harness.PropResult, 1)
			go func() { done <- h.Run(context.Background(), prop) }()
			select {
			case r := <-done:
				if len(r.Showed) == 0 || r.Showed[0].Row != spec.AspectAnswer || r.Showed[0].Failure.Divergences[0].What != c.what {
					t.Fatalf("want a %q divergence of %s, got %+v", c.what, spec.AspectAnswer, r.Showed)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("the run hangs")
			}
			h.Close(context.Background())
		})
	}
}
