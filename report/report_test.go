package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/report"
	"golang.org/x/net/html"
)

// faults planted for the faulty run: a rule, a cross-cutting aspect, a
// quota, the post-state and (soft) precedence.
var faults = []string{"name-length-off-by-one", "json-instead-of-xml", "quota-off-by-one", "describe-drops-description", "not-found-checks-swapped"}

// run runs the catalogue against the emulator with faults and returns the
// summary as summary.json has it, and the report rendered from it.
func run(t *testing.T, faults ...string) (harness.Summary, []byte) {
	t.Helper()
	dir := t.TempDir()
	h, err := harness.Open(harness.Config{Checks: 20, Seed: 3, ReportDir: dir, ShrinkTime: time.Second,
		TargetName: "the built-in emulator", TargetVersion: "test", Emulator: emulator.Options{Faults: faults}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range harness.Catalogue(h.Profile) {
		h.Run(ctx, p)
	}
	h.Close(ctx)
	if _, err := h.WriteSummary(); err != nil {
		t.Fatal(err)
	}
	var s harness.Summary
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil || json.Unmarshal(data, &s) != nil {
		t.Fatalf("summary.json: %v", err)
	}
	var b bytes.Buffer
	if err := report.Render(&b, s); err != nil {
		t.Fatal(err)
	}
	return s, b.Bytes()
}

// parsed is what a test reads back from a rendered report.
type parsed struct {
	rows     map[string]string // data-row → data-verdict
	findings int               // details.finding
	external []string          // attributes that would fetch something
}

func parse(t *testing.T, page []byte) parsed {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{rows: map[string]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if id, ok := attrs["data-row"]; ok && n.Data == "tr" {
				p.rows[id] = attrs["data-verdict"]
			}
			if n.Data == "details" && strings.Contains(attrs["class"], "finding") {
				p.findings++
			}
			for _, k := range []string{"src", "href"} {
				if v, ok := attrs[k]; ok && !strings.HasPrefix(v, "#") {
					p.external = append(p.external, n.Data+" "+k+"="+v)
				}
			}
			if n.Data == "link" {
				p.external = append(p.external, "link")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return p
}

// The report's matrix has exactly the rows of summary.json, each with its
// verdict; every finding is shown; nothing is fetched from anywhere.
func TestReportMatchesTheSummary(t *testing.T) {
	for name, planted := range map[string][]string{"clean": nil, "faulty": faults} {
		t.Run(name, func(t *testing.T) {
			s, page := run(t, planted...)
			p := parse(t, page)
			if len(p.rows) != len(s.Verdicts) {
				t.Errorf("%d matrix rows, summary.json has %d verdicts", len(p.rows), len(s.Verdicts))
			}
			for _, v := range s.Verdicts {
				if got := p.rows[v.ID]; got != v.Verdict {
					t.Errorf("row %s: %q in the report, %q in summary.json", v.ID, got, v.Verdict)
				}
			}
			if p.findings != len(s.Findings) {
				t.Errorf("%d findings shown, summary.json has %d", p.findings, len(s.Findings))
			}
			if len(p.external) > 0 {
				t.Errorf("the report is not self-contained: %v", p.external)
			}
			if name == "faulty" && (s.Counts.Diverges == 0 || !bytes.Contains(page, []byte("the built-in emulator"))) {
				t.Errorf("the faulty run shows %d diverging rows and no target name", s.Counts.Diverges)
			}
		})
	}
}

// chromium finds Debian's Chromium (`.ci/run` installs it; `make
// report-check` runs this test with it), or "" to skip.
func chromium() string {
	for _, name := range []string{os.Getenv("ENICONFORM_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	return ""
}

// headless runs Chromium on the page with args, as the machine allows it:
// no sandbox (root), no GPU, no network of its own, a fresh profile.
func headless(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=2000"}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return out
}

// The faulty-run report in a real browser: its script runs to the end
// without a JavaScript error, and a screenshot is taken (into
// $ENICONFORM_SCREENSHOT when set, e.g. docs/report.png).
func TestReportInABrowser(t *testing.T) {
	bin := chromium()
	switch {
	case bin == "" && os.Getenv("ENICONFORM_REQUIRE_BROWSER") != "":
		t.Fatal("no Chromium, and make report-check needs it: apt-get install chromium, or set ENICONFORM_CHROMIUM")
	case bin == "":
		t.Skip("no Chromium: install Debian's chromium (apt-get install chromium) or set ENICONFORM_CHROMIUM; make report-check runs this test")
	}
	_, page := run(t, faults...)
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, bin, file, "--dump-dom")
	if !bytes.Contains(dom, []byte(`data-ready="1"`)) {
		t.Fatalf("the page's script did not run to its end:\n%.600s", dom)
	}
	if i := bytes.Index(dom, []byte(`data-js-error="`)); i >= 0 {
		t.Fatalf("JavaScript error: %.300s", dom[i:])
	}
	shot := os.Getenv("ENICONFORM_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "report.png")
	} else if abs, err := filepath.Abs(shot); err == nil {
		shot = abs
	}
	headless(t, bin, file, "--window-size=1280,3200", "--screenshot="+shot)
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot: %s", shot)
}
