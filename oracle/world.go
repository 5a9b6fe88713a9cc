package oracle

import (
	"fmt"
	"net/netip"
	"slices"
)

// World is what exists on a target before a run: accounts, regions, VPCs,
// vSwitches, security groups and ENIs. Package world reads it from a YAML
// manifest; generators draw random ones. The field tags are the manifest's
// field names.
type World struct {
	Name           string          `json:"name,omitempty" yaml:"name,omitempty"`
	Accounts       []Account       `json:"accounts" yaml:"accounts"`
	Regions        []Region        `json:"regions" yaml:"regions"`
	VPCs           []VPC           `json:"vpcs" yaml:"vpcs"`
	VSwitches      []VSwitch       `json:"vswitches" yaml:"vswitches"`
	SecurityGroups []SecurityGroup `json:"security_groups" yaml:"security_groups"`
	ResourceGroups []ResourceGroup `json:"resource_groups,omitempty" yaml:"resource_groups,omitempty"`
	ENIs           []ENI           `json:"enis,omitempty" yaml:"enis,omitempty"`
}

// Account is one AccessKey. A main account owns resources; a RAM user acts on
// its main account's resources, within its permissions. A main account may
// have several keys (entries with the same UID); its settings (ENIQuota,
// RAMUnsupported) go on the first.
type Account struct {
	AccessKeyID     string `json:"access_key_id" yaml:"access_key_id"`
	AccessKeySecret string `json:"access_key_secret" yaml:"access_key_secret"`
	UID             string `json:"uid" yaml:"uid"`
	Type            string `json:"type" yaml:"type"`                     // "main" or "ram"
	Main            string `json:"main,omitempty" yaml:"main,omitempty"` // ram: the main account's UID
	// Permissions (ram): the actions this user may call; "*" means all.
	Permissions []string `json:"permissions,omitempty" yaml:"permissions,omitempty"`
	// RAMUnsupported (main): actions not open to this account's RAM users.
	RAMUnsupported []string       `json:"ram_unsupported,omitempty" yaml:"ram_unsupported,omitempty"`
	ENIQuota       map[string]int `json:"eni_quota,omitempty" yaml:"eni_quota,omitempty"` // main: per-region override
	Expired        bool           `json:"expired,omitempty" yaml:"expired,omitempty"`     // the account is gone or its AK expired
	Disabled       bool           `json:"disabled,omitempty" yaml:"disabled,omitempty"`   // the AccessKey is disabled
	// GroupsPerENI (main): how many security groups one ENI may join; 0:
	// the documented default, DefaultGroupsPerENI.
	GroupsPerENI int `json:"groups_per_eni,omitempty" yaml:"groups_per_eni,omitempty"`
	// TagQuota (main): how many tags one resource may carry; 0: the
	// documented default, DefaultTagQuota.
	TagQuota int `json:"tag_quota,omitempty" yaml:"tag_quota,omitempty"`
}

// Owner is the UID of the main account whose resources the key acts on.
func (a *Account) Owner() string {
	if a.Type == "ram" {
		return a.Main
	}
	return a.UID
}

// Region is one region with its zones and default ENI quota per account.
type Region struct {
	ID       string   `json:"id" yaml:"id"`
	Zones    []string `json:"zones" yaml:"zones"`
	ENIQuota int      `json:"eni_quota,omitempty" yaml:"eni_quota,omitempty"` // 0: the documented default, 100
}

// VPC is a virtual private cloud owned by a main account.
type VPC struct {
	ID     string `json:"id" yaml:"id"`
	Region string `json:"region" yaml:"region"`
	CIDR   string `json:"cidr" yaml:"cidr"`
	Owner  string `json:"owner" yaml:"owner"`
}

// VSwitch is a subnet of a VPC in one zone. UsedIPs are addresses taken by
// something other than an ENI (instances, for example).
type VSwitch struct {
	ID      string   `json:"id" yaml:"id"`
	VPC     string   `json:"vpc" yaml:"vpc"`
	Zone    string   `json:"zone" yaml:"zone"`
	CIDR    string   `json:"cidr" yaml:"cidr"`
	UsedIPs []string `json:"used_ips,omitempty" yaml:"used_ips,omitempty"`
	// IPv6CIDR is the vSwitch's IPv6 network (a /64); "" when IPv6 is not
	// turned on.
	IPv6CIDR string `json:"ipv6_cidr,omitempty" yaml:"ipv6_cidr,omitempty"`
}

