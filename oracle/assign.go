package oracle

import (
	"fmt"
	"strconv"

	"github.com/eniconform/eniconform/spec"
)

// toAssign returns the addresses an AssignPrivateIpAddresses gets: those
// it gives, or as many as it counts, chosen free in the ENI's vSwitch from
// offset onwards (the emulator's choice).
func (e *eval) toAssign(s *State, offset uint64) []string {
	if given := e.addresses("PrivateIpAddress.N"); len(given) > 0 {
		return given
	}
	if e.eni == nil || e.vsw == nil {
		return nil
	}
	rec := *e.eni
	m := *rec.more()
	known := len(m.Secondary)
	m.SecondaryN = known + e.intValue("SecondaryPrivateIpAddressCount")
	rec.More = &m
	rec = s.choose(rec, e.vsw, offset)
	return rec.More.Secondary[known:]
}

// assignedAnswer judges an AssignPrivateIpAddresses answer: it names the
// ENI, and lists the addresses asked for, or as many as counted, each
// chosen usable, free and new to the ENI (decision assign-limit-49).
func (c *checker) assignedAnswer() {
	const row = spec.AspectENIFields
	e := c.p.ev
	c.judged(row)
	if id := e.r.Get("NetworkInterfaceId"); c.o.AssignedENI != id {
		c.hard(row, "NetworkInterfaceId", id, strconv.Quote(c.o.AssignedENI), "another ENI", "the answer names another ENI than the one the addresses were assigned to")
	}
	shown := make([]string, len(c.o.Assigned))
	for i, a := range c.o.Assigned {
		shown[i] = canonicalIP(a)
	}
	if given := e.addresses("PrivateIpAddress.N"); len(given) > 0 {
		if sortedList(given) != sortedList(shown) {
			c.hard(row, "PrivateIpSet", sortedList(given), sortedList(shown), "other addresses", "the answer lists other addresses than those asked for")
		}
		return
	}
	if n := e.intValue("SecondaryPrivateIpAddressCount"); len(shown) != n {
		c.hard(row, "PrivateIpSet", fmt.Sprintf("%d addresses", n), strconv.Itoa(len(shown)), "wrong number of addresses", "the answer lists another number of addresses than asked for")
		return
	}
	if e.eni == nil || c.s.Unsure(e.eni.ID) {
		return
	}
	seen := append([]string{e.eni.IP}, e.eni.more().Secondary...)
	for _, a := range shown {
		c.chosenExtra(*e.eni, "PrivateIpSet", a, seen)
		seen = append(seen, a)
	}
}
