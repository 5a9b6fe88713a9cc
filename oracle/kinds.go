package oracle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/spec"
)

// The generic kinds of rule: each takes its parameters from the rule's
// params (and Max or Value) in the spec data, so that a new rule of one of
// these kinds is data only. A rule reads only the values that meet their
// own constraints: a malformed value is its format rule's business, and
// must not break a second rule as well.

// validValues calls fn with every value of params that meets its
// constraints, until fn returns false.
func (e *eval) validValues(params []*spec.Param, fn func(p *spec.Param, v string) bool) {
	e.eachValue(params, func(p *spec.Param, v string) bool {
		return p.Constraints.Check(v) != "" || fn(p, v)
	})
}

// validGiven reports whether p has a value that meets its constraints.
func (e *eval) validGiven(p *spec.Param) bool {
	found := false
	e.validValues([]*spec.Param{p}, func(*spec.Param, string) bool { found = true; return false })
	return found
}

// checkNoneOf: none of the parameters is given (decision sg-forms).
func checkNoneOf(e *eval, r *boundRule) verdict {
	names := make([]string, len(r.params))
	for i, p := range r.params {
		if e.given(p) {
			return miss
		}
		names[i] = p.Name
	}
	return verdict{hit: yes, param: strings.Join(names, " or "), part: "none of " + strings.Join(names, ", ")}
}

// checkExclusive: two or more of the parameters are given.
func checkExclusive(e *eval, r *boundRule) verdict {
	var given []string
	for _, p := range r.params {
		if e.validGiven(p) {
			given = append(given, p.Name)
		}
	}
	if len(given) < 2 {
		return miss
	}
	return verdict{hit: yes, param: given[0], part: strings.Join(given, " with ")}
}

// checkDistinct: a value repeats among the parameters' values (addresses
// compare in canonical form, anything else as sent).
func checkDistinct(e *eval, r *boundRule) verdict {
	var buf [16]valueOf
	vals := e.collect(r.params, buf[:0])
	for i, x := range vals {
		for _, y := range vals[:i] {
			if x.v == y.v || x.ip && y.ip && canonicalIP(x.v) == canonicalIP(y.v) {
				return verdict{hit: yes, param: x.p.Name, part: x.p.Name + ": repeated"}
			}
		}
	}
	return miss
}

// checkCount: the items of the list parameters and the values of the
// integer ones add up to more than the rule's Max.
func checkCount(e *eval, r *boundRule) verdict {
	var buf [16]valueOf
	total := 0
	for _, x := range e.collect(r.params, buf[:0]) {
		if x.p.List() {
			total++
		} else if n, err := strconv.Atoi(x.v); err == nil {
			total += n
		}
	}
	if total <= r.Max {
		return miss
	}
	return verdict{hit: yes, part: "more than " + strconv.Itoa(r.Max)}
}

// valueOf is one valid value of a parameter (ip: an address, compared in
// canonical form).
type valueOf struct {
	p  *spec.Param
	v  string
	ip bool
}

// collect appends to buf the values of params that meet their constraints,
// in order, without a closure (the checks run on every prediction).
func (e *eval) collect(params []*spec.Param, buf []valueOf) []valueOf {
	for _, p := range params {
		ip := p.Constraints != nil && (p.Constraints.IPv4 || p.Constraints.IPv6)
		if !p.List() {
			if v, ok := e.param(p.Name); ok && p.Constraints.Check(v) == "" {
				buf = append(buf, valueOf{p, v, ip})
			}
			continue
		}
		for _, it := range e.items {
			if it.p == p && it.value != "" && p.Constraints.Check(it.value) == "" {
				buf = append(buf, valueOf{p, it.value, ip})
			}
		}
	}
	return buf
}

// checkEqual: the parameters, where given and valid, differ.
func checkEqual(e *eval, r *boundRule) verdict {
	vals := map[string]bool{}
	e.validValues(r.params, func(_ *spec.Param, v string) bool { vals[v] = true; return true })
	return verdict{hit: yes, param: r.params[0].Name, part: "unequal"}.when(len(vals) > 1)
}

// checkOnlyWith: the first parameter is given while the second does not
// have the rule's Value.
func checkOnlyWith(e *eval, r *boundRule) verdict {
	if !e.validGiven(r.params[0]) {
		return miss
	}
	v, _ := e.param(r.params[1].Name)
	return verdict{hit: yes, param: r.params[0].Name, part: r.params[0].Name + " without " + r.Value}.when(v != r.Value)
}

// checkKindData says what a rule of a generic kind needs in the data, so
// that NewModel refuses a rule that could never be judged right.
func checkKindData(r *boundRule) error {
	n := len(r.params)
	switch r.kind {
	case cNoneOf, cExclusive, cEqual:
		if n < 2 {
			return fmt.Errorf("%s (check %q) needs two parameters or more, has %d", r.ID, r.Check, n)
		}
	case cOnlyWith:
		if n != 2 || r.Value == "" {
			return fmt.Errorf("%s (check %q) needs two parameters and a value", r.ID, r.Check)
		}
	case cCount:
		if n == 0 || r.Max <= 0 {
			return fmt.Errorf("%s (check %q) needs parameters and a positive max", r.ID, r.Check)
		}
	case cDistinct, cFormat:
		if n == 0 {
			return fmt.Errorf("%s (check %q) needs parameters", r.ID, r.Check)
		}
	}
	return nil
}
