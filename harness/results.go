package harness

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eniconform/eniconform/spec"
)

// Results gathers what a run found: the property results, the findings,
// and how many answers each verdict row was judged on.
type Results struct {
	seed     uint64
	start    time.Time
	requests atomic.Int64
	mu       sync.Mutex
	props    []PropResult
	findings []*Finding          // in the order found
	bySig    map[string]*Finding // signature → finding
	judged   map[string]int      // verdict row → answers judged on it
	statuses map[string]int      // HTTP status of the answers to the cases' requests → how many
	latency  latencies
	leaked   int
	unknown  int
	last     time.Time // of the last progress line
}

// NewResults starts the clock of a run.
func NewResults(seed uint64) *Results {
	return &Results{seed: seed, start: time.Now(), bySig: map[string]*Finding{}, judged: map[string]int{}, statuses: map[string]int{}}
}

func (r *Results) count(requests int) { r.requests.Add(int64(requests)) }

func (r *Results) add(p PropResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.props = append(r.props, p)
}

// judge counts the rows every request of an outcome was judged on, and
// the status and latency of its answer.
func (r *Results) judge(o *Outcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range o.All() {
		for _, row := range s.Judged {
			r.judged[row]++
		}
		r.statuses[statusKey(s.Observed.Status)]++
		r.latency.add(s.Latency)
	}
}

// sighted adds cases to the finding of a signature and returns it; nil
// when no property has reported that defect yet.
func (r *Results) sighted(sig string, cases int) *Finding {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.bySig[sig]
	if f != nil {
		f.Cases += cases
	}
	return f
}

// register records a new finding and returns it (or the one of the same
// signature that another property registered meanwhile).
func (r *Results) register(f *Finding) *Finding {
	r.mu.Lock()
	defer r.mu.Unlock()
	if have := r.bySig[f.Signature]; have != nil {
		have.Cases += f.Cases
		return have
	}
	r.bySig[f.Signature] = f
	r.findings = append(r.findings, f)
	return f
}

// offer keeps c as the case to shrink a cross-cutting finding from, if it
// is the smallest so far.
func (r *Results) offer(f *Finding, c *candidate) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f.best == nil || smaller(c.sighted.out.Case, f.best.sighted.out.Case) {
		f.best = c
	}
}

// take returns the case to shrink a cross-cutting finding from, once.
func (r *Results) take(f *Finding) *candidate {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := f.best
	f.best = nil
	return c
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

// Findings returns the findings so far, in the order found.
func (r *Results) Findings() []*Finding {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.findings)
}

