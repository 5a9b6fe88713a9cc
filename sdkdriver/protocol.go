package sdkdriver

import (
	"fmt"
	"slices"
	"time"
)

// Protocol is the version of the driver protocol this package speaks
// (docs/driver-protocol.md); a hello of another version is refused.
const Protocol = 1

// The values of the enumerated call options.
const (
	SignatureV1 = "v1" // RPC HMAC-SHA1, SignatureVersion 1.0
	SignatureV3 = "v3" // ACS3-HMAC-SHA256
	MethodGET   = "GET"
	MethodPOST  = "POST"
	BodyQuery   = "query" // the API parameters in the query string
	BodyForm    = "form"  // the API parameters in a form body (POST only)
	FormatJSON  = "JSON"
	FormatXML   = "XML"
)

// The kinds of Failure.
const (
	KindTimeout    = "timeout"    // the SDK's time limit fired
	KindConnection = "connection" // refused, reset, closed before a complete answer
	KindParse      = "parse"      // the SDK could not read the answer
	KindOther      = "other"
)

// enumerated is the one table of the enumerated options: each one's name
// (as it appears in a call and in a hello), the values the protocol
// allows (in a fixed order), and the fields of Options and Capabilities
// that hold it. Every mapping from an option's name to its field goes
// through it.
var enumerated = []enumOption{
	{"signature", []string{SignatureV1, SignatureV3},
		func(o *Options) *string { return &o.Signature }, func(c *Capabilities) *[]string { return &c.Signature }},
	{"method", []string{MethodGET, MethodPOST},
		func(o *Options) *string { return &o.Method }, func(c *Capabilities) *[]string { return &c.Method }},
	{"body", []string{BodyQuery, BodyForm},
		func(o *Options) *string { return &o.Body }, func(c *Capabilities) *[]string { return &c.Body }},
	{"format", []string{FormatJSON, FormatXML},
		func(o *Options) *string { return &o.Format }, func(c *Capabilities) *[]string { return &c.Format }},
}

// enumOption is one row of enumerated.
type enumOption struct {
	name   string
	values []string
	option func(*Options) *string        // its field in a call's options
	list   func(*Capabilities) *[]string // its field in a hello's options
}

// enumeratedOption returns the row of the option name; false when name is
// not an enumerated option.
func enumeratedOption(name string) (enumOption, bool) {
	for _, e := range enumerated {
		if e.name == name {
			return e, true
		}
	}
	return enumOption{}, false
}

// optionKeys returns the names of the enumerated options followed by more.
func optionKeys(more ...string) []string {
	keys := make([]string, 0, len(enumerated)+len(more))
	for _, e := range enumerated {
		keys = append(keys, e.name)
	}
	return append(keys, more...)
}

// failureKinds are the allowed Failure.Kind values.
var failureKinds = []string{KindTimeout, KindConnection, KindParse, KindOther}

// Hello is the driver's first line: who it is and what it can express.
type Hello struct {
	Protocol int          `json:"protocol"`
	SDK      string       `json:"sdk"`     // the client library, e.g. its module path
	Version  string       `json:"version"` // its version
	Options  Capabilities `json:"options"`
}

// Capabilities are the call options a driver can express. Each list holds
// the values of one enumerated option, the SDK's default first.
type Capabilities struct {
	Signature []string `json:"signature"`
	Method    []string `json:"method"`
	Body      []string `json:"body"`
	Format    []string `json:"format"`
	Timeout   bool     `json:"timeout"`  // can set Options.TimeoutMS
	Attempts  bool     `json:"attempts"` // can set Options.Attempts
	Backoff   bool     `json:"backoff"`  // can set Options.BackoffMS
}

// Default returns the SDK's default value of the enumerated option name
// ("signature", "method", "body" or "format"): the first value of its
// list; "" for an empty list or a name that is not one of the four.
func (c Capabilities) Default(name string) string {
	if e, ok := enumeratedOption(name); ok && len(*e.list(&c)) > 0 {
		return (*e.list(&c))[0]
	}
	return ""
}

