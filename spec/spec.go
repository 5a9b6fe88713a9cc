package spec

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Provenance says where a rule or parameter comes from, so that a report can
// say how sure the harness is about it.
type Provenance string

// The provenances, from most to least certain.
const (
	Seed            Provenance = "seed"             // the 2018 document itself
	LaterDoc        Provenance = "later-doc"        // a later revision of this or the common docs
	SiblingDoc      Provenance = "sibling-doc"      // the error table of a sibling ECS API
	LiveObservation Provenance = "live-observation" // a real gateway response
	Inferred        Provenance = "inferred"         // our own decision
)

func (p Provenance) valid() bool {
	switch p {
	case Seed, LaterDoc, SiblingDoc, LiveObservation, Inferred:
		return true
	}
	return false
}

// Profile is one API profile: the operation, its neighbours and the gateway
// around them, as data. A Profile is immutable once loaded; use Overlay or
// Edit to derive a changed one.
type Profile struct {
	Name      string            `json:"name"`
	Base      string            `json:"base,omitempty"` // the profile this one was composed on, if any (compose.go)
	Title     string            `json:"title"`
	Product   string            `json:"product"`
	Version   string            `json:"version"`
	Subject   string            `json:"subject"`
	HostID    string            `json:"host_id"`
	Sources   map[string]string `json:"sources"`
	Gateway   Gateway           `json:"gateway"`
	Responses Responses         `json:"responses"`
	Actions   []*Action         `json:"actions"`
	Rules     []*Rule           `json:"rules"`
	Aspects   []*Aspect         `json:"aspects"`
	Decisions []Decision        `json:"decisions"`

	actionByName map[string]*Action
	ruleByID     map[string]*Rule
	aspectByID   map[string]*Aspect
	statusByCode map[string]int
	commonByName map[string]*Common
	commonByHdr  map[string]*Common
	byRank       []*Rule
	eniID        *regexp.Regexp
	requestID    *regexp.Regexp
	mac          *regexp.Regexp
}

// Gateway holds the common RPC protocol facts shared by every action.
type Gateway struct {
	Methods          []string  `json:"methods"`
	TimestampLayout  string    `json:"timestamp_layout"`
	TimestampWindowS int       `json:"timestamp_window_seconds"`
	NonceWindowS     int       `json:"nonce_window_seconds"`
	SignatureMethod  string    `json:"signature_method"`
	SignatureVersion string    `json:"signature_version"`
	V3Algorithm      string    `json:"v3_algorithm"`
	V3SignedHeaders  []string  `json:"v3_signed_headers"`
	DefaultFormat    string    `json:"default_format"`
	MaxRequestBytes  int64     `json:"max_request_bytes"`
	TokenRetention   int       `json:"token_retention"` // tokens of a main account recorded after a token, at least, before it may be forgotten (decision token-retention)
	Common           []*Common `json:"common"`
}

// TimestampWindow is how far a request's Timestamp may be from the server's clock.
func (g *Gateway) TimestampWindow() time.Duration {
	return time.Duration(g.TimestampWindowS) * time.Second
}

// NonceWindow is how long a SignatureNonce is remembered.
func (g *Gateway) NonceWindow() time.Duration { return time.Duration(g.NonceWindowS) * time.Second }

// Common is a common (gateway) parameter. V1 and V3 say whether each scheme
// requires it ("required") or merely accepts it ("optional"). Header, if set,
// is the ACS3 header that carries the same value; Authorization marks the
// ones an ACS3 request carries in its Authorization header.
type Common struct {
	Name          string `json:"name"`
	V1            string `json:"v1"`
	V3            string `json:"v3"`
	Header        string `json:"header,omitempty"`
	Authorization bool   `json:"authorization,omitempty"`
}

// Responses holds the facts about response bodies: content types per format
// and the patterns of server-chosen values.
type Responses struct {
	ContentTypes     map[string]string `json:"content_types"`
	RequestIDPattern string            `json:"request_id_pattern"`
	ENIIDPattern     string            `json:"eni_id_pattern"`
	MACPattern       string            `json:"mac_pattern"`
	ENIStatus        string            `json:"eni_status"`
	// ENILists are the list maps every ENI entry of a body must carry,
	// empty ones included (Terraform type-asserts each, CLIENTS.md §9).
	ENILists []string `json:"eni_lists,omitempty"`
	// ENIEcho are the newer fields of an ENI entry that must show what the
	// create asked for (or its default): Type, ResourceGroupId, Tags, ...
	ENIEcho []string `json:"eni_echo,omitempty"`
	// DescribeEcho are more such fields, of a Describe entry only (a
	// Create body lacks them).
	DescribeEcho []string `json:"describe_echo,omitempty"`
}

