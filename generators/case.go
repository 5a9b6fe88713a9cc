package generators

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Case is one generated test case: steps sent in order; the last one is the
// probe that breaks the rules in Breaks (none: it must succeed). Earlier
// steps set the stage (fill a quota, record a token, use a nonce) and must
// succeed. A Case is plain data: it serialises to JSON for corpora, saved
// divergences and replay.
type Case struct {
	Generator string   `json:"generator"`        // which generator made it: "valid", "rule", "multi", "machine"
	Breaks    []string `json:"breaks,omitempty"` // rule IDs the probe is meant to break
	// Exclusive: the case fills a limit of its lane (the owner and region of
	// its first step) and is judged exactly only when no other case of the
	// lane runs meanwhile; the harness runs it alone there.
	Exclusive bool   `json:"exclusive,omitempty"`
	Steps     []Step `json:"steps"`
}

// Probe is the step the case is about (the last).
func (c *Case) Probe() *Step { return &c.Steps[len(c.Steps)-1] }

// Step is one request as the harness sends it. Its AccessKey secret comes
// from the world (or a made-up one for keys the world lacks).
type Step struct {
	Action string            `json:"action"`
	Key    string            `json:"key"`              // AccessKeyId
	Params map[string]string `json:"params,omitempty"` // API parameters by wire name; see Ref
	Send   Send              `json:"send"`
}

// Send says how a step goes on the wire, including the deliberate breakage
// the gateway rules need. The zero value is a plain V1 POST.
type Send struct {
	Scheme           string   `json:"scheme,omitempty"` // "v1" (default) or "v3"
	Method           string   `json:"method,omitempty"` // default POST
	FormBody         bool     `json:"form_body,omitempty"`
	Format           string   `json:"format,omitempty"`  // the Format parameter; "" sends none
	Version          string   `json:"version,omitempty"` // "" sends the profile's version
	Omit             []string `json:"omit,omitempty"`    // common parameters left out (V1 names)
	Timestamp        string   `json:"timestamp,omitempty"`
	SkewSeconds      int      `json:"skew_seconds,omitempty"` // the Timestamp is this far from the clock
	SignatureMethod  string   `json:"signature_method,omitempty"`
	SignatureVersion string   `json:"signature_version,omitempty"`
	CorruptSignature bool     `json:"corrupt_signature,omitempty"`
	MalformedAuth    bool     `json:"malformed_auth,omitempty"`
	WrongSecret      bool     `json:"wrong_secret,omitempty"`
	ReuseNonceOf     int      `json:"reuse_nonce_of,omitempty"` // reuse the nonce of step N (1-based); 0: fresh
	PadBytes         int      `json:"pad_bytes,omitempty"`      // send a form body this large
}

// SchemeFree reports whether the step may be sent with either signature
// scheme: its breakage is not tied to one, and an ACS3 header can carry its
// action unchanged.
func (s Step) SchemeFree() bool {
	b := s.Send
	return !b.MalformedAuth && b.SignatureMethod == "" && b.SignatureVersion == "" && b.PadBytes == 0 &&
		len(b.Omit) == 0 && strings.TrimSpace(s.Action) == s.Action
}

// Ref is the value of a parameter that names the ENI created by an earlier
// step of the same case: "$eni:N", N counted from 1. The harness substitutes
// the ID the target returned.
func Ref(step int) string { return "$eni:" + strconv.Itoa(step) }

// ParseRef reports whether v is a Ref and to which step.
func ParseRef(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(v, "$eni:"))
	return n, err == nil && strings.HasPrefix(v, "$eni:") && n >= 1
}

// MarshalJSONL renders a case as one JSON line.
func (c *Case) MarshalJSONL() ([]byte, error) { return json.Marshal(c) }

// ParseCase reads a case from JSON and checks that it is usable.
func ParseCase(data []byte) (*Case, error) {
	var c Case
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("case: %w", err)
	}
	if len(c.Steps) == 0 {
		return nil, fmt.Errorf("case: no steps")
	}
	for i, s := range c.Steps {
		if s.Action == "" || s.Key == "" {
			return nil, fmt.Errorf("case: step %d: action and key are required", i+1)
		}
		if s.Send.ReuseNonceOf < 0 || s.Send.ReuseNonceOf > i {
			return nil, fmt.Errorf("case: step %d: reuse_nonce_of must name an earlier step", i+1)
		}
		for name, v := range s.Params {
			if n, ok := ParseRef(v); ok && n > i {
				return nil, fmt.Errorf("case: step %d: %s refers to step %d, which is not earlier", i+1, name, n)
			}
		}
	}
	return &c, nil
}

// String renders a step as a request line: action, key, then the parameters
// in name order, then what is unusual about its sending.
func (s Step) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s key=%s", s.Action, s.Key)
	names := make([]string, 0, len(s.Params))
	for n := range s.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, " %s=%q", n, s.Params[n])
	}
	if send := s.Send.String(); send != "" {
		b.WriteString(" [" + send + "]")
	}
	return b.String()
}

// String lists what is not default about the sending.
func (s Send) String() string {
	var parts []string
	add := func(cond bool, format string, args ...any) {
		if cond {
			parts = append(parts, fmt.Sprintf(format, args...))
		}
	}
	add(s.Scheme != "", "%s", s.Scheme)
	add(s.Method != "", "%s", s.Method)
	add(s.FormBody, "form body")
	add(s.Format != "", "Format=%s", s.Format)
	add(s.Version != "", "Version=%s", s.Version)
	add(len(s.Omit) > 0, "omit %s", strings.Join(s.Omit, ","))
	add(s.Timestamp != "", "Timestamp=%q", s.Timestamp)
	add(s.SkewSeconds != 0, "clock skew %ds", s.SkewSeconds)
	add(s.SignatureMethod != "", "SignatureMethod=%s", s.SignatureMethod)
	add(s.SignatureVersion != "", "SignatureVersion=%s", s.SignatureVersion)
	add(s.CorruptSignature, "corrupt signature")
	add(s.MalformedAuth, "malformed Authorization")
	add(s.WrongSecret, "wrong secret")
	add(s.ReuseNonceOf > 0, "nonce of step %d", s.ReuseNonceOf)
	add(s.PadBytes > 0, "body padded to %d bytes", s.PadBytes)
	return strings.Join(parts, ", ")
}
