package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/world"
)

// runCLI runs the command line in-process.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsageListsCommands(t *testing.T) {
	code, _, stderr := runCLI()
	if code != 2 {
		t.Errorf("no command: exit %d, want 2", code)
	}
	for name := range commands {
		if !strings.Contains(stderr, "  "+name+" ") {
			t.Errorf("usage does not list %s:\n%s", name, stderr)
		}
	}
	if code, stdout, _ := runCLI("help"); code != 0 || !strings.Contains(stdout, "usage: eniconform") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
}

func TestBadUsageExits2NamingIt(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"serve", "--nope"}, "-nope"},
		{[]string{"serve", "--seed", "minus-one"}, "-seed"},
		{[]string{"serve", "--clock-skew", "-1m", "--addr", "127.0.0.1:0"}, "--clock-skew"},
		{[]string{"world", "--yaml"}, "-yaml"},
		{[]string{"world", "extra"}, `unexpected argument "extra"`},
		{[]string{"serve", "--profile", "2019", "--addr", "127.0.0.1:0"}, `--profile: spec: no profile "2019" (have 2018-doc, current)`},
		{[]string{"gen", "--profile", "2019"}, `--profile: spec: no profile "2019"`},
		{[]string{"selftest", "--profile", "2019"}, `--profile: spec: no profile "2019"`},
		{[]string{"selftest", "--profile", "2018-doc", "--fault", "tag-quota-ignored"}, "tag-quota-ignored breaks rules of profile current only"},
	} {
		code, _, stderr := runCLI(tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// A bad --world file is refused before listening, with its name and line.
func TestServeBadWorldNamesFileAndLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	bad := strings.Replace(string(world.DefaultYAML()), "vpc: vpc-bp1main, zone: cn-hangzhou-h", "vpc: vpc-nosuch, zone: cn-hangzhou-h", 1)
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	line := 1 + strings.Count(bad[:strings.Index(bad, "vpc-nosuch")], "\n")
	code, _, stderr := runCLI("serve", "--world", file, "--addr", "127.0.0.1:0")
	if want := file + ":" + strconv.Itoa(line) + ":"; code != 2 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, want)
	}
	code, _, stderr = runCLI("serve", "--world", file+".missing")
	if code != 2 || !strings.Contains(stderr, file+".missing") {
		t.Errorf("missing file: exit %d, stderr %q", code, stderr)
	}
}

func TestWorldPrintsTheDefaultWorld(t *testing.T) {
	code, stdout, _ := runCLI("world")
	if code != 0 || stdout != string(world.DefaultYAML()) {
		t.Errorf("world: exit %d, output differs from the embedded manifest", code)
	}
	code, stdout, _ = runCLI("world", "--json")
	var w oracle.World
	if err := json.Unmarshal([]byte(stdout), &w); code != 0 || err != nil || len(w.Accounts) == 0 || w.Accounts[0].AccessKeyID != "test" {
		t.Errorf("world --json: exit %d, %v, %+v", code, err, w.Accounts)
	}
}

// For a world from a file the banner names the keys but never a secret.
func TestBannerNeverPrintsAUserSecret(t *testing.T) {
	w := world.Default()
	for i := range w.Accounts {
		w.Accounts[i].AccessKeySecret = "s3cret-" + w.Accounts[i].AccessKeyID
	}
	h, err := emulator.New(emulator.Options{World: w})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	banner(&out, "127.0.0.1:9", h, w, "mine.yaml")
	text := out.String()
	if strings.Contains(text, "s3cret") || !strings.Contains(text, "test-ram") || !strings.Contains(text, `Endpoint: tea.String("127.0.0.1:9")`) {
		t.Errorf("banner:\n%s", text)
	}
	out.Reset()
	banner(&out, "127.0.0.1:9", h, world.Default(), "")
	if !strings.Contains(out.String(), "AccessKeyId=test AccessKeySecret=test") {
		t.Errorf("default-world banner:\n%s", out.String())
	}
}
