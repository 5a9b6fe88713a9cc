package generators

import (
	"net/netip"
	"slices"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// Env is a world analysed for drawing: where a create can succeed, which
// keys break which account rule, what is foreign. Build it once per world
// with NewEnv; it is read-only afterwards.
type Env struct {
	World   *oracle.World
	Profile *spec.Profile
	Homes   []Home // every place a create can succeed, by key, then vSwitch, then group
	// MaxFill bounds the setup creates of a case that fills a limit
	// (DefaultMaxFill unless changed): a limit further away is not tested.
	MaxFill int

	state     oracle.State // the world before any request, for rooms and used addresses
	subject   *spec.Action
	keys      map[string]*oracle.Account
	extras    []*spec.Param // the subject's optional parameters beyond the 2018 document's
	mutations []mutation    // the profile's single-request mutations (mutationsFor)
}

// Home is a place where a CreateNetworkInterface can succeed: a key allowed
// to call, and a vSwitch and VPC security group of its owner in one region,
// with how many more ENIs fit before a limit binds.
type Home struct {
	Key     string
	Owner   string
	Region  string
	VSwitch oracle.VSwitch
	Net     netip.Prefix
	Net6    netip.Prefix // the vSwitch's IPv6 network; invalid without IPv6
	SG      oracle.SecurityGroup

	QuotaRoom    int // ENIs the owner may still create in the region
	CapacityRoom int // ENIs the group still takes
	PoolRoom     int // free usable addresses in the vSwitch
	state        oracle.State
	// taken are the addresses the case's setup steps hold, which a request
	// drawn for the home must not ask for again.
	taken []string
}

// Room is how many creates succeed in the home before a limit binds.
func (h *Home) Room() int { return min(h.QuotaRoom, h.CapacityRoom, h.PoolRoom) }

// NewEnv analyses a valid world for profile p. An invalid world has no
// room anywhere.
func NewEnv(w *oracle.World, p *spec.Profile) *Env {
	e := &Env{World: w, Profile: p, MaxFill: DefaultMaxFill, subject: p.Action(p.Subject), keys: map[string]*oracle.Account{}}
	e.state, _ = oracle.NewState(w)
	e.extras, e.mutations = e.extraParams(), mutationsFor(p)
	for i := range w.Accounts {
		e.keys[w.Accounts[i].AccessKeyID] = &w.Accounts[i]
	}
	for i := range w.Accounts {
		a := &w.Accounts[i]
		if !e.mayCall(a, p.Subject) {
			continue
		}
		e.Homes = append(e.Homes, e.homesOf(a.AccessKeyID, a.Owner())...)
	}
	return e
}

// main returns the settings-holding main account of an owner UID.
func (e *Env) main(uid string) *oracle.Account {
	for i := range e.World.Accounts {
		if a := &e.World.Accounts[i]; a.Type == "main" && a.UID == uid {
			return a
		}
	}
	return nil
}

// mayCall reports whether a key passes every account rule for action.
func (e *Env) mayCall(a *oracle.Account, action string) bool {
	if a.Expired || a.Disabled {
		return false
	}
	if a.Type != "ram" {
		return true
	}
	m := e.main(a.Main)
	return m != nil && !slices.Contains(m.RAMUnsupported, action) &&
		(slices.Contains(a.Permissions, "*") || slices.Contains(a.Permissions, action))
}

func (e *Env) homesOf(key, owner string) []Home {
	var out []Home
	w := e.World
	for _, sw := range w.VSwitches {
		vpc := e.state.VPC(sw.VPC)
		if vpc == nil || vpc.Owner != owner {
			continue
		}
		for _, g := range w.SecurityGroups {
			if g.VPC != sw.VPC {
				continue
			}
			h := Home{Key: key, Owner: owner, Region: vpc.Region, VSwitch: sw, Net: netip.MustParsePrefix(sw.CIDR), SG: g, state: e.state}
			if sw.IPv6CIDR != "" {
				h.Net6 = netip.MustParsePrefix(sw.IPv6CIDR)
			}
			e.measure(&h)
			out = append(out, h)
		}
	}
	return out
}

// measure fills in a home's rooms, as the oracle counts them in the
// world's initial state.
func (e *Env) measure(h *Home) {
	h.QuotaRoom, h.CapacityRoom, h.PoolRoom = e.state.Room(h.Owner, h.Region, h.SG.ID, h.VSwitch.ID)
}

// sgRoom is how many more ENIs a group takes in the world's initial state.
func (e *Env) sgRoom(g oracle.SecurityGroup) int {
	_, room, _ := e.state.Room(g.Owner, g.Region, g.ID, "")
	return room
}

// homesWhere returns the homes that satisfy keep.
func (e *Env) homesWhere(keep func(*Home) bool) []Home {
	var out []Home
	for i := range e.Homes {
		if keep(&e.Homes[i]) {
			out = append(out, e.Homes[i])
		}
	}
	return out
}

// foreignIDs lists IDs of a kind (vSwitches or security groups) that exist
// but are not visible from home: another owner's, or another region's.
func (e *Env) foreignIDs(h Home, vswitches bool) []string {
	var out []string
	visible := func(owner, region string) bool { return owner == h.Owner && region == h.Region }
	if vswitches {
		for _, sw := range e.World.VSwitches {
			if vpc := e.state.VPC(sw.VPC); !visible(vpc.Owner, vpc.Region) {
				out = append(out, sw.ID)
			}
		}
		return out
	}
	for _, g := range e.World.SecurityGroups {
		if !visible(g.Owner, g.Region) {
			out = append(out, g.ID)
		}
	}
	return out
}

// groups lists the owner's groups in home's region that break NotVpc
// (classic) or VpcMismatch with home's vSwitch, and still have room, so
// that the capacity rule does not fire too.
func (e *Env) groups(h Home, classic bool) []string {
	var out []string
	for _, g := range e.World.SecurityGroups {
		if g.Owner != h.Owner || g.Region != h.Region || e.sgRoom(g) <= 0 {
			continue
		}
		if classic && g.VPC == "" || !classic && g.VPC != "" && g.VPC != h.VSwitch.VPC {
			out = append(out, g.ID)
		}
	}
	return out
}
