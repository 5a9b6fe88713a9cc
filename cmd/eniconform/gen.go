package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/target"
	"github.com/eniconform/eniconform/world"
	"pgregory.net/rapid"
)

// genLine is one case of the corpus: the case, and what a conforming
// server answers to each step (simulated by the oracle from a fresh state).
type genLine struct {
	Seed uint64 `json:"seed"`
	generators.Case
	Expect []expectation `json:"expect"`
}

type expectation struct {
	Action   string   `json:"action"`
	Success  bool     `json:"success"`
	Rule     string   `json:"rule,omitempty"`
	Code     string   `json:"code,omitempty"`
	HTTP     int      `json:"http"`
	Violated []string `json:"violated,omitempty"` // every rule the step breaks (the lenient set)
}

// genCommand writes generated cases as JSON lines.
func genCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eniconform gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 100, "number of cases")
	rule := fs.String("rule", "", "only cases that break this rule id (default: every generator, mixed)")
	seed := fs.Uint64("seed", 1, "seed of the first case; case i uses seed+i")
	stats := fs.Bool("stats", false, "print how many cases each rule received (on stderr); without --out, write no cases")
	outFile := fs.String("out", "", "write the cases to this file (default: stdout)")
	worldFile := fs.String("world", "", "YAML manifest of the world to draw from (default: the built-in default world)")
	profile := profileFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eniconform gen [--n N] [--rule ID] [--seed S] [--stats] [--out FILE] [--world FILE] [--profile P]\n\nWrites generated cases as JSON lines: the steps, the rules the probe breaks,\nand the outcome a conforming server gives (the oracle's prediction).")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	prof, err := profileNamed(*profile)
	var g *rapid.Generator[generators.Case]
	var sim *target.Simulator
	if err == nil {
		g, sim, err = genSetup(prof, *rule, *worldFile)
	}
	if err == nil && (*n < 0 || *n > 1e9) {
		err = fmt.Errorf("--n must be from 0 to 1000000000, not %d", *n)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eniconform gen: %v\n", err)
		return 2
	}
	w, closeOut, err := genOutput(*outFile, *stats, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "eniconform gen: --out: %v\n", err)
		return 2
	}
	start := time.Now()
	counts, err := write(sim, g, *seed, *n, w)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "eniconform gen: %v\n", err)
		return 1
	}
	if *stats {
		printStats(stderr, sim.Model.Spec, counts, *n, time.Since(start))
	}
	return 0
}

func genSetup(prof *spec.Profile, rule, worldFile string) (*rapid.Generator[generators.Case], *target.Simulator, error) {
	w := world.Default()
	var err error
	if worldFile != "" {
		if w, err = world.Load(worldFile); err != nil {
			return nil, nil, fmt.Errorf("--world: %w", err)
		}
	}
	// a fixed clock, so that the corpus is reproducible
	sim, err := target.NewSimulator(w, prof, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, nil, err
	}
	var g *rapid.Generator[generators.Case]
	if rule == "" {
		if g, err = sim.Env.AnyRule(); err != nil {
			return nil, nil, fmt.Errorf("--world: %w", err)
		}
	} else if g, err = sim.Env.ForRule(rule); err != nil {
		return nil, nil, fmt.Errorf("--rule: %w", err)
	}
	return g, sim, nil
}

func genOutput(path string, statsOnly bool, stdout io.Writer) (io.Writer, func() error, error) {
	switch {
	case path != "":
		f, err := os.Create(path)
		if err != nil {
			return nil, nil, err
		}
		bw := bufio.NewWriter(f)
		return bw, func() error { bw.Flush(); return f.Close() }, nil
	case statsOnly:
		return io.Discard, func() error { return nil }, nil
	}
	bw := bufio.NewWriter(stdout)
	return bw, bw.Flush, nil
}

// write draws n cases from consecutive seeds, simulates each and writes it,
// in order; chunks of cases are drawn on every core. It returns how many
// probes each rule won.
func write(s *target.Simulator, g *rapid.Generator[generators.Case], seed uint64, n int, w io.Writer) (map[string]int, error) {
	const chunk = 512
	type result struct {
		data   []byte
		counts map[string]int
	}
	chunks := (n + chunk - 1) / chunk
	results := make([]chan result, chunks)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for c := int(next.Add(1) - 1); c < chunks; c = int(next.Add(1) - 1) {
				var r result
				r.data, r.counts = chunkOf(s, g, seed, c*chunk, min((c+1)*chunk, n))
				results[c] <- r
			}
		}()
	}
	counts := map[string]int{}
	for _, ch := range results {
		r := <-ch
		for k, v := range r.counts {
			counts[k] += v
		}
		if _, err := w.Write(r.data); err != nil {
			return counts, err
		}
	}
	return counts, nil
}

// chunk simulates the cases of seeds seed+from … seed+to-1 as JSON lines.
func chunkOf(s *target.Simulator, g *rapid.Generator[generators.Case], seed uint64, from, to int) ([]byte, map[string]int) {
	var buf bytes.Buffer
	counts := map[string]int{}
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for i := from; i < to; i++ {
		line := genLine{Seed: seed + uint64(i), Case: g.Example(int(seed + uint64(i)))}
		steps, _ := s.Run(line.Case)
		for _, st := range steps {
			line.Expect = append(line.Expect, expect(st))
		}
		counts[line.Expect[len(line.Expect)-1].Rule]++
		_ = enc.Encode(line) // a genLine always encodes
	}
	return buf.Bytes(), counts
}

func expect(st target.Simulated) expectation {
	p := st.Prediction
	e := expectation{Action: st.Step.Action, Success: p.Success(), HTTP: st.Observed.Status}
	if p.Winner != nil {
		e.Rule, e.Code = p.Winner.ID, p.Winner.Code
	}
	for _, r := range p.Violated {
		e.Violated = append(e.Violated, r.ID)
	}
	return e
}

// printStats prints cases per rule: every reachable rule, zeros included,
// then the throughput.
func printStats(w io.Writer, prof *spec.Profile, counts map[string]int, n int, took time.Duration) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rule\tcases")
	var ids []string
	for _, r := range prof.Rules {
		if r.Reachable() {
			ids = append(ids, r.ID)
		}
	}
	sort.Strings(ids)
	fmt.Fprintf(tw, "(success)\t%d\n", counts[""])
	for _, id := range ids {
		fmt.Fprintf(tw, "%s\t%d\n", id, counts[id])
	}
	tw.Flush()
	fmt.Fprintf(w, "%d cases in %.2f s: %.0f cases/s\n", n, took.Seconds(), float64(n)/took.Seconds())
}
