package harness

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/eniconform/eniconform/spec"
)

// The verdicts a rule or aspect can end a run with.
const (
	Conforms     = "conforms"      // judged on some answers, and no finding fails it
	Diverges     = "diverges"      // a finding fails it
	NotExercised = "not-exercised" // no answer could show it; Reason says why and what to do
	Unreachable  = "unreachable"   // no request can provoke it; Reason is the documented why
)

// Verdict is the one verdict a rule or aspect ends the run with.
type Verdict struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"` // "rule" or "aspect"
	Family     string   `json:"family"`
	Title      string   `json:"title"`
	Provenance string   `json:"provenance"`
	Verdict    string   `json:"verdict"`
	Cases      int      `json:"cases"`              // answers judged on it
	Findings   []string `json:"findings,omitempty"` // headlines of its findings, soft ones too
	Reason     string   `json:"reason,omitempty"`
}

// VerdictCounts counts rows by verdict.
type VerdictCounts struct {
	Conforms     int `json:"conforms"`
	Diverges     int `json:"diverges"`
	NotExercised int `json:"not_exercised"`
	Unreachable  int `json:"unreachable"`
}

// Add counts one row with verdict.
func (c *VerdictCounts) Add(verdict string) {
	switch verdict {
	case Conforms:
		c.Conforms++
	case Diverges:
		c.Diverges++
	case NotExercised:
		c.NotExercised++
	case Unreachable:
		c.Unreachable++
	}
}

// Verdicts returns the matrix: every rule of the profile and every aspect,
// by family in report order (rules by rank, then aspects), each with one
// verdict.
func (h *Harness) Verdicts() []Verdict {
	var out []Verdict
	for _, fam := range spec.Families {
		for _, r := range h.Profile.RulesByRank() {
			if r.Family == fam {
				out = append(out, h.verdict(r.ID, "rule", fam, r.Title, string(r.Provenance), r.Unreachable))
			}
		}
		for _, a := range h.Profile.Aspects {
			if a.Family == fam {
				out = append(out, h.verdict(a.ID, "aspect", fam, a.Title, string(a.Provenance), ""))
			}
		}
	}
	return out
}

func (h *Harness) verdict(id, kind, family, title, provenance, unreachable string) Verdict {
	v := Verdict{ID: id, Kind: kind, Family: family, Title: title, Provenance: provenance, Cases: h.Results.Judged(id)}
	failed := false
	for _, f := range h.Results.Findings() {
		if f.Row == id {
			v.Findings = append(v.Findings, f.Headline)
			failed = failed || f.Fails(h.Strict)
		}
	}
	switch {
	case unreachable != "":
		v.Verdict, v.Reason = Unreachable, unreachable
	case failed:
		v.Verdict = Diverges
	case v.Cases > 0 || len(v.Findings) > 0:
		v.Verdict = Conforms
	default:
		v.Verdict, v.Reason = NotExercised, h.whyNotExercised(id)
	}
	return v
}

// whyNotExercised says why no answer was judged on a row: its property was
// skipped (the skip reason), did not run, or ran without reaching it.
func (h *Harness) whyNotExercised(id string) string {
	ran, cross := false, h.crossCutting(id)
	for _, p := range h.Results.Props() {
		switch {
		case cross && p.Skipped == "":
			ran = true // a cross-cutting aspect judges the answers of every property
		case cross || !p.Property.about(id):
		case p.Skipped != "":
			return p.Skipped
		default:
			ran = true
		}
	}
	if ran && cross {
		var hiding []string
		for _, f := range h.Results.Findings() {
			if f.Row != id && h.crossCutting(f.Row) && f.Fails(h.Strict) && !slices.Contains(hiding, f.Row) {
				hiding = append(hiding, f.Row)
			}
		}
		if len(hiding) > 0 {
			return "no answer could be judged on it: the findings of " + strings.Join(hiding, ", ") + " hide it (fix those first)"
		}
	}
	if stop := h.Stopped(); !ran && stop != nil {
		return "the run stopped before its property ran: " + stop.Why
	}
	if !ran {
		return "its property did not run (see --label-filter)"
	}
	return "no case of its property reached it: the answers it needs were all uncertain or hidden by another defect"
}