// SecurityGroup is a VPC security group, or a classic one when VPC is empty.
// Type is "normal" (a basic group, the default when empty) or "enterprise"
// (an advanced group); Capacity is how many private IPs it holds.
type SecurityGroup struct {
	ID       string `json:"id" yaml:"id"`
	Region   string `json:"region" yaml:"region"`
	VPC      string `json:"vpc,omitempty" yaml:"vpc,omitempty"`
	Owner    string `json:"owner" yaml:"owner"`
	Type     string `json:"type,omitempty" yaml:"type,omitempty"`
	Capacity int    `json:"capacity,omitempty" yaml:"capacity,omitempty"` // 0: the documented default of its type
}

// Enterprise reports whether the group is an advanced (enterprise) one.
func (g *SecurityGroup) Enterprise() bool { return g.Type == "enterprise" }

// ENI is a network interface that exists before the run.
type ENI struct {
	ID            string `json:"id" yaml:"id"`
	VSwitch       string `json:"vswitch" yaml:"vswitch"`
	SecurityGroup string `json:"security_group" yaml:"security_group"`
	IP            string `json:"ip" yaml:"ip"`
	MAC           string `json:"mac,omitempty" yaml:"mac,omitempty"`
	Name          string `json:"name,omitempty" yaml:"name,omitempty"`
	Description   string `json:"description,omitempty" yaml:"description,omitempty"`
}

// The documented defaults.
const (
	DefaultENIQuota             = 100   // ENIs per account per region (2018 doc)
	DefaultSGCapacity           = 2000  // private IPs per basic security group (Limits.md 2021)
	DefaultEnterpriseSGCapacity = 65536 // private IPs per advanced (enterprise) security group (Limits.md 2021)
	DefaultGroupsPerENI         = 5     // security groups an ENI may join (Limits.md: 5, raised by ticket to 10 or 16)
	DefaultTagQuota             = 20    // tags per resource (CreateNetworkInterface: Tag.N, N from 1 to 20)
)

// FieldError is one problem in a world, located by a path such as
// "vswitches[2].cidr" (package world turns the path into a manifest line).
type FieldError struct {
	Path string
	Msg  string
}

func (e FieldError) Error() string { return e.Path + ": " + e.Msg }

// Validate returns every problem that makes the world inconsistent: dangling
// references, CIDRs that do not nest, addresses outside their vSwitch,
// duplicate IDs. A world without problems can be indexed by NewState.
func (w *World) Validate() []FieldError {
	v := &validator{w: w, ids: map[string]string{}}
	v.accounts()
	v.regions()
	v.vpcs()
	v.vswitches()
	v.securityGroups()
	v.resourceGroups()
	v.enis()
	return v.errs
}

type validator struct {
	w    *World
	errs []FieldError
	ids  map[string]string // resource ID → path that declared it
}

func (v *validator) bad(path, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *validator) id(path, id string) {
	switch {
	case id == "":
		v.bad(path+".id", "is required")
	case v.ids[id] != "":
		v.bad(path+".id", "%q is already declared at %s", id, v.ids[id])
	default:
		v.ids[id] = path
	}
}

func (v *validator) mains() map[string]bool {
	m := map[string]bool{}
	for _, a := range v.w.Accounts {
		if a.Type == "main" && a.UID != "" {
			m[a.UID] = true
		}
	}
	return m
}