// Action is one API action and its parameter table.
type Action struct {
	Name       string     `json:"name"`
	Auxiliary  bool       `json:"auxiliary,omitempty"`
	Provenance Provenance `json:"provenance"`
	Params     []*Param   `json:"params"`

	paramByName map[string]*Param
	accepts     map[string]bool    // common and non-repeated parameter names
	lists       []*Param           // the supported RepeatLists, in table order
	items       map[string]itemRef // the wire names of their items
}

// Param is one parameter of an action. A RepeatList parameter has one
// segment N in its name ("X.N", "Tag.N.Key") and is sent with N replaced
// by 1 … MaxItems. Its Constraints apply to each item. A parameter with
// Unsupported set is in the table only to record why the profile refuses
// it: the action does not accept it (param.unsupported answers).
type Param struct {
	Name        string       `json:"name"`
	Type        string       `json:"type"` // String, Integer, Boolean or RepeatList
	Required    bool         `json:"required,omitempty"`
	Gateway     bool         `json:"gateway,omitempty"` // checked by the gateway rules (Action)
	MaxItems    int          `json:"max_items,omitempty"`
	Provenance  Provenance   `json:"provenance"`
	Source      string       `json:"source,omitempty"`      // where the parameter and its constraints come from
	Unsupported string       `json:"unsupported,omitempty"` // why the profile refuses it; "": supported
	Constraints *Constraints `json:"constraints,omitempty"`
}

// List reports whether the parameter is a RepeatList.
func (p *Param) List() bool { return p.Type == "RepeatList" }

// Item is the wire name of the i-th item (1-based) of a RepeatList.
func (p *Param) Item(i int) string {
	return strings.Replace(p.Name, ".N", "."+strconv.Itoa(i), 1)
}

// Rule is one error rule: when its check fires, the server answers Code with
// HTTP status HTTP. Rank orders rules for strict precedence (lower wins).
type Rule struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"` // what breaks the rule, in a few words
	Family       string        `json:"family"`
	Check        string        `json:"check"`
	Params       []string      `json:"params,omitempty"`
	Actions      []string      `json:"actions,omitempty"` // empty: every action
	Code         string        `json:"code"`
	HTTP         int           `json:"http"`
	Message      string        `json:"message"`
	Rank         int           `json:"rank"`
	Provenance   Provenance    `json:"provenance"`
	Source       string        `json:"source"`
	Alternatives []Alternative `json:"alternatives,omitempty"`
	Unreachable  string        `json:"unreachable,omitempty"` // why no request can trigger it
	// Max is the bound of a "count" rule: the items of its list parameters
	// and the values of its integer ones may add up to at most Max.
	Max int `json:"max,omitempty"`
	// Value is the value an "only-with" rule's second parameter must have
	// for its first to be given.
	Value string `json:"value,omitempty"`
}

// Reachable reports whether some request can trigger the rule.
func (r *Rule) Reachable() bool { return r.Unreachable == "" }

// AppliesTo reports whether the rule is checked for action.
func (r *Rule) AppliesTo(action string) bool {
	if len(r.Actions) == 0 {
		return true
	}
	for _, a := range r.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// Accepts reports whether (code, status) is the rule's own answer or one of
// its documented alternatives.
func (r *Rule) Accepts(code string, status int) bool {
	if code == r.Code && status == r.HTTP {
		return true
	}
	for _, a := range r.Alternatives {
		if code == a.Code && status == a.HTTP {
			return true
		}
	}
	return false
}

// Alternative is another (code, status) that some source documents for the
// same rule.
type Alternative struct {
	Code   string `json:"code"`
	HTTP   int    `json:"http"`
	Source string `json:"source"`
}

// Decision records a choice made where the documents are silent.
type Decision struct {
	ID         string     `json:"id"`
	Provenance Provenance `json:"provenance"`
	Text       string     `json:"text"`
}

// Families lists the families of rules and aspects in report order.
var Families = []string{"gateway", "parameters", "references", "idempotency", "quotas", "addressing", "formats", "post-state"}