func tally(vs []Verdict) (VerdictCounts, map[string]*FamilyRow) {
	var all VerdictCounts
	fams := map[string]*FamilyRow{}
	for _, v := range vs {
		all.Add(v.Verdict)
		row := fams[v.Family]
		if row == nil {
			row = &FamilyRow{}
			fams[v.Family] = row
		}
		row.Add(v.Verdict)
		row.Cases += v.Cases
		row.Findings += len(v.Findings)
	}
	return all, fams
}

// marks are the console's signs for the verdicts.
var marks = map[string]string{Conforms: "✓", Diverges: "✗", NotExercised: "○", Unreachable: "·"}

// WriteMatrix prints the per-rule matrix of a summary compactly: one
// wrapped line of marked rows per family (in the order of s.Verdicts),
// then the findings (those that fail the run, the cross-cutting ones, the
// soft ones, each under its heading), what was not exercised and why, and
// the run's figures.
func WriteMatrix(w io.Writer, s Summary) {
	c := s.Counts
	fmt.Fprintf(w, "verdicts: %d conform, %d diverge, %d not exercised, %d unreachable (%s conforms, %s diverges, %s not exercised, %s unreachable)\n",
		c.Conforms, c.Diverges, c.NotExercised, c.Unreachable, marks[Conforms], marks[Diverges], marks[NotExercised], marks[Unreachable])
	for _, fam := range familiesOf(s.Verdicts) {
		var cells []string
		for _, v := range s.Verdicts {
			if v.Family == fam {
				cells = append(cells, marks[v.Verdict]+v.ID)
			}
		}
		writeWrapped(w, fmt.Sprintf("  %-11s ", fam), cells, 110)
	}
	writeFindings(w, s)
	for _, n := range NextSteps(s) {
		fmt.Fprintf(w, "next: %s\n", n)
	}
	fmt.Fprintf(w, "%d cases (%d requests) in %.1f s: %.0f cases/s; %d findings fail the run, %d soft; leaked ENIs: %d; seed %d\n",
		s.Cases, s.Requests, s.Seconds, s.CasesPerSec, s.Divergences, s.Soft, s.Leaked, s.Seed)
	if s.Unknown > 0 {
		fmt.Fprintf(w, "%d creates got no usable answer (timeouts, 5xx, garbage): they may or may not have made an ENI\n", s.Unknown)
	}
	writeConditions(w, s)
}

// familiesOf lists the families of verdicts in their order.
func familiesOf(vs []Verdict) []string {
	var out []string
	for _, v := range vs {
		if !slices.Contains(out, v.Family) {
			out = append(out, v.Family)
		}
	}
	return out
}

// writeFindings lists the findings by heading (the rows not exercised are
// in the next steps, grouped by what the world lacks).
func writeFindings(w io.Writer, s Summary) {
	heads := []struct {
		title string
		keep  func(FindingSummary) bool
	}{
		{"findings", func(f FindingSummary) bool { return !f.Cross && (!f.Soft || s.Strict) }},
		{"cross-cutting findings (each once for the run)", func(f FindingSummary) bool { return f.Cross && (!f.Soft || s.Strict) }},
		{"soft findings (precedence, documented alternatives; they fail only with --strict-precedence)", func(f FindingSummary) bool { return f.Soft && !s.Strict }},
	}
	for _, hd := range heads {
		var list []FindingSummary
		for _, f := range s.Findings {
			if hd.keep(f) {
				list = append(list, f)
			}
		}
		if len(list) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s:\n", hd.title)
		for _, f := range list {
			fmt.Fprintf(w, "  ✗ %s (%d case%s)\n", f.Headline, f.Cases, plural(f.Cases))
			if f.Reproduce != "" {
				fmt.Fprintf(w, "      reproduce: %s\n", f.Reproduce)
			}
		}
	}
}

// writeWrapped prints cells after a prefix, wrapping at width.
func writeWrapped(w io.Writer, prefix string, cells []string, width int) {
	line, pad := prefix, strings.Repeat(" ", len([]rune(prefix)))
	for i, c := range cells {
		if i > 0 && len([]rune(line))+1+len([]rune(c)) > width {
			fmt.Fprintln(w, line)
			line = pad
		} else if i > 0 {
			line += " "
		}
		line += c
	}
	fmt.Fprintln(w, line)
}

