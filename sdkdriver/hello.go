package sdkdriver

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// ParseHello decodes a driver's first line strictly (docs/driver-protocol.md
// §2): protocol 1 (checked first, so that a driver of another version is
// told so), a non-empty sdk and version, and options with a non-empty list
// of distinct known values for each enumerated option and booleans for
// timeout, attempts and backoff. No other key is allowed.
func ParseHello(line []byte) (Hello, error) {
	m, err := members(line)
	if err != nil {
		return Hello{}, fmt.Errorf("the hello is %w", err)
	}
	v, err := intField(m, "protocol", "the hello", true, math.MinInt64, math.MaxInt64)
	if err != nil {
		return Hello{}, err
	}
	if v != Protocol {
		return Hello{}, fmt.Errorf("the driver speaks protocol %d; eniconform speaks protocol %d", v, Protocol)
	}
	if err := onlyKeys(m, "the hello", "protocol", "sdk", "version", "options"); err != nil {
		return Hello{}, err
	}
	h := Hello{Protocol: Protocol}
	for _, f := range []struct {
		key string
		to  *string
	}{{"sdk", &h.SDK}, {"version", &h.Version}} {
		if *f.to, err = stringField(m, f.key, "the hello"); err != nil || *f.to == "" {
			return Hello{}, fmt.Errorf("the hello needs a non-empty string %q (%v)", f.key, err)
		}
	}
	h.Options, err = decodeCapabilities(m["options"])
	return h, err
}

// decodeCapabilities decodes the hello's options.
func decodeCapabilities(raw json.RawMessage) (Capabilities, error) {
	if raw == nil {
		return Capabilities{}, fmt.Errorf("the hello lacks %q", "options")
	}
	m, err := members(raw)
	if err != nil {
		return Capabilities{}, fmt.Errorf("the hello's options are %w", err)
	}
	if err := onlyKeys(m, "the hello's options", optionKeys("timeout", "attempts", "backoff")...); err != nil {
		return Capabilities{}, err
	}
	var c Capabilities
	for _, e := range enumerated {
		if *e.list(&c), err = valueList(m[e.name], e.name, e.values); err != nil {
			return Capabilities{}, err
		}
	}
	for _, f := range []struct {
		key string
		to  *bool
	}{{"timeout", &c.Timeout}, {"attempts", &c.Attempts}, {"backoff", &c.Backoff}} {
		if *f.to, err = boolField(m, f.key, "the hello's options"); err != nil {
			return Capabilities{}, err
		}
	}
	return c, nil
}

// valueList decodes one enumerated option's list: non-empty, each value
// allowed and distinct.
func valueList(raw json.RawMessage, name string, allowed []string) ([]string, error) {
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		return nil, fmt.Errorf("the hello's options.%s must be a non-empty array of %v, the SDK's default first; got %s",
			name, allowed, short(raw))
	}
	for i, v := range list {
		if !slices.Contains(allowed, v) || slices.Contains(list[:i], v) {
			return nil, fmt.Errorf("the hello's options.%s has %q, which is unknown or repeated (known: %v)", name, v, allowed)
		}
	}
	return list, nil
}