// Judged returns how many answers a verdict row was judged on.
func (r *Results) Judged(row string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.judged[row]
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

// Summary is summary.json: the run's settings and figures, the verdict of
// every rule and aspect, the findings and the properties. Its keys are
// stable (snake case throughout).
type Summary struct {
	Target      string                `json:"target"`
	TargetName  string                `json:"target_name,omitempty"`
	TargetVer   string                `json:"target_version,omitempty"`
	Profile     string                `json:"profile"`
	Version     string                `json:"eniconform_version"`
	Started     time.Time             `json:"started"`
	Seed        uint64                `json:"seed"`
	Workers     int                   `json:"workers"`
	Checks      int                   `json:"checks"`
	Strict      bool                  `json:"strict_precedence"`
	Verdict     string                `json:"verdict"` // "conforms", "diverges", or for a run that ended early "interrupted" or "unhealthy"
	Seconds     float64               `json:"seconds"`
	Cases       int                   `json:"cases"`
	Requests    int64                 `json:"requests"`
	CasesPerSec float64               `json:"cases_per_second"`
	Divergences int                   `json:"divergences"` // findings that fail the run
	Soft        int                   `json:"soft_findings"`
	Leaked      int                   `json:"leaked_enis"`
	Unknown     int                   `json:"creates_of_unknown_outcome"` // answered by a timeout, 5xx or garbage and never settled
	Counts      VerdictCounts         `json:"counts"`
	Inferred    int                   `json:"verdicts_on_inferred_rules"` // rows judged (conforming or diverging) whose provenance is inferred
	Statuses    map[string]int        `json:"status_codes"`               // of the answers to the cases' requests
	Latency     Latency               `json:"latency_ms"`
	Families    map[string]*FamilyRow `json:"families"`
	Verdicts    []Verdict             `json:"verdicts"`
	Findings    []FindingSummary      `json:"findings"`
	Properties  []PropSummary         `json:"properties"`
	Conditions                        // how the run went: stopped early, inventory, ledger, pacing (conditions.go)
}

// FamilyRow tallies the verdicts and cases of one family.
type FamilyRow struct {
	VerdictCounts
	Cases    int `json:"cases"`
	Findings int `json:"findings"`
}

// PropSummary is one property in summary.json.
type PropSummary struct {
	Family   string   `json:"family"`
	Name     string   `json:"name"`
	Rule     string   `json:"rule,omitempty"`
	Result   string   `json:"result"` // passed, failed, skipped
	Cases    int      `json:"cases"`
	Soft     int      `json:"soft_divergences,omitempty"`
	Seconds  float64  `json:"seconds"`
	Findings []string `json:"findings,omitempty"` // headlines of the findings that fail it
	Skipped  string   `json:"skipped,omitempty"`
}

// FindingSummary is one finding in summary.json: its row, signature and
// counts, and its report piece by piece (Parts) and whole (Report).
type FindingSummary struct {
	Row       string `json:"row"`
	Signature string `json:"signature"`
	Soft      bool   `json:"soft,omitempty"`
	Cross     bool   `json:"cross_cutting,omitempty"`
	Cases     int    `json:"cases"`
	Shrunk    bool   `json:"shrunk"`
	Parts
	Report string `json:"report"` // the whole report, as the console prints it
}

// Summary tallies the run.
func (h *Harness) Summary() Summary {
	r := h.Results
	props := r.Props()
	r.mu.Lock()
	s := Summary{Target: h.Target, TargetName: h.TargetName, TargetVer: h.TargetVersion, Profile: h.Profile.Name, Version: Version(), Started: r.start.UTC().Truncate(time.Second),
		Seed: r.seed, Workers: h.Workers, Checks: h.Checks, Strict: h.Strict,
		Seconds: time.Since(r.start).Seconds(), Requests: r.requests.Load(), Leaked: r.leaked, Unknown: r.unknown,
		Statuses: maps.Clone(r.statuses), Latency: r.latency.summary()}
	r.mu.Unlock()
	for _, p := range props {
		s.Cases += p.Cases
		s.Properties = append(s.Properties, h.propSummary(p))
	}
	for _, f := range r.Findings() {
		parts := h.Parts(f.Failure)
		s.Findings = append(s.Findings, FindingSummary{Row: f.Row, Signature: f.Signature, Soft: f.Soft, Cross: f.Cross,
			Cases: f.Cases, Shrunk: f.Failure.Shrunk, Parts: parts, Report: parts.Text()})
		switch {
		case f.Fails(h.Strict):
			s.Divergences++
		default:
			s.Soft++
		}
	}
	s.Verdicts = h.Verdicts()
	s.Counts, s.Families = tally(s.Verdicts)
	for _, v := range s.Verdicts {
		if v.Provenance == string(spec.Inferred) && (v.Verdict == Conforms || v.Verdict == Diverges) {
			s.Inferred++
		}
	}
	s.Verdict = "conforms"
	if s.Counts.Diverges > 0 || s.Leaked > 0 {
		s.Verdict = "diverges"
	}
	s.Conditions = h.conditions()
	s.Verdict = s.Conditions.verdictOf(s.Verdict)
	if s.Seconds > 0 {
		s.CasesPerSec = float64(s.Cases) / s.Seconds
	}
	return s
}

func (h *Harness) propSummary(p PropResult) PropSummary {
	ps := PropSummary{Family: p.Property.Family, Name: p.Property.Name, Cases: p.Cases, Soft: p.Soft,
		Seconds: p.Elapsed.Seconds(), Skipped: p.Skipped, Result: "passed"}
	if p.Property.Rule != nil {
		ps.Rule = p.Property.Rule.ID
	}
	for _, f := range p.Failing(h.Strict) {
		ps.Findings = append(ps.Findings, f.Headline)
	}
	switch {
	case len(ps.Findings) > 0:
		ps.Result = "failed"
	case p.Skipped != "":
		ps.Result = "skipped"
	}
	return ps
}

// WriteSummary writes summary.json and junit.xml under the report
// directory (each finding's case file is saved as it is found) and returns
// the summary.
func (h *Harness) WriteSummary() (Summary, error) {
	if err := os.MkdirAll(h.ReportDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("--report-dir: %w", err)
	}
	s := h.Summary()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return s, err
	}
	if err := os.WriteFile(filepath.Join(h.ReportDir, "summary.json"), append(data, '\n'), 0o644); err != nil {
		return s, err
	}
	return s, WriteJUnit(filepath.Join(h.ReportDir, "junit.xml"), s)
}
