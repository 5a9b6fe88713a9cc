package wire

import (
	"slices"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"github.com/eniconform/eniconform/spec"
)

// What a conforming answer may need, for BodyLimit.
const (
	// answerBytes holds any answer: the error envelope or a Create or
	// Delete body (a few hundred bytes), with room for a Message that
	// echoes the request, as SignatureDoesNotMatch quotes the string to
	// sign, and for fields a target adds.
	answerBytes = 64 << 10
	// entryFixedBytes holds an ENI's fields of bounded length in a
	// Describe page: IDs, status, type, zone, address, MAC, the lists and
	// their names, in JSON or XML.
	entryFixedBytes = 2 << 10
	// charBytes is the most a character of a name or description takes in
	// a body: an escaped character outside the BMP (\uD83D\uDE00).
	charBytes = 12
	// itemBytes holds one item of a list in an ENI entry beyond its
	// characters: an ID or address with its element or object around it
	// (a private IP set's item carries two fields), in JSON or XML.
	itemBytes = 160
	// largestPage is the page a DescribeNetworkInterfaces may ask for when
	// the profile says nothing of PageSize.
	largestPage = 1000
	// tagFixedBytes holds a ListTagResources entry but its key and value:
	// the resource's ID and type and the names.
	tagFixedBytes = 512
)

// BodyLimit is the longest body of a conforming answer to a request for
// action that asks for pageSize entries (≤ 0: the largest page the profile
// allows): 64 KiB for any answer, plus for DescribeNetworkInterfaces, per
// entry, 2 KiB, 12 bytes for each character the create's string
// parameters may hold and 160 bytes for each item its lists and counts
// may hold (7,424 bytes in the 2018 profile, 93,664 in current, whose 20
// tags of 256 characters and 155 items take most). In the 2018 profile a DescribeNetworkInterfaces of 10
// entries may take 137 KiB, the largest page of 1000 7.1 MiB, any other
// answer 64 KiB; ParseResponse reads no more.
func BodyLimit(p *spec.Profile, action string, pageSize int) int64 {
	if p == nil {
		p = spec.Default()
	}
	switch action {
	case ActionListTags:
		return answerBytes + oracle.TagPageSize*(tagFixedBytes+2*charBytes*tagTextMax(p))
	case ActionDescribe:
	default:
		return answerBytes
	}
	most := largestPage
	if a := p.Action(ActionDescribe); a != nil {
		if ps := a.Param("PageSize"); ps != nil && ps.Constraints != nil && ps.Constraints.IntMax != nil {
			most = *ps.Constraints.IntMax
		}
	}
	if pageSize <= 0 || pageSize > most {
		pageSize = most
	}
	return answerBytes + int64(pageSize)*entryBytes(p)
}

// entryBytes is the most one ENI of a Describe page takes: the fixed
// fields, each string parameter's characters, each item a list parameter
// (Tag.N.Key, SecurityGroupIds.N, ...) may hold with its characters, and
// each address a count may ask for (SecondaryPrivateIpAddressCount up to
// its count rule's max, Ipv6AddressCount up to its int_max).
func entryBytes(p *spec.Profile) int64 {
	n := int64(entryFixedBytes)
	a := p.Action(p.Subject)
	if a == nil {
		return n
	}
	for _, prm := range a.Params {
		chars := int64(0)
		if prm.Constraints != nil {
			chars = int64(prm.Constraints.MaxLen) * charBytes
		}
		switch {
		case prm.List():
			n += int64(prm.MaxItems) * (itemBytes + chars)
		case prm.Type == "String":
			n += chars
		case prm.Type == "Integer" && strings.HasSuffix(prm.Name, "Count") && prm.Constraints != nil && prm.Constraints.IntMax != nil:
			n += int64(*prm.Constraints.IntMax) * itemBytes
		}
	}
	for _, r := range p.Rules {
		if r.Check == "count" && slices.Contains(r.Actions, p.Subject) {
			n += int64(r.Max) * itemBytes
		}
	}
	return n
}

// tagTextMax is the longest tag key or value the profile allows.
func tagTextMax(p *spec.Profile) int64 {
	most := 128
	if a := p.Action(p.Subject); a != nil {
		for _, name := range []string{"Tag.N.Key", "Tag.N.Value"} {
			if prm := a.Param(name); prm != nil && prm.Constraints != nil {
				most = max(most, prm.Constraints.MaxLen)
			}
		}
	}
	return int64(most)
}
