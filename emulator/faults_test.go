package emulator_test

import (
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/emulator"
	"github.com/eniconform/eniconform/internal/wire"
	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
	"github.com/eniconform/eniconform/world"
)

// The catalogue is large enough and covers every rule family, its names
// are unique and usable as flags, each fault is documented in one line, and
// what a fault needs is an optional parameter of the subject.
func TestFaultCatalogue(t *testing.T) {
	faults := emulator.Faults()
	if len(faults) < 21 {
		t.Fatalf("%d faults, want at least 21", len(faults))
	}
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
	seen, families := map[string]bool{}, map[string]bool{}
	for _, f := range faults {
		families[f.Family] = true
		if !slices.Contains(spec.Families, f.Family) {
			t.Errorf("%s: family %q is not a rule family", f.Name, f.Family)
		}
		switch {
		case !kebab.MatchString(f.Name) || seen[f.Name]:
			t.Errorf("fault name %q is not kebab-case or not unique", f.Name)
		case f.Doc == "" || strings.Contains(f.Doc, "\n"):
			t.Errorf("%s: the doc must be one line", f.Name)
		}
		seen[f.Name] = true
		for _, prof := range spec.Names() {
			subject := spec.Must(prof).Action(spec.Must(prof).Subject)
			for _, n := range f.Needs {
				if p := subject.Param(n); f.AppliesTo(prof) && (p == nil || p.Required) {
					t.Errorf("%s needs %s, which is not an optional parameter of %s in profile %s", f.Name, n, subject.Name, prof)
				}
			}
		}
	}
	for _, fam := range spec.Families {
		if !families[fam] {
			t.Errorf("no fault breaks the %s family", fam)
		}
	}
	if got := emulator.FaultNames(); len(got) != len(faults) || got[0] != faults[0].Name {
		t.Errorf("FaultNames = %v, not the catalogue's names", got)
	}
}

// An unknown or repeated fault is refused, and the error lists the known
// ones; the --fault syntax splits on commas.
func TestUnknownFaultRefused(t *testing.T) {
	_, err := emulator.New(emulator.Options{Faults: []string{"no-such-fault"}})
	if err == nil || !strings.Contains(err.Error(), "no-such-fault") || !strings.Contains(err.Error(), emulator.FaultNames()[0]) {
		t.Errorf("New with an unknown fault: %v; want an error naming it and the known ones", err)
	}
	name := emulator.FaultNames()[0]
	if err := emulator.CheckFaults([]string{name, name}); err == nil {
		t.Error("a fault named twice is accepted")
	}
	names, err := emulator.ParseFaults(" " + name + ", " + emulator.FaultNames()[1] + ",")
	if err != nil || len(names) != 2 || names[0] != name {
		t.Errorf("ParseFaults = %v, %v", names, err)
	}
	if names, err := emulator.ParseFaults(""); err != nil || len(names) != 0 {
		t.Errorf(`ParseFaults("") = %v, %v; want no fault`, names, err)
	}
}

// Every fault can be planted with all the others, and none changes the
// world it was given.
func TestFaultsComposeAndLeaveTheWorldAlone(t *testing.T) {
	for _, prof := range spec.Names() {
		w := world.Default()
		names := faultNames(prof)
		h, err := emulator.New(emulator.Options{Profile: spec.Must(prof), World: w, Faults: names})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(w, world.Default()) {
			t.Errorf("%s: planting the faults changed the world passed in Options", prof)
		}
		if got := h.Faults(); len(got) != len(names) {
			t.Errorf("%s: Handler.Faults = %v", prof, got)
		}
	}
	only := emulator.FaultsFor(spec.CurrentProfile)[len(emulator.FaultsFor(spec.CurrentProfile))-1]
	if _, err := emulator.New(emulator.Options{Profile: spec.Default(), Faults: []string{only.Name}}); err == nil || !strings.Contains(err.Error(), "breaks rules of profile current only") {
		t.Errorf("a fault of the current profile planted on the base: %v", err)
	}
}

// faultNames lists the names of the faults that apply to a profile.
func faultNames(profile string) []string {
	var out []string
	for _, f := range emulator.FaultsFor(profile) {
		out = append(out, f.Name)
	}
	return out
}

// Whatever a fault does, its answers still render: each parses as JSON or
// XML with one of the profile's content types.
func TestFaultyAnswersRender(t *testing.T) {
	for _, name := range emulator.FaultNames() {
		f, _ := emulator.LookupFault(name)
		prof := spec.Default()
		if !f.AppliesTo(prof.Name) {
			prof = spec.Must(f.Profiles[0])
		}
		srv := start(t, emulator.Options{Profile: prof, Faults: []string{name}})
		calls := []*wire.Call{create(), create("NetworkInterfaceName", "1x"), create("VSwitchId", "vsw-none"),
			call(wire.ActionDescribe), call("NoSuchAction")}
		calls[0].Format = "XML"
		for _, c := range calls {
			o := send(srv.URL, c)
			if o.Kind != oracle.Answered || o.ContentType != spec.Default().ContentType(o.Format) {
				t.Errorf("%s: %s is answered %v %q: %s (%s)", name, c.Action, o.Kind, o.ContentType, o.Problem, o.Body)
			}
		}
	}
}

// The faults that rewrite answers do what their docs say.
func TestAnswerFaults(t *testing.T) {
	probe := func(fault string, c *wire.Call) oracle.Observation {
		return send(start(t, emulator.Options{Faults: []string{fault}}).URL, c)
	}
	if o := probe("request-id-missing", create()); o.RequestID != "" {
		t.Errorf("request-id-missing: RequestId %q", o.RequestID)
	}
	if o := probe("not-found-as-400", create("VSwitchId", "vsw-none")); o.Status != http.StatusBadRequest || o.Code != code(t, "ref.vswitch-not-found") {
		t.Errorf("not-found-as-400: %s with HTTP %d", o.Code, o.Status)
	}
	xml := create()
	xml.Format = "XML"
	if o := probe("json-instead-of-xml", xml); o.Format != "JSON" {
		t.Errorf("json-instead-of-xml: answered in %s", o.Format)
	}
	if o := probe("eni-ids-upper-case", create()); o.NetworkInterfaceID != strings.ToUpper(o.NetworkInterfaceID) || o.Code != "" {
		t.Errorf("eni-ids-upper-case: %q %s", o.NetworkInterfaceID, o.Code)
	}
	c := create()
	c.Secret = "wrong"
	mustSucceed(t, "signature-unchecked", probe("signature-unchecked", c))
}
