package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/world"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds the command once per test process.
func binary(t *testing.T) string {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goCmd := goTool(t)
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "eniconform-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "eniconform")
		if out, err := exec.Command(goCmd, "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = err
			binPath = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("go build: %v\n%s", binErr, binPath)
	}
	return binPath
}

// execBin runs the binary and returns its exit status and output.
func execBin(t *testing.T, args ...string) (int, string, string) {
	cmd := exec.Command(binary(t), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// notFoundAs400 answers 400 wherever the emulator answers 404: a broken
// target.
type notFoundAs400 struct{ http.ResponseWriter }

func (w notFoundAs400) WriteHeader(code int) {
	if code == http.StatusNotFound {
		code = http.StatusBadRequest
	}
	w.ResponseWriter.WriteHeader(code)
}

// secretWorld is the default world with secrets nobody could mistake for
// anything else, and the list of them.
func secretWorld(t *testing.T) (path string, secrets []string) {
	w := world.Default()
	for i := range w.Accounts {
		w.Accounts[i].AccessKeySecret = "Zq9-SECRET-" + w.Accounts[i].AccessKeyID + "-kx"
		secrets = append(secrets, w.Accounts[i].AccessKeySecret)
	}
	data, err := world.YAML(w)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, secrets
}

// Against a target that answers 400 where 404 is due, the run exits 1; the
// report names the rule, shows the diff, the shrunk case and a line that
// reproduces it; the line does reproduce it; and no secret appears in any
// output or report file.
func TestRunReportsABrokenTargetAndNeverPrintsSecrets(t *testing.T) {
	worldFile, secrets := secretWorld(t)
	w, err := world.Load(worldFile)
	if err != nil {
		t.Fatal(err)
	}
	h, err := emulator.New(emulator.Options{World: w})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { h.ServeHTTP(notFoundAs400{rw}, r) }))
	defer srv.Close()
	reports := t.TempDir()

	code, stdout, stderr := execBin(t, "run", "--target", srv.URL, "--world", worldFile, "--label-filter", "rule:ref.vswitch-not-found",
		"--checks", "20", "--seed", "11", "--report-dir", reports, "--access-key-id", "test", "--access-key-secret", secrets[0])
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"ref.vswitch-not-found", "diff (-oracle +target)", "Status: 404", "Status: 400",
		"minimal case", "reproduce: eniconform replay --target " + srv.URL} {
		if !strings.Contains(strings.Join(strings.Fields(stdout), " "), want) {
			t.Errorf("the report lacks %q:\n%s", want, stdout)
		}
	}
	for _, noise := range []string{"Expected", "Timeline", "suites.go:", "[FAILED]", "Summarizing"} {
		if strings.Contains(stdout, noise) {
			t.Errorf("the console carries Ginkgo's %q:\n%s", noise, stdout)
		}
	}
	var s harness.Summary
	readJSON(t, filepath.Join(reports, "summary.json"), &s)
	if s.Divergences == 0 || len(s.Findings) == 0 || s.Findings[0].File == "" {
		t.Fatalf("summary.json does not record the divergence: %+v", s)
	}
	for _, f := range []string{"junit.xml", "ginkgo.json", "report.html"} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Error(err)
		}
	}

	// the reproduction line, as printed, reproduces it
	line := s.Findings[0].File
	code, again, _ := execBin(t, "replay", "--target", srv.URL, "--world", worldFile, "--access-key-id", "test", "--access-key-secret", secrets[0], line)
	if code != 1 || !strings.Contains(again, "ref.vswitch-not-found") {
		t.Fatalf("replay exit %d, want 1 with the same rule:\n%s", code, again)
	}
	noSecrets(t, secrets, reports, stdout, stderr, again)
}

func readJSON(t *testing.T, path string, v any) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// noSecrets fails if a secret appears in any output or file under dir.
func noSecrets(t *testing.T, secrets []string, dir string, outputs ...string) {
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(path)
			outputs = append(outputs, string(data))
		}
		return nil
	})
	for _, s := range secrets {
		for _, out := range outputs {
			if strings.Contains(out, s) {
				t.Errorf("secret %q appears in an output or report file", s)
			}
		}
	}
}

