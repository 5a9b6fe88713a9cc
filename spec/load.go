package spec

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

//go:embed profiles/*.json
var profileFS embed.FS

// The embedded profiles every command knows by name.
const (
	// BaseProfile is the 2018 document, the base the others compose on.
	// Library code handed no profile uses it (Default).
	BaseProfile = "2018-doc"
	// CurrentProfile is today's API, what the SDKs and Terraform send.
	CurrentProfile = "current"
	// DefaultProfile is the profile the commands (run, serve, replay,
	// gen, selftest) use when no --profile is given: the current one.
	DefaultProfile = CurrentProfile
)

var (
	loadOnce sync.Once
	loaded   map[string]*Profile
	loadErr  error
)

// Names lists the embedded profiles.
func Names() []string {
	entries, _ := profileFS.ReadDir("profiles")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	return names
}

// Get returns the embedded profile called name, loaded and validated once.
func Get(name string) (*Profile, error) {
	loadOnce.Do(func() {
		files := map[string][]byte{}
		for _, n := range Names() {
			data, err := profileFS.ReadFile("profiles/" + n + ".json")
			if err != nil {
				loadErr = errors.Join(loadErr, fmt.Errorf("profile %s: %w", n, err))
			}
			files[n] = data
		}
		var err error
		loaded, err = composeAll(files)
		loadErr = errors.Join(loadErr, err)
	})
	if loadErr != nil {
		return nil, loadErr
	}
	p, ok := loaded[name]
	if !ok {
		return nil, fmt.Errorf("spec: no profile %q (have %s)", name, strings.Join(Names(), ", "))
	}
	return p, nil
}

// Default returns the base profile (BaseProfile, the 2018 document), which
// library code uses when handed none; the commands default to
// DefaultProfile instead. It panics if the embedded data is invalid, which
// the package tests rule out.
func Default() *Profile { return Must(BaseProfile) }

// Must returns the embedded profile called name and panics if there is
// none or the data is invalid. Use it only for names the code itself
// knows (the constants above).
func Must(name string) *Profile {
	p, err := Get(name)
	if err != nil {
		panic(err)
	}
	return p
}

// Load parses and validates a profile. Unknown fields are errors, so a typo
// in a data file cannot silently drop a constraint.
func Load(data []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	p := &Profile{}
	if err := dec.Decode(p); err != nil {
		return nil, jsonError(data, err)
	}
	if err := p.index(); err != nil {
		return nil, err
	}
	return p, nil
}

// jsonError adds a line number to a decoding error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return fmt.Errorf("spec: %w", err)
	}
	return fmt.Errorf("spec: line %d: %w", bytes.Count(data[:off], []byte("\n"))+1, err)
}

// Overlay returns a copy of p with the JSON overlay merged in: objects merge
// field by field, the lists actions, params, rules, decisions and common
// merge by "id" or "name" (new entries are appended), anything else is
// replaced. The result is validated like a loaded profile.
func (p *Profile) Overlay(overlay []byte) (*Profile, error) {
	base, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var b, o any
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(overlay, &o); err != nil {
		return nil, fmt.Errorf("spec: overlay: %w", jsonError(overlay, err))
	}
	if _, ok := o.(map[string]any); !ok {
		return nil, errors.New("spec: overlay: want a JSON object at the top")
	}
	merged, err := json.Marshal(merge(b, o))
	if err != nil {
		return nil, err
	}
	q, err := Load(merged)
	if err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	return q, nil
}

func merge(base, over any) any {
	switch o := over.(type) {
	case map[string]any:
		b, ok := base.(map[string]any)
		if !ok {
			return o
		}
		out := make(map[string]any, len(b))
		for k, v := range b {
			out[k] = v
		}
		for k, v := range o {
			out[k] = merge(b[k], v)
		}
		return out
	case []any:
		b, ok := base.([]any)
		if !ok || !keyed(o) || !keyed(b) {
			return o
		}
		out := append([]any(nil), b...)
	next:
		for _, item := range o {
			for i, have := range out {
				if key(have) == key(item) {
					out[i] = merge(have, item)
					continue next
				}
			}
			out = append(out, item)
		}
		return out
	}
	return over
}

func keyed(list []any) bool {
	for _, item := range list {
		if key(item) == "" {
			return false
		}
	}
	return true
}

