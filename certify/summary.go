package certify

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/report"
	"github.com/eniconform/eniconform/sdkdriver"
	"github.com/eniconform/eniconform/spec"
)

// report builds the run's report: one verdict per row, the findings with
// their full reports, the properties and the figures; left is how many
// ENIs the run left behind.
func (r *runner) report(left int, stderr string) *Report {
	s := harness.Summary{Target: fmt.Sprintf("SDK %s %s through the driver %q", r.hello.SDK, r.hello.Version, r.cfg.Driver),
		TargetName: r.hello.SDK, TargetVer: r.hello.Version, Profile: r.profile.Name, Version: harness.Version(),
		Started: r.start.UTC().Truncate(time.Second), Seed: r.cfg.Seed, Workers: 1, Checks: r.cfg.Checks,
		Seconds: time.Since(r.start).Seconds(), Cases: r.calls, Requests: int64(r.bench.Mark()), Leaked: left,
		Statuses: r.bench.Statuses(), Latency: latency(r.elapsed), Properties: r.props}
	for _, f := range r.found.order {
		s.Findings = append(s.Findings, harness.FindingSummary{Row: f.Row, Signature: f.signature(), Cases: f.Cases,
			Shrunk: f.Shrunk, Parts: r.parts(f), Report: r.text(f)})
	}
	s.Divergences = len(s.Findings)
	s.Verdicts = r.verdicts()
	s.Counts, s.Families = tally(s.Verdicts)
	for _, v := range s.Verdicts {
		if v.Provenance == string(spec.Inferred) && (v.Verdict == harness.Conforms || v.Verdict == harness.Diverges) {
			s.Inferred++
		}
	}
	s.Verdict = harness.Conforms
	if s.Counts.Diverges > 0 || s.Leaked > 0 {
		s.Verdict = harness.Diverges
	}
	if s.Seconds > 0 {
		s.CasesPerSec = float64(s.Cases) / s.Seconds
	}
	return &Report{Summary: s, Hello: r.hello, Facts: r.facts, Stderr: stderr, Over: r.found.over, findings: r.found.order,
		driver: r.cfg.Driver}
}

// latency summarises the wall times of the driver calls (a call, not a
// request: retries and the SDK's own work included), in ms.
func latency(ds []time.Duration) harness.Latency {
	if len(ds) == 0 {
		return harness.Latency{}
	}
	s := slices.Sorted(slices.Values(ds))
	ms := func(q float64) float64 { return float64(s[int(q*float64(len(s)-1))].Microseconds()) / 1000 }
	return harness.Latency{Requests: int64(len(s)), P50: ms(0.5), P90: ms(0.9), P99: ms(0.99), Max: ms(1)}
}

// parts is a finding's report piece by piece, for summary.json and the
// HTML report: the minimal case is the one driver call.
func (r *runner) parts(f *finding) harness.Parts {
	row := r.data.Row(f.Row)
	p := harness.Parts{Headline: f.headline(), Property: f.Property, Rule: row.ID + " — " + row.Title,
		Provenance: string(row.Provenance), Source: row.Source, Diff: r.diffOf(f),
		Steps:  []string{clip(callLine(f.Example.Call), 700) + " (AccessKeyId " + f.Example.Key + ")"},
		Params: len(f.Example.Call.Params), Shrunk: "one driver call, as first seen"}
	if f.Shrunk {
		p.Shrunk = fmt.Sprintf("shrunk from %d parameters", f.From)
	}
	if len(f.Example.Sent) > 0 {
		x := f.Example.Sent[0]
		p.Request = clip(x.Wire, 700) + " — " + answerLine(x)
	}
	if f.Detail != "" {
		p.Divergences = append(p.Divergences, f.Detail)
	}
	p.Divergences = append(p.Divergences, "the SDK reported: "+answerDetail(f.Example.Answer))
	return p
}

// diffOf is a finding's diff: the parameters asked and decoded for an
// encoding defect, the error as sent and as surfaced for a surfacing one.
func (r *runner) diffOf(f *finding) string {
	c := f.Example
	x, answered := c.answered()
	switch row := r.data.Row(f.Row); {
	case row.Family == FamilyEncoding && len(c.Sent) > 0:
		return cmp.Diff(sdkdriver.Flatten(c.Call.Params), r.apiParams(c.Sent[0]))
	case row.Family == FamilySurfacing && answered && x.Code != "" && c.Answer.Error != nil:
		e := c.Answer.Error
		return cmp.Diff(surfaced{x.Code, x.Status, x.Message, x.RequestID}, surfaced{e.Code, e.HTTPStatus, e.Message, e.RequestID})
	}
	return ""
}

