package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
	"github.com/eniconform/eniconform/world"
)

// The acceptance of runs against long-lived, dead and live targets
// (issue 11), each through the built binary.

// startServe starts `eniconform serve --quiet` on a free port and returns
// its URL; the process is killed when the test ends.
func startServe(t *testing.T) string {
	cmd := exec.Command(binary(t), "serve", "--quiet", "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "listening on "); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return u
		}
	}
	t.Fatal("serve printed no address")
	return ""
}

// emulatorServer serves a fresh emulator of the default world through
// wrap (nil: as it is).
func emulatorServer(t *testing.T, wrap func(http.Handler) http.Handler) *httptest.Server {
	h, err := emulator.New(emulator.Options{Profile: spec.Must(spec.DefaultProfile), World: world.Default()}) // the profile run defaults to
	if err != nil {
		t.Fatal(err)
	}
	var handler http.Handler = h
	if wrap != nil {
		handler = wrap(h)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

// enisOn lists, with Describe, every ENI of the default world's main
// accounts in its regions on the target at url.
func enisOn(t *testing.T, base string) []string {
	w := world.Default()
	c := &target.Conn{URL: base, Profile: spec.Default(), World: w, Now: time.Now, Client: &http.Client{Timeout: 10 * time.Second}}
	run := target.NewRun(false)
	var ids []string
	for _, a := range w.Accounts {
		if a.Type != "main" || a.Expired || a.Disabled {
			continue
		}
		for _, r := range w.Regions {
			st := generators.Step{Action: "DescribeNetworkInterfaces", Key: a.AccessKeyID, Params: map[string]string{"RegionId": r.ID, "PageSize": "1000"}}
			x := c.Prepare(context.Background(), target.NewSession(run), st).Send(time.Time{})
			if x.Observed.Kind != oracle.Answered || x.Observed.Failed() {
				t.Fatalf("describe %s in %s: %+v", a.AccessKeyID, r.ID, x.Observed)
			}
			for _, v := range x.Observed.ENIs {
				if !slices.Contains(ids, v.NetworkInterfaceID) {
					ids = append(ids, v.NetworkInterfaceID)
				}
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// worldENIs are the default world's own ENIs.
func worldENIs() []string {
	var ids []string
	for _, e := range world.Default().ENIs {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
}

// Six default runs in a row against one long-lived serve all conform: no
// token, ENI or nonce of an earlier run turns into a divergence.
func TestSixRerunsAgainstOneServeConform(t *testing.T) {
	base := startServe(t)
	for i := 1; i <= 6; i++ {
		code, stdout, stderr := execBin(t, "run", "--target", base, "--report-dir", filepath.Join(t.TempDir(), "r"))
		if code != 0 {
			t.Fatalf("run %d of 6: exit %d\n%s\n%s", i, code, stdout, stderr)
		}
	}
	if left := enisOn(t, base); !slices.Equal(left, worldENIs()) {
		t.Errorf("after six runs the target holds %v, want only the world's %v", left, worldENIs())
	}
}

// hangingServer accepts connections and never answers; drippingServer
// answers one byte every 50 ms.
func hangingServer(t *testing.T) string {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stop }))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv.URL
}

func drippingServer(t *testing.T) string {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		for _, b := range []byte(`{"RequestId":"0E3F1F4C-0000-4000-8000-000000000000","NetworkInterfaceSets":{"NetworkInterfaceSet":[]}}`) {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			_, _ = w.Write([]byte{b})
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(func() { close(stop); srv.Close() })
	return srv.URL
}

// A target that never answers, and one that drips its answers, end the run
// with exit 1 and a message naming the problem (here with a short
// --timeout; the default-run figures are make measure-dead's), and the
// summary says unhealthy. One that is not there exits 2.
func TestDeadTargetsEndTheRunNamingTheProblem(t *testing.T) {
	for _, tc := range []struct {
		name, url, want string
		code            int
	}{
		{"hanging", hangingServer(t), "accepts connections but sends no answer within --timeout 300ms", 1},
		{"dripping", drippingServer(t), "do not arrive in full within --timeout 300ms", 1},
		{"absent", "http://127.0.0.1:1", "does not answer: connection refused — is it running", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			start := time.Now()
			code, stdout, stderr := execBin(t, "run", "--target", tc.url, "--timeout", "300ms", "--report-dir", dir)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q\n%s", code, stderr, tc.code, tc.want, stdout)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %s", d)
			}
			if tc.code == 1 {
				var s harness.Summary
				readJSON(t, filepath.Join(dir, "summary.json"), &s)
				if s.Verdict != "unhealthy" || !strings.Contains(s.Unhealthy, tc.want) {
					t.Errorf("summary: verdict %q, unhealthy %q", s.Verdict, s.Unhealthy)
				}
			}
		})
	}
}

// A target that dies in the middle of a run opens the circuit breaker: the
// run stops, reports the target unhealthy with what it saw, and exits 1,
// without waiting out every property.
func TestATargetThatDiesMidRunOpensTheBreaker(t *testing.T) {
	var n atomic.Int64
	stop := make(chan struct{})
	srv := emulatorServer(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) > 300 {
				<-stop // dead from the 301st request on
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { close(stop) }) // before the server's Close, which waits for the handlers
	dir := t.TempDir()
	start := time.Now()
	code, stdout, stderr := execBin(t, "run", "--target", srv.URL, "--timeout", "300ms", "--breaker", "4", "--report-dir", dir)
	if code != 1 || !strings.Contains(stdout, "STOPPED: the target at "+srv.URL+" is unhealthy: ") || !strings.Contains(stdout, "no answer within --timeout 300ms") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("took %s", d)
	}
	var s harness.Summary
	readJSON(t, filepath.Join(dir, "summary.json"), &s)
	if s.Verdict != "unhealthy" || s.Counts.NotExercised == 0 {
		t.Errorf("summary: verdict %q, %d not exercised", s.Verdict, s.Counts.NotExercised)
	}
	transport := 0
	for _, f := range s.Findings {
		if strings.Contains(f.Headline, "transport") {
			transport++
			if f.Shrunk || !strings.Contains(f.Report, "not shrunk: no answer came back") {
				t.Errorf("a transport failure was shrunk: %s\n%s", f.Headline, f.Report)
			}
		}
	}
	if transport == 0 {
		t.Errorf("no finding for the requests that got no answer: %v", s.Findings)
	}
}

// waitForLedger waits until the ledger at path lists at least n ENIs
// created (whatever became of them).
func waitForLedger(t *testing.T, path string, n int, within time.Duration) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil && strings.Count(string(data), `"event":"created"`) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the ledger %s did not list %d creates within %s", path, n, within)
}

