package oracle

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/eniconform/eniconform/spec"
)

// TagPageSize is how many entries a ListTagResources page holds (decision
// list-tags-paging).
const TagPageSize = 50

// tagSelection is what a ListTagResources selects: every entry, in order, and
// the ENIs whose entries may differ (a change in flight, an ENI that may
// not exist), whose entries any answer may list or leave out.
type tagSelection struct {
	all     []TagResource
	unsure  map[string]bool
	pending int // creates of unknown outcome in the lane: ENIs the model cannot name
}

// tagListing selects the entries of a ListTagResources: the lane's ENIs in
// creation order (those of ResourceId.N when given) that carry every tag
// of Tag.N, each with its tags in order.
func (m *Model) tagListing(s *State, p *Prediction) tagSelection {
	e := p.ev
	l := tagSelection{unsure: map[string]bool{}}
	if e.region == nil || e.owner == "" {
		return l
	}
	var ids []string
	if prm := e.action.Param("ResourceId.N"); prm != nil {
		ids = e.values(prm)
	}
	want, kind := e.tags(), e.r.Get("ResourceType")
	for _, rec := range s.lane(e.owner, e.region.ID) {
		if len(ids) > 0 && !slices.Contains(ids, rec.ID) {
			continue
		}
		tags := rec.more().Tags
		if rec.Maybe || s.Unsure(rec.ID) {
			l.unsure[rec.ID] = true
		} else if !hasTags(tags, want) {
			continue
		}
		for _, t := range tags {
			l.all = append(l.all, TagResource{ResourceID: rec.ID, ResourceType: kind, Key: t.Key, Value: t.Value})
		}
	}
	l.pending, _ = s.pending.Get(LaneOf(e.owner, e.region.ID))
	return l
}

// hasTags reports whether have carries every tag of want: its key, and
// its value when it has one (decision describe-filters).
func hasTags(have, want []Tag) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(t Tag) bool { return t.Key == w.Key && (w.Value == "" || t.Value == w.Value) }) {
			return false
		}
	}
	return true
}

// tagPage returns the page of all that starts at token (the emulator's
// tokens are offsets; one it cannot read starts at the first entry) and
// the token of the next page, "" on the last.
func tagPage(all []TagResource, token string) ([]TagResource, string) {
	from := 0
	if n, err := strconv.Atoi(token); err == nil && n >= 0 && n <= len(all) {
		from = n
	}
	end := min(from+TagPageSize, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return append([]TagResource{}, all[from:end]...), next
}

// listedTags judges a ListTagResources answer: every entry a tag a
// selected ENI carries, once; on a first page that holds them all, every
// tag of every selected ENI and no NextToken. A page after the first is
// judged on its entries only (decision list-tags-paging).
func (c *checker) listedTags() {
	const row = spec.AspectPostState
	c.judged(row)
	l := c.m.tagListing(c.s, c.p)
	exact := map[TagResource]bool{}
	for _, t := range l.all {
		exact[t] = true
	}
	seen, strangers := map[TagResource]bool{}, map[string]bool{}
	for _, t := range c.o.TagResources {
		switch {
		case seen[t]:
			c.hard(row, "TagResources", "each tag once", fmt.Sprintf("%s=%s of %s twice", t.Key, t.Value, t.ResourceID), "a tag twice", "ListTagResources lists a tag twice")
		case l.unsure[t.ResourceID] || exact[t]:
		case !c.s.enis.Has(t.ResourceID) && t.ResourceType == c.p.ev.r.Get("ResourceType"):
			strangers[t.ResourceID] = true // an ENI whose create is not observed yet, perhaps
		default:
			c.hard(row, "TagResources", "only the tags the ENIs carry", fmt.Sprintf("%s %s=%s (%s)", t.ResourceID, t.Key, t.Value, t.ResourceType),
				"a tag the ENI does not carry", "ListTagResources lists a tag that the ENI does not carry, or with another value or type")
		}
		seen[t] = true
	}
	if len(strangers) > l.pending {
		c.hard(row, "TagResources", "only the ENIs selected", fmt.Sprintf("%d unknown resources", len(strangers)), "unknown resources", "ListTagResources lists resources that do not exist or were not asked for")
	}
	if c.p.ev.r.Get("NextToken") == "" && len(l.unsure) == 0 && l.pending == 0 {
		c.firstTagPage(l.all, seen)
	}
}

// firstTagPage checks that a first page holds what it must.
func (c *checker) firstTagPage(all []TagResource, seen map[TagResource]bool) {
	const row = spec.AspectPostState
	page, next := tagPage(all, "")
	for _, t := range page {
		if !seen[t] {
			c.hard(row, "TagResources", fmt.Sprintf("%s=%s of %s listed", t.Key, t.Value, t.ResourceID), "absent", "a tag missing",
				"ListTagResources leaves out a tag the ENI carries")
		}
	}
	if (next == "") != (c.o.NextToken == "") {
		want := "none: this is the last page"
		if next != "" {
			want = "a token: more entries follow"
		}
		c.hard(row, "NextToken", want, strconv.Quote(c.o.NextToken), "wrong NextToken", "NextToken must be given exactly when more entries follow")
	}
}
