package sdkdriver

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
)

// Limits of the numeric call options, so that a call's deadline stays a
// sane duration.
const (
	MaxTimeoutMS = 3_600_000 // one hour per attempt
	MaxAttempts  = 100
	MaxBackoffMS = 3_600_000
)

// actionName is what an action name looks like.
var actionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

// encode returns c as one call line (without "\n"). It fails, naming the
// parameter or option, when c breaks the protocol: an action that is not a
// name, a parameter value of another kind than string, boolean, integer,
// list or object, an unknown option value, a number out of range, a body
// option with GET, or a line past MaxLine.
func (c Call) encode() ([]byte, error) {
	if !actionName.MatchString(c.Action) {
		return nil, fmt.Errorf("sdkdriver: action %q is not an API action name", c.Action)
	}
	for name, v := range c.Params {
		if err := checkParam(name, v); err != nil {
			return nil, fmt.Errorf("sdkdriver: %s: %w", c.Action, err)
		}
	}
	if err := c.Options.check(); err != nil {
		return nil, fmt.Errorf("sdkdriver: %s: %w", c.Action, err)
	}
	if c.Params == nil {
		c.Params = map[string]any{}
	}
	b, err := jsonLine(c)
	if err != nil {
		return nil, fmt.Errorf("sdkdriver: encoding a call of %s: %w", c.Action, err)
	}
	if len(b) > MaxLine {
		return nil, fmt.Errorf("sdkdriver: the call of %s is %d bytes, more than %d", c.Action, len(b), MaxLine)
	}
	return b, nil
}

// checkParam fails unless v is a parameter value of the protocol: a
// string, a boolean, an integer (a Go integer or an integral json.Number),
// or a list or object of these. path names v in the error.
func checkParam(path string, v any) error {
	switch v := v.(type) {
	case string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return nil
	case json.Number:
		if _, err := strconv.ParseInt(v.String(), 10, 64); err != nil {
			return fmt.Errorf("%s is %s, not an integer", path, v)
		}
		return nil
	case []string:
		return nil
	case []any:
		for i, e := range v {
			if err := checkParam(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for k, e := range v {
			if err := checkParam(path+"."+k, e); err != nil {
				return err
			}
		}
		return nil
	case nil:
		return fmt.Errorf("%s is null; leave it out instead", path)
	}
	return fmt.Errorf("%s is a %T, not a string, boolean, integer, list or object", path, v)
}

// check fails when an option has a value outside the protocol.
func (o Options) check() error {
	for _, e := range enumerated {
		if v := *e.option(&o); v != "" && !slices.Contains(e.values, v) {
			return fmt.Errorf("option %s %q is not one of %v", e.name, v, e.values)
		}
	}
	switch {
	case o.Method == MethodGET && o.Body == BodyForm:
		return errors.New("option body \"form\" needs method POST")
	case o.TimeoutMS < 0 || o.TimeoutMS > MaxTimeoutMS:
		return fmt.Errorf("option timeout_ms %d is not 1–%d", o.TimeoutMS, MaxTimeoutMS)
	case o.Attempts < 0 || o.Attempts > MaxAttempts:
		return fmt.Errorf("option attempts %d is not 1–%d", o.Attempts, MaxAttempts)
	case o.BackoffMS < 0 || o.BackoffMS > MaxBackoffMS:
		return fmt.Errorf("option backoff_ms %d is not 0–%d", o.BackoffMS, MaxBackoffMS)
	}
	return nil
}

// ParseCall decodes one call line, for drivers written in Go: a positive
// "id", an "action" name, "params" (an object of strings, booleans,
// integers, arrays and objects; numbers are json.Number) and "options" per
// docs/driver-protocol.md §3. Unknown keys, nulls, fractional numbers and
// unknown option values are errors: the caller is then at fault, and a
// driver should say so on stderr and exit with status 2.
func ParseCall(line []byte) (Call, error) {
	m, err := members(line)
	if err != nil {
		return Call{}, fmt.Errorf("the call is %w", err)
	}
	if err := onlyKeys(m, "the call", "id", "action", "params", "options"); err != nil {
		return Call{}, err
	}
	var c Call
	if c.ID, err = intField(m, "id", "the call", true, 1, math.MaxInt64); err != nil {
		return Call{}, err
	}
	if c.Action, err = stringField(m, "action", "the call"); err != nil || !actionName.MatchString(c.Action) {
		return Call{}, fmt.Errorf("the call's action %q is not an API action name (%v)", c.Action, err)
	}
	if c.Params, err = decodeParams(m["params"]); err != nil {
		return Call{}, err
	}
	c.Options, err = decodeOptions(m["options"])
	return c, err
}

// decodeParams decodes a call's params: absent is empty.
func decodeParams(raw json.RawMessage) (map[string]any, error) {
	if raw == nil {
		return map[string]any{}, nil
	}
	v, err := decodeValue(raw)
	params, isObject := v.(map[string]any)
	if err != nil || !isObject {
		return nil, fmt.Errorf("the call's params must be an object, got %s", short(raw))
	}
	for name, v := range params {
		if err := checkParam(name, v); err != nil {
			return nil, fmt.Errorf("the call's params: %w", err)
		}
	}
	return params, nil
}

// decodeOptions decodes a call's options: absent is the SDK's defaults.
func decodeOptions(raw json.RawMessage) (Options, error) {
	if raw == nil {
		return Options{}, nil
	}
	m, err := members(raw)
	if err != nil {
		return Options{}, fmt.Errorf("the call's options are %w", err)
	}
	if err := onlyKeys(m, "the call's options", optionKeys("timeout_ms", "attempts", "backoff_ms")...); err != nil {
		return Options{}, err
	}
	var o Options
	var errs []error
	for _, e := range enumerated {
		v, err := stringField(m, e.name, "options")
		*e.option(&o), errs = v, append(errs, err)
	}
	timeout, e4 := intField(m, "timeout_ms", "options", false, 1, MaxTimeoutMS)
	attempts, e5 := intField(m, "attempts", "options", false, 1, MaxAttempts)
	backoff, e6 := intField(m, "backoff_ms", "options", false, 0, MaxBackoffMS)
	o.TimeoutMS, o.Attempts, o.BackoffMS = int(timeout), int(attempts), int(backoff)
	if err := errors.Join(append(errs, e4, e5, e6)...); err != nil {
		return Options{}, err
	}
	return o, o.check()
}
