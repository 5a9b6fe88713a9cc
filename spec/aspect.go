package spec

import (
	"errors"
	"fmt"
	"slices"
)

// Aspect is a verdict row that is not an error rule. A run judges every
// answer on independent aspects, so that one defect never hides another:
// the outcome (success or error, code, HTTP status), which decides the
// verdict of the rule the request exercises, and the cross-cutting checks
// below, each with a verdict of its own.
//
// An outcome aspect is a behaviour that no error rule states: a valid
// request succeeds, an idempotent replay returns the first ENI, a request
// breaking several rules is refused by the first in precedence. A
// cross-cutting aspect is checked on every answer it applies to (format,
// envelope, ID patterns, …) and reported once per run.
type Aspect struct {
	ID           string     `json:"id"`
	Title        string     `json:"title"` // what a conforming target does, in a few words
	Family       string     `json:"family"`
	CrossCutting bool       `json:"cross_cutting,omitempty"`
	Soft         bool       `json:"soft,omitempty"` // its divergences fail a run only with strict precedence
	Provenance   Provenance `json:"provenance"`
	Source       string     `json:"source"`
}

// The aspects the engine judges. A profile must define each of them
// (package oracle refuses one that does not), so that every verdict row
// has its title and provenance in the data.
const (
	AspectValid      = "valid"       // a valid request succeeds
	AspectReplay     = "idem.replay" // a replay with the same token and parameters returns the first ENI
	AspectPrecedence = "precedence"  // several broken rules: the first in precedence answers
	AspectAnswer     = "check.answer"
	AspectFormat     = "check.format"
	AspectEnvelope   = "check.envelope"
	AspectRequestID  = "check.request-id"
	AspectENIID      = "check.eni-id"
	AspectENIFields  = "check.eni-fields"
	AspectChosenIP   = "check.chosen-ip"
	AspectPostState  = "check.post-state"
)

// EngineAspects lists the aspects the engine judges, in report order.
var EngineAspects = []string{AspectValid, AspectReplay, AspectPrecedence, AspectAnswer, AspectFormat, AspectEnvelope,
	AspectRequestID, AspectENIID, AspectENIFields, AspectChosenIP, AspectPostState}

// Aspect returns the aspect with the given id, or nil.
func (p *Profile) Aspect(id string) *Aspect { return p.aspectByID[id] }

// indexAspects validates the aspects: ids unique and not a rule's, the
// engine's all present, families and provenance known.
func (p *Profile) indexAspects() []error {
	var errs []error
	p.aspectByID = map[string]*Aspect{}
	for i, a := range p.Aspects {
		where := fmt.Sprintf("aspects[%d]", i)
		switch {
		case a == nil || a.ID == "":
			errs = append(errs, fmt.Errorf("%s: id is required", where))
			continue
		case p.aspectByID[a.ID] != nil || p.ruleByID[a.ID] != nil:
			errs = append(errs, fmt.Errorf("%s (%s): the id is taken by another aspect or rule", where, a.ID))
		case a.Title == "" || a.Source == "":
			errs = append(errs, fmt.Errorf("%s (%s): title and source are required", where, a.ID))
		case !a.Provenance.valid():
			errs = append(errs, fmt.Errorf("%s (%s): provenance %q is not one of seed, later-doc, sibling-doc, live-observation, inferred", where, a.ID, a.Provenance))
		case !slices.Contains(Families, a.Family):
			errs = append(errs, fmt.Errorf("%s (%s): family %q is not one of %v", where, a.ID, a.Family, Families))
		}
		p.aspectByID[a.ID] = a
	}
	var missing []string
	for _, id := range EngineAspects {
		if p.aspectByID[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		errs = append(errs, errors.New("aspects: the engine judges "+fmt.Sprint(missing)+", which the profile does not define"))
	}
	return errs
}