// The main job: every suite against the built-in emulator, no divergence,
// nothing leaked, exit 0, and the summary table printed.
func TestRunOnTheBuiltInEmulatorIsClean(t *testing.T) {
	reports := t.TempDir()
	code, stdout, stderr := execBin(t, "run", "--checks", "30", "--report-dir", reports)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	var s harness.Summary
	readJSON(t, filepath.Join(reports, "summary.json"), &s)
	if s.Divergences != 0 || s.Leaked != 0 || s.Cases == 0 {
		t.Fatalf("summary: %d divergences, %d leaked, %d cases", s.Divergences, s.Leaked, s.Cases)
	}
	if !strings.Contains(stdout, "leaked ENIs: 0") || !strings.Contains(stdout, "verdicts: ") || !strings.Contains(stdout, "✓param.name-invalid") {
		t.Errorf("no verdict matrix:\n%s", stdout)
	}
}

// Bad flags and files exit 2 with a message naming them.
func TestRunBadConfigurationExits2(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--signature", "v4"},
		{"run", "--world", "/no/such/world.yaml"},
		{"run", "--target", "https://ecs.aliyuncs.com"},
		{"run", "--label-filter", "((("},
		{"replay", "/no/such/case.json"},
		{"gen", "--rule", "no.such-rule"},
	} {
		code, stdout, stderr := runCLI(args...)
		if code != 2 || !strings.Contains(stderr, strings.TrimPrefix(args[1], "--")) && !strings.Contains(stderr, "no such") {
			t.Errorf("%v: exit %d, stderr %q (stdout %q)", args, code, stderr, stdout)
		}
	}
}

// The credentials of the environment are read when the run opens, never
// shown as a flag default by -h or a flag error.
func TestHelpNeverShowsTheEnvironmentSecret(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "Env-SECRET-qz7")
	for _, args := range [][]string{{"run", "-h"}, {"replay", "-h"}, {"run", "--no-such-flag"}} {
		_, stdout, stderr := runCLI(args...)
		if strings.Contains(stdout+stderr, "Env-SECRET-qz7") {
			t.Errorf("%v prints the secret", args)
		}
	}
}

// A user or password in --target would reach every report: refused.
func TestTargetWithCredentialsIsRefused(t *testing.T) {
	code, _, stderr := runCLI("run", "--target", "http://user:pw@127.0.0.1:8080")
	if code != 2 || strings.Contains(stderr, "pw@") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// A fault that only the cross-cutting checks see fails the run (exit 1) on
// every profile, also when --label-filter leaves the cross-cutting spec
// out: the exit status says what the summary says.
func TestCrossCuttingFindingsFailTheRun(t *testing.T) {
	for _, args := range [][]string{
		{"--profile", "current"},
		{"--profile", "2018-doc"},
		{"--profile", "current", "--label-filter", "gateway"},
	} {
		reports := t.TempDir()
		args = append([]string{"run", "--fault", "request-id-missing", "--checks", "5", "--seed", "1", "--report-dir", reports}, args...)
		code, stdout, stderr := execBin(t, args...)
		if code != 1 || !strings.Contains(stdout, "cross-cutting findings") {
			t.Errorf("%v: exit %d, want 1 with the cross-cutting findings\n%s\n%s", args, code, stdout, stderr)
			continue
		}
		var s harness.Summary
		readJSON(t, filepath.Join(reports, "summary.json"), &s)
		if s.Verdict != "diverges" || s.Divergences == 0 {
			t.Errorf("%v: summary verdict %q with %d divergences", args, s.Verdict, s.Divergences)
		}
		for _, v := range s.Verdicts {
			if v.ID == "check.request-id" && v.Verdict == harness.NotExercised && !strings.Contains(v.Reason, "check.envelope") {
				t.Errorf("%v: check.request-id not exercised for another reason than the envelope finding: %s", args, v.Reason)
			}
		}
	}
}
