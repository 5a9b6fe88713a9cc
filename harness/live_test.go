package harness

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/target"
	"github.com/eniconform/eniconform/world"
)

// external serves an emulator of the default world with faults through
// wrap (nil: as it is), as a target the harness did not start.
func external(t *testing.T, wrap func(http.Handler) http.Handler, faults ...string) *httptest.Server {
	h, err := emulator.New(emulator.Options{World: world.Default(), Faults: faults})
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

func newSession(h *Harness) *target.Session { return target.NewSession(h.run) }

func slow(d time.Duration) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(d)
			h.ServeHTTP(w, r)
		})
	}
}

func open(t *testing.T, cfg Config) *Harness {
	t.Helper()
	cfg.ReportDir = t.TempDir()
	h, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func property(t *testing.T, h *Harness, name string) *Property {
	for _, p := range Catalogue(h.Profile) {
		if p.Rule != nil && p.Rule.ID == name || p.Name == name {
			return p
		}
	}
	t.Fatalf("no property %s", name)
	return nil
}

// Shrinking stops within Grace of a stop, however long its budget: no
// attempt starts after it, and the one in flight does not count. (rapid
// cannot be stopped: on the state machine's long sequences its remaining
// attempts, each returning at once, took up to the whole shrink time.)
func TestShrinkingHonoursCancellationWithinGrace(t *testing.T) {
	srv := external(t, nil, "replay-creates-new-eni")
	h := open(t, Config{Target: srv.URL, ShrinkTime: 3 * time.Second, Seed: 1}) // without the stop, rapid goes on for most of it
	defer h.Close(context.Background())
	defer h.shrinking.Wait() // rapid's abandoned attempts, before other tests use its flags
	var seed uint64
	var sig string
	for seed = 1; seed < 200 && sig == ""; seed++ {
		out, _ := h.machine(context.Background(), seed, "")
		for _, s := range h.sightingsOf(&out) {
			if s.div.Row == "idem.replay" {
				sig = s.sig
			}
		}
	}
	if sig == "" {
		t.Fatal("no sequence shows the planted fault")
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	h.machine(ctx, seed-1, sig)
	if d := time.Since(start); d > 300*time.Millisecond+Grace+500*time.Millisecond {
		t.Fatalf("shrinking went on for %s after a stop 300 ms in", d-300*time.Millisecond)
	}
}

// Interrupt stops a property at once: its workers start no case, what its
// cases showed is reported unshrunk, the later properties are skipped
// with the reason, and Close still leaves nothing behind.
func TestInterruptStopsTheRunAndTheSweepStillRuns(t *testing.T) {
	srv := external(t, slow(5*time.Millisecond), "name-length-off-by-one")
	h := open(t, Config{Target: srv.URL, Checks: 100000, Seed: 2})
	time.AfterFunc(500*time.Millisecond, func() { h.Interrupt("SIGINT") })
	start := time.Now()
	r := h.Run(context.Background(), property(t, h, "a valid CreateNetworkInterface succeeds with a new, well-formed NetworkInterfaceId"))
	if d := time.Since(start); d > 500*time.Millisecond+Grace+time.Second {
		t.Errorf("the property ran %s after the interrupt", d-500*time.Millisecond)
	}
	if r.Cases == 0 || r.Cases >= 100000 {
		t.Errorf("%d cases ran before the interrupt", r.Cases)
	}
	later := h.Run(context.Background(), property(t, h, "param.name-invalid"))
	if !strings.Contains(later.Skipped, "the run stopped before this property: SIGINT") {
		t.Errorf("a later property: skipped %q", later.Skipped)
	}
	if leaked := h.Close(context.Background()); leaked != 0 {
		t.Errorf("%d ENIs leaked", leaked)
	}
	s := h.Summary()
	if !s.Interrupted || s.Verdict != "interrupted" || s.Stopped != "SIGINT" {
		t.Errorf("summary: interrupted %v verdict %q stopped %q", s.Interrupted, s.Verdict, s.Stopped)
	}
	if live, _, err := ReadLedger(h.Ledger().Path()); err != nil || len(live) != 0 {
		t.Errorf("the ledger lists %d ENIs left (%v)", len(live), err)
	}
}

// throttling answers Throttling to every nth request instead of passing it
// on.
func throttling(n int64, seen *atomic.Int64) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1)%n == 0 {
				w.Header().Set("Content-Type", "application/json;charset=utf-8")
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"RequestId":"0E3F1F4C-0000-4000-8000-000000000000","HostId":"ecs.aliyuncs.com","Code":"Throttling","Message":"Request was denied due to request throttling."}`))
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// Throttling is the target's flow control: each answer is retried after a
// backoff and counted, never a divergence.
func TestThrottlingIsRetriedNeverADivergence(t *testing.T) {
	var seen atomic.Int64
	srv := external(t, throttling(40, &seen))
	h := open(t, Config{Target: srv.URL, Checks: 40, Seed: 3, Workers: 4})
	if err := h.Preflight(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a valid CreateNetworkInterface succeeds with a new, well-formed NetworkInterfaceId", "param.name-invalid"} {
		h.Run(context.Background(), property(t, h, name))
	}
	h.Close(context.Background())
	s := h.Summary()
	if s.Throttled == 0 || len(s.Findings) != 0 || s.Leaked != 0 {
		t.Fatalf("%d Throttling answers retried, findings %v, %d leaked", s.Throttled, s.Findings, s.Leaked)
	}
}

// The create budget counts every create that may make an ENI, the
// preflight's and shrinking's too; once spent, properties whose cases need
// a create are not exercised, with a reason naming the flag, while those
// whose creates must fail still run.
func TestTheCreateBudgetLeavesPropertiesNotExercised(t *testing.T) {
	h := open(t, Config{Checks: 30, Seed: 4, MaxCreates: 20})
	if err := h.Preflight(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a valid CreateNetworkInterface succeeds with a new, well-formed NetworkInterfaceId", "a replay with the same ClientToken and parameters returns the same ENI and creates nothing", "param.name-invalid"} {
		h.Run(context.Background(), property(t, h, name))
	}
	h.Close(context.Background())
	s := h.Summary()
	if s.Creates != 20 || !s.BudgetSpent {
		t.Errorf("creates sent %d (budget spent %v), want 20", s.Creates, s.BudgetSpent)
	}
	for _, v := range s.Verdicts {
		switch v.ID {
		case "idem.replay":
			if v.Verdict != NotExercised || !strings.Contains(v.Reason, "--max-creates 20") {
				t.Errorf("%s: %s (%s), want not exercised on the budget", v.ID, v.Verdict, v.Reason)
			}
		case "param.name-invalid":
			if v.Verdict != Conforms {
				t.Errorf("%s: %s (%s): its creates must fail, the budget does not stop them", v.ID, v.Verdict, v.Reason)
			}
		}
	}
}

// The inventory adopts the ENIs a target holds that the world does not
// list: they count against the quota (a full account refuses the next
// create, as the model now predicts), the run never deletes them, and the
// summary reports them.
func TestTheInventoryAdoptsWhatTheTargetHolds(t *testing.T) {
	srv := external(t, nil)
	other := open(t, Config{Target: srv.URL})
	var theirs []string
	for range 2 { // the "small" account's quota is 3
		st := generators.Step{Action: "CreateNetworkInterface", Key: "small", Params: map[string]string{
			"RegionId": "cn-hangzhou", "VSwitchId": "vsw-bp1small", "SecurityGroupId": "sg-bp1small"}}
		x := other.Conn.Prepare(context.Background(), newSession(other), st).Send(time.Time{})
		if x.Observed.Kind != oracle.Answered || x.Observed.Failed() {
			t.Fatalf("another client's create: %+v", x.Observed)
		}
		theirs = append(theirs, x.Observed.NetworkInterfaceID)
	}
	h := open(t, Config{Target: srv.URL, Checks: 10, Seed: 5})
	if err := h.Preflight(context.Background()); err != nil {
		t.Fatal(err)
	}
	adopted, _ := h.Adopted()
	slices.Sort(adopted)
	slices.Sort(theirs)
	if !slices.Equal(adopted, theirs) || !strings.Contains(h.InventoryLine(), "the target holds 2 ENIs your world does not list") {
		t.Fatalf("adopted %v, want %v; %q", adopted, theirs, h.InventoryLine())
	}
	r := h.Run(context.Background(), property(t, h, "quota.eni-count"))
	if len(r.Failing(false)) != 0 || r.Cases == 0 {
		t.Errorf("the quota property with 2 of 3 taken: %d cases, failing %v (%s)", r.Cases, r.Failing(false), r.Skipped)
	}
	h.Close(context.Background())
	s := h.Summary()
	if s.AdoptedN != 2 || s.Leaked != 0 {
		t.Errorf("summary: adopted %d, leaked %d", s.AdoptedN, s.Leaked)
	}
	probe := generators.Step{Action: "DescribeNetworkInterfaces", Key: "small", Params: map[string]string{"RegionId": "cn-hangzhou"}}
	x := other.Conn.Prepare(context.Background(), newSession(other), probe).Send(time.Time{})
	var still []string
	for _, v := range x.Observed.ENIs {
		still = append(still, v.NetworkInterfaceID)
	}
	slices.Sort(still)
	if !slices.Equal(still, theirs) {
		t.Errorf("after the run the account holds %v, want the other client's %v, untouched", still, theirs)
	}
}

// Against aliyuncs.com the run defaults to the real-cloud pacing, budget
// and workers; flags given win.
func TestRealCloudDefaults(t *testing.T) {
	h := open(t, Config{Target: "https://ecs.cn-hangzhou.aliyuncs.com", AllowRealCloud: true})
	if h.Rate != RealCloudRate || h.MaxCreates != RealCloudMaxCreates || h.Workers != RealCloudWorkers {
		t.Errorf("rate %g, max creates %d, workers %d", h.Rate, h.MaxCreates, h.Workers)
	}
	h = open(t, Config{Target: "https://ecs.cn-hangzhou.aliyuncs.com", AllowRealCloud: true, Rate: 5, MaxCreates: 10, Workers: 2})
	if h.Rate != 5 || h.MaxCreates != 10 || h.Workers != 2 {
		t.Errorf("given flags: rate %g, max creates %d, workers %d", h.Rate, h.MaxCreates, h.Workers)
	}
	if h = open(t, Config{Target: "http://127.0.0.1:9"}); h.Rate != 0 || h.MaxCreates != 0 || h.Workers != 16 {
		t.Errorf("a local target: rate %g, max creates %d, workers %d", h.Rate, h.MaxCreates, h.Workers)
	}
}

// The ledger records what a run creates and deletes, one line each as it
// happens; a ledger cut short in its last line still reads; one whose ENIs
// are all deleted starts afresh, one that still lists some is appended to.
func TestLedger(t *testing.T) {
	path := t.TempDir() + "/ledger.jsonl"
	l, err := OpenLedger(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Created("eni-a", "test", "cn-hangzhou")
	l.Created("eni-b", "test", "cn-hangzhou")
	l.Created("eni-a", "test", "cn-hangzhou") // a replay's answer
	l.Ended("eni-a", LedgerDeleted)
	l.Created("eni-a", "test", "cn-hangzhou") // a replay after the delete: not revived
	l.Unknown("test", "cn-beijing")
	live, unknown, err := ReadLedger(path) // read while open: every line is on disk already
	if err != nil || len(live) != 1 || live[0].ID != "eni-b" || unknown != 1 {
		t.Fatalf("live %v, unknown %d, %v", live, unknown, err)
	}
	l.Close()
	if l, err = OpenLedger(path); err != nil || len(l.Earlier()) != 1 {
		t.Fatalf("reopened: earlier %v, %v", l.Earlier(), err)
	}
	l.Ended("eni-b", LedgerGone) // not this run's: ignored
	l.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"event":"deleted","id":"eni-b","ti`) // killed mid-line
	f.Close()
	if live, _, err = ReadLedger(path); err != nil || len(live) != 1 {
		t.Errorf("a torn last line: live %v, %v", live, err)
	}
	_ = os.WriteFile(path, []byte("{\"event\":\"created\",\"id\":\"eni-c\"}\n{\"event\":\"deleted\",\"id\":\"eni-c\"}\n"), 0o644)
	if l, err = OpenLedger(path); err != nil || len(l.Earlier()) != 0 {
		t.Fatalf("all deleted: earlier %v, %v", l.Earlier(), err)
	}
	l.Close()
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("a ledger with nothing left is started afresh, not %q", data)
	}
	_ = os.WriteFile(path, []byte("garbage\n{\"event\":\"created\",\"id\":\"eni-d\"}\n"), 0o644)
	if _, _, err := ReadLedger(path); err == nil || !strings.Contains(err.Error(), path+":1:") {
		t.Errorf("a bad line before others: %v", err)
	}
}