// surfaced is an API error's four parts, for diffs (-server +SDK).
type surfaced struct {
	Code       string
	HTTPStatus int
	Message    string
	RequestID  string
}

// verdicts returns one verdict per row, in the data's order: diverges with
// its findings, conforms when calls were judged on it, else not exercised
// with the reason.
func (r *runner) verdicts() []harness.Verdict {
	var out []harness.Verdict
	for _, row := range r.data.Rows {
		v := harness.Verdict{ID: row.ID, Kind: "aspect", Family: row.Family, Title: row.Title,
			Provenance: string(row.Provenance), Cases: r.judged[row.ID]}
		for _, f := range r.found.ofRow(row.ID) {
			v.Findings = append(v.Findings, f.headline())
		}
		switch {
		case len(v.Findings) > 0:
			v.Verdict = harness.Diverges
		case v.Cases > 0:
			v.Verdict = harness.Conforms
		default:
			v.Verdict, v.Reason = harness.NotExercised, or(r.reasons[row.ID], "no call was judged on it")
		}
		out = append(out, v)
	}
	return out
}

// tally counts the verdicts, in all and by family.
func tally(vs []harness.Verdict) (harness.VerdictCounts, map[string]*harness.FamilyRow) {
	var all harness.VerdictCounts
	fams := map[string]*harness.FamilyRow{}
	for _, v := range vs {
		row := fams[v.Family]
		if row == nil {
			row = &harness.FamilyRow{}
			fams[v.Family] = row
		}
		for _, c := range []*harness.VerdictCounts{&all, &row.VerdictCounts} {
			switch v.Verdict {
			case harness.Conforms:
				c.Conforms++
			case harness.Diverges:
				c.Diverges++
			case harness.NotExercised:
				c.NotExercised++
			case harness.Unreachable:
				c.Unreachable++
			}
		}
		row.Cases += v.Cases
		row.Findings += len(v.Findings)
	}
	return all, fams
}

// text is the full report of a finding: the row, the call, what reached
// the server and what the driver said.
func (r *runner) text(f *finding) string {
	row := r.data.Row(f.Row)
	var b strings.Builder
	fmt.Fprintf(&b, "✗ %s\n", f.headline())
	fmt.Fprintf(&b, "  row:       %s — %s (%s: %s)\n", row.ID, row.Title, row.Provenance, row.Source)
	fmt.Fprintf(&b, "  seen in:   %d call%s (first in %q)\n", f.Cases, plural(f.Cases), f.Property)
	fmt.Fprintf(&b, "  call:      %s  (AccessKeyId %s)\n", clip(callLine(f.Example.Call), 2000), f.Example.Key)
	for i, x := range f.Example.Sent {
		fmt.Fprintf(&b, "  request %d: %s\n", i+1, clip(x.Wire, map[bool]int{true: 2000, false: 160}[i == 0]))
		fmt.Fprintf(&b, "             %s, signature %s; %s\n", sentMode(x), sigName(x.Sig), answerLine(x))
	}
	if len(f.Example.Sent) == 0 {
		b.WriteString("  requests:  none reached the server\n")
	}
	if d := r.diffOf(f); d != "" {
		label := map[string]string{FamilyEncoding: "decoded (-asked +decoded)", FamilySurfacing: "error (-server +SDK)"}[row.Family]
		fmt.Fprintf(&b, "  %s:\n%s", label, indent(d, "    "))
	}
	fmt.Fprintf(&b, "  driver:    %s\n", answerDetail(f.Example.Answer))
	if f.Detail != "" {
		fmt.Fprintf(&b, "  detail:    %s\n", f.Detail)
	}
	if f.Shrunk {
		fmt.Fprintf(&b, "  minimal:   shrunk from %d parameters to %d\n", f.From, len(f.Example.Call.Params))
	}
	return b.String()
}

// callLine is a call as its JSON line, numbered 1 as the first call of a
// session, so that it can be fed to a driver as it is.
func callLine(c sdkdriver.Call) string {
	c.ID = 1
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Sprintf("%+v", c)
	}
	return string(b)
}

