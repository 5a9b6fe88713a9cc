package certify

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/eniconform/eniconform/sdkdriver"
	"github.com/eniconform/eniconform/spec"
)

// certificationJSON is the data of an SDK certification: its verdict rows,
// the shapes of the structured parameters it sends, the scripted answers
// and the SDKs' documented retry policies, each with its source.
//
//go:embed certification.json
var certificationJSON []byte

// The families of the rows, in report order.
const (
	FamilyEncoding  = "encoding"
	FamilySurfacing = "surfacing"
	FamilyTransport = "transport"
)

// Families lists the families of an SDK certification in report order.
var Families = []string{FamilyEncoding, FamilySurfacing, FamilyTransport}

// The transport rows, which the transport checks name.
const (
	RowDefaultAttempts = "transport.default-attempts"
	RowAttemptsOption  = "transport.attempts-option"
	RowIdempotency     = "transport.idempotency"
	RowTimeout         = "transport.timeout"
	RowReset           = "transport.reset"
	RowEmptyValues     = "encoding.empty-values"
)

// The parts of an answer a surfacing row judges.
const (
	PartSuccess   = "success"
	PartCode      = "code"
	PartStatus    = "status"
	PartMessage   = "message"
	PartRequestID = "request-id"
)

// errorParts are the parts of an API error, judged apart.
var errorParts = []string{PartCode, PartStatus, PartMessage, PartRequestID}

// Row is one verdict row of an SDK certification. It is not a rule of the
// server profile: `eniconform run` never shows it.
type Row struct {
	ID         string          `json:"id"`
	Family     string          `json:"family"`
	Title      string          `json:"title"`
	Provenance spec.Provenance `json:"provenance"`
	Source     string          `json:"source"`
	// Mode is the sending an encoding row is about (signature, method,
	// body); nil for the empty-values row.
	Mode *sdkdriver.Options `json:"mode,omitempty"`
	// Format and Part say which answers a surfacing row judges.
	Format string `json:"format,omitempty"`
	Part   string `json:"part,omitempty"`
}

// Script is an answer the bench plays instead of the emulator's.
type Script struct {
	ID      string `json:"id"`
	What    string `json:"what"` // in words, for reports
	Code    string `json:"code,omitempty"`
	HTTP    int    `json:"http,omitempty"`
	Message string `json:"message,omitempty"`
	Reset   bool   `json:"reset,omitempty"` // reset the connection instead of answering
	Slow    bool   `json:"slow,omitempty"`  // answer only after the call's timeout
	Source  string `json:"source"`
}

// Policy is an SDK's documented retry policy.
type Policy struct {
	SDK             string `json:"sdk"` // as the driver's hello names it
	DefaultAttempts int    `json:"default_attempts"`
	Source          string `json:"source"`
}

// Data is the parsed certification.json.
type Data struct {
	Rows   []Row `json:"rows"`
	Shapes struct {
		Source string         `json:"source"`
		Params map[string]any `json:"params"`
	} `json:"shapes"`
	Scripts  []Script `json:"scripts"`
	Policies []Policy `json:"policies"`
}

var (
	dataOnce sync.Once
	data     *Data
	dataErr  error
)

// Certification returns the embedded data, parsed and validated once. An
// error means the embedded file is broken (a test keeps it from shipping).
func Certification() (*Data, error) {
	dataOnce.Do(func() { data, dataErr = parseData(certificationJSON) })
	return data, dataErr
}

// parseData decodes and validates certification data.
func parseData(b []byte) (*Data, error) {
	var d Data
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("certify: certification.json: %w", err)
	}
	if err := d.validate(); err != nil {
		return nil, fmt.Errorf("certify: certification.json: %w", err)
	}
	return &d, nil
}

// validate checks that every row has a known family, a provenance and a
// source, ids are unique, the rows the code names exist, and every shape
// is a type Flatten knows.
func (d *Data) validate() error {
	seen := map[string]bool{}
	for i, r := range d.Rows {
		switch {
		case r.ID == "" || seen[r.ID]:
			return fmt.Errorf("rows[%d]: id %q is empty or repeated", i, r.ID)
		case !slices.Contains(Families, r.Family):
			return fmt.Errorf("row %s: family %q is not one of %v", r.ID, r.Family, Families)
		case r.Title == "" || r.Source == "" || !validProvenance(r.Provenance):
			return fmt.Errorf("row %s: title, source and a provenance of the spec's are required", r.ID)
		case r.Family == FamilySurfacing && (r.Format == "" || r.Part == ""):
			return fmt.Errorf("row %s: a surfacing row needs a format and a part", r.ID)
		}
		seen[r.ID] = true
	}
	for _, id := range []string{RowDefaultAttempts, RowAttemptsOption, RowIdempotency, RowTimeout, RowReset, RowEmptyValues} {
		if !seen[id] {
			return fmt.Errorf("the row %s is missing", id)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Shapes.Params)) {
		if err := checkShape(d.Shapes.Params[name]); err != nil {
			return fmt.Errorf("shapes.%s: %w", name, err)
		}
	}
	return nil
}

// validProvenance reports whether p is one of the spec's provenances.
func validProvenance(p spec.Provenance) bool {
	return slices.Contains([]spec.Provenance{spec.Seed, spec.LaterDoc, spec.SiblingDoc, spec.LiveObservation, spec.Inferred}, p)
}

// checkShape fails unless shape is "string", "integer", "boolean", a list
// of one shape, or an object of shapes.
func checkShape(shape any) error {
	switch s := shape.(type) {
	case string:
		if s == "string" || s == "integer" || s == "boolean" {
			return nil
		}
	case []any:
		if len(s) == 1 {
			return checkShape(s[0])
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(s)) {
			if err := checkShape(s[k]); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
		return nil
	}
	return fmt.Errorf("%v is not a shape (string, integer, boolean, [shape] or {field: shape})", shape)
}

// Row returns the row id; nil when there is none.
func (d *Data) Row(id string) *Row {
	for i := range d.Rows {
		if d.Rows[i].ID == id {
			return &d.Rows[i]
		}
	}
	return nil
}

// surfaceRow returns the surfacing row of a format and part; nil if none.
func (d *Data) surfaceRow(format, part string) *Row {
	for i := range d.Rows {
		if r := &d.Rows[i]; r.Family == FamilySurfacing && r.Format == format && r.Part == part {
			return r
		}
	}
	return nil
}

// Policy returns the documented retry policy of sdk; nil when none is
// recorded.
func (d *Data) Policy(sdk string) *Policy {
	for i := range d.Policies {
		if d.Policies[i].SDK == sdk {
			return &d.Policies[i]
		}
	}
	return nil
}
