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
	Signature   string     // of the defect shown (see Finding)
	Rule        *spec.Rule // the rule the failing step exercises; nil for a success
	Outcome     Outcome    // the minimal failing run
	Step        int        // index of the failing request in Outcome.All()
	Divergences []oracle.Divergence
	Seed        uint64
	Shrunk      bool
	Capped      bool   // not shrunk: the property had shrunk MaxShrinks findings already
	NotShrunk   string // why it was not shrunk, when that is neither of the above (a transport failure, a stop)
	Replayed    bool   // a saved case run again, as it was
	FromSteps   int    // size of the case before shrinking
	FromParams  int
	File        string // where the case is saved ("" until saved)
	Reproduce   string
}

// transport reports whether the failing request got no complete answer
// (a timeout, a connection that failed or closed): transport failures are
// not shrunk.
func (f *Failure) transport() bool {
	all := f.Outcome.All()
	return f.Step >= 0 && f.Step < len(all) && all[f.Step].Transport
}

func ruleID(r *spec.Rule) string {
	if r == nil {
		return "success"
	}
	return r.ID
}

// Failure builds the report of an outcome's first failing request, for a
// case run outside a property (replay).
func (h *Harness) Failure(p *Property, o Outcome) *Failure {
	i, divs := o.Failure(h.Strict)
	f := &Failure{Property: p.Name, Outcome: o, Step: i, Divergences: divs}
	if i < 0 {
		return f
	}
	s := o.All()[i]
	f.Rule = s.Prediction.Winner
	f.Headline = h.findingHeadline(s.Step.Action, divs[0])
	f.FromSteps, f.FromParams = size(o.Case)
	return f
}

