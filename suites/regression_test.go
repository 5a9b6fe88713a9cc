package suites_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/spec"
)

// The corpus is the minimal case selftest found for each fault. Refresh it
// with `go generate ./suites` after changing a fault or a generator.
//
//go:generate go run ../cmd/eniconform selftest --profile 2018-doc --seed 1 --report-dir ../eniconform-report/selftest --save-regressions testdata/regressions
//go:generate go run ../cmd/eniconform selftest --profile current --seed 1 --report-dir ../eniconform-report/selftest --save-regressions testdata/regressions/current

// regressionDirs holds, per profile, one case file per planted fault that
// applies to it, <fault>.json.
var regressionDirs = map[string]string{spec.BaseProfile: "testdata/regressions", spec.CurrentProfile: "testdata/regressions/current"}

// Every fault of the catalogue has a regression case on each profile it
// applies to; each conforms on the clean emulator and diverges, as it did
// when it was saved, on the emulator carrying its fault.
func TestRegressionCorpus(t *testing.T) {
	for profile, dir := range regressionDirs {
		t.Run(profile, func(t *testing.T) { testRegressionCorpus(t, spec.Must(profile), dir) })
	}
}

func testRegressionCorpus(t *testing.T, prof *spec.Profile, regressionDir string) {
	corpus := loadCorpus(t, prof, regressionDir)
	clean, err := harness.Open(harness.Config{Profile: prof, Strict: true, ReportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, reg := range corpus {
		out := clean.Exec(ctx, reg.Case)
		if i, divs := out.Failure(true); i >= 0 {
			t.Errorf("%s diverges on the clean emulator: %v", reg.Fault, divs)
		}
	}
	if leaked := clean.Close(ctx); leaked != 0 {
		t.Errorf("the corpus leaves %d ENIs on the clean emulator", leaked)
	}
	for _, reg := range corpus {
		t.Run(reg.Fault, func(t *testing.T) { diverges(t, prof, reg) })
	}
}

// loadCorpus reads every case file and checks that each fault has one and
// each file names a fault.
func loadCorpus(t *testing.T, prof *spec.Profile, regressionDir string) []*harness.Regression {
	files, err := filepath.Glob(filepath.Join(regressionDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus []*harness.Regression
	byFault := map[string]bool{}
	for _, f := range files {
		reg, err := harness.LoadRegression(f)
		if err != nil {
			t.Fatal(err)
		}
		if fault, ok := emulator.LookupFault(reg.Fault); !ok || !fault.AppliesTo(prof.Name) {
			t.Errorf("%s: no fault %s in the catalogue of profile %s; delete the file", f, reg.Fault, prof.Name)
		}
		byFault[reg.Fault] = true
		corpus = append(corpus, reg)
	}
	for _, f := range emulator.FaultsFor(prof.Name) {
		if !byFault[f.Name] {
			t.Errorf("fault %s has no case in %s; run go generate ./suites", f.Name, regressionDir)
		}
	}
	return corpus
}

// diverges replays a regression case against an emulator carrying its
// fault: it must show the defect (the signature) it was saved with, on a
// row the fault breaks.
func diverges(t *testing.T, prof *spec.Profile, reg *harness.Regression) {
	h, err := harness.Open(harness.Config{Profile: prof, Strict: reg.Strict, ReportDir: t.TempDir(),
		Emulator: emulator.Options{Faults: []string{reg.Fault}}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	out := h.Exec(context.Background(), reg.Case)
	if i, _ := out.Failure(reg.Strict); i < 0 {
		t.Fatalf("the case conforms on an emulator with %s; the fault went unnoticed", reg.Fault)
	}
	if !h.Shows(&out, reg.Signature) {
		t.Errorf("does not show the defect it was saved with (%s):\n%s", reg.Headline, h.Text(h.Failure(&harness.Property{Name: reg.Property}, out)))
	}
	f, _ := emulator.LookupFault(reg.Fault)
	if row := strings.SplitN(reg.Signature, " | ", 3); !slices.Contains(f.Breaks, row[0]) && !slices.Contains(f.Breaks, row[1]) {
		t.Errorf("saved under %s, which %s does not break (%v)", reg.Signature, reg.Fault, f.Breaks)
	}
}
