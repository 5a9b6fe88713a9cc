package suites_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/suites"
	"pgregory.net/rapid"
)

// FuzzConformance drives coverage-guided cases at a target: the Go fuzzer
// mutates the bytes rapid draws a case from, so a new implementation's
// branches steer which requests come next. The target and the run are set
// by the same flags as the suites (default: the built-in emulator):
//
//	go test -fuzz=FuzzConformance ./suites -args --target http://127.0.0.1:8080
//
// Under plain go test only the seed corpus runs. A failure is a divergence
// of any case of any generator; rapid prints the case and fuzzing keeps the
// input under testdata/fuzz.
func FuzzConformance(f *testing.F) {
	h, err := suites.Flags().Open()
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		if leaked := h.Close(context.Background()); leaked > 0 {
			f.Errorf("%d ENIs the fuzzer created are still on the target", leaked)
		}
	})
	prop, err := h.Prop(everyGenerator())
	if err != nil {
		f.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11)) // a fixed seed corpus
	for range 16 {
		seed := make([]byte, 8192)
		for i := range seed {
			seed[i] = byte(r.Uint32())
		}
		f.Add(seed)
	}
	f.Fuzz(rapid.MakeFuzz(prop))
}

// everyGenerator is one property whose cases come from the generator of
// every independent-case property of the catalogue (the rules, valid
// requests, precedence, replays, formats), each drawn as often as the
// others. Properties that need an auxiliary action (Describe after Create,
// the Delete and Describe rules) are left out, as a target may not
// implement it.
func everyGenerator() *harness.Property {
	return &harness.Property{Family: "fuzz", Name: "any case of any generator agrees with the model",
		Cases: func(e *generators.Env) (*rapid.Generator[generators.Case], error) {
			var gens []*rapid.Generator[generators.Case]
			for _, p := range harness.Catalogue(e.Profile) {
				if p.Kind != harness.Explore || p.Unreachable != "" || p.Needs != "" {
					continue
				}
				if g, err := p.Cases(e); err == nil {
					gens = append(gens, g)
				}
			}
			if len(gens) == 0 {
				return nil, fmt.Errorf("the world allows no case at all")
			}
			return rapid.OneOf(gens...), nil
		}}
}
