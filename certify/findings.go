package certify

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// maxFindingsPerRow caps the findings reported under one row; more are
// counted, not reported.
const maxFindingsPerRow = 10

// defect is one divergence seen in one call: the row it counts against,
// its kind, the class that tells it apart from others of its kind, and
// this call's particulars.
type defect struct {
	Row    string
	Kind   string // what went wrong, in a few words: "Description mangled", "code not surfaced"
	Class  string // e.g. "'*' lost"; for an encoding defect found by its trigger, the trigger's features
	Detail string // the call's own want and got, for the report
}

// signature identifies the defect: row × kind × class. Two calls with the
// same signature show the same defect of the SDK.
func (d defect) signature() string { return d.Row + " | " + d.Kind + " | " + d.Class }

// headline is the finding's stable one-line title.
func (d defect) headline() string {
	if d.Class == "" {
		return d.Row + ": " + d.Kind
	}
	return d.Row + ": " + d.Kind + " (" + d.Class + ")"
}

// finding is one defect of the SDK, reported once for the run with the
// number of calls that showed it and one minimal example.
type finding struct {
	defect
	Cases    int
	Example  called
	Shrunk   bool
	From     int      // parameters of the first example, before shrinking
	Trigger  []string // encoding: the features of the minimal example's parameters
	File     string
	Property string // the property that first showed it
}

// findings collects the findings of a run, by signature, at most
// maxFindingsPerRow per row.
type findings struct {
	bySig  map[string]*finding
	order  []*finding
	perRow map[string]int
	over   map[string]int // row → defects past the cap
}

func newFindings() *findings {
	return &findings{bySig: map[string]*finding{}, perRow: map[string]int{}, over: map[string]int{}}
}

// add records one sighting of d in call c: a new finding (c its example),
// or one more case of a known one, whose example becomes c when c has
// fewer parameters.
func (fs *findings) add(d defect, c called) *finding {
	if f := fs.bySig[d.signature()]; f != nil {
		f.Cases++
		if !f.Shrunk && len(c.Call.Params) < len(f.Example.Call.Params) {
			f.Example, f.Detail = c, d.Detail
		}
		return f
	}
	if fs.perRow[d.Row] >= maxFindingsPerRow {
		fs.over[d.Row]++
		return nil
	}
	f := &finding{defect: d, Cases: 1, Example: c, From: len(c.Call.Params)}
	fs.bySig[d.signature()], fs.order = f, append(fs.order, f)
	fs.perRow[d.Row]++
	return f
}

// explained returns the finding of row and kind whose trigger features are
// all among features: a call that shows the defect of such a finding is
// counted as one more case of it, without shrinking. nil when none.
func (fs *findings) explained(row, kind string, features []string) *finding {
	for _, f := range fs.order {
		if f.Row == row && f.Kind == kind && f.Trigger != nil && containsAll(features, f.Trigger) {
			return f
		}
	}
	return nil
}

// ofRow returns the findings of row, in the order found.
func (fs *findings) ofRow(row string) []*finding {
	var out []*finding
	for _, f := range fs.order {
		if f.Row == row {
			out = append(out, f)
		}
	}
	return out
}

// containsAll reports whether set holds every element of sub.
func containsAll(set, sub []string) bool {
	for _, s := range sub {
		if !slices.Contains(set, s) {
			return false
		}
	}
	return true
}

// fileName is the case file of a finding: its row and a hash of its
// signature.
func (f *finding) fileName() string {
	sum := sha256.Sum256([]byte(f.signature()))
	return f.Row + "-" + hex.EncodeToString(sum[:4]) + ".json"
}
