package oracle

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/eniconform/eniconform/spec"
)

// eniFields compares how a response shows an ENI with what the model knows
// of it, counting differences against row. ipKnown says whether want.IP is
// certain; if not, the shown address only has to be one the ENI could have
// been given. The same holds for secondary and IPv6 addresses the server
// chose (decision secondary-ips-chosen). The fields of the profile's
// Responses.ENIEcho are compared too, and each list map of ENILists must
// be there.
func (c *checker) eniFields(want eniRec, got ENIView, ipKnown bool, row string) {
	c.judged(row)
	exp := c.m.view(c.s, want)
	pairs := [][3]string{
		{"Status", exp.Status, got.Status}, {"VpcId", exp.VpcID, got.VpcID}, {"VSwitchId", exp.VSwitchID, got.VSwitchID},
		{"ZoneId", exp.ZoneID, got.ZoneID}, {"NetworkInterfaceName", exp.NetworkInterfaceName, got.NetworkInterfaceName},
		{"Description", exp.Description, got.Description},
		{"SecurityGroupIds", sortedList(exp.SecurityGroupIDs), sortedList(got.SecurityGroupIDs)},
	}
	if want.MAC != "" {
		pairs = append(pairs, [3]string{"MacAddress", want.MAC, got.MACAddress})
	}
	if ipKnown {
		pairs = append(pairs, [3]string{"PrivateIpAddress", want.IP, got.PrivateIPAddress})
	}
	pairs = append(pairs, c.echoPairs(exp, got, row == spec.AspectPostState)...)
	unsure := c.s.Unsure(want.ID) // a change of it in flight: what it may change is not judged (decision changes-in-flight)
	for _, f := range pairs {
		if unsure && changeable[f[0]] {
			continue
		}
		if f[1] != f[2] {
			c.hard(row, f[0], strconv.Quote(f[1]), strconv.Quote(f[2]), "wrong "+f[0], "ENI "+want.ID+" is shown with the wrong "+f[0])
		}
	}
	for _, l := range c.m.Spec.Responses.ENILists {
		if slices.Contains(got.Missing, l) {
			c.hard(row, l, l+" present (an empty list at least)", "absent", "no "+l, "the ENI entry lacks the list map "+l+", which clients such as Terraform need even when empty")
		}
	}
	if !c.m.Spec.MACValid(got.MACAddress) {
		c.hard(row, "MacAddress", c.m.Spec.Responses.MACPattern, strconv.Quote(got.MACAddress), "malformed MacAddress", "the MAC address is malformed")
	}
	if !ipKnown {
		c.chosenIP(want, got.PrivateIPAddress)
	}
	m := want.more()
	if !unsure {
		c.addresses(want, row, "PrivateIpSets", m.Secondary, m.SecondaryN, got.SecondaryIPs, got.PrivateIPAddress)
	}
	c.addresses(want, row, "Ipv6Sets", m.IPv6, m.IPv6N, got.IPv6s, "")
}

// changeable are the fields of an ENI entry that a change of the ENI
// (Modify, Tag, Untag, Assign, Unassign) may alter.
var changeable = map[string]bool{"NetworkInterfaceName": true, "Description": true, "SecurityGroupIds": true, "Tags": true,
	"SourceDestCheck": true, "DeleteOnRelease": true, "QueueNumber": true}

// echoPairs returns the fields of Responses.ENIEcho (and DescribeEcho for
// a Describe entry), as due and as shown.
func (c *checker) echoPairs(exp, got ENIView, describe bool) [][3]string {
	all := map[string][2]string{
		"Type": {exp.Type, got.Type}, "ResourceGroupId": {exp.ResourceGroupID, got.ResourceGroupID},
		"OwnerId": {exp.OwnerID, got.OwnerID}, "NetworkInterfaceTrafficMode": {exp.TrafficMode, got.TrafficMode},
		"Tags":            {tagList(exp.Tags), tagList(got.Tags)},
		"SourceDestCheck": {strconv.FormatBool(exp.SourceDestCheck), strconv.FormatBool(got.SourceDestCheck)},
		"DeleteOnRelease": {strconv.FormatBool(exp.DeleteOnRelease), strconv.FormatBool(got.DeleteOnRelease)},
		"QueueNumber":     {strconv.Itoa(exp.QueueNumber), strconv.Itoa(got.QueueNumber)},
		"QueuePairNumber": {strconv.Itoa(exp.QueuePairNumber), strconv.Itoa(got.QueuePairNumber)},
	}
	var out [][3]string
	fields := c.m.Spec.Responses.ENIEcho
	if describe {
		fields = append(slices.Clone(fields), c.m.Spec.Responses.DescribeEcho...)
	}
	for _, f := range fields {
		if v, ok := all[f]; ok {
			out = append(out, [3]string{f, v[0], v[1]})
		}
	}
	return out
}