// failureOf builds the report of the defect of signature sig in outcome o:
// the first request that shows it, and its divergences of that signature.
// o must show the defect.
func (h *Harness) failureOf(p *Property, o Outcome, sig string, seed uint64) *Failure {
	f := &Failure{Property: p.Name, Outcome: o, Seed: seed, Step: -1, Signature: sig}
	for _, x := range h.sightingsOf(&o) {
		if x.sig == sig {
			f.Step = x.step
			break
		}
	}
	s := o.All()[f.Step]
	for _, d := range s.Divergences {
		if h.signature(s.Step.Action, d) == sig {
			f.Divergences = append(f.Divergences, d)
		}
	}
	f.Rule = s.Prediction.Winner
	f.Headline = h.findingHeadline(s.Step.Action, f.Divergences[0])
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

// Parts is a failure's report, piece by piece: what Text prints and the
// HTML report shows.
type Parts struct {
	Headline    string   `json:"headline"`
	Property    string   `json:"property"`
	Rule        string   `json:"rule"`       // "id — title", or what a valid request must do
	Provenance  string   `json:"provenance"` // of the rule; "" for none
	Source      string   `json:"source"`
	Request     string   `json:"request"`     // as sent, signatures and tokens redacted, clipped
	Diff        string   `json:"diff"`        // (-oracle +target)
	Divergences []string `json:"divergences"` // "kind what [row]: want …, got … — why"
	Body        string   `json:"body,omitempty"`
	Shrunk      string   `json:"shrunk"`       // how the minimal case came about
	Steps       []string `json:"minimal_case"` // the minimal case, a request a line
	Params      int      `json:"params"`
	File        string   `json:"case_file,omitempty"`
	Reproduce   string   `json:"reproduce,omitempty"`
}

// Parts breaks a failure's report into its pieces.
func (h *Harness) Parts(f *Failure) Parts {
	s := f.Outcome.All()[f.Step]
	p := Parts{Headline: f.Headline, Property: f.Property, Rule: "none: the request is valid and must succeed",
		Request: clip(s.Sent(), 700), Diff: cmp.Diff(h.predicted(s), observed(s, h.Profile.Subject)),
		File: f.File, Reproduce: f.Reproduce}
	switch a := h.aspectOf(f); {
	case a != nil:
		p.Rule, p.Provenance, p.Source = a.ID+" — "+a.Title, string(a.Provenance), a.Source
	case f.Rule != nil:
		p.Rule, p.Provenance, p.Source = f.Rule.ID+" — "+f.Rule.Title, string(f.Rule.Provenance), f.Rule.Source
	}
	for _, d := range f.Divergences {
		p.Divergences = append(p.Divergences, fmt.Sprintf("%s %s [%s]: want %s, got %s — %s", d.Kind, d.What, d.Row, d.Want, d.Got, d.Why))
	}
	if len(s.Observed.Body) > 0 {
		p.Body = strconv.Quote(clip(string(s.Observed.Body), 300))
	}
	p.Shrunk = "not shrunk: the failure did not happen again"
	switch {
	case f.Replayed:
		p.Shrunk = "replayed as saved"
	case f.Capped:
		p.Shrunk = fmt.Sprintf("not shrunk: the property shrank %d findings already", MaxShrinks)
	case f.NotShrunk != "":
		p.Shrunk = "not shrunk: " + f.NotShrunk
	case f.Shrunk:
		p.Shrunk = fmt.Sprintf("shrunk from %d steps and %d parameters", f.FromSteps, f.FromParams)
	}
	for _, st := range f.Outcome.Case.Steps {
		p.Steps = append(p.Steps, st.String())
	}
	_, p.Params = size(f.Outcome.Case)
	return p
}

// aspectOf returns the aspect a failure's divergences count against, nil
// when they count against a rule.
func (h *Harness) aspectOf(f *Failure) *spec.Aspect {
	if len(f.Divergences) == 0 {
		return nil
	}
	return h.Profile.Aspect(f.Divergences[0].Row)
}

// Text renders the report.
func (h *Harness) Text(f *Failure) string { return h.Parts(f).Text() }

// Text renders the pieces as the console report.
func (p Parts) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "✗ %s\n  property: %s\n  rule:     %s", p.Headline, p.Property, p.Rule)
	if p.Provenance != "" {
		fmt.Fprintf(&b, " (%s: %s)", p.Provenance, p.Source)
	}
	fmt.Fprintf(&b, "\n  request:  %s\n  diff (-oracle +target):\n%s", p.Request, indent(p.Diff, "    "))
	for _, d := range p.Divergences {
		fmt.Fprintf(&b, "    %s\n", d)
	}
	if p.Body != "" {
		fmt.Fprintf(&b, "  body:     %s\n", p.Body)
	}
	fmt.Fprintf(&b, "  minimal case (%d steps, %d parameters; %s):\n", len(p.Steps), p.Params, p.Shrunk)
	for n, st := range p.Steps {
		fmt.Fprintf(&b, "    %d. %s\n", n+1, st)
	}
	if p.File != "" {
		fmt.Fprintf(&b, "  saved:    %s\n  reproduce: %s\n", p.File, p.Reproduce)
	}
	return b.String()
}

// Texts renders the reports of findings, each with how many cases showed
// it, one after the other.
func (h *Harness) Texts(fs []*Finding) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(h.Text(f.Failure))
		fmt.Fprintf(&b, "  seen in:  %d case%s (first in: %s)\n", f.Cases, plural(f.Cases), f.Property)
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
	Signature   string          `json:"signature,omitempty"`
	Divergences []string        `json:"divergences"`
	Case        generators.Case `json:"case"`
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// save writes the failure's case under dir/cases, named after the verdict
// row and the signature of its defect (the same defect gets the same file in
// every run), and sets File and Reproduce; replay is how to run it again
// (the command with its target).
func (f *Failure) save(dir, replay string) error {
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o755); err != nil {
		return err
	}
	s := Saved{Headline: f.Headline, Property: f.Property, Rule: ruleID(f.Rule), Signature: f.Signature, Case: f.Outcome.Case}
	for _, d := range f.Divergences {
		s.Divergences = append(s.Divergences, d.String())
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	h := fnv.New32a()
	h.Write([]byte(f.Signature))
	row := "case"
	if len(f.Divergences) > 0 {
		row = f.Divergences[0].Row
	}
	name := unsafeName.ReplaceAllString(row, "_") + fmt.Sprintf("-%08x", h.Sum32())
	f.File = filepath.Join(dir, "cases", name+".json")
	f.Reproduce = replay + " " + ShellQuote(absolute(f.File))
	return os.WriteFile(f.File, append(data, '\n'), 0o644)
}

// absolute returns path made absolute, or path when that fails.
func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// ShellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and -_./:=,@+%: a reproduction line pastes as it is.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