func key(item any) string {
	m, ok := item.(map[string]any)
	if !ok {
		return ""
	}
	for _, k := range []string{"id", "name"} {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// Edit returns a validated copy of p changed by fn. fn may change anything;
// p itself is never touched. Fault injection builds its faulty profiles so.
func (p *Profile) Edit(fn func(*Profile)) (*Profile, error) {
	data, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	q, err := Load(data)
	if err != nil {
		return nil, err
	}
	fn(q)
	if err := q.index(); err != nil {
		return nil, err
	}
	return q, nil
}

// index validates the profile and builds its lookup tables.
func (p *Profile) index() error {
	var errs []error
	if p.Name == "" || p.Version == "" || p.Subject == "" {
		errs = append(errs, errors.New("name, version and subject are required"))
	}
	errs = append(errs, p.indexActions()...)
	errs = append(errs, p.indexGateway()...)
	errs = append(errs, p.indexRules()...)
	errs = append(errs, p.indexAspects()...)
	errs = append(errs, p.indexResponses()...)
	for i, d := range p.Decisions {
		if d.ID == "" || d.Text == "" || !d.Provenance.valid() {
			errs = append(errs, fmt.Errorf("decisions[%d]: id, text and a valid provenance are required", i))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("spec %q: %w", p.Name, errors.Join(errs...))
	}
	return nil
}

func (p *Profile) indexActions() []error {
	var errs []error
	p.actionByName = map[string]*Action{}
	for i, a := range p.Actions {
		if a == nil || a.Name == "" {
			errs = append(errs, fmt.Errorf("actions[%d]: name is required", i))
			continue
		}
		if p.actionByName[a.Name] != nil {
			errs = append(errs, fmt.Errorf("actions[%d]: duplicate action %q", i, a.Name))
		}
		p.actionByName[a.Name] = a
		errs = append(errs, a.index(i)...)
	}
	if p.actionByName[p.Subject] == nil {
		errs = append(errs, fmt.Errorf("subject %q is not among the actions", p.Subject))
	}
	return errs
}

// indexGateway checks the common parameters and limits, and lets every
// action accept the common parameters.
func (p *Profile) indexGateway() []error {
	var errs []error
	p.commonByName, p.commonByHdr = map[string]*Common{}, map[string]*Common{}
	for i, c := range p.Gateway.Common {
		if c == nil || c.Name == "" {
			errs = append(errs, fmt.Errorf("gateway.common[%d]: name is required", i))
			continue
		}
		for _, v := range []string{c.V1, c.V3} {
			if v != "required" && v != "optional" {
				errs = append(errs, fmt.Errorf("gateway.common[%d] (%s): v1 and v3 must be \"required\" or \"optional\", not %q", i, c.Name, v))
			}
		}
		p.commonByName[c.Name] = c
		if c.Header != "" {
			p.commonByHdr[strings.ToLower(c.Header)] = c
		}
	}
	g := &p.Gateway
	if g.TimestampLayout == "" || g.TimestampWindowS <= 0 || g.NonceWindowS <= 0 || g.MaxRequestBytes <= 0 || g.TokenRetention <= 0 {
		errs = append(errs, errors.New("gateway: timestamp_layout, timestamp_window_seconds, nonce_window_seconds, max_request_bytes and token_retention are required"))
	}
	for _, a := range p.actionByName {
		a.accepts = map[string]bool{}
		for name := range p.commonByName {
			a.accepts[name] = true
		}
		for name, prm := range a.paramByName {
			a.accepts[name] = !prm.List() && prm.Unsupported == ""
		}
	}
	return errs
}

func (p *Profile) indexResponses() []error {
	var errs []error
	compile := func(field, expr string) *regexp.Regexp {
		re, err := regexp.Compile(expr)
		if err != nil || expr == "" {
			errs = append(errs, fmt.Errorf("responses.%s: bad pattern %q", field, expr))
		}
		return re
	}
	p.eniID = compile("eni_id_pattern", p.Responses.ENIIDPattern)
	p.requestID = compile("request_id_pattern", p.Responses.RequestIDPattern)
	p.mac = compile("mac_pattern", p.Responses.MACPattern)
	for _, f := range []string{"JSON", "XML"} {
		if p.Responses.ContentTypes[f] == "" {
			errs = append(errs, fmt.Errorf("responses.content_types.%s is required", f))
		}
	}
	return errs
}

func (a *Action) index(i int) []error {
	var errs []error
	a.paramByName, a.lists, a.items = map[string]*Param{}, nil, map[string]itemRef{}
	if !a.Provenance.valid() {
		errs = append(errs, fmt.Errorf("actions[%d] (%s): provenance %q is not one of seed, later-doc, sibling-doc, live-observation, inferred", i, a.Name, a.Provenance))
	}
	for j, p := range a.Params {
		where := fmt.Sprintf("actions[%d].params[%d]", i, j)
		switch {
		case p == nil || p.Name == "":
			errs = append(errs, fmt.Errorf("%s: name is required", where))
			continue
		case a.paramByName[p.Name] != nil:
			errs = append(errs, fmt.Errorf("%s: duplicate parameter %q", where, p.Name))
		case !p.Provenance.valid():
			errs = append(errs, fmt.Errorf("%s (%s): bad provenance %q", where, p.Name, p.Provenance))
		case p.List() && (!strings.HasSuffix(p.Name, ".N") && !strings.Contains(p.Name, ".N.") || p.MaxItems < 1):
			errs = append(errs, fmt.Errorf("%s (%s): a RepeatList is named X.N (or X.N.Y) and needs max_items", where, p.Name))
		case p.Unsupported != "" && p.Required:
			errs = append(errs, fmt.Errorf("%s (%s): a refused parameter cannot be required", where, p.Name))
		}
		switch p.Type {
		case "String", "Integer", "Boolean", "RepeatList":
		default:
			errs = append(errs, fmt.Errorf("%s (%s): type %q is not String, Integer, Boolean or RepeatList", where, p.Name, p.Type))
		}
		if p.List() && p.Unsupported == "" {
			a.lists = append(a.lists, p)
			for i := 1; i <= p.MaxItems; i++ {
				a.items[p.Item(i)] = itemRef{p, i}
			}
		}
		if p.Constraints != nil {
			if err := p.Constraints.compile(); err != nil {
				errs = append(errs, fmt.Errorf("%s (%s): %w", where, p.Name, err))
			}
		}
		a.paramByName[p.Name] = p
	}
	return errs
}

func (p *Profile) indexRules() []error {
	var errs []error
	p.ruleByID, p.statusByCode = map[string]*Rule{}, map[string]int{}
	ranks := map[int]string{}
	families := map[string]bool{}
	for _, f := range Families {
		families[f] = true
	}
	for i, r := range p.Rules {
		where := fmt.Sprintf("rules[%d]", i)
		if r == nil || r.ID == "" {
			errs = append(errs, fmt.Errorf("%s: id is required", where))
			continue
		}
		where += " (" + r.ID + ")"
		switch {
		case p.ruleByID[r.ID] != nil:
			errs = append(errs, fmt.Errorf("%s: duplicate id", where))
		case r.Code == "" || r.Check == "" || r.Message == "" || r.Title == "":
			errs = append(errs, fmt.Errorf("%s: title, code, check and message are required", where))
		case r.HTTP < 400 || r.HTTP > 599:
			errs = append(errs, fmt.Errorf("%s: http %d is not an error status", where, r.HTTP))
		case r.Rank <= 0:
			errs = append(errs, fmt.Errorf("%s: rank must be positive", where))
		case !r.Provenance.valid():
			errs = append(errs, fmt.Errorf("%s: provenance %q is not one of seed, later-doc, sibling-doc, live-observation, inferred", where, r.Provenance))
		case r.Source == "":
			errs = append(errs, fmt.Errorf("%s: source is required", where))
		case !families[r.Family]:
			errs = append(errs, fmt.Errorf("%s: family %q is not one of %v", where, r.Family, Families))
		}
		for _, a := range r.Actions {
			if p.actionByName[a] == nil {
				errs = append(errs, fmt.Errorf("%s: unknown action %q", where, a))
			}
		}
		for _, name := range r.Params {
			if !p.paramSomewhere(name, r) {
				errs = append(errs, fmt.Errorf("%s: parameter %q is not in its actions", where, name))
			}
		}
		if other, ok := ranks[r.Rank]; ok {
			errs = append(errs, fmt.Errorf("%s: rank %d is also %s's: precedence would depend on the order of the file", where, r.Rank, other))
		}
		ranks[r.Rank] = r.ID
		for j, alt := range r.Alternatives {
			if alt.Code == "" || alt.HTTP < 400 || alt.HTTP > 599 || alt.Source == "" {
				errs = append(errs, fmt.Errorf("%s: alternatives[%d]: code, an error status and source are required", where, j))
			}
		}
		if s, ok := p.statusByCode[r.Code]; ok && s != r.HTTP {
			errs = append(errs, fmt.Errorf("%s: code %s has HTTP %d here but %d in another rule", where, r.Code, r.HTTP, s))
		}
		p.statusByCode[r.Code] = r.HTTP
		p.ruleByID[r.ID] = r
	}
	p.byRank = append([]*Rule(nil), p.Rules...)
	sort.SliceStable(p.byRank, func(i, j int) bool { return p.byRank[i].Rank < p.byRank[j].Rank })
	return errs
}

func (p *Profile) paramSomewhere(name string, r *Rule) bool {
	for _, a := range p.Actions {
		if r.AppliesTo(a.Name) && a.Param(name) != nil {
			return true
		}
	}
	return false
}
