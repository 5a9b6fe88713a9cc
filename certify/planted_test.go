package certify_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/certify"
	"github.com/eniconform/eniconform/harness"
)

// certifyWith runs a certification of the driver command with a fixed
// seed and few checks.
func certifyWith(t *testing.T, command string) *certify.Report {
	t.Helper()
	rep, err := certify.Run(context.Background(), certify.Config{Driver: command, Checks: 30, Seed: 1})
	if err != nil {
		t.Fatalf("%s: %v", command, err)
	}
	return rep
}

// verdictOf returns the verdict of row id.
func verdictOf(t *testing.T, rep *certify.Report, id string) harness.Verdict {
	t.Helper()
	for _, v := range rep.Summary.Verdicts {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no verdict row %s", id)
	return harness.Verdict{}
}

// plantedBugs are the bugs of drivers/buggy, each with the aspect it
// breaks, a row that must diverge and the headline of its finding.
var plantedBugs = []struct {
	bug, family, row, headline string
}{
	{"drop-star", certify.FamilyEncoding, "encoding.v1-post-query", "value changed ('*' lost)"},
	{"status-500", certify.FamilySurfacing, "surface.json.status", "HTTP status changed"},
	{"lose-request-id", certify.FamilySurfacing, "surface.json.request-id", "RequestId not surfaced"},
	{"retry-create", certify.FamilyTransport, certify.RowIdempotency, "a create without ClientToken sent more than once (with default options)"},
}

// Each planted SDK bug is caught under its aspect, and only there: every
// finding is in its family, and every row of the other families conforms
// or was not exercised. The same client without a bug conforms on every
// row it exercises, the rows of the bugs included.
func TestPlantedBugsAreCaughtUnderTheirAspect(t *testing.T) {
	t.Run("no bug", func(t *testing.T) {
		t.Parallel()
		rep := certifyWith(t, driver("buggy"))
		if c := rep.Summary.Counts; c.Diverges != 0 || c.Conforms < 13 {
			t.Errorf("the clean client: %+v; findings %v", c, headlines(rep))
		}
		for _, b := range plantedBugs {
			if v := verdictOf(t, rep, b.row); v.Verdict != harness.Conforms {
				t.Errorf("the clean client: %s is %s (%s), want conforms", b.row, v.Verdict, v.Reason)
			}
		}
	})
	for _, b := range plantedBugs {
		t.Run(b.bug, func(t *testing.T) {
			t.Parallel()
			rep := certifyWith(t, driver("buggy", "--bug", b.bug))
			v := verdictOf(t, rep, b.row)
			if v.Verdict != harness.Diverges || !slices.ContainsFunc(v.Findings, func(h string) bool { return strings.Contains(h, b.headline) }) {
				t.Errorf("%s: %s is %s with %v, want a finding %q", b.bug, b.row, v.Verdict, v.Findings, b.headline)
			}
			for _, v := range rep.Summary.Verdicts {
				if v.Family != b.family && v.Verdict == harness.Diverges {
					t.Errorf("%s also fails %s (%s): %v", b.bug, v.ID, v.Family, v.Findings)
				}
			}
			replays(t, rep, b.row, driver("buggy", "--bug", b.bug), driver("buggy"))
		})
	}
}

// replays saves the report and replays the case file of the first finding
// on row: through buggy it shows the defect again, through fixed it shows
// none.
func replays(t *testing.T, rep *certify.Report, row, buggy, fixed string) {
	t.Helper()
	if err := rep.WriteReports(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rep.Summary.Findings, func(f harness.FindingSummary) bool { return f.Row == row })
	if i < 0 {
		return
	}
	c, err := certify.ReadCase(rep.Summary.Findings[i].File)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		driver string
		shows  bool
	}{{buggy, true}, {fixed, false}} {
		defects, err := certify.Replay(context.Background(), certify.Config{Driver: tc.driver, Seed: 2}, c)
		if err != nil || (len(defects) > 0) != tc.shows {
			t.Errorf("replaying %s through %s: %v, %v; want a defect: %v", rep.Summary.Findings[i].File, tc.driver, defects, err, tc.shows)
		}
	}
}

// headlines lists a report's finding headlines.
func headlines(rep *certify.Report) []string {
	var out []string
	for _, f := range rep.Summary.Findings {
		out = append(out, f.Headline)
	}
	return out
}

// The Python driver (its own SDK) encodes and surfaces everything right in
// every mode; its one finding is the retry of a create without a
// ClientToken when asked for attempts, which its docstring documents.
func TestPythonDriver(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed")
	}
	t.Parallel()
	abs, err := filepath.Abs(filepath.Join("..", "drivers", "python", "driver.py"))
	if err != nil {
		t.Fatal(err)
	}
	rep := certifyWith(t, "python3 '"+abs+"'")
	for _, v := range rep.Summary.Verdicts {
		want := harness.Conforms
		if v.ID == certify.RowIdempotency {
			want = harness.Diverges
		}
		if v.Verdict != want {
			t.Errorf("%s is %s (%s %v), want %s", v.ID, v.Verdict, v.Reason, v.Findings, want)
		}
	}
	if got := headlines(rep); len(got) != 1 || !strings.Contains(got[0], "(with attempts 3)") {
		t.Errorf("findings %v, want only the retry with attempts 3", got)
	}
}