// SIGHUP, SIGTERM and SIGINT each stop a run against a separate serve:
// exit 1, reports written and marked interrupted, and no ENI of the run
// left, as a Describe of every lane shows.
func TestSignalsStopTheRunAndLeaveNoENIs(t *testing.T) {
	base := startServe(t)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(binary(t), "run", "--target", base, "--checks", "5000", "--label-filter", "valid || idempotency || post-state", "--report-dir", dir)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForLedger(t, filepath.Join(dir, harness.LedgerFile), 500, 30*time.Second)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			err := cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Fatalf("%s: %v, want exit 1\n%s\n%s", sig, err, stdout.String(), stderr.String())
			}
			if d := time.Since(sent); d > 15*time.Second {
				t.Errorf("%s: the run took %s to stop", sig, d)
			}
			var s harness.Summary
			readJSON(t, filepath.Join(dir, "summary.json"), &s)
			if !s.Interrupted || s.Verdict != "interrupted" || s.Leaked != 0 || !strings.Contains(stdout.String(), "INTERRUPTED") {
				t.Errorf("%s: summary interrupted %v verdict %q leaked %d\n%s", sig, s.Interrupted, s.Verdict, s.Leaked, stdout.String())
			}
			if left := enisOn(t, base); !slices.Equal(left, worldENIs()) {
				t.Errorf("%s: the target holds %v, want only the world's %v", sig, left, worldENIs())
			}
			if live, _, err := harness.ReadLedger(filepath.Join(dir, harness.LedgerFile)); err != nil || len(live) != 0 {
				t.Errorf("%s: the ledger still lists %d ENIs (%v)", sig, len(live), err)
			}
		})
	}
}

