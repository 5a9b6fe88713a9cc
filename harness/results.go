package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// Results gathers what a run found, for the console table and summary.json.
type Results struct {
	seed     uint64
	start    time.Time
	requests atomic.Int64
	mu       sync.Mutex
	props    []PropResult
	leaked   int
	unknown  int
	last     time.Time // of the last progress line
}

// NewResults starts the clock of a run.
func NewResults(seed uint64) *Results { return &Results{seed: seed, start: time.Now()} }

func (r *Results) count(requests int) { r.requests.Add(int64(requests)) }

func (r *Results) add(p PropResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.props = append(r.props, p)
}

func (r *Results) setLeaked(leaked, unknown int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.leaked, r.unknown = leaked, unknown
}

// Props returns the property results so far.
func (r *Results) Props() []PropResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.props)
}

// progress prints a line on the progress writer at most twice a second.
func (h *Harness) progress() {
	r := h.Results
	if h.Progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.last) < 500*time.Millisecond {
		return
	}
	r.last = time.Now()
	fmt.Fprintf(h.Progress, "\r%d properties, %d requests, %.0f requests/s   ", len(r.props), r.requests.Load(),
		float64(r.requests.Load())/time.Since(r.start).Seconds())
}

type familyRow struct {
	Passed, Failed, Skipped, Cases, Divergences, Soft int
}

// Summary is summary.json.
type Summary struct {
	Target      string                `json:"target"`
	Profile     string                `json:"profile"`
	Seed        uint64                `json:"seed"`
	Workers     int                   `json:"workers"`
	Checks      int                   `json:"checks"`
	Strict      bool                  `json:"strict_precedence"`
	Seconds     float64               `json:"seconds"`
	Cases       int                   `json:"cases"`
	Requests    int64                 `json:"requests"`
	CasesPerSec float64               `json:"cases_per_second"`
	Divergences int                   `json:"divergences"`
	Soft        int                   `json:"precedence_and_alternative_divergences"`
	Leaked      int                   `json:"leaked_enis"`
	Unknown     int                   `json:"creates_of_unknown_outcome"` // answered by a timeout, 5xx or garbage and never settled
	Families    map[string]*familyRow `json:"families"`
	Properties  []PropSummary         `json:"properties"`
}

// PropSummary is one property in summary.json.
type PropSummary struct {
	Family   string  `json:"family"`
	Name     string  `json:"name"`
	Rule     string  `json:"rule,omitempty"`
	Result   string  `json:"result"` // passed, failed, skipped
	Cases    int     `json:"cases"`
	Soft     int     `json:"soft_divergences,omitempty"`
	Seconds  float64 `json:"seconds"`
	Headline string  `json:"headline,omitempty"`
	Skipped  string  `json:"skipped,omitempty"`
	File     string  `json:"case_file,omitempty"`
}

// Summary tallies the run.
func (h *Harness) Summary() Summary {
	r := h.Results
	props := r.Props()
	r.mu.Lock()
	s := Summary{Target: h.Target, Profile: h.Profile.Name, Seed: r.seed, Workers: h.Workers, Checks: h.Checks, Strict: h.Strict,
		Seconds: time.Since(r.start).Seconds(), Requests: r.requests.Load(), Leaked: r.leaked, Unknown: r.unknown, Families: map[string]*familyRow{}}
	r.mu.Unlock()
	for _, p := range props {
		row := s.Families[p.Property.Family]
		if row == nil {
			row = &familyRow{}
			s.Families[p.Property.Family] = row
		}
		ps := PropSummary{Family: p.Property.Family, Name: p.Property.Name, Cases: p.Cases, Soft: p.Soft,
			Seconds: p.Elapsed.Seconds(), Skipped: p.Skipped, Result: "passed"}
		if p.Property.Rule != nil {
			ps.Rule = p.Property.Rule.ID
		}
		switch {
		case p.Failure != nil:
			ps.Result, ps.Headline, ps.File = "failed", p.Failure.Headline, p.Failure.File
			row.Failed++
			row.Divergences += max(p.Divergent, 1)
		case p.Skipped != "":
			ps.Result = "skipped"
			row.Skipped++
		default:
			row.Passed++
		}
		row.Cases += p.Cases
		row.Soft += p.Soft
		s.Cases += p.Cases
		s.Soft += p.Soft
		s.Properties = append(s.Properties, ps)
	}
	for _, row := range s.Families {
		s.Divergences += row.Divergences // cases that failed, not properties: several workers may fail at once
	}
	if s.Seconds > 0 {
		s.CasesPerSec = float64(s.Cases) / s.Seconds
	}
	return s
}

// WriteTable prints the console summary: one row per family.
func (h *Harness) WriteTable(w io.Writer, s Summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "family\tpassed\tfailed\tskipped\tcases\tdivergences\tsoft\t")
	var order []string
	for _, p := range Catalogue(h.Profile) {
		if !slices.Contains(order, p.Family) {
			order = append(order, p.Family)
		}
	}
	for _, f := range order {
		r, ok := s.Families[f]
		if !ok {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", f, r.Passed, r.Failed, r.Skipped, r.Cases, r.Divergences, r.Soft)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d cases (%d requests) in %.1f s: %.0f cases/s; %d divergences, %d soft (precedence, alternatives); leaked ENIs: %d; seed %d\n",
		s.Cases, s.Requests, s.Seconds, s.CasesPerSec, s.Divergences, s.Soft, s.Leaked, s.Seed)
	if s.Unknown > 0 {
		fmt.Fprintf(w, "%d creates got no usable answer (timeouts, 5xx, garbage): they may or may not have made an ENI\n", s.Unknown)
	}
}

// WriteSummary writes summary.json under the report directory (each
// failure's case file is saved as it is found) and returns the summary.
func (h *Harness) WriteSummary() (Summary, error) {
	if err := os.MkdirAll(h.ReportDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("--report-dir: %w", err)
	}
	s := h.Summary()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return s, err
	}
	return s, os.WriteFile(filepath.Join(h.ReportDir, "summary.json"), append(data, '\n'), 0o644)
}
