package oracle

import (
	"fmt"
	"strconv"

	"github.com/eniconform/eniconform/spec"
)

// listing is what a DescribeNetworkInterfaces request selects.
type listing struct {
	all          []eniRec // matching known ENIs in creation order, doubtful ones included
	doubtful     int      // how many of all may be gone
	pending      int      // how many unobserved creates may also match
	number, size int      // the page asked for
}

func (l *listing) page() []eniRec {
	from := (l.number - 1) * l.size
	if from >= len(l.all) || from < 0 {
		return nil
	}
	return l.all[from:min(from+l.size, len(l.all))]
}

func (m *Model) listing(s *State, p *Prediction) listing {
	e := p.ev
	l := listing{number: intParam(e.r, "PageNumber", 1), size: e.r.PageSize()}
	if e.region == nil || e.owner == "" {
		return l
	}
	f := e.filters()
	for _, rec := range s.lane(e.owner, e.region.ID) {
		switch f.match(s, m.Spec.Responses.ENIStatus, rec) {
		case yes:
			l.all = append(l.all, rec)
			if rec.Maybe {
				l.doubtful++
			}
		case maybe:
			l.all = append(l.all, rec)
			l.doubtful++
		}
	}
	l.pending, _ = s.pending.Get(LaneOf(e.owner, e.region.ID))
	return l
}

func intParam(r *Request, name string, def int) int {
	if v, ok := r.Param(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// described checks a DescribeNetworkInterfaces answer against the listing.
// With an uncertain lane, the count may vary within what the unobserved
// outcomes allow, and unknown IDs may appear up to the pending creates.
func (c *checker) described() {
	const row = spec.AspectPostState
	c.judged(row)
	l := c.m.listing(c.s, c.p)
	lo, hi := len(l.all)-l.doubtful, len(l.all)+l.pending
	if c.o.TotalCount < lo || c.o.TotalCount > hi {
		c.hard(row, "TotalCount", countRange(lo, hi), strconv.Itoa(c.o.TotalCount), "wrong TotalCount", "the listing does not count the ENIs that match")
	}
	known := map[string]eniRec{}
	for _, e := range l.all {
		known[e.ID] = e
	}
	seen, unknown := map[string]bool{}, 0
	for _, v := range c.o.ENIs {
		e, ok := known[v.NetworkInterfaceID]
		switch {
		case seen[v.NetworkInterfaceID]:
			c.hard(row, "listing", "each ENI once", v.NetworkInterfaceID+" twice", "an ENI twice", "the page lists an ENI twice")
		case ok:
			c.eniFields(e, v, e.IP != "", row)
		default:
			unknown++
		}
		seen[v.NetworkInterfaceID] = true
	}
	if unknown > l.pending {
		c.hard(row, "listing", "only ENIs that match", fmt.Sprintf("%d unknown ENIs", unknown), "unknown ENIs", "the page lists ENIs that do not exist or do not match the filter")
	}
	c.pageComplete(l, seen)
}

// pageComplete checks that a page holds what it must: when the whole
// listing fits in one page, every certain ENI; otherwise the right number.
func (c *checker) pageComplete(l listing, seen map[string]bool) {
	page := l.page()
	if l.doubtful > 0 || l.pending > 0 {
		return
	}
	if len(l.all) > l.size {
		if len(c.o.ENIs) != len(page) {
			c.hard(spec.AspectPostState, "listing", fmt.Sprintf("%d ENIs on page %d", len(page), l.number), strconv.Itoa(len(c.o.ENIs)), "a page of the wrong size",
				"the page holds the wrong number of ENIs")
		}
		return
	}
	for _, e := range page {
		if !seen[e.ID] {
			c.hard(spec.AspectPostState, "listing", e.ID+" listed", "absent", "a live ENI missing", "a live ENI that matches the filter is missing from the listing")
		}
	}
}

func countRange(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}