// After kill -9 mid-run, the ledger lists what the run left; clean deletes
// exactly that: not the world's ENIs, not another client's.
func TestCleanRemovesAKilledRunsLeftoversAndNothingElse(t *testing.T) {
	var deletes, creating atomic.Int64
	var holding atomic.Bool
	holding.Store(true)
	hold := make(chan struct{})
	var once sync.Once
	srv := emulatorServer(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch action(r) {
			case "DeleteNetworkInterface":
				if deletes.Add(1) > 1 && holding.Load() { // the preflight's goes through; the run's hang
					<-hold
					return
				}
			case "CreateNetworkInterface":
				creating.Add(1)
				defer creating.Add(-1)
			}
			h.ServeHTTP(w, r)
		})
	})
	t.Cleanup(func() { once.Do(func() { close(hold) }) }) // before the server's Close, which waits for the handlers
	dir := t.TempDir()
	ledger := filepath.Join(dir, harness.LedgerFile)
	cmd := exec.Command(binary(t), "run", "--target", srv.URL, "--workers", "3", "--timeout", "60s", "--label-filter", "valid", "--report-dir", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for deletes.Load() < 4 || creating.Load() > 0 { // every worker waits on a delete: no create is in flight
		if time.Now().After(deadline) {
			t.Fatalf("the run did not reach its deletes: %d deletes, %d creates in flight", deletes.Load(), creating.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	holding.Store(false) // the target answers deletes again
	once.Do(func() { close(hold) })

	live, _, err := harness.ReadLedger(ledger)
	if err != nil || len(live) < 3 {
		t.Fatalf("the ledger lists %d ENIs left (%v), want at least 3", len(live), err)
	}
	foreign := createENI(t, srv.URL) // another client's
	before := enisOn(t, srv.URL)
	code, stdout, stderr := execBin(t, "clean", "--target", srv.URL, "--ledger", ledger)
	if code != 0 || !strings.Contains(stdout, "deleted") {
		t.Fatalf("clean: exit %d\n%s\n%s", code, stdout, stderr)
	}
	after := enisOn(t, srv.URL)
	want := append(worldENIs(), foreign)
	slices.Sort(want)
	if !slices.Equal(after, want) {
		t.Errorf("after clean the target holds %v, want the world's and the other client's %v (before: %v)", after, want, before)
	}
	if again, _, _ := harness.ReadLedger(ledger); len(again) != 0 {
		t.Errorf("the ledger still lists %d ENIs after clean", len(again))
	}
	if code, stdout, _ := execBin(t, "clean", "--target", srv.URL, "--ledger", ledger); code != 0 || !strings.Contains(stdout, "lists 0 ENIs") {
		t.Errorf("a second clean: exit %d\n%s", code, stdout)
	}
}

// action is the Action of a V1 or ACS3 request; the body is left for the
// emulator to read.
func action(r *http.Request) string {
	if a := r.Header.Get("x-acs-action"); a != "" {
		return a
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	return form.Get("Action")
}

// createENI creates an ENI as another client would and returns its ID.
func createENI(t *testing.T, base string) string {
	c := &target.Conn{URL: base, Profile: spec.Default(), World: world.Default(), Now: time.Now, Client: &http.Client{Timeout: 10 * time.Second}}
	st := generators.Step{Action: "CreateNetworkInterface", Key: "test", Params: map[string]string{
		"RegionId": "cn-hangzhou", "VSwitchId": "vsw-bp1main-h", "SecurityGroupId": "sg-bp1main"}}
	x := c.Prepare(context.Background(), target.NewSession(target.NewRun(false)), st).Send(time.Time{})
	if x.Observed.Kind != oracle.Answered || x.Observed.Failed() || x.Observed.NetworkInterfaceID == "" {
		t.Fatalf("another client's create: %+v", x.Observed)
	}
	return x.Observed.NetworkInterfaceID
}

// Wrong credentials stop the run before any property with exit 2 and one
// message that says what to check.
func TestWrongCredentialsExit2WithThePreflightMessage(t *testing.T) {
	srv := emulatorServer(t, nil)
	for _, tc := range []struct {
		id, secret, want string
	}{
		{"test", "not-the-secret", "the target refused the credentials of key test: SignatureDoesNotMatch (HTTP 400) — check ALIBABA_CLOUD_ACCESS_KEY_SECRET"},
		{"nosuch", "x", "the target refused the credentials of key nosuch: InvalidAccessKeyId.NotFound (HTTP 404) — check ALIBABA_CLOUD_ACCESS_KEY_ID"},
	} {
		code, stdout, stderr := execBin(t, "run", "--target", srv.URL, "--access-key-id", tc.id, "--access-key-secret", tc.secret, "--report-dir", t.TempDir())
		if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line with %q\n%s", tc.id, code, stderr, tc.want, stdout)
		}
		if strings.Contains(stdout+stderr, tc.secret) && len(tc.secret) > 1 {
			t.Errorf("%s: the secret is printed", tc.id)
		}
	}
}

// --max-time stops a run: the sweep and the reports follow, the summary
// says why, and the exit status is 1.
func TestMaxTimeStopsTheRun(t *testing.T) {
	srv := emulatorServer(t, nil)
	dir := t.TempDir()
	start := time.Now()
	code, stdout, stderr := execBin(t, "run", "--target", srv.URL, "--checks", "100000", "--max-time", "2s", "--report-dir", dir)
	if code != 1 || !strings.Contains(stdout, "STOPPED: --max-time 2s passed") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("a 2 s run took %s", d)
	}
	var s harness.Summary
	readJSON(t, filepath.Join(dir, "summary.json"), &s)
	if s.Verdict != "interrupted" || s.Interrupted || s.Stopped != "--max-time 2s passed" || s.Leaked != 0 {
		t.Errorf("summary: verdict %q interrupted %v stopped %q leaked %d", s.Verdict, s.Interrupted, s.Stopped, s.Leaked)
	}
	if left := enisOn(t, srv.URL); !slices.Equal(left, worldENIs()) {
		t.Errorf("the target holds %v, want only the world's", left)
	}
}

// A second signal exits at once, during the sweep, leaving the ledger:
// clean then deletes what the run left.
func TestASecondSignalExitsAtOnceAndKeepsTheLedger(t *testing.T) {
	var slowDeletes atomic.Bool
	srv := emulatorServer(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if slowDeletes.Load() && action(r) == "DeleteNetworkInterface" {
				time.Sleep(2 * time.Second)
			}
			h.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	ledger := filepath.Join(dir, harness.LedgerFile)
	cmd := exec.Command(binary(t), "run", "--target", srv.URL, "--checks", "5000", "--label-filter", "valid", "--report-dir", dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForLedger(t, ledger, 200, 30*time.Second)
	slowDeletes.Store(true) // the sweep takes its time
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(1500 * time.Millisecond) // the requests in flight are done: the sweep is on
	_ = cmd.Process.Signal(syscall.SIGTERM)
	sent := time.Now()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "SIGTERM again: exiting at once: eniconform clean --target "+srv.URL) {
		t.Fatalf("%v, stderr %q", err, stderr.String())
	}
	if d := time.Since(sent); d > time.Second {
		t.Errorf("the second signal took %s to end the run", d)
	}
	slowDeletes.Store(false)
	if code, stdout, stderr := execBin(t, "clean", "--target", srv.URL, "--ledger", ledger); code != 0 {
		t.Fatalf("clean: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if left := enisOn(t, srv.URL); !slices.Equal(left, worldENIs()) {
		t.Errorf("after clean the target holds %v, want only the world's", left)
	}
}