func sortedList(l []string) string {
	l = slices.Clone(l)
	slices.Sort(l)
	return fmt.Sprint(l)
}

func tagList(tags []Tag) string {
	var l []string
	for _, t := range tags {
		l = append(l, t.Key+"="+t.Value)
	}
	return sortedList(l)
}

// addresses checks the secondary (or IPv6) addresses an ENI is shown with:
// n of them, every known one among them, and each the server chose a
// usable, free address of the vSwitch, distinct from the others and from
// primary.
func (c *checker) addresses(want eniRec, row, what string, known []string, n int, got []string, primary string) {
	shown := make([]string, len(got))
	for i, a := range got {
		shown[i] = canonicalIP(a)
	}
	if len(shown) != n {
		c.hard(row, what, fmt.Sprintf("%d addresses", n), strconv.Itoa(len(shown)), "wrong number of addresses", "ENI "+want.ID+" is shown with the wrong number of "+what+" addresses")
		return
	}
	for _, a := range known {
		if !slices.Contains(shown, a) {
			c.hard(row, what, a+" listed", sortedList(shown), "an address given missing", "ENI "+want.ID+" is shown without an address it was given")
			return
		}
	}
	seen := append([]string{primary}, known...)
	for _, a := range shown {
		if slices.Contains(known, a) {
			continue
		}
		c.chosenExtra(want, what, a, seen)
		seen = append(seen, a)
	}
}

// chosenExtra checks one secondary or IPv6 address the server chose.
func (c *checker) chosenExtra(e eniRec, what, ip string, seen []string) {
	sw := c.s.ix.vsws[e.VSwitch]
	if sw == nil {
		return
	}
	c.judged(spec.AspectChosenIP)
	net := sw.net
	if what == "Ipv6Sets" {
		net = sw.net6
	}
	a, err := netip.ParseAddr(ip)
	switch {
	case err != nil || !net.IsValid() || !net.Contains(a) || a.Is4() && reserved(net, a) || a.Is6() && reserved6(net, a):
		c.hard(spec.AspectChosenIP, what, "a usable address of "+net.String(), strconv.Quote(ip), "outside the vSwitch or reserved",
			"a chosen "+what+" address is outside the vSwitch or reserved")
	case slices.Contains(seen, ip):
		c.hard(spec.AspectChosenIP, what, "distinct addresses", ip+" twice", "repeated", "the ENI is given one address twice")
	case c.s.holds(ipKey(e.VSwitch, ip), e.ID) == yes:
		c.hard(spec.AspectChosenIP, what, "a free address", ip, "in use", "a chosen "+what+" address is already in use")
	}
}

// chosenIP checks an address the server chose: inside the vSwitch, not
// reserved, and free before this ENI took it (an ENI that may be gone, or
// may never have been made, does not count as holding it).
func (c *checker) chosenIP(e eniRec, ip string) {
	sw := c.s.ix.vsws[e.VSwitch]
	if sw == nil {
		return
	}
	c.judged(spec.AspectChosenIP)
	a, err := netip.ParseAddr(ip)
	switch {
	case err != nil || !sw.net.Contains(a) || reserved(sw.net, a):
		c.hard(spec.AspectChosenIP, "PrivateIpAddress", "a usable address of "+sw.CIDR, strconv.Quote(ip), "outside the vSwitch or reserved",
			"the chosen address is outside the vSwitch or reserved")
	case c.s.holds(ipKey(e.VSwitch, ip), e.ID) == yes:
		c.hard(spec.AspectChosenIP, "PrivateIpAddress", "a free address", ip, "in use", "the chosen address is already in use")
	}
}
