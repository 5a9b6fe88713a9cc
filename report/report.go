package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eniconform/eniconform/harness"
)

//go:embed report.html.tmpl
var pageText string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"mark":    func(v string) string { return marks[v] },
	"diffcls": diffClass,
	"lines":   func(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") },
	"plural":  func(n int) string { return map[bool]string{true: "", false: "s"}[n == 1] },
}).Parse(pageText))

var marks = map[string]string{harness.Conforms: "✓", harness.Diverges: "✗", harness.NotExercised: "○", harness.Unreachable: "·"}

// view is what the template shows: the summary, arranged.
type view struct {
	S        harness.Summary
	Families []family
	Findings []harness.FindingSummary // that fail the run, not cross-cutting
	Cross    []harness.FindingSummary // cross-cutting, failing
	Soft     []harness.FindingSummary // soft (in lenient mode)
	Idle     []harness.Verdict        // not exercised
	Next     []string
	Charts   []template.HTML
}

// family is one family of the matrix.
type family struct {
	Name string
	Rows []harness.Verdict
	harness.VerdictCounts
}

// Write renders the summary to path (report.html in the report directory).
func Write(path string, s harness.Summary) error {
	var b bytes.Buffer
	if err := Render(&b, s); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// Render writes the report of the summary as one HTML document.
func Render(w io.Writer, s harness.Summary) error {
	return page.Execute(w, arrange(s))
}

func arrange(s harness.Summary) view {
	v := view{S: s, Next: harness.NextSteps(s)}
	for _, v2 := range s.Verdicts {
		i := slices.IndexFunc(v.Families, func(f family) bool { return f.Name == v2.Family })
		if i < 0 {
			v.Families = append(v.Families, family{Name: v2.Family})
			i = len(v.Families) - 1
		}
		v.Families[i].Rows = append(v.Families[i].Rows, v2)
		if v2.Verdict == harness.NotExercised {
			v.Idle = append(v.Idle, v2)
		}
	}
	for i := range v.Families {
		for _, r := range v.Families[i].Rows {
			v.Families[i].Add(r.Verdict)
		}
	}
	for _, f := range s.Findings {
		switch {
		case f.Soft && !s.Strict:
			v.Soft = append(v.Soft, f)
		case f.Cross:
			v.Cross = append(v.Cross, f)
		default:
			v.Findings = append(v.Findings, f)
		}
	}
	v.Charts = []template.HTML{familyChart(s), statusChart(s), latencyChart(s)}
	return v
}

// diffClass says how to colour a line of a (-oracle +target) diff.
func diffClass(line string) string {
	switch t := strings.TrimSpace(line); {
	case strings.HasPrefix(t, "-"):
		return "del"
	case strings.HasPrefix(t, "+"):
		return "ins"
	}
	return ""
}

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64
	Note  string // shown after the bar; the value when empty
	Class string // "bad" colours it red
}

// barChart draws horizontal bars as inline SVG, scaled to the largest.
func barChart(title string, bars []bar) template.HTML {
	const labelW, barW, rowH, noteW = 100, 230, 22, 170
	top := 0.0
	for _, b := range bars {
		top = max(top, b.Value)
	}
	var buf strings.Builder
	h := rowH*len(bars) + 30
	fmt.Fprintf(&buf, `<figure class="chart"><figcaption>%s</figcaption><svg role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d">`,
		template.HTMLEscapeString(title), template.HTMLEscapeString(title), labelW+barW+noteW, h, labelW+barW+noteW, h)
	for i, b := range bars {
		y := 10 + i*rowH
		w := 0.0
		if top > 0 {
			w = b.Value / top * barW
		}
		note := b.Note
		if note == "" {
			note = fmt.Sprint(b.Value)
		}
		fmt.Fprintf(&buf, `<text x="%d" y="%d" text-anchor="end">%s</text><rect class="bar %s" x="%d" y="%d" width="%.1f" height="%d"><title>%s: %s</title></rect><text x="%.1f" y="%d">%s</text>`,
			labelW-6, y+14, template.HTMLEscapeString(b.Label), b.Class, labelW, y+2, max(w, 1), rowH-6,
			template.HTMLEscapeString(b.Label), template.HTMLEscapeString(note), float64(labelW)+max(w, 1)+6, y+14, template.HTMLEscapeString(note))
	}
	buf.WriteString(`</svg></figure>`)
	return template.HTML(buf.String()) // every text above is escaped
}

// familyChart shows, per family, the answers judged and the findings.
func familyChart(s harness.Summary) template.HTML {
	var bars []bar
	for _, name := range familyNames(s) {
		row := s.Families[name]
		if row == nil {
			continue
		}
		b := bar{Label: name, Value: float64(row.Cases), Note: fmt.Sprintf("%d answers, %d findings", row.Cases, row.Findings)}
		if row.Diverges > 0 {
			b.Class = "bad"
		}
		bars = append(bars, b)
	}
	return barChart("answers judged and findings per family", bars)
}

func familyNames(s harness.Summary) []string {
	var out []string
	for _, v := range s.Verdicts {
		if !slices.Contains(out, v.Family) {
			out = append(out, v.Family)
		}
	}
	return out
}

// statusChart shows the mix of HTTP statuses the target answered with.
func statusChart(s harness.Summary) template.HTML {
	keys := make([]string, 0, len(s.Statuses))
	for k := range s.Statuses {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var bars []bar
	for _, k := range keys {
		b := bar{Label: "HTTP " + k, Value: float64(s.Statuses[k])}
		if k == "none" || k >= "500" {
			b.Label, b.Class = map[bool]string{true: "no answer", false: "HTTP " + k}[k == "none"], "bad"
		}
		bars = append(bars, b)
	}
	return barChart("status codes of the target's answers", bars)
}

// latencyChart shows the target's latency percentiles.
func latencyChart(s harness.Summary) template.HTML {
	l := s.Latency
	ms := func(v float64) string { return fmt.Sprintf("%.3g ms", v) }
	return barChart(fmt.Sprintf("latency of %d requests", l.Requests), []bar{
		{Label: "p50", Value: l.P50, Note: ms(l.P50)}, {Label: "p90", Value: l.P90, Note: ms(l.P90)},
		{Label: "p99", Value: l.P99, Note: ms(l.P99)}, {Label: "max", Value: l.Max, Note: ms(l.Max)},
	})
}
