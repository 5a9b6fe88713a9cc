package harness

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/google/go-cmp/cmp"
)

// Failure is a divergence as reported: a stable headline, the rule and its
// provenance, the request as sent (redacted), a (-oracle +target) diff, the
// minimal case, the file it is saved in and the line that reproduces it.
type Failure struct {
	Property    string
	Headline    string
	Rule        *spec.Rule // the rule the failing step exercises; nil for a success
	Outcome     Outcome    // the minimal failing run
	Step        int        // index of the failing step
	Divergences []oracle.Divergence
	Seed        uint64
	Shrunk      bool
	Replayed    bool // a saved case run again, as it was
	FromSteps   int  // size of the case before shrinking
	FromParams  int
	File        string // where the case is saved ("" until saved)
	Reproduce   string
}

func ruleID(r *spec.Rule) string {
	if r == nil {
		return "success"
	}
	return r.ID
}

// headline is one short line that does not change from run to run: the
// rule and what diverged, without IDs or times.
func headline(s StepResult, divs []oracle.Divergence) string {
	d := divs[0]
	want, got := d.Want, d.Got
	if d.What == "NetworkInterfaceId" || d.What == "RequestId" {
		want, got = "well-formed and new", "not"
	}
	return fmt.Sprintf("%s %s: %s: want %s, got %s", s.Step.Action, ruleID(s.Prediction.Winner), d.What, want, got)
}

// Failure builds the report of an outcome's failing step, for a case run
// outside a property (replay).
func (h *Harness) Failure(p *Property, o Outcome) *Failure { return h.failure(p, o, 0) }

// failure builds the report of an outcome's failing step.
func (h *Harness) failure(p *Property, o Outcome, seed uint64) *Failure {
	i, divs := o.Failure(h.Strict)
	f := &Failure{Property: p.Name, Outcome: o, Step: i, Divergences: divs, Seed: seed}
	if i < 0 {
		return f
	}
	f.Rule = o.Steps[i].Prediction.Winner
	f.Headline = headline(o.Steps[i], divs)
	f.FromSteps, f.FromParams = size(o.Case)
	return f
}

// answer is what the diff compares: the parts of a response the oracle
// predicts.
type answer struct {
	Status             int
	Code               string
	Format             string
	ContentType        string
	NetworkInterfaceID string
}

func (h *Harness) predicted(s StepResult) answer {
	p := s.Prediction
	a := answer{Status: 200, Format: p.Format, ContentType: h.Profile.ContentType(p.Format)}
	if p.Winner != nil {
		a.Status, a.Code = p.Winner.HTTP, p.Winner.Code
	} else if s.Step.Action == h.Profile.Subject {
		a.NetworkInterfaceID = p.Replay
		if a.NetworkInterfaceID == "" {
			a.NetworkInterfaceID = "new, " + h.Profile.Responses.ENIIDPattern
		}
	}
	return a
}

func observed(s StepResult, subject string) answer {
	o := s.Observed
	a := answer{Status: o.Status, Code: o.Code, Format: o.Format, ContentType: o.ContentType}
	if s.Step.Action == subject && o.Code == "" {
		a.NetworkInterfaceID = o.NetworkInterfaceID
	}
	return a
}

// Text renders the report.
func (h *Harness) Text(f *Failure) string {
	var b strings.Builder
	fmt.Fprintf(&b, "✗ %s\n", f.Headline)
	fmt.Fprintf(&b, "  property: %s\n", f.Property)
	if f.Rule != nil {
		fmt.Fprintf(&b, "  rule:     %s — %s (%s: %s)\n", f.Rule.ID, f.Rule.Title, f.Rule.Provenance, f.Rule.Source)
	} else {
		b.WriteString("  rule:     none: the request is valid and must succeed\n")
	}
	s := f.Outcome.Steps[f.Step]
	fmt.Fprintf(&b, "  request:  %s\n", s.Sent())
	fmt.Fprintf(&b, "  diff (-oracle +target):\n%s", indent(cmp.Diff(h.predicted(s), observed(s, h.Profile.Subject)), "    "))
	for _, d := range f.Divergences {
		fmt.Fprintf(&b, "    %s %s: want %s, got %s — %s\n", d.Kind, d.What, d.Want, d.Got, d.Why)
	}
	if len(s.Observed.Body) > 0 {
		fmt.Fprintf(&b, "  body:     %s\n", strconv.Quote(clip(string(s.Observed.Body), 300)))
	}
	steps, params := size(f.Outcome.Case)
	shrunk := "not shrunk: the failure did not happen again"
	switch {
	case f.Replayed:
		shrunk = "replayed as saved"
	case f.Shrunk:
		shrunk = fmt.Sprintf("shrunk from %d steps and %d parameters", f.FromSteps, f.FromParams)
	}
	fmt.Fprintf(&b, "  minimal case (%d steps, %d parameters; %s):\n", steps, params, shrunk)
	for n, st := range f.Outcome.Case.Steps {
		fmt.Fprintf(&b, "    %d. %s\n", n+1, st)
	}
	if f.File != "" {
		fmt.Fprintf(&b, "  saved:    %s\n  reproduce: %s\n", f.File, f.Reproduce)
	}
	return b.String()
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = by + strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, "\n") + "\n"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Saved is a case file: the case and what it showed, for replay.
type Saved struct {
	Headline    string          `json:"headline"`
	Property    string          `json:"property"`
	Rule        string          `json:"rule"`
	Divergences []string        `json:"divergences"`
	Case        generators.Case `json:"case"`
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// save writes the failure's case under dir/cases and sets File and
// Reproduce; replay is how to run it again (the command with its target).
func (f *Failure) save(dir, replay string) error {
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o755); err != nil {
		return err
	}
	s := Saved{Headline: f.Headline, Property: f.Property, Rule: ruleID(f.Rule), Case: f.Outcome.Case}
	for _, d := range f.Divergences {
		s.Divergences = append(s.Divergences, d.String())
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	h := fnv.New32a()
	h.Write([]byte(f.Property))
	name := unsafeName.ReplaceAllString(ruleID(f.Rule), "_") + fmt.Sprintf("-%08x", h.Sum32())
	f.File = filepath.Join(dir, "cases", name+".json")
	f.Reproduce = replay + " " + f.File
	return os.WriteFile(f.File, append(data, '\n'), 0o644)
}

// LoadCase reads a case file: a Saved report or a bare case.
func LoadCase(path string) (*generators.Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s struct {
		Case json.RawMessage `json:"case"`
	}
	if json.Unmarshal(data, &s) == nil && len(s.Case) > 0 {
		data = s.Case
	}
	c, err := generators.ParseCase(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
