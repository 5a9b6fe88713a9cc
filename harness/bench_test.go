package harness_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
	"pgregory.net/rapid"
)

const benchWorkers = 16

// BenchmarkEndToEnd measures conformance cases per second against the
// built-in emulator with 16 workers, beside the raw loopback HTTP rate of a
// trivial handler measured in the same run with the same concurrency, and
// reports their ratio (goal: ≥ 10,000 cases/s and a ratio ≥ 0.4 on 2 cores).
// Cases are drawn from every generator, as a run does.
func BenchmarkEndToEnd(b *testing.B) {
	h, err := harness.Open(harness.Config{Workers: benchWorkers, Seed: 7, ReportDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer h.Close(context.Background())
	gen, err := h.Env.AnyRule()
	if err != nil {
		b.Fatal(err)
	}
	cases := make([]generators.Case, 4096)
	for i := range cases {
		cases[i] = gen.Example(i)
	}
	loopback := loopbackRate(b, 2*time.Second)
	b.ResetTimer()
	start := time.Now()
	parallel(b.N, func(i int) { h.Exec(context.Background(), cases[i%len(cases)]) })
	perSec := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(perSec, "cases/s")
	b.ReportMetric(loopback, "loopback-req/s")
	b.ReportMetric(perSec/loopback, "ratio")
}

// parallel runs fn(0..n-1) on benchWorkers goroutines.
func parallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < benchWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				fn(int(i))
			}
		}()
	}
	wg.Wait()
}

// loopbackRate is how many requests per second 16 clients get from a
// handler that writes a fixed JSON body, over loopback.
func loopbackRate(b *testing.B, d time.Duration) float64 {
	body := []byte(`{"RequestId":"0E3F1F4C-0000-4000-8000-000000000000","NetworkInterfaceId":"eni-bp1bighqoqowq73yw91r"}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = benchWorkers
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	var done atomic.Int64
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < benchWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				resp, err := client.Post(srv.URL+"/?Action=CreateNetworkInterface", "application/x-www-form-urlencoded", nil)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	return float64(done.Load()) / d.Seconds()
}

// Prop works under rapid.Check as a plain property.
func TestPropRunsUnderRapidCheck(t *testing.T) {
	h, err := harness.Open(harness.Config{ReportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	prop, err := h.Prop(harness.Catalogue(h.Profile)[0])
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, prop)
}
