package oracle

import "slices"

// The actions the model knows besides the subject.
const (
	actionDelete   = "DeleteNetworkInterface"
	actionDescribe = "DescribeNetworkInterfaces"
	actionModify   = "ModifyNetworkInterfaceAttribute"
	actionTag      = "TagResources"
	actionUntag    = "UntagResources"
	actionListTags = "ListTagResources"
	actionAssign   = "AssignPrivateIpAddresses"
	actionUnassign = "UnassignPrivateIpAddresses"
)

// changes reports whether an action changes ENIs that exist: their
// attributes, tags or secondary addresses.
func changes(action string) bool {
	switch action {
	case actionModify, actionTag, actionUntag, actionAssign, actionUnassign:
		return true
	}
	return false
}

// targets returns the ENIs of the owner in the region that a change names
// (NetworkInterfaceId, or ResourceId.N of the tag actions), as the state
// holds them; IDs that name none are left out.
func (e *eval) targets(s *State) []eniRec {
	if e.region == nil || e.owner == "" || e.action == nil {
		return nil
	}
	var ids []string
	if p := e.action.Param("ResourceId.N"); p != nil {
		ids = e.values(p)
	} else if id, ok := e.param("NetworkInterfaceId"); ok {
		ids = []string{id}
	}
	var out []eniRec
	for _, id := range ids {
		rec, ok := s.eni(id)
		if ok && rec.Owner == e.owner && rec.Region == e.region.ID && !placeholder(id) &&
			!slices.ContainsFunc(out, func(r eniRec) bool { return r.ID == id }) {
			out = append(out, rec)
		}
	}
	return out
}

// changed returns rec as a successful change leaves it. chosen are the
// addresses an AssignPrivateIpAddresses by count got (the server's choice,
// from its answer or from Answer); nil when unknown.
func (e *eval) changed(rec eniRec, chosen []string) eniRec {
	m := *rec.more()
	switch e.action.Name {
	case actionModify:
		e.modify(&rec, &m)
	case actionTag:
		m.Tags = mergeTags(m.Tags, e.tags())
	case actionUntag:
		m.Tags = e.untag(m.Tags)
	case actionAssign:
		e.assign(&m, chosen)
	case actionUnassign:
		e.unassign(&m)
	}
	rec.More = &m
	return rec
}

// modify applies the attributes a Modify gives (decisions modify-as-create
// and modify-replaces-groups).
func (e *eval) modify(rec *eniRec, m *eniMore) {
	if v, ok := e.param("NetworkInterfaceName"); ok {
		rec.Name = v
	}
	if v, ok := e.param("Description"); ok {
		rec.Description = v
	}
	if groups := e.groupIDs(); len(groups) > 0 {
		m.Groups, rec.SecurityGroup = groups, groups[0]
	}
	if v, ok := e.param("DeleteOnRelease"); ok {
		m.DeleteOnRel = v == "true"
	}
	if v, ok := e.param("SourceDestCheck"); ok {
		m.SourceDest = v == "true"
	}
	if n := e.intValue("QueueNumber"); n > 0 {
		m.QueueNumber = n
	}
}

// mergeTags adds tags to have: a key it has takes the new value (decision
// tags-eni-only).
func mergeTags(have, add []Tag) []Tag {
	out := slices.Clone(have)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(x Tag) bool { return x.Key == t.Key }); i >= 0 {
			out[i].Value = t.Value
		} else {
			out = append(out, t)
		}
	}
	return out
}

// untag removes the keys of TagKey.N, or every tag with All (decision
// untag-nothing).
func (e *eval) untag(have []Tag) []Tag {
	var keys []string
	if p := e.action.Param("TagKey.N"); p != nil {
		keys = e.values(p)
	}
	if all, _ := e.param("All"); len(keys) == 0 && all == "true" {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(have), func(t Tag) bool { return slices.Contains(keys, t.Key) })
}

// assign adds the addresses an Assign gives, or the count it asks for:
// those of chosen that are new, the rest unknown yet.
func (e *eval) assign(m *eniMore, chosen []string) {
	given := e.addresses("PrivateIpAddress.N")
	m.Secondary = slices.Clone(m.Secondary)
	if len(given) > 0 {
		for _, a := range given {
			if !slices.Contains(m.Secondary, a) {
				m.Secondary = append(m.Secondary, a)
				m.SecondaryN++
			}
		}
		return
	}
	n := e.intValue("SecondaryPrivateIpAddressCount")
	if len(chosen) > 0 {
		n = len(chosen) // what the target says it assigned (a wrong count is Check's business)
	}
	m.SecondaryN += n
	m.Secondary = learnList(m.Secondary, chosen, m.SecondaryN)
}

// unassign removes the addresses an Unassign gives; one the model did not
// know the ENI held is taken as one of its unknown ones.
func (e *eval) unassign(m *eniMore) {
	m.Secondary = slices.Clone(m.Secondary)
	var done []string
	for _, a := range e.addresses("PrivateIpAddress.N") {
		switch i := slices.Index(m.Secondary, a); {
		case slices.Contains(done, a):
		case i >= 0:
			m.Secondary = slices.Delete(m.Secondary, i, i+1)
			m.SecondaryN--
		case m.SecondaryN > len(m.Secondary):
			m.SecondaryN--
		}
		done = append(done, a)
	}
}

// newIPv4 is how many private IPv4 addresses a request adds: a create's
// primary and secondary ones, an Assign's secondary ones.
func (e *eval) newIPv4() int {
	n := e.intValue("SecondaryPrivateIpAddressCount")
	for _, it := range e.items {
		if it.p.Name == "PrivateIpAddress.N" && it.value != "" && it.p.Constraints.Check(it.value) == "" {
			n++ // a malformed one is its format rule's business
		}
	}
	if e.action.Name == e.m.Spec.Subject {
		n++
	}
	return n
}
