package harness_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// runAll runs the whole catalogue against the emulator with faults planted
// and returns the harness (closed) and its summary.
func runAll(t *testing.T, cfg harness.Config, faults ...string) (*harness.Harness, harness.Summary) {
	t.Helper()
	cfg.Emulator.Faults, cfg.ReportDir = faults, t.TempDir()
	h, err := harness.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range harness.Catalogue(h.Profile) {
		h.Run(ctx, p)
	}
	h.Close(ctx)
	return h, h.Summary()
}

// Every fault of the catalogue planted at once (but the one only strict
// precedence shows) is reported, each in a finding headline under one of
// the rows it breaks, whatever else is wrong: a new fault that another
// masks fails this test. And no finding is on a row no fault breaks.
func TestEveryFaultAtOnceIsReportedUnderItsRows(t *testing.T) {
	for _, name := range spec.Names() {
		t.Run(name, func(t *testing.T) { everyFaultAtOnce(t, spec.Must(name)) })
	}
}

func everyFaultAtOnce(t *testing.T, prof *spec.Profile) {
	var faults []string
	broken := map[string]bool{}
	for _, f := range emulator.FaultsFor(prof.Name) {
		if !f.Strict {
			faults = append(faults, f.Name)
			for _, row := range f.Breaks {
				broken[row] = true
			}
		}
	}
	h, s := runAll(t, harness.Config{Profile: prof, Checks: 50, Seed: 3, NoShrink: true}, faults...)
	for _, name := range faults {
		f, _ := emulator.LookupFault(name)
		if !slices.ContainsFunc(h.Results.Findings(), func(x *harness.Finding) bool {
			return x.Fails(false) && slices.Contains(f.Breaks, x.Row) && strings.Contains(x.Headline, x.Row)
		}) {
			t.Errorf("%s is reported under none of %v", name, f.Breaks)
		}
	}
	for _, x := range s.Findings {
		if !x.Soft && !broken[x.Row] {
			t.Errorf("a finding on %s, which no planted fault breaks: %s", x.Row, x.Headline)
		}
	}
}

// Two defects under one rule are two findings, each with its own minimal
// case: a name one character too long accepted, and a name starting with a
// digit accepted.
func TestTwoDefectsOfOneRuleAreTwoFindings(t *testing.T) {
	h, _ := runAll(t, harness.Config{Checks: 100, Seed: 5, ShrinkTime: 5e9}, "name-length-off-by-one", "name-first-char-unchecked")
	var name []*harness.Finding
	for _, f := range h.Results.Findings() {
		if f.Row == "param.name-invalid" {
			name = append(name, f)
		}
	}
	parts := map[string]bool{}
	for _, f := range name {
		parts[f.Failure.Divergences[0].Part] = true
		if !f.Failure.Shrunk || len(f.Failure.Outcome.Case.Steps) != 1 {
			t.Errorf("%s: not shrunk to one request: %s", f.Headline, h.Text(f.Failure))
		}
	}
	if len(name) != 2 || !parts["NetworkInterfaceName: "+string(spec.TooLong)] || !parts["NetworkInterfaceName: "+string(spec.BadFirst)] {
		t.Fatalf("want two findings under param.name-invalid (too long, bad first character), got %d: %v", len(name), parts)
	}
	if a, b := name[0].Failure.Outcome.Case.Steps[0], name[1].Failure.Outcome.Case.Steps[0]; a.Params["NetworkInterfaceName"] == b.Params["NetworkInterfaceName"] {
		t.Errorf("the two findings share one minimal case: %s", a)
	}
}

// A rule's verdict never depends on a defect of another rule: with every
// answer in the wrong format, every rule still conforms and only the format
// aspect diverges.
func TestAFormatDefectFailsOnlyTheFormatAspect(t *testing.T) {
	h, s := runAll(t, harness.Config{Checks: 30, Seed: 7, NoShrink: true}, "json-instead-of-xml")
	for _, v := range s.Verdicts {
		want := harness.Conforms
		switch r := h.Profile.Rule(v.ID); {
		case v.ID == spec.AspectFormat:
			want = harness.Diverges
		case r != nil && !r.Reachable():
			want = harness.Unreachable
		}
		if v.Verdict != want {
			t.Errorf("%s: %s, want %s (%v)", v.ID, v.Verdict, want, v.Findings)
		}
	}
}

// Quotas are tested at their real size: with a world whose ENI quota is the
// documented default of 100, the quota property is exercised, not skipped,
// and finds a quota off by one.
func TestQuotaOfAHundredIsFilled(t *testing.T) {
	w := world.Default()
	var bare oracle.World = *w
	bare.Accounts = slices.Clone(w.Accounts)
	for i := range bare.Accounts {
		bare.Accounts[i].ENIQuota = nil // every account has the documented default quota
	}
	bare.Regions = slices.Clone(w.Regions)
	for i := range bare.Regions {
		bare.Regions[i].ENIQuota = 0
	}
	h, s := runAll(t, harness.Config{World: &bare, Checks: 30, Seed: 9, NoShrink: true}, "quota-off-by-one")
	for _, v := range s.Verdicts {
		if v.ID == "quota.eni-count" && v.Verdict != harness.Diverges {
			t.Fatalf("quota.eni-count: %s (%s), want diverges", v.Verdict, v.Reason)
		}
	}
	for _, p := range h.Results.Props() {
		if p.Property.Rule != nil && p.Property.Rule.ID == "quota.eni-count" && p.Cases == 0 {
			t.Fatalf("the quota property ran no case: %s", p.Skipped)
		}
	}
	if s.Leaked != 0 {
		t.Errorf("%d ENIs left behind", s.Leaked)
	}
}

// The combined selftest: random combinations of faults, each reported
// under one of its rows (recall ≥ 0.95, 100 % with all at once), and no
// finding on a row no planted fault breaks (precision 100 %).
func TestCombinedSelftest(t *testing.T) {
	res, err := harness.CombinedSelftest(context.Background(), harness.CombinedConfig{
		Config: harness.Config{Checks: 20, Seed: 1, ReportDir: t.TempDir()}, Combinations: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, c := range res.Combinations {
		harness.WriteCombination(&out, c)
	}
	harness.WriteCombinedFigures(&out, res)
	t.Logf("\n%s", out.String())
	if len(res.Combinations) != 51 || res.Recall() < 0.95 || res.Combinations[0].Recall() != 1 || res.Precision() != 1 {
		t.Errorf("%d combinations, recall %.3f (all faults at once %.3f), precision %.3f; want 51, ≥ 0.95, 1, 1",
			len(res.Combinations), res.Recall(), res.Combinations[0].Recall(), res.Precision())
	}
}

// A reproduction line pastes into a shell as it is.
func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/r/cases/x-1.json": "/tmp/r/cases/x-1.json",
		"/tmp/my report/x.json": "'/tmp/my report/x.json'",
		"it's":                  `'it'\''s'`,
		"":                      "''",
	} {
		if got := harness.ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
