package generators_test

import (
	"flag"
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
	"pgregory.net/rapid"
)

// recorder is a testing.TB for rapid.Check that records instead of failing,
// so that a test can look at what rapid shrank a failure to.
type recorder struct {
	testing.TB
	failed bool
	logs   []string
}

func (r *recorder) Helper()      {}
func (r *recorder) Name() string { return "shrink" }
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Log(args ...any)                   { r.logs = append(r.logs, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.failed = true; r.Logf(format, args...) }
func (r *recorder) Error(args ...any)                 { r.failed = true; r.Log(args...) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = true; r.Logf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.failed = true; r.Log(args...) }
func (r *recorder) FailNow()                          { r.failed = true }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) Failed() bool                      { return r.failed }
func (r *recorder) Skipf(string, ...any)              {}
func (r *recorder) Skip(...any)                       {}
func (r *recorder) SkipNow()                          {}

// A property that fails on any name longer than 128 characters shrinks to a
// request with only the required parameters and a 129-character name.
func TestShrinkingGivesReadableMinimalCases(t *testing.T) {
	if err := flag.Set("rapid.nofailfile", "true"); err != nil {
		t.Fatal(err)
	}
	defer flag.Set("rapid.nofailfile", "false")
	env := generators.NewEnv(world.Default(), spec.Default())
	g, err := env.ForRule("param.name-invalid")
	if err != nil {
		t.Fatal(err)
	}
	var last generators.Case
	rec := &recorder{TB: t}
	rapid.Check(rec, func(t *rapid.T) {
		c := g.Draw(t, "case")
		if utf8.RuneCountInString(c.Probe().Params["NetworkInterfaceName"]) > 128 {
			last = c // rapid runs the minimal failing case last
			t.Fatalf("name too long")
		}
	})
	if !rec.failed {
		t.Fatal("the property never failed: the generator draws no long names")
	}
	p := last.Probe()
	var names []string
	for n := range p.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "NetworkInterfaceName RegionId SecurityGroupId VSwitchId" {
		t.Errorf("the minimal case has parameters %s, want only the required ones and the name", got)
	}
	if n := utf8.RuneCountInString(p.Params["NetworkInterfaceName"]); n != 129 {
		t.Errorf("the minimal name has %d characters, want 129: %q", n, p.Params["NetworkInterfaceName"])
	}
	if p.Send.String() != "" {
		t.Errorf("the minimal case is sent unusually: %s", p.Send)
	}
	t.Logf("minimal case: %s", p)
}
