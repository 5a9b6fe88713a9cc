package harness_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/harness"
)

// bundle runs the properties keep selects (all when nil) against the
// emulator with faults, concurrently, and writes a bundle; it returns the
// bundle's path.
func bundle(t *testing.T, cfg harness.Config, keep func(*harness.Property) bool, faults ...string) string {
	t.Helper()
	dir := t.TempDir()
	cfg.ReportDir, cfg.Bundle = filepath.Join(dir, "report"), filepath.Join(dir, "run.tar.gz")
	cfg.Emulator.Faults, cfg.TargetName, cfg.TargetVersion = faults, "the built-in emulator", "test"
	h, err := harness.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range harness.Catalogue(h.Profile) {
		if keep == nil || keep(p) {
			h.Run(ctx, p)
		}
	}
	h.Close(ctx)
	s, err := h.WriteSummary()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.WriteBundle(cfg.Bundle, "eniconform run --fault "+strings.Join(faults, ","), s); err != nil {
		t.Fatal(err)
	}
	return cfg.Bundle
}

func verify(t *testing.T, path string) *harness.Verified {
	t.Helper()
	b, err := harness.ReadBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := harness.Verify(b)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// A bundle of a faulty run, with cases in flight together, verifies
// offline: its recorded history, judged again in the order the run judged
// it, gives the same verdicts and findings. It holds no secret.
func TestABundleOfAFaultyRunVerifies(t *testing.T) {
	path := bundle(t, harness.Config{Checks: 30, Seed: 11, Workers: 8, NoShrink: true}, nil,
		"name-length-off-by-one", "quota-off-by-one", "json-instead-of-xml", "not-found-as-400")
	v := verify(t, path)
	if !v.Holds() || v.Rows == 0 || v.Requests == 0 || v.Meta.Verdict != harness.Diverges {
		t.Fatalf("the bundle does not verify: %+v", v)
	}
	b, _ := harness.ReadBundle(path)
	for name, data := range b.Files {
		for _, secret := range []string{`"test-ram"`, "small\"", "legacy-ram\""} {
			if strings.Contains(name, "world") && bytes.Contains(data, []byte(`"access_key_secret": `+secret)) {
				t.Errorf("%s holds a secret", name)
			}
		}
	}
}

// After one recorded answer is edited so that it conforms, verify names the
// verdict that no longer holds.
func TestAnEditedAnswerIsCaught(t *testing.T) {
	only := func(p *harness.Property) bool { return p.Rule != nil && p.Rule.ID == "ref.vswitch-not-found" }
	path := bundle(t, harness.Config{Checks: 1, Seed: 5, Workers: 1, NoShrink: true}, only, "not-found-as-400")
	if v := verify(t, path); !v.Holds() {
		t.Fatalf("the bundle does not verify before the edit: %+v", v)
	}
	edited := editHistory(t, path, func(e map[string]any) bool {
		a, ok := e["answer"].(map[string]any)
		if !ok || a["Code"] != "InvalidVSwitchId.NotFound" || a["Status"] != 400.0 {
			return false
		}
		a["Status"] = 404.0 // as the rule says: the answer now conforms
		return true
	})
	v := verify(t, edited)
	if v.Holds() || !slices.ContainsFunc(v.Verdicts, func(c harness.VerdictChange) bool {
		return c.Row == "ref.vswitch-not-found" && c.Bundle == harness.Diverges && c.Recorded == harness.Conforms
	}) {
		t.Fatalf("the edit is not named: %+v", v)
	}
}

// editHistory rewrites the first event of a bundle's history that edit
// changes, into a copy of the bundle, and returns the copy's path.
func editHistory(t *testing.T, path string, edit func(map[string]any) bool) string {
	t.Helper()
	b, err := harness.ReadBundle(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimRight(b.Files["history.jsonl"], "\n"), []byte("\n"))
	done := false
	for i, line := range lines {
		var e map[string]any
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatal(err)
		}
		if !done && edit(e) {
			lines[i], _ = json.Marshal(e)
			done = true
		}
	}
	if !done {
		t.Fatal("no event to edit")
	}
	b.Files["history.jsonl"] = append(bytes.Join(lines, []byte("\n")), '\n')
	out := filepath.Join(t.TempDir(), "edited.tar.gz")
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, data := range b.Files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(data)
	}
	tw.Close()
	gz.Close()
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// A file that is not a bundle is refused by name.
func TestNotABundle(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.tar.gz")
	os.WriteFile(p, []byte("not gzip"), 0o644)
	if _, err := harness.ReadBundle(p); err == nil || !strings.Contains(err.Error(), "not a gzipped bundle") {
		t.Fatalf("got %v", err)
	}
}