// answerLine says how the bench answered x.
func answerLine(x Exchange) string {
	by := "the emulator"
	if x.Script != "" {
		by = "the script " + x.Script
	}
	switch {
	case x.Reset:
		return "reset by " + by
	case x.Gone:
		return "the client hung up before " + by + " answered"
	case x.Code != "":
		return fmt.Sprintf("%s answered %d %s in %s: %q, RequestId %s", by, x.Status, x.Code, x.Format, x.Message, x.RequestID)
	}
	return fmt.Sprintf("%s answered %d in %s, RequestId %s", by, x.Status, x.Format, x.RequestID)
}

// answerDetail is the driver's answer in full.
func answerDetail(a sdkdriver.Answer) string {
	switch a.Outcome() {
	case sdkdriver.OutcomeError:
		e := a.Error
		return fmt.Sprintf("API error code=%q http_status=%d message=%q request_id=%q", e.Code, e.HTTPStatus, clip(e.Message, 300), e.RequestID)
	case sdkdriver.OutcomeOK:
		b, _ := json.Marshal(a.OK)
		return "success " + clip(string(b), 600)
	}
	return outcome(a)
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, prefix) + "\n"
}

// WriteReports writes report.html, summary.json, junit.xml, sdk.json (the driver's
// hello and the transport facts) and a case file per finding under dir,
// and sets each finding's file.
func (rep *Report) WriteReports(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o755); err != nil {
		return fmt.Errorf("--report-dir: %w", err)
	}
	for i, f := range rep.findings {
		f.File = filepath.Join(dir, "cases", f.fileName())
		abs, err := filepath.Abs(f.File)
		if err != nil {
			abs = f.File
		}
		fs := &rep.Summary.Findings[i]
		fs.File = f.File
		fs.Reproduce = "eniconform sdk --driver " + harness.ShellQuote(rep.driver) + " --replay " + harness.ShellQuote(abs)
		fs.Report += "  saved:     " + f.File + "\n  reproduce: " + fs.Reproduce + "\n"
		if err := writeJSON(f.File, caseFile(f)); err != nil {
			return err
		}
	}
	if err := writeJSON(filepath.Join(dir, "summary.json"), rep.Summary); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "sdk.json"), map[string]any{"hello": rep.Hello, "transport": rep.Facts,
		"findings_past_the_cap": rep.Over, "driver_stderr": rep.Stderr}); err != nil {
		return err
	}
	if err := report.Write(filepath.Join(dir, "report.html"), rep.Summary); err != nil {
		return err
	}
	return harness.WriteJUnit(filepath.Join(dir, "junit.xml"), rep.Summary)
}

// writeJSON writes v as indented JSON.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// secretKind says which secret a call was signed with: "world" (its key's
// in the world), "made-up" (for a key the world lacks) or "wrong".
func secretKind(c called) string {
	switch {
	case c.cred.secret == "not-"+c.cred.key:
		return secretMadeUp
	case strings.HasSuffix(c.cred.secret, wrongSuffix):
		return secretWrong
	}
	return secretWorld
}

// scriptOf is the script that answered a call's first request; "" for the
// emulator.
func scriptOf(c called) string {
	if len(c.Sent) == 0 {
		return ""
	}
	return c.Sent[0].Script
}

// caseFile is the saved form of a finding's example: the call to send a
// driver again, what reached the server and what the driver answered.
func caseFile(f *finding) map[string]any {
	var sent []map[string]any
	for _, x := range f.Example.Sent {
		params := maps.Clone(x.Params)
		for _, k := range []string{"Signature", "SecurityToken"} {
			if _, ok := params[k]; ok {
				params[k] = "<redacted>"
			}
		}
		sent = append(sent, map[string]any{"request": x.Wire, "decoded": params, "mode": sentMode(x), "signature": sigName(x.Sig),
			"answer": answerLine(x)})
	}
	return map[string]any{"row": f.Row, "headline": f.headline(), "signature": f.signature(), "cases": f.Cases,
		"call": json.RawMessage(callLine(f.Example.Call)), "access_key_id": f.Example.Key, "secret": secretKind(f.Example),
		"script": scriptOf(f.Example),
		"sent":   sent, "driver_answer": answerDetail(f.Example.Answer), "detail": f.Detail}
}
