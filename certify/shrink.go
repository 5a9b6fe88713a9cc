package certify

import (
	"context"
	"maps"
	"slices"
)

// shrinkBudget bounds the driver calls spent shrinking one defect.
const shrinkBudget = 200

// shrink looks for a smaller call than first that still shows a defect
// (keep says which, and returns it): it tries, greedily and in a fixed
// order, the params without one parameter, a list without one item, a
// struct without one field, and strings cut in half or by one character,
// for at most shrinkBudget calls. It returns the smallest call found (first
// when nothing smaller shows the defect) and its defect.
func (r *runner) shrink(ctx context.Context, first called, keep func(called) (defect, bool)) (called, defect, error) {
	best := first
	d, _ := keep(first)
	cred := first.cred
	spent := 0
	for improved := true; improved && spent < shrinkBudget; {
		improved = false
		for _, p := range smallerParams(best.Call.Params) {
			if spent >= shrinkBudget {
				break
			}
			spent++
			try := best.Call
			try.Params = p
			c, err := r.call(ctx, cred, try)
			if err != nil {
				return best, d, err
			}
			if e, ok := keep(c); ok {
				best, d, improved = c, e, true
				break
			}
		}
	}
	return best, d, nil
}

// smallerParams lists the one-step simplifications of params, the biggest
// steps first.
func smallerParams(params map[string]any) []map[string]any {
	var out []map[string]any
	names := slices.Sorted(maps.Keys(params))
	for _, n := range names {
		p := maps.Clone(params)
		delete(p, n)
		out = append(out, p)
	}
	for _, n := range names {
		for _, v := range smaller(params[n]) {
			p := maps.Clone(params)
			p[n] = v
			out = append(out, p)
		}
	}
	return out
}

// smaller lists the one-step simplifications of a parameter value.
func smaller(v any) []any {
	var out []any
	switch v := v.(type) {
	case string:
		runes := []rune(v)
		if len(runes) > 1 {
			out = append(out, string(runes[:len(runes)/2]), string(runes[len(runes)/2:]))
		}
		if len(runes) > 1 && len(runes) <= 24 {
			for i := range runes {
				out = append(out, string(slices.Delete(slices.Clone(runes), i, i+1)))
			}
		}
	case []any:
		for i := range v {
			if len(v) > 1 {
				out = append(out, slices.Delete(slices.Clone(v), i, i+1))
			}
		}
		for i, e := range v {
			for _, s := range smaller(e) {
				c := slices.Clone(v)
				c[i] = s
				out = append(out, c)
			}
		}
	case map[string]any:
		keys := slices.Sorted(maps.Keys(v))
		for _, k := range keys {
			if len(v) > 1 {
				c := maps.Clone(v)
				delete(c, k)
				out = append(out, c)
			}
		}
		for _, k := range keys {
			for _, s := range smaller(v[k]) {
				c := maps.Clone(v)
				c[k] = s
				out = append(out, c)
			}
		}
	}
	return out
}
