package main

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	// The SDKs of the shipped Go drivers: imported so that go test compiles
	// them with the other packages, and `go run ./drivers/…` only links.
	_ "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/suites"
)

// The built binary certifies the Go SDK v7 and the classic Go SDK through
// the shipped drivers, started as a user would (`go run ./drivers/…` from
// the module's root): each run ends with the per-aspect matrix, exits 1
// for the SDKs' known limitations, and writes summary.json and junit.xml
// with one verdict per row.
func TestSDKCommandCertifiesTheShippedGoSDKs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and the drivers")
	}
	bin := filepath.Join(t.TempDir(), "eniconform")
	if out, err := exec.Command(goTool(t), "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		driver string
		want   []string // findings the run must report
	}{
		{"go run ./drivers/gov7", []string{"surface.json.message: message rewritten"}},
		{"go run ./drivers/goclassic", []string{"encoding.empty-values: empty value left out", "surface.xml.code: code not surfaced",
			"surface.xml.request-id: RequestId not surfaced", "surface.xml.message: message rewritten (the whole answer body is the message)"}},
	} {
		t.Run(tc.driver, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cmd := exec.Command(bin, "sdk", "--driver", tc.driver, "--checks", "30", "--seed", "3", "--report-dir", dir)
			cmd.Dir = filepath.Join("..", "..")
			out, err := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Fatalf("exit %d (%v), want 1:\n%s", code, err, out)
			}
			matrix := string(out[strings.LastIndex(string(out), "verdicts: "):])
			for _, want := range append([]string{"  encoding ", "  surfacing ", "  transport "}, tc.want...) {
				if !strings.Contains(matrix, want) {
					t.Errorf("the matrix lacks %q:\n%s", want, matrix)
				}
			}
			checkSDKReports(t, dir)
		})
	}
}

// checkSDKReports checks summary.json and junit.xml of an sdk run: every
// verdict is an aspect row of one of the three families.
func checkSDKReports(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s harness.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Verdicts) != 22 || s.Verdict != harness.Diverges {
		t.Errorf("summary.json: %d verdicts, verdict %s", len(s.Verdicts), s.Verdict)
	}
	for _, v := range s.Verdicts {
		if v.Kind != "aspect" || (v.Family != "encoding" && v.Family != "surfacing" && v.Family != "transport") {
			t.Errorf("verdict %+v", v)
		}
	}
	if junit, err := os.ReadFile(filepath.Join(dir, "junit.xml")); err != nil || !strings.Contains(string(junit), `<testsuite name="surfacing"`) {
		t.Errorf("junit.xml: %v", err)
	}
	if html, err := os.ReadFile(filepath.Join(dir, "report.html")); err != nil || !strings.Contains(string(html), "surface.json.code") {
		t.Errorf("report.html: %v", err)
	}
}

// Bad flags and a driver that cannot start exit 2 with a message that
// names the flag, or the driver and the tail of its stderr.
func TestSDKCommandBadUsageExits2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sdk"}, "--driver is required"},
		{[]string{"sdk", "--driver", "x", "--checks", "0"}, "--checks must be at least 1"},
		{[]string{"sdk", "--driver", "'unterminated"}, "--driver"},
		{[]string{"sdk", "--driver", "x", "--profile", "nosuch"}, "nosuch"},
		{[]string{"sdk", "--driver", "/nonexistent/driver"}, "/nonexistent/driver"},
		{[]string{"sdk", "--driver", `sh -c 'echo the driver says why >&2; echo not-a-hello'`}, "the driver says why"},
		{[]string{"sdk", "--driver", "x", "--replay", "/nonexistent/case.json"}, "/nonexistent/case.json"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// A driver that breaks the protocol after its hello stops the run with exit
// 2 and the breach named; what was judged before is still reported.
func TestSDKCommandDriverBreachExits2(t *testing.T) {
	hello := `{"protocol":1,"sdk":"broken","version":"0","options":{"signature":["v1"],"method":["POST"],"body":["query"],"format":["JSON"],"timeout":false,"attempts":false,"backoff":false}}`
	script := filepath.Join(t.TempDir(), "driver.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho '"+hello+"'\nread line\necho 'not an answer'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	code, stdout, stderr := runCLI("sdk", "--driver", script, "--checks", "1", "--report-dir", dir)
	if code != 2 || !strings.Contains(stderr, "the run stopped early") || !strings.Contains(stderr, "not an answer") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil || !strings.Contains(stdout, "verdicts: ") {
		t.Errorf("no report after the breach: %v\n%s", err, stdout)
	}
}

// `eniconform sdk` and `eniconform run` write summary.json, junit.xml and
// cases/ by default into different directories, so that neither
// overwrites the other's: sdk's is eniconform-report/sdk, the one the
// README names.
func TestSDKReportDirIsNotRuns(t *testing.T) {
	o, _, ok := parseSDKFlags([]string{"--driver", "x"}, io.Discard)
	run := flag.NewFlagSet("run", flag.ContinueOnError)
	(&suites.Options{}).Register(run)
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !ok || o.reportDir == run.Lookup("report-dir").DefValue || o.reportDir != "eniconform-report/sdk" ||
		!strings.Contains(string(readme), "written to `"+o.reportDir+"`") {
		t.Errorf("sdk reports by default to %q, run to %q; want eniconform-report/sdk, as the README says", o.reportDir, run.Lookup("report-dir").DefValue)
	}
}
