package spec

import (
	"strconv"
	"strings"
)

// Action returns the action called name, or nil.
func (p *Profile) Action(name string) *Action { return p.actionByName[name] }

// Rule returns the rule with the given id, or nil.
func (p *Profile) Rule(id string) *Rule { return p.ruleByID[id] }

// MustRule returns the rule with the given id and panics if there is none.
// Use it only for ids that the package's own code names.
func (p *Profile) MustRule(id string) *Rule {
	r := p.ruleByID[id]
	if r == nil {
		panic("spec: profile " + p.Name + " has no rule " + id)
	}
	return r
}

// RulesByRank returns every rule in strict precedence order (lowest rank
// first). The slice is shared: do not modify it.
func (p *Profile) RulesByRank() []*Rule { return p.byRank }

// Status returns the HTTP status that goes with an error code: the status of
// the rule whose primary code it is. It is the one code → status table that
// both the emulator and the client side use.
func (p *Profile) Status(code string) (int, bool) {
	s, ok := p.statusByCode[code]
	return s, ok
}

// Common returns the common parameter called name, or nil.
func (p *Profile) Common(name string) *Common { return p.commonByName[name] }

// CommonByHeader returns the common parameter carried by an ACS3 header
// (any case), or nil.
func (p *Profile) CommonByHeader(header string) *Common {
	return p.commonByHdr[strings.ToLower(header)]
}

// ENIIDValid reports whether id has the form of a server-chosen ENI ID.
func (p *Profile) ENIIDValid(id string) bool { return p.eniID.MatchString(id) }

// RequestIDValid reports whether id has the form of a RequestId.
func (p *Profile) RequestIDValid(id string) bool { return p.requestID.MatchString(id) }

// MACValid reports whether mac has the form of an ENI MAC address.
func (p *Profile) MACValid(mac string) bool { return p.mac.MatchString(mac) }

// ContentType returns the Content-Type the official SDKs require for format
// ("JSON" or "XML").
func (p *Profile) ContentType(format string) string { return p.Responses.ContentTypes[format] }

// Param returns the parameter that accepts the wire name, or nil. For a
// RepeatList it accepts its table name ("X.N", "Tag.N.Key") and the items
// X.1 … X.max_items; a refused parameter (Unsupported) is never returned.
func (a *Action) Param(name string) *Param {
	if p := a.paramByName[name]; p != nil && p.Unsupported == "" && (!p.List() || strings.Contains(name, ".N")) {
		return p // a plain parameter, or a list's own table name
	}
	if it, ok := a.items[name]; ok {
		return it.p // X.1 … X.max_items: precomputed, since Param is on every prediction's path
	}
	return nil // the bare X of a RepeatList, or an index out of range, is not a parameter (decision repeat-list)
}

// itemRef is a list item's parameter and index.
type itemRef struct {
	p     *Param
	index int
}

// Item returns the list parameter and index of a list item's wire name
// ("Tag.3.Key" → Tag.N.Key, 3), or nil and 0.
func (a *Action) Item(name string) (*Param, int) {
	it := a.items[name]
	return it.p, it.index
}

// Refused returns the table entry of a parameter the profile refuses on
// purpose, with its reason, or nil.
func (a *Action) Refused(name string) *Param {
	if p := a.paramByName[name]; p != nil && p.Unsupported != "" {
		return p
	}
	if pattern, _, ok := listPattern(name); ok {
		if p := a.paramByName[pattern]; p != nil && p.Unsupported != "" {
			return p
		}
	}
	return nil
}

// ItemIndex returns the index of a list item's wire name ("Tag.3.Key" → 3),
// 0 when the name is not one.
func ItemIndex(name string) int {
	_, idx, _ := listPattern(name)
	return idx
}

// Lists returns the action's supported RepeatList parameters.
func (a *Action) Lists() []*Param { return a.lists }

// Accepts reports whether name may appear in a request for the action: a
// common parameter or one of the action's own (decision
// common-params-any-scheme).
func (a *Action) Accepts(name string) bool {
	return a.accepts[name] || a.Param(name) != nil
}

// Required returns the action's required parameters, those the gateway
// checks (Action) excluded.
func (a *Action) Required() []*Param {
	var out []*Param
	for _, p := range a.Params {
		if p.Required && !p.Gateway {
			out = append(out, p)
		}
	}
	return out
}

// listPattern turns the wire name of a list item into its table name and
// index: "Tag.3.Key" → ("Tag.N.Key", 3), "X.2" → ("X.N", 2). The index is
// the first segment after the first that is a number without a leading
// zero or sign.
func listPattern(name string) (string, int, bool) {
	start := strings.IndexByte(name, '.')
	for start > 0 && start < len(name)-1 {
		end := strings.IndexByte(name[start+1:], '.')
		if end < 0 {
			end = len(name)
		} else {
			end += start + 1
		}
		seg := name[start+1 : end]
		if seg != "" && seg[0] >= '1' && seg[0] <= '9' && strings.Trim(seg, "0123456789") == "" {
			idx, err := strconv.Atoi(seg)
			return name[:start+1] + "N" + name[end:], idx, err == nil
		}
		start = end
	}
	return "", 0, false
}
