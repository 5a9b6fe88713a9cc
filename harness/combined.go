package harness

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/eniconform/eniconform/emulator"
)

// CombinedConfig configures CombinedSelftest: the run of each combination
// (Checks, Seed, Workers, …) and how many combinations to plant.
type CombinedConfig struct {
	Config
	// Combinations is how many random combinations of faults to plant (2
	// faults up to all of them), besides the one of every fault; 0 means 50.
	Combinations int
	// Faults is the pool to combine; nil means the whole catalogue.
	Faults []string
	// OnCombination, when set, is called with each combination's result as
	// soon as it is known.
	OnCombination func(CombinationResult)
}

// CombinationResult is how one run against an emulator carrying several
// faults at once fared.
type CombinationResult struct {
	Faults  []string
	Missed  []string // planted faults reported under none of the rows they break
	False   []string // headlines of failing findings on rows no planted fault breaks
	True    int      // failing findings on rows a planted fault breaks
	Cases   int
	Elapsed time.Duration
}

// Recall is the share of the combination's faults that were reported.
func (c CombinationResult) Recall() float64 {
	return 1 - float64(len(c.Missed))/float64(len(c.Faults))
}

// CombinedResult is what CombinedSelftest found.
type CombinedResult struct {
	Seed         uint64
	Interrupted  bool
	Combinations []CombinationResult
}

// Recall is the share of planted faults reported under one of their rows,
// over every combination.
func (r *CombinedResult) Recall() float64 {
	planted, missed := 0, 0
	for _, c := range r.Combinations {
		planted += len(c.Faults)
		missed += len(c.Missed)
	}
	if planted == 0 {
		return 0
	}
	return 1 - float64(missed)/float64(planted)
}

// Precision is the share of failing findings that are on a row some
// planted fault breaks, over every combination.
func (r *CombinedResult) Precision() float64 {
	good, all := 0, 0
	for _, c := range r.Combinations {
		good += c.True
		all += c.True + len(c.False)
	}
	if all == 0 {
		return 1
	}
	return float64(good) / float64(all)
}

// Worst returns the combination with the lowest recall (then the most false
// findings).
func (r *CombinedResult) Worst() CombinationResult {
	worst := r.Combinations[0]
	for _, c := range r.Combinations[1:] {
		if c.Recall() < worst.Recall() || c.Recall() == worst.Recall() && len(c.False) > len(worst.False) {
			worst = c
		}
	}
	return worst
}

// CombinedSelftest plants combinations of faults in the built-in emulator,
// runs the whole catalogue against each (findings unshrunk, leniently) and
// measures recall (each planted fault reported under one of the rows it
// breaks; a fault only strict precedence shows counts when a soft finding
// is on its rows) and precision (no failing finding on a row that no
// planted fault breaks). The first combination is every fault of the pool;
// the others are drawn from Seed, so the same seed plants the same ones.
func CombinedSelftest(ctx context.Context, cfg CombinedConfig) (*CombinedResult, error) {
	pool, err := selftestFaults(SelftestConfig{Config: cfg.Config, Faults: cfg.Faults})
	if err != nil {
		return nil, err
	}
	if len(pool) < 2 {
		return nil, fmt.Errorf("--fault: combining needs at least two faults, not %d", len(pool))
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if cfg.Seed == 0 {
		cfg.Seed = randomSeed()
	}
	if cfg.Combinations == 0 {
		cfg.Combinations = 50
	}
	res := &CombinedResult{Seed: cfg.Seed}
	for i, combo := range combinations(pool, cfg.Combinations, cfg.Seed) {
		if ctx.Err() != nil {
			res.Interrupted = true
			break
		}
		c, err := combinationPass(ctx, cfg.Config, combo, i)
		if err != nil {
			return nil, err
		}
		res.Combinations = append(res.Combinations, c)
		if cfg.OnCombination != nil {
			cfg.OnCombination(c)
		}
	}
	return res, nil
}

// combinations returns every fault of pool, then n random combinations of
// two or more of them, drawn from seed.
func combinations(pool []emulator.Fault, n int, seed uint64) [][]emulator.Fault {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	out := [][]emulator.Fault{slices.Clone(pool)}
	for range n {
		k := 2 + rng.IntN(len(pool)-1)
		picked := slices.Clone(pool)
		rng.Shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
		picked = picked[:k]
		sort.Slice(picked, func(i, j int) bool { return faultIndex(picked[i]) < faultIndex(picked[j]) })
		out = append(out, picked)
	}
	return out
}

func faultIndex(f emulator.Fault) int { return slices.Index(emulator.FaultNames(), f.Name) }

// combinationPass runs the catalogue against an emulator carrying every
// fault of combo and scores what it reported.
func combinationPass(ctx context.Context, cfg Config, combo []emulator.Fault, i int) (CombinationResult, error) {
	var names []string
	for _, f := range combo {
		names = append(names, f.Name)
	}
	cfg.Emulator.Faults, cfg.Strict, cfg.NoShrink, cfg.Progress = names, false, true, nil
	cfg.ReportDir = filepath.Join(cfg.ReportDir, "combined", fmt.Sprint(i))
	start := time.Now()
	h, err := Open(cfg)
	if err != nil {
		return CombinationResult{}, fmt.Errorf("faults %s: %w", strings.Join(names, ","), err)
	}
	for _, p := range Catalogue(h.Profile) {
		h.Run(ctx, p)
	}
	h.Close(ctx)
	r := score(combo, h.Results.Findings())
	r.Faults, r.Elapsed, r.Cases = names, time.Since(start), h.Summary().Cases
	return r, nil
}

// score counts, for the faults planted together, which were reported under
// one of the rows they break and which failing findings no fault explains.
func score(combo []emulator.Fault, findings []*Finding) CombinationResult {
	var r CombinationResult
	broken := map[string]bool{}
	for _, f := range combo {
		for _, row := range f.Breaks {
			broken[row] = true
		}
		if !slices.ContainsFunc(findings, func(x *Finding) bool { return reports(x, f) }) {
			r.Missed = append(r.Missed, f.Name)
		}
	}
	for _, x := range findings {
		switch {
		case !x.Fails(false):
		case broken[x.Row]:
			r.True++
		default:
			r.False = append(r.False, x.Headline)
		}
	}
	return r
}

// reports says whether a finding reports fault f: it is on a row f breaks,
// and fails the run (or, for a fault only strict precedence shows, is soft).
func reports(x *Finding, f emulator.Fault) bool {
	return slices.Contains(f.Breaks, x.Row) && (x.Fails(false) || f.Strict)
}
