package harness

import (
	"fmt"
	"slices"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/spec"
	"pgregory.net/rapid"
)

// Kind says how a property is checked.
type Kind uint8

// Kinds of property.
const (
	Explore  Kind = iota // independent cases, drawn in parallel, the first failure shrunk
	Stateful             // rapid's state machine, one sequence at a time
)

// Property is one claim about the target, in words a bug report would use,
// checked on the cases Cases draws from a world.
type Property struct {
	Family string
	Name   string
	Rule   *spec.Rule // the rule the property is about; nil for others
	Rows   []string   // the verdict rows (rules, aspects) the property is about
	Labels []string   // Ginkgo labels: the family, "rule:<id>", …
	Kind   Kind
	Needs  string // an auxiliary action the property needs the target to implement
	Costly bool   // each case fills a limit first: a tenth of Checks are drawn
	// Format and Scheme are what the property is about, when it is about a
	// sending ("none": no Format): a run that --format or --signature
	// restricts otherwise does not exercise it.
	Format, Scheme string
	Unreachable    string // why no request can show it (the property is skipped)
	Cases          func(e *generators.Env) (*rapid.Generator[generators.Case], error)
}

// The families besides the rule families of the spec.
const (
	FamilyFormats   = "formats"
	FamilyStateful  = "stateful"
	FamilyPostState = "post-state"
)

// Catalogue lists every property for a profile, by family in report order:
// one per rule (the unreachable ones skipped with their reason), then valid
// requests, precedence, replays, response formats, the state machine and
// Describe after Create.
func Catalogue(p *spec.Profile) []*Property {
	var out []*Property
	for _, r := range p.RulesByRank() {
		out = append(out, ruleProperty(p, r))
	}
	out = append(out, others(p)...)
	for _, prop := range out {
		prop.Labels = append([]string{ProfileLabel(p.Name)}, prop.Labels...) // first: the last label names the property
	}
	sortByFamily(out)
	return out
}

func sortByFamily(props []*Property) {
	order := append(slices.Clone(spec.Families), FamilyStateful, FamilyPostState)
	slices.SortStableFunc(props, func(a, b *Property) int { return slices.Index(order, a.Family) - slices.Index(order, b.Family) })
}

// ProfileLabel is the label of the properties of a profile.
func ProfileLabel(profile string) string { return "profile:" + profile }

// CatalogueAll lists the properties of every embedded profile, once each:
// a property of several profiles (the same rule, or the same aspect) is
// taken from the default profile and labelled with every profile that has
// it, so that a run selects its own with ProfileLabel. Use it where the
// list must be fixed before the profile is known (a Ginkgo tree).
func CatalogueAll() []*Property {
	var out []*Property
	byKey := map[string]*Property{}
	names := append([]string{spec.DefaultProfile}, slices.DeleteFunc(spec.Names(), func(n string) bool { return n == spec.DefaultProfile })...)
	for _, name := range names {
		for _, prop := range Catalogue(spec.Must(name)) {
			k := propertyKey(prop)
			if have := byKey[k]; have != nil {
				have.Labels = append([]string{ProfileLabel(name)}, have.Labels...)
				continue
			}
			byKey[k] = prop
			out = append(out, prop)
		}
	}
	sortByFamily(out)
	return out
}

// propertyKey identifies a property across profiles: its rule, or its
// name for the others.
func propertyKey(p *Property) string {
	if p.Rule != nil {
		return "rule:" + p.Rule.ID
	}
	return p.Name
}

func ruleProperty(p *spec.Profile, r *spec.Rule) *Property {
	prop := &Property{Family: r.Family, Rule: r, Rows: []string{r.ID}, Labels: []string{r.Family, "rule:" + r.ID},
		Name: fmt.Sprintf("%s is refused with %s (HTTP %d)", r.Title, r.Code, r.HTTP), Costly: generators.Fills(r.ID)}
	if !r.Reachable() {
		prop.Name = fmt.Sprintf("%s (%s, HTTP %d) cannot be provoked", r.Title, r.Code, r.HTTP)
		prop.Unreachable = r.Unreachable
	}
	for _, a := range r.Actions {
		if !r.AppliesTo(p.Subject) && prop.Needs == "" {
			prop.Needs = a // a rule of other actions only: the target must have the first
		}
	}
	id := r.ID
	prop.Cases = func(e *generators.Env) (*rapid.Generator[generators.Case], error) { return e.ForRule(id) }
	return prop
}

func others(p *spec.Profile) []*Property {
	format := func(name, sendsFormat, scheme string, change func(*generators.Step)) *Property {
		return &Property{Family: FamilyFormats, Name: name, Rows: []string{spec.AspectFormat}, Labels: []string{FamilyFormats},
			Format: sendsFormat, Scheme: scheme,
			Cases: func(e *generators.Env) (*rapid.Generator[generators.Case], error) {
				g, err := e.AnyRule()
				if err != nil {
					return nil, err
				}
				return generators.WithSend(g, change), nil
			}}
	}
	props := []*Property{
		{Family: "parameters", Name: "a valid CreateNetworkInterface succeeds with a new, well-formed NetworkInterfaceId",
			Rows: []string{spec.AspectValid}, Labels: []string{"parameters", "valid"}, Cases: (*generators.Env).Valid},
		{Family: "parameters", Name: "a request breaking several rules is refused by one of them (by the first in precedence, strictly)",
			Rows: []string{spec.AspectPrecedence}, Labels: []string{"parameters", "precedence"}, Cases: (*generators.Env).Multi},
		{Family: "idempotency", Name: "a replay with the same ClientToken and parameters returns the same ENI and creates nothing",
			Rows: []string{spec.AspectReplay}, Labels: []string{"idempotency", "replay"}, Cases: (*generators.Env).Replay},
		format("Format=XML is answered in XML with Content-Type text/xml;charset=utf-8", "XML", "", func(s *generators.Step) {
			s.Send.Format = "XML"
		}),
		format("Format=JSON is answered in JSON with Content-Type application/json;charset=utf-8", "JSON", "", func(s *generators.Step) {
			s.Send.Format = "json"
		}),
		format("an ACS3 request without Format is answered in JSON", "none", "v3", func(s *generators.Step) {
			if s.SchemeFree() {
				s.Send.Scheme, s.Send.FormBody = "v3", false
			}
			s.Send.Format = ""
		}),
		format("a V1 request without Format is answered in XML, the documented default", "none", "v1", func(s *generators.Step) {
			if s.SchemeFree() {
				s.Send.Scheme = ""
			}
			s.Send.Format = ""
		}),
		{Family: FamilyStateful, Name: "sequences of creates, deletes, replays and describes agree with the model",
			Labels: []string{FamilyStateful}, Kind: Stateful, Needs: "DescribeNetworkInterfaces"},
		{Family: FamilyPostState, Name: "DescribeNetworkInterfaces after a create shows the ENI as it was created",
			Rows: []string{spec.AspectPostState}, Labels: []string{FamilyPostState}, Needs: "DescribeNetworkInterfaces", Cases: (*generators.Env).CreateThenDescribe},
	}
	if p.Action(generators.ActionModify) != nil {
		props = append(props, &Property{Family: FamilyPostState,
			Name: "DescribeNetworkInterfaces and ListTagResources after a Modify, a Tag or Untag, an Assign or Unassign show the ENI as they left it",
			Rows: []string{spec.AspectValid, spec.AspectPostState}, Labels: []string{FamilyPostState, "changes"}, Needs: generators.ActionModify,
			Cases: (*generators.Env).ChangeThenList})
	}
	return props
}
