package generators

import (
	"fmt"
	"net/netip"

	"github.com/eniconform/eniconform/oracle"
	"pgregory.net/rapid"
)

// Worlds draws random valid worlds for the built-in emulator: one or two
// regions, one to three main accounts (some with small quotas, some closed
// to RAM), RAM users with and without permission, expired and disabled keys,
// VPCs with vSwitches from /16 to /29 inside them, VPC and classic security
// groups (some with small capacities, some enterprise), vSwitches with IPv6
// or without, resource groups, accounts with few groups per ENI or few tags,
// and a few ENIs that already exist.
// They are valid by construction (a test checks it).
func Worlds() *rapid.Generator[*oracle.World] {
	return rapid.Custom(func(t *rapid.T) *oracle.World {
		w := &oracle.World{Name: "random"}
		for _, id := range rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"cn-hangzhou", "cn-beijing", "cn-shanghai"}), 1, 2, rapid.ID[string]).Draw(t, "regions") {
			zones := []string{id + "-a"}
			if rapid.Bool().Draw(t, "second zone") {
				zones = append(zones, id+"-b")
			}
			w.Regions = append(w.Regions, oracle.Region{ID: id, Zones: zones, ENIQuota: rapid.SampledFrom([]int{0, 0, 2, 5}).Draw(t, "region quota")})
		}
		mains := rapid.IntRange(1, 3).Draw(t, "main accounts")
		for m := 1; m <= mains; m++ {
			addAccount(t, w, m)
		}
		net := 0
		for m := 1; m <= mains; m++ {
			for _, r := range w.Regions {
				for v := rapid.IntRange(0, 2).Draw(t, "VPCs"); v > 0; v-- {
					net++
					addVPC(t, w, fmt.Sprintf("1%015d", m), r, net)
				}
			}
		}
		addENIs(t, w)
		return w
	})
}

func addAccount(t *rapid.T, w *oracle.World, m int) {
	uid := fmt.Sprintf("1%015d", m)
	main := oracle.Account{AccessKeyID: fmt.Sprintf("main-%d", m), AccessKeySecret: fmt.Sprintf("secret-main-%d", m), UID: uid, Type: "main"}
	if rapid.Bool().Draw(t, "small quota") {
		main.ENIQuota = map[string]int{w.Regions[0].ID: rapid.IntRange(0, 4).Draw(t, "quota")}
	}
	if rapid.IntRange(0, 4).Draw(t, "closed to RAM") == 0 {
		main.RAMUnsupported = []string{"CreateNetworkInterface"}
	}
	main.GroupsPerENI = rapid.SampledFrom([]int{0, 0, 1, 2}).Draw(t, "groups per ENI")
	main.TagQuota = rapid.SampledFrom([]int{0, 0, 1, 3}).Draw(t, "tag quota")
	w.Accounts = append(w.Accounts, main)
	if rapid.Bool().Draw(t, "resource group") {
		w.ResourceGroups = append(w.ResourceGroups, oracle.ResourceGroup{ID: fmt.Sprintf("rg-r%d", m), Owner: uid})
	}
	extra := func(kind string, mod func(*oracle.Account)) {
		if rapid.Bool().Draw(t, kind) {
			a := oracle.Account{AccessKeyID: fmt.Sprintf("%s-%d", kind, m), AccessKeySecret: "secret-" + kind, UID: uid, Type: "main"}
			mod(&a)
			w.Accounts = append(w.Accounts, a)
		}
	}
	extra("expired", func(a *oracle.Account) { a.Expired = true })
	extra("disabled", func(a *oracle.Account) { a.Disabled = true })
	extra("ram", func(a *oracle.Account) {
		a.UID, a.Type, a.Main = fmt.Sprintf("2%015d", m), "ram", uid
		a.Permissions = []string{rapid.SampledFrom([]string{"*", "CreateNetworkInterface", "DescribeNetworkInterfaces"}).Draw(t, "permission")}
	})
}

// addVPC adds a VPC numbered n with its vSwitches and groups: the VPC is a
// /8 to /24 network, its vSwitches distinct blocks of one size inside it.
func addVPC(t *rapid.T, w *oracle.World, owner string, r oracle.Region, n int) {
	bits := rapid.SampledFrom([]int{12, 16, 20, 24}).Draw(t, "VPC mask")
	base := netip.AddrFrom4([4]byte{10, byte(n), 0, 0})
	vpc := oracle.VPC{ID: fmt.Sprintf("vpc-r%d", n), Region: r.ID, CIDR: netip.PrefixFrom(base, bits).Masked().String(), Owner: owner}
	w.VPCs = append(w.VPCs, vpc)
	swBits := rapid.IntRange(max(bits, 16), 29).Draw(t, "vSwitch mask")
	blocks := 1 << min(swBits-bits, 4)
	for _, b := range rapid.SliceOfNDistinct(rapid.IntRange(0, blocks-1), 1, min(blocks, 3), rapid.ID[int]).Draw(t, "vSwitch blocks") {
		pf := netip.PrefixFrom(add(netip.MustParsePrefix(vpc.CIDR).Addr(), b<<(32-swBits)), swBits)
		sw := oracle.VSwitch{ID: fmt.Sprintf("vsw-r%d-%d", n, b), VPC: vpc.ID, Zone: rapid.SampledFrom(r.Zones).Draw(t, "zone"), CIDR: pf.String()}
		if rapid.Bool().Draw(t, "IPv6") {
			sw.IPv6CIDR = fmt.Sprintf("2408:4005:%x:%x::/64", n, b)
		}
		w.VSwitches = append(w.VSwitches, sw)
	}
	for g := rapid.IntRange(1, 3).Draw(t, "groups"); g > 0; g-- {
		w.SecurityGroups = append(w.SecurityGroups, oracle.SecurityGroup{ID: fmt.Sprintf("sg-r%d-%d", n, g), Region: r.ID, VPC: vpc.ID,
			Owner: owner, Capacity: rapid.SampledFrom([]int{0, 0, 1, 3}).Draw(t, "capacity"),
			Type: rapid.SampledFrom([]string{"", "", "normal", "enterprise"}).Draw(t, "group type")})
	}
	if rapid.IntRange(0, 3).Draw(t, "classic group") == 0 {
		w.SecurityGroups = append(w.SecurityGroups, oracle.SecurityGroup{ID: fmt.Sprintf("sg-r%d-classic", n), Region: r.ID, Owner: owner})
	}
}

// addENIs puts up to two existing ENIs in the first usable addresses.
func addENIs(t *rapid.T, w *oracle.World) {
	for i, sw := range w.VSwitches {
		if i >= 2 || !rapid.Bool().Draw(t, "existing ENI") {
			continue
		}
		for _, g := range w.SecurityGroups {
			if g.VPC == sw.VPC {
				ip := netip.MustParsePrefix(sw.CIDR).Addr().Next()
				w.ENIs = append(w.ENIs, oracle.ENI{ID: fmt.Sprintf("eni-world%015d", i), VSwitch: sw.ID, SecurityGroup: g.ID,
					IP: ip.String(), MAC: fmt.Sprintf("00:16:3e:00:00:%02x", i)})
				break
			}
		}
	}
}
