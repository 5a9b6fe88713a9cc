package harness_test

import (
	"context"
	"testing"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/spec"
)

// The whole catalogue against the built-in emulator, on each profile:
// nothing diverges, nothing leaks, nothing reachable is skipped.
func TestCatalogueHoldsOnTheEmulator(t *testing.T) {
	for _, name := range spec.Names() {
		t.Run(name, func(t *testing.T) { catalogueHolds(t, spec.Must(name)) })
	}
}

func catalogueHolds(t *testing.T, prof *spec.Profile) {
	h, err := harness.Open(harness.Config{Profile: prof, Checks: 30, Workers: 8, Seed: 1, ReportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range harness.Catalogue(prof) {
		r := h.Run(ctx, p)
		if len(r.Showed) > 0 {
			t.Errorf("%s\n%s", p.Name, h.Texts(r.Showed))
		}
		if r.Skipped != "" && p.Unreachable == "" {
			t.Errorf("%s skipped: %s", p.Name, r.Skipped)
		}
	}
	if leaked := h.Close(ctx); leaked != 0 {
		t.Errorf("%d ENIs leaked", leaked)
	}
	s := h.Summary()
	t.Logf("%d cases, %.0f cases/s", s.Cases, s.CasesPerSec)
}