func (v *validator) accounts() {
	keys, mains := map[string]bool{}, v.mains()
	if len(v.w.Accounts) == 0 {
		v.bad("accounts", "at least one account is required")
	}
	for i, a := range v.w.Accounts {
		p := fmt.Sprintf("accounts[%d]", i)
		switch {
		case a.AccessKeyID == "":
			v.bad(p+".access_key_id", "is required")
		case keys[a.AccessKeyID]:
			v.bad(p+".access_key_id", "%q is used twice", a.AccessKeyID)
		}
		keys[a.AccessKeyID] = true
		if a.AccessKeySecret == "" {
			v.bad(p+".access_key_secret", "is required")
		}
		if a.UID == "" {
			v.bad(p+".uid", "is required")
		}
		switch a.Type {
		case "main":
			if first := v.firstMain(a.UID); first != i && (a.ENIQuota != nil || a.RAMUnsupported != nil) {
				v.bad(p+".uid", "eni_quota and ram_unsupported belong to the account: set them on accounts[%d], its first key", first)
			}
			if a.GroupsPerENI < 0 || a.TagQuota < 0 {
				v.bad(p+".groups_per_eni", "groups_per_eni and tag_quota must be ≥ 0")
			}
			if first := v.firstMain(a.UID); first != i && (a.GroupsPerENI != 0 || a.TagQuota != 0) {
				v.bad(p+".uid", "groups_per_eni and tag_quota belong to the account: set them on accounts[%d], its first key", first)
			}
			for r, q := range a.ENIQuota {
				if q < 0 || v.region(r) == nil {
					v.bad(p+".eni_quota", "region %q with quota %d: want a known region and a quota ≥ 0", r, q)
				}
			}
		case "ram":
			if !mains[a.Main] {
				v.bad(p+".main", "%q is not the uid of a main account", a.Main)
			}
		default:
			v.bad(p+".type", "%q is not main or ram", a.Type)
		}
	}
}

func (v *validator) firstMain(uid string) int {
	for i, a := range v.w.Accounts {
		if a.Type == "main" && a.UID == uid {
			return i
		}
	}
	return -1
}

func (v *validator) region(id string) *Region {
	for i := range v.w.Regions {
		if v.w.Regions[i].ID == id {
			return &v.w.Regions[i]
		}
	}
	return nil
}

func (v *validator) regions() {
	seen := map[string]bool{}
	for i, r := range v.w.Regions {
		p := fmt.Sprintf("regions[%d]", i)
		switch {
		case r.ID == "":
			v.bad(p+".id", "is required")
		case seen[r.ID]:
			v.bad(p+".id", "region %q is declared twice", r.ID)
		}
		seen[r.ID] = true
		if len(r.Zones) == 0 {
			v.bad(p+".zones", "at least one zone is required")
		}
		if r.ENIQuota < 0 {
			v.bad(p+".eni_quota", "must be ≥ 0")
		}
	}
}

func (v *validator) owner(path, uid string) {
	if !v.mains()[uid] {
		v.bad(path, "%q is not the uid of a main account", uid)
	}
}

func (v *validator) vpcs() {
	for i, n := range v.w.VPCs {
		p := fmt.Sprintf("vpcs[%d]", i)
		v.id(p, n.ID)
		if v.region(n.Region) == nil {
			v.bad(p+".region", "%q is not a declared region", n.Region)
		}
		if pf, err := netip.ParsePrefix(n.CIDR); err != nil || !pf.Addr().Is4() || pf != pf.Masked() || pf.Bits() < 8 || pf.Bits() > 29 {
			v.bad(p+".cidr", "%q is not an IPv4 network from /8 to /29 (address bits after the mask must be 0)", n.CIDR)
		}
		v.owner(p+".owner", n.Owner)
	}
}

func (v *validator) vpc(id string) *VPC {
	for i := range v.w.VPCs {
		if v.w.VPCs[i].ID == id {
			return &v.w.VPCs[i]
		}
	}
	return nil
}

// placed is a vSwitch network already validated, for the overlap check.
type placed struct {
	net   netip.Prefix
	vpc   string
	index int
}

