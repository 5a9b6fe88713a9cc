package harness_test

import (
	"context"
	"slices"
	"testing"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/oracle"
)

// After many concurrent cases, the harness's model and the emulator agree
// on what exists, and no step diverged.
func TestModelFollowsTheEmulatorUnderConcurrency(t *testing.T) {
	h, err := harness.Open(harness.Config{Workers: 16, Seed: 3, ReportDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	gen, _ := h.Env.Valid()
	parallel(2000, func(i int) {
		out := h.Exec(context.Background(), gen.Example(i))
		if j, divs := out.Failure(false); j >= 0 {
			t.Errorf("case %d step %d diverges: %v\n%s", i, j, divs, out.Steps[j].Step)
		}
	})
	ids := func(enis []oracle.ENI) []string {
		var out []string
		for _, e := range enis {
			out = append(out, e.ID)
		}
		slices.Sort(out)
		return out
	}
	model, emu := ids(h.State().Live()), ids(h.Emulator.Handler.State().Live())
	if !slices.Equal(model, emu) {
		t.Fatalf("model %v\nemulator %v", model, emu)
	}
}
