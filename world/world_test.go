package world_test

import (
	"strings"
	"testing"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/world"
)

func TestDefaultWorldIsValidAndRoundTrips(t *testing.T) {
	w := world.Default()
	if _, err := oracle.NewState(w); err != nil {
		t.Fatal(err)
	}
	data, err := world.YAML(w)
	if err != nil {
		t.Fatal(err)
	}
	back, err := world.Parse("again.yaml", data)
	if err != nil {
		t.Fatalf("the rendered manifest does not parse: %v", err)
	}
	if len(back.Accounts) != len(w.Accounts) || len(back.VSwitches) != len(w.VSwitches) || back.ENIs[0] != w.ENIs[0] {
		t.Fatal("the round trip lost something")
	}
}

// Bad manifests get an error naming the file, the line and the field.
func TestBadManifestsNameLineAndField(t *testing.T) {
	base := "accounts:\n  - {access_key_id: a, access_key_secret: s, uid: \"1\", type: main}\nregions:\n  - {id: r, zones: [z]}\nvpcs:\n  - {id: v, region: r, cidr: 10.0.0.0/16, owner: \"1\"}\n"
	cases := map[string]string{
		"":                            "empty",
		"accounts: [":                 "m.yaml:",
		"accounts:\n  - {bogus: 1}\n": "line 2: field bogus not found",
		base + "vswitches:\n  - {id: s, vpc: v, zone: z, cidr: 10.1.0.0/24}\n":                         "m.yaml:8: vswitches[0].cidr: 10.1.0.0/24 is not inside VPC v",
		base + "vswitches:\n  - {id: s, vpc: nope, zone: z, cidr: 10.0.0.0/24}\n":                      "m.yaml:8: vswitches[0].vpc",
		base + "vswitches:\n  - {id: s, vpc: v, zone: z, cidr: 10.0.0.0/30}\n":                         "/16 to /29",
		base + "vswitches:\n  - {id: s, vpc: v, zone: z, cidr: 10.0.0.0/24, used_ips: [10.0.0.255]}\n": "reserved",
		base + "security_groups:\n  - {id: v, region: r, owner: \"1\"}\n":                              "already declared",
		base + "security_groups:\n  - {id: g, region: r, owner: \"9\"}\n":                              "security_groups[0].owner",
	}
	for in, want := range cases {
		_, err := world.Parse("m.yaml", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("manifest %q: want an error containing %q, got %v", in, want, err)
		}
	}
}

func TestLoadNamesAMissingFile(t *testing.T) {
	if _, err := world.Load("/no/such/world.yaml"); err == nil || !strings.Contains(err.Error(), "/no/such/world.yaml") {
		t.Fatalf("got %v", err)
	}
}

// With one main account, uid, owner and a RAM user's main may be left out;
// with two they must be said.
func TestOneMainAccountNeedsNoUIDs(t *testing.T) {
	one := `
accounts:
  - {access_key_id: me, access_key_secret: s}
  - {access_key_id: me-ram, access_key_secret: r, type: ram, permissions: ["*"]}
regions: [{id: cn-hangzhou, zones: [cn-hangzhou-h]}]
vpcs: [{id: vpc-1, region: cn-hangzhou, cidr: 10.0.0.0/16}]
vswitches: [{id: vsw-1, vpc: vpc-1, zone: cn-hangzhou-h, cidr: 10.0.0.0/24}]
security_groups: [{id: sg-1, region: cn-hangzhou, vpc: vpc-1}]
resource_groups: [{id: rg-1}]
`
	w, err := world.Parse("one.yaml", []byte(one))
	if err != nil {
		t.Fatal(err)
	}
	if a := w.Accounts; a[0].UID != world.DefaultUID || a[0].Type != "main" || a[1].Main != world.DefaultUID ||
		w.VPCs[0].Owner != world.DefaultUID || w.SecurityGroups[0].Owner != world.DefaultUID || w.ResourceGroups[0].Owner != world.DefaultUID {
		t.Fatalf("defaults not filled in: %+v", w)
	}
	two := strings.Replace(one, "- {access_key_id: me, access_key_secret: s}",
		"- {access_key_id: me, access_key_secret: s, uid: \"1\"}\n  - {access_key_id: you, access_key_secret: y, uid: \"2\"}", 1)
	if _, err := world.Parse("two.yaml", []byte(two)); err == nil || !strings.Contains(err.Error(), "owner") {
		t.Fatalf("two main accounts without owners must be refused, naming the field: %v", err)
	}
}

// The template is a valid world of one main account whose limits are
// written out at the documented defaults.
func TestTemplateIsValidWithTheDefaultsWrittenOut(t *testing.T) {
	w, err := world.Parse("template.yaml", world.TemplateYAML())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oracle.NewState(w); err != nil {
		t.Fatal(err)
	}
	a := w.Accounts[0]
	if a.Owner() != world.DefaultUID || a.GroupsPerENI != oracle.DefaultGroupsPerENI || a.TagQuota != oracle.DefaultTagQuota ||
		w.Regions[0].ENIQuota != oracle.DefaultENIQuota || w.SecurityGroups[0].Capacity != oracle.DefaultSGCapacity {
		t.Errorf("the template's first account, region or group does not write the defaults out: %+v %+v %+v", a, w.Regions[0], w.SecurityGroups[0])
	}
	for _, k := range w.Accounts {
		if k.Owner() != world.DefaultUID {
			t.Errorf("key %s belongs to %s, want the one account", k.AccessKeyID, k.Owner())
		}
	}
}
