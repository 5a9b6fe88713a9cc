package sdkdriver

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// outcomes are the outcome keys of an answer, in the order of the protocol.
var outcomes = []string{OutcomeOK, OutcomeError, OutcomeUnsupported, OutcomeFailure}

// ParseAnswer decodes one answer line strictly (docs/driver-protocol.md §4):
// one JSON object with a positive integer "id" and exactly one of "ok" (an
// object), "error" (code, message, request_id: string or null; http_status:
// 100–599 or null), "unsupported" (a non-empty string) and "failure" (kind,
// text, elapsed_ms), and no other key. The error says what is wrong; it
// never panics, whatever the line.
func ParseAnswer(line []byte) (Answer, error) {
	m, err := members(line)
	if err != nil {
		return Answer{}, fmt.Errorf("the answer is %w", err)
	}
	if err := onlyKeys(m, "the answer", append([]string{"id"}, outcomes...)...); err != nil {
		return Answer{}, err
	}
	id, err := intField(m, "id", "the answer", true, 1, math.MaxInt64)
	if err != nil {
		return Answer{}, err
	}
	var present []string
	for _, k := range outcomes {
		if _, ok := m[k]; ok {
			present = append(present, k)
		}
	}
	if len(present) != 1 {
		return Answer{}, fmt.Errorf("the answer has %s (want exactly one of ok, error, unsupported, failure)",
			countOutcomes(present))
	}
	a := Answer{ID: id}
	return a, a.decodeOutcome(present[0], m[present[0]])
}

// countOutcomes describes the outcome keys found.
func countOutcomes(present []string) string {
	if len(present) == 0 {
		return "no outcome"
	}
	return fmt.Sprintf("%d outcomes: %s", len(present), strings.Join(present, " and "))
}

// decodeOutcome sets a's outcome key from its raw value.
func (a *Answer) decodeOutcome(key string, raw json.RawMessage) error {
	switch key {
	case OutcomeOK:
		v, err := decodeValue(raw)
		body, isObject := v.(map[string]any)
		if err != nil || !isObject {
			return fmt.Errorf("ok must be an object (the success body), got %s", short(raw))
		}
		a.OK = body
		return nil
	case OutcomeError:
		e, err := decodeAPIError(raw)
		a.Error = e
		return err
	case OutcomeUnsupported:
		var reason string
		if err := json.Unmarshal(raw, &reason); err != nil || isNull(raw) || reason == "" {
			return fmt.Errorf("unsupported must be a non-empty string (the reason), got %s", short(raw))
		}
		a.Unsupported = reason
		return nil
	}
	f, err := decodeFailure(raw)
	a.Failure = f
	return err
}

// decodeAPIError decodes the value of "error".
func decodeAPIError(raw json.RawMessage) (*APIError, error) {
	m, err := members(raw)
	if err != nil {
		return nil, fmt.Errorf("error is %w", err)
	}
	if err := onlyKeys(m, "error", "code", "message", "http_status", "request_id"); err != nil {
		return nil, err
	}
	var e APIError
	var errs [4]error
	e.Code, errs[0] = stringField(m, "code", "error")
	e.Message, errs[1] = stringField(m, "message", "error")
	e.RequestID, errs[2] = stringField(m, "request_id", "error")
	status, err := intField(m, "http_status", "error", false, 100, 599)
	e.HTTPStatus, errs[3] = int(status), err
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return &e, nil
}

// decodeFailure decodes the value of "failure".
func decodeFailure(raw json.RawMessage) (*Failure, error) {
	m, err := members(raw)
	if err != nil {
		return nil, fmt.Errorf("failure is %w", err)
	}
	if err := onlyKeys(m, "failure", "kind", "text", "elapsed_ms"); err != nil {
		return nil, err
	}
	var f Failure
	if f.Kind, err = stringField(m, "kind", "failure"); err != nil {
		return nil, err
	}
	if !slices.Contains(failureKinds, f.Kind) {
		return nil, fmt.Errorf("failure.kind %q is not one of %v", f.Kind, failureKinds)
	}
	if f.Text, err = stringField(m, "text", "failure"); err != nil {
		return nil, err
	}
	ms, err := intField(m, "elapsed_ms", "failure", true, 0, maxMS)
	f.Elapsed = time.Duration(ms) * time.Millisecond
	return &f, err
}

// wireError and wireFailure are the JSON forms of APIError and Failure; an
// empty field is left out (not surfaced).
type wireError struct {
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
	HTTPStatus int    `json:"http_status,omitempty"`
	RequestID  string `json:"request_id,omitempty"`
}

type wireFailure struct {
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	ElapsedMS int64  `json:"elapsed_ms"`
}

// MarshalJSON encodes a as one answer line (without "\n"). It fails unless
// exactly one outcome is set and the answer would parse back: a positive
// ID, a known failure kind, an HTTP status of 0 or 100–599.
func (a Answer) MarshalJSON() ([]byte, error) {
	n := 0
	for _, set := range []bool{a.OK != nil, a.Error != nil, a.Unsupported != "", a.Failure != nil} {
		if set {
			n++
		}
	}
	if n != 1 || a.ID < 1 {
		return nil, fmt.Errorf("sdkdriver: an answer needs a positive id and exactly one outcome (id %d, %d outcomes)", a.ID, n)
	}
	var v any
	switch a.Outcome() {
	case OutcomeOK:
		v = a.OK
	case OutcomeError:
		if s := a.Error.HTTPStatus; s != 0 && (s < 100 || s > 599) {
			return nil, fmt.Errorf("sdkdriver: http_status %d is not 100–599", s)
		}
		v = wireError(*a.Error)
	case OutcomeUnsupported:
		v = a.Unsupported
	default:
		if !slices.Contains(failureKinds, a.Failure.Kind) || a.Failure.Elapsed < 0 {
			return nil, fmt.Errorf("sdkdriver: failure kind %q (want one of %v), elapsed %v", a.Failure.Kind, failureKinds, a.Failure.Elapsed)
		}
		v = wireFailure{Kind: a.Failure.Kind, Text: a.Failure.Text, ElapsedMS: a.Failure.Elapsed.Milliseconds()}
	}
	b, err := jsonLine(v)
	if err != nil {
		return nil, fmt.Errorf("sdkdriver: encoding the answer: %w", err)
	}
	return fmt.Appendf(nil, `{"id":%d,"%s":%s}`, a.ID, a.Outcome(), b), nil
}