// junitSuites is junit.xml: a testsuite per family, a testcase per rule or
// aspect.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	Output    string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the matrix of a summary as JUnit XML: a testsuite per
// family, one testcase per rule and aspect, failed when it diverges (with
// the reports of its findings), skipped when not exercised or unreachable.
func WriteJUnit(path string, s Summary) error {
	all := junitSuites{Name: "eniconform " + s.Profile, Time: s.Seconds}
	for _, fam := range familiesOf(s.Verdicts) {
		suite := junitSuite{Name: fam}
		for _, v := range s.Verdicts {
			if v.Family != fam {
				continue
			}
			tc := junitCase{Name: v.ID + ": " + v.Title, Classname: fam, Output: fmt.Sprintf("%s on %d answers (%s)", v.Verdict, v.Cases, v.Provenance)}
			switch v.Verdict {
			case Diverges:
				tc.Failure = &junitMessage{Message: v.Findings[0], Text: findingTexts(s, v.ID)}
				suite.Failures++
			case NotExercised, Unreachable:
				tc.Skipped = &junitMessage{Message: v.Verdict + ": " + v.Reason}
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, tc)
		}
		if suite.Tests = len(suite.Cases); suite.Tests > 0 {
			all.Suites = append(all.Suites, suite)
			all.Tests, all.Failures, all.Skipped = all.Tests+suite.Tests, all.Failures+suite.Failures, all.Skipped+suite.Skipped
		}
	}
	data, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(data, '\n')...), 0o644)
}

// findingTexts joins the reports of every finding of a row.
func findingTexts(s Summary, row string) string {
	var b strings.Builder
	for _, f := range s.Findings {
		if f.Row == row {
			b.WriteString(f.Report)
		}
	}
	return b.String()
}

// about reports whether a property is about a verdict row: its rule, or
// one of its rows.
func (p *Property) about(row string) bool {
	return p.Rule != nil && p.Rule.ID == row || slices.Contains(p.Rows, row)
}

// NextSteps says in a few lines what a person should do after the run: how
// to follow up the findings, what to add so that the rules not exercised
// are (grouped by reason), what the soft findings and the leaks ask for.
func NextSteps(s Summary) []string {
	var out []string
	if n := s.Counts.Diverges; n > 0 {
		out = append(out, fmt.Sprintf("%d row%s diverge: each finding has a minimal case and a line that replays it (its reproduce: line)", n, plural(n)))
	}
	var reasons []string
	byReason := map[string][]string{}
	for _, v := range s.Verdicts {
		if v.Verdict == NotExercised {
			if byReason[v.Reason] == nil {
				reasons = append(reasons, v.Reason)
			}
			byReason[v.Reason] = append(byReason[v.Reason], v.ID)
		}
	}
	for _, r := range reasons {
		ids := byReason[r]
		out = append(out, fmt.Sprintf("%d not exercised (%s): %s", len(ids), strings.Join(ids, ", "), r))
	}
	if s.Soft > 0 && !s.Strict {
		out = append(out, fmt.Sprintf("%d soft finding%s (precedence, documented alternatives): add --strict-precedence to fail on them, or --spec-overlay FILE where your target follows another source", s.Soft, plural(s.Soft)))
	}
	if onInferred := inferredFindings(s); onInferred > 0 {
		out = append(out, fmt.Sprintf("%d finding%s on rules whose provenance is inferred (our own decision): if your target follows a source, record it with --spec-overlay FILE", onInferred, plural(onInferred)))
	}
	if s.Leaked > 0 {
		out = append(out, fmt.Sprintf("%d ENIs the run created are still on the target: delete them before the next run", s.Leaked))
	}
	if len(out) == 0 {
		out = append(out, "nothing: every rule and aspect that can be exercised was, and conforms")
	}
	return out
}

// inferredFindings counts the failing findings on rows whose provenance is
// inferred.
func inferredFindings(s Summary) int {
	inferred := map[string]bool{}
	for _, v := range s.Verdicts {
		inferred[v.ID] = v.Provenance == string(spec.Inferred)
	}
	n := 0
	for _, f := range s.Findings {
		if inferred[f.Row] && (!f.Soft || s.Strict) {
			n++
		}
	}
	return n
}
