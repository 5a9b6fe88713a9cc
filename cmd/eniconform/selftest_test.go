package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad selftest flags exit 2 naming the flag; an unknown fault names the
// known ones.
func TestSelftestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"selftest", "--fault", "no-such-fault"}, "-fault"},
		{[]string{"selftest", "--checks", "many"}, "-checks"},
		{[]string{"selftest", "--checks", "-1"}, "--checks"},
		{[]string{"selftest", "extra"}, `unexpected argument "extra"`},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if _, _, stderr := runCLI("selftest", "--fault", "nope"); !strings.Contains(stderr, "json-instead-of-xml") {
		t.Errorf("an unknown fault does not list the known ones: %s", stderr)
	}
}

// A selftest of one fault prints the table and the figures, exits 0 when
// the fault is caught, and saves its regression case on request.
func TestSelftestOneFault(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI("selftest", "--fault", "request-id-missing", "--checks", "3", "--seed", "1",
		"--report-dir", filepath.Join(dir, "report"), "--save-regressions", filepath.Join(dir, "corpus"))
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"request-id-missing", "yes", "kill rate: 1/1 faults caught (100 %)", "median seconds to catch"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "corpus", "request-id-missing.json")); err != nil {
		t.Errorf("no regression case saved: %v", err)
	}
}

// --fault plants faults in the built-in emulator of serve, run and replay;
// an unknown fault, or one with --target, exits 2 naming the flag; a
// regression case replays clean without it and diverges with it.
func TestFaultFlag(t *testing.T) {
	file := filepath.Join("..", "..", "suites", "testdata", "regressions", "json-instead-of-xml.json")
	for _, args := range [][]string{
		{"serve", "--fault", "nope", "--addr", "127.0.0.1:0"},
		{"run", "--fault", "nope"},
		{"replay", file, "--fault", "json-instead-of-xml", "--target", "http://127.0.0.1:1"},
	} {
		if code, _, stderr := runCLI(args...); code != 2 || !strings.Contains(stderr, "-fault") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming --fault", args, code, stderr)
		}
	}
	if code, stdout, _ := runCLI("replay", file); code != 0 {
		t.Errorf("replay on the clean emulator: exit %d\n%s", code, stdout)
	}
	code, stdout, _ := runCLI("replay", file, "--fault", "json-instead-of-xml")
	if code != 1 || !strings.Contains(stdout, "check.format: format: want XML") {
		t.Errorf("replay with the fault: exit %d\n%s", code, stdout)
	}
}