// Expresses reports whether the hello promises that o can be expressed;
// when not, the reason names the first option that cannot. A driver may
// still answer Unsupported for a promised call.
func (c Capabilities) Expresses(o Options) (bool, string) {
	for _, e := range enumerated {
		if v, can := *e.option(&o), *e.list(&c); v != "" && !slices.Contains(can, v) {
			return false, fmt.Sprintf("the driver cannot set %s %q (it can: %v)", e.name, v, can)
		}
	}
	switch {
	case o.TimeoutMS != 0 && !c.Timeout:
		return false, "the driver cannot set timeout_ms"
	case o.Attempts != 0 && !c.Attempts:
		return false, "the driver cannot set attempts"
	case o.BackoffMS != 0 && !c.Backoff:
		return false, "the driver cannot set backoff_ms"
	}
	return true, ""
}

// Call is one API call for the driver to make through its SDK.
type Call struct {
	// ID numbers the calls of a session from 1; Driver.Call sets it.
	ID int64 `json:"id"`
	// Action is the API's action name.
	Action string `json:"action"`
	// Params are the API parameters under the API's names: string, bool,
	// integer (any Go integer type or an integral json.Number), []any (or
	// []string) and map[string]any of these. Never nil values or floats.
	Params map[string]any `json:"params"`
	// Options say how to send; the zero value is the SDK's default.
	Options Options `json:"options"`
}

// Options say how the SDK is to send a call; a zero field means "the SDK's
// default".
type Options struct {
	Signature string `json:"signature,omitempty"`  // SignatureV1 or SignatureV3
	Method    string `json:"method,omitempty"`     // MethodGET or MethodPOST
	Body      string `json:"body,omitempty"`       // BodyQuery or BodyForm
	Format    string `json:"format,omitempty"`     // FormatJSON or FormatXML
	TimeoutMS int    `json:"timeout_ms,omitempty"` // per attempt, ≥ 1
	Attempts  int    `json:"attempts,omitempty"`   // in all, ≥ 1; 1 is no retry
	BackoffMS int    `json:"backoff_ms,omitempty"` // between attempts, ≥ 0
}

// Answer is what the driver reported for one call: exactly one of OK,
// Error, Unsupported and Failure is set (Outcome says which).
type Answer struct {
	ID int64
	// OK is the success body as the SDK surfaced it; numbers are
	// json.Number. Non-nil (possibly empty) on success.
	OK          map[string]any
	Error       *APIError
	Unsupported string // the reason; non-empty when the driver could not express the call
	Failure     *Failure
	// Elapsed is the wall time from writing the call to reading the
	// answer, measured by Driver.Call; zero from ParseAnswer.
	Elapsed time.Duration
}

// The outcomes of an Answer.
const (
	OutcomeOK          = "ok"
	OutcomeError       = "error"
	OutcomeUnsupported = "unsupported"
	OutcomeFailure     = "failure"
)

// Outcome returns which outcome the answer holds: OutcomeOK, OutcomeError,
// OutcomeUnsupported or OutcomeFailure ("" for the zero Answer).
func (a *Answer) Outcome() string {
	switch {
	case a.OK != nil:
		return OutcomeOK
	case a.Error != nil:
		return OutcomeError
	case a.Unsupported != "":
		return OutcomeUnsupported
	case a.Failure != nil:
		return OutcomeFailure
	}
	return ""
}

// APIError is an API error as the SDK surfaced it. An empty field (or a
// zero HTTPStatus) is a value the SDK did not surface.
type APIError struct {
	Code       string
	Message    string
	HTTPStatus int
	RequestID  string
}

// Failure is something the SDK raised that is not an API error.
type Failure struct {
	Kind    string // KindTimeout, KindConnection, KindParse or KindOther
	Text    string // the SDK's message
	Elapsed time.Duration
}
