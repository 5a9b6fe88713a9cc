package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
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