func (v *validator) vswitches() {
	var nets []placed
	for i, s := range v.w.VSwitches {
		p := fmt.Sprintf("vswitches[%d]", i)
		v.id(p, s.ID)
		vpc := v.vpc(s.VPC)
		if vpc == nil {
			v.bad(p+".vpc", "%q is not a declared VPC", s.VPC)
			continue
		}
		if r := v.region(vpc.Region); r != nil && !slices.Contains(r.Zones, s.Zone) {
			v.bad(p+".zone", "%q is not a zone of region %s", s.Zone, vpc.Region)
		}
		pf, err := netip.ParsePrefix(s.CIDR)
		outer, _ := netip.ParsePrefix(vpc.CIDR)
		switch {
		case err != nil || !pf.Addr().Is4() || pf != pf.Masked() || pf.Bits() < 16 || pf.Bits() > 29:
			v.bad(p+".cidr", "%q is not an IPv4 network from /16 to /29 (address bits after the mask must be 0)", s.CIDR)
			continue
		case !outer.IsValid() || pf.Bits() < outer.Bits() || !outer.Contains(pf.Addr()):
			v.bad(p+".cidr", "%s is not inside VPC %s (%s)", s.CIDR, vpc.ID, vpc.CIDR)
		}
		for _, o := range nets {
			if o.net.Overlaps(pf) && o.vpc == s.VPC {
				v.bad(p+".cidr", "%s overlaps vswitches[%d] (%s)", s.CIDR, o.index, o.net)
			}
		}
		nets = append(nets, placed{pf, s.VPC, i})
		v.ipv6(p, s.IPv6CIDR)
		for j, ip := range s.UsedIPs {
			if msg := usable(pf, ip); msg != "" {
				v.bad(fmt.Sprintf("%s.used_ips[%d]", p, j), "%s", msg)
			} else if slices.Contains(s.UsedIPs[:j], ip) {
				v.bad(fmt.Sprintf("%s.used_ips[%d]", p, j), "%s is listed twice", ip)
			}
		}
	}
}

// usable says why ip cannot be an address of an interface in subnet, or "".
func usable(subnet netip.Prefix, ip string) string {
	a, err := netip.ParseAddr(ip)
	switch {
	case err != nil || !a.Is4():
		return fmt.Sprintf("%q is not an IPv4 address", ip)
	case !subnet.Contains(a):
		return fmt.Sprintf("%s is outside %s", ip, subnet)
	case reserved(subnet, a):
		return fmt.Sprintf("%s is reserved in %s (the first and the last three addresses are)", ip, subnet)
	}
	return ""
}

func (v *validator) securityGroups() {
	for i, g := range v.w.SecurityGroups {
		p := fmt.Sprintf("security_groups[%d]", i)
		v.id(p, g.ID)
		if v.region(g.Region) == nil {
			v.bad(p+".region", "%q is not a declared region", g.Region)
		}
		v.owner(p+".owner", g.Owner)
		if g.Capacity < 0 {
			v.bad(p+".capacity", "must be ≥ 0")
		}
		if g.Type != "" && g.Type != "normal" && g.Type != "enterprise" {
			v.bad(p+".type", "%q is not normal or enterprise", g.Type)
		}
		if g.VPC == "" {
			continue
		}
		switch vpc := v.vpc(g.VPC); {
		case vpc == nil:
			v.bad(p+".vpc", "%q is not a declared VPC (leave it out for a classic group)", g.VPC)
		case vpc.Region != g.Region || vpc.Owner != g.Owner:
			v.bad(p+".vpc", "%s is in region %s of owner %s, the group in region %s of owner %s", vpc.ID, vpc.Region, vpc.Owner, g.Region, g.Owner)
		}
	}
}

func (v *validator) enis() {
	ips := map[string]string{}
	for i, e := range v.w.ENIs {
		p := fmt.Sprintf("enis[%d]", i)
		v.id(p, e.ID)
		var sw *VSwitch
		for j := range v.w.VSwitches {
			if v.w.VSwitches[j].ID == e.VSwitch {
				sw = &v.w.VSwitches[j]
			}
		}
		if sw == nil {
			v.bad(p+".vswitch", "%q is not a declared vSwitch", e.VSwitch)
			continue
		}
		if pf, err := netip.ParsePrefix(sw.CIDR); err == nil {
			if msg := usable(pf, e.IP); msg != "" {
				v.bad(p+".ip", "%s", msg)
			} else if slices.Contains(sw.UsedIPs, e.IP) || ips[sw.ID+"/"+e.IP] != "" {
				v.bad(p+".ip", "%s is already used in %s", e.IP, sw.ID)
			}
		}
		ips[sw.ID+"/"+e.IP] = p
		var sg *SecurityGroup
		for j := range v.w.SecurityGroups {
			if v.w.SecurityGroups[j].ID == e.SecurityGroup {
				sg = &v.w.SecurityGroups[j]
			}
		}
		if sg == nil || sg.VPC != sw.VPC {
			v.bad(p+".security_group", "%q is not a security group of VPC %s", e.SecurityGroup, sw.VPC)
		}
	}
}
