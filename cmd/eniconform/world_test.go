package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/harness"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// world --check validates a manifest (exit 0, or 2 naming the line); with
// --target it asks the target, and a vSwitch the target lacks is named
// (exit 1) while nothing is created.
func TestWorldCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, world.DefaultYAML(), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCLI("world", "--check", good); code != 0 || !strings.Contains(stdout, "valid") {
		t.Fatalf("a valid manifest: exit %d\n%s%s", code, stdout, stderr)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte(strings.Replace(string(world.DefaultYAML()), "cidr: 172.16.0.0/24", "cidr: 172.16.0.0/33", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI("world", "--check", bad); code != 2 || !strings.Contains(stderr, "bad.yaml:") || !strings.Contains(stderr, "cidr") {
		t.Fatalf("a bad manifest: exit %d, want 2 naming the line and field: %s", code, stderr)
	}

	srv, err := emulator.NewServer(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if code, stdout, stderr := runCLI("world", "--check", good, "--target", srv.URL); code != 0 || strings.Contains(stdout, "✗") {
		t.Fatalf("the default world against the emulator: exit %d\n%s%s", code, stdout, stderr)
	}
	missing := filepath.Join(dir, "missing.yaml")
	if err := os.WriteFile(missing, []byte(strings.ReplaceAll(string(world.DefaultYAML()), "vsw-bp1tiny", "vsw-bp1nothere")), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runCLI("world", "--check", missing, "--target", srv.URL)
	if code != 1 || !strings.Contains(stdout, "✗ vswitch vsw-bp1nothere") || !strings.Contains(stdout, "InvalidVSwitchId.NotFound") {
		t.Fatalf("a vSwitch the target lacks: exit %d, want 1 naming it\n%s", code, stdout)
	}
	if live := srv.Handler.State().Live(); len(live) != 1 {
		t.Errorf("the check left %d ENIs on the target, want the world's 1", len(live))
	}
}

// run --bundle packs a certification bundle that verify checks offline.
func TestBundleAndVerify(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "cert.tar.gz")
	code, stdout, stderr := execBin(t, "run", "--fault", "request-id-missing", "--checks", "10", "--seed", "1", "--report-dir", filepath.Join(dir, "r"),
		"--bundle", bundle, "--target-name", "my emulator", "--target-version", "0.1")
	if code != 1 || !strings.Contains(stdout, "bundle: "+bundle) {
		t.Fatalf("run --bundle: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = execBin(t, "verify", bundle)
	if code != 0 || !strings.Contains(stdout, "the verdicts hold") || !strings.Contains(stdout, "my emulator 0.1") {
		t.Fatalf("verify: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := execBin(t, "verify", filepath.Join(dir, "r", "summary.json")); code != 2 || !strings.Contains(stderr, "not a gzipped bundle") {
		t.Fatalf("verify of a file that is no bundle: exit %d, %s", code, stderr)
	}
}

// world --template, adapted only by replacing its IDs, describes a target
// on which a run exercises every rule except the ones the template's
// header lists (and the unreachable ones), on both profiles; the target
// has all it lists (world --check --target).
func TestWorldTemplateLeavesOnlyItsDocumentedGaps(t *testing.T) {
	code, tmpl, stderr := runCLI("world", "--template")
	if code != 0 {
		t.Fatalf("world --template: exit %d: %s", code, stderr)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#   ([a-z0-9-]+\.[a-z0-9.-]+)  +`).FindAllStringSubmatch(tmpl, -1) {
		documented[m[1]] = true
	}
	if len(documented) == 0 {
		t.Fatal("the template's header lists no rule it leaves not exercised")
	}
	renamed := map[string]string{}
	adapted := regexp.MustCompile(`\b(vpc|vsw|sg|rg)-[a-z0-9]+\b`).ReplaceAllStringFunc(tmpl, func(id string) string {
		if renamed[id] == "" {
			renamed[id] = fmt.Sprintf("%s-mine%04x", id[:strings.Index(id, "-")], 0x3a00+len(renamed))
		}
		return renamed[id]
	})
	if len(renamed) < 10 {
		t.Fatalf("only %d IDs replaced in the template", len(renamed))
	}
	file := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(file, []byte(adapted), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := world.Load(file)
	if err != nil {
		t.Fatalf("the adapted template: %v", err)
	}
	known := map[string]bool{}
	for _, name := range spec.Names() {
		p, err := spec.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := emulator.NewServer(emulator.Options{Profile: p, World: w})
		if err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := runCLI("world", "--check", file, "--target", srv.URL, "--profile", name); code != 0 || strings.Contains(stdout, "✗") {
			t.Errorf("%s: world --check --target: exit %d\n%s%s", name, code, stdout, stderr)
		}
		reports := t.TempDir()
		code, stdout, stderr := execBin(t, "run", "--target", srv.URL, "--world", file, "--profile", name, "--checks", "10", "--seed", "1",
			"--access-key-id", "test", "--access-key-secret", "test", "--report-dir", reports)
		srv.Close()
		if code != 0 {
			t.Fatalf("%s: a run on the adapted template: exit %d\n%s\n%s", name, code, stdout, stderr)
		}
		var s harness.Summary
		readJSON(t, filepath.Join(reports, "summary.json"), &s)
		want := map[string]bool{}
		for id := range documented {
			if p.Rule(id) != nil {
				want[id], known[id] = true, true
			}
		}
		got := map[string]bool{}
		for _, v := range s.Verdicts {
			if v.Verdict == harness.NotExercised {
				got[v.ID] = true
				if !want[v.ID] {
					t.Errorf("%s: %s not exercised, and the template does not say so: %s", name, v.ID, v.Reason)
				}
			}
		}
		for id := range want {
			if !got[id] {
				t.Errorf("%s: the template says %s is not exercised, but it was: update its header", name, id)
			}
		}
		if s.Counts.Unreachable == 0 || s.Counts.Conforms < 40 {
			t.Errorf("%s: %d conform, %d unreachable", name, s.Counts.Conforms, s.Counts.Unreachable)
		}
	}
	for id := range documented {
		if !known[id] {
			t.Errorf("the template's header names %s, a rule of no profile", id)
		}
	}
}
