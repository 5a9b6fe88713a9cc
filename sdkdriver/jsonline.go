package sdkdriver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// members decodes data as exactly one JSON object and returns its members
// by key. It fails on invalid UTF-8, anything but an object, a repeated
// key, and data after the object.
func members(data []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object but %s", kindOf(tok))
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		k, _ := key.(string) // in an object the decoder yields only string keys
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("key %q appears twice", k)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("not JSON: %v", err)
		}
		m[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value on the line")
	}
	return m, nil
}

// kindOf names the JSON kind of a first token.
func kindOf(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// onlyKeys fails when m has a key outside allowed, naming the first in
// byte order.
func onlyKeys(m map[string]json.RawMessage, where string, allowed ...string) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		if !slices.Contains(allowed, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	return fmt.Errorf("%s has an unknown key %q (known: %v)", where, keys[0], allowed)
}

// isNull reports whether raw is absent or the JSON null.
func isNull(raw json.RawMessage) bool {
	return raw == nil || string(bytes.TrimSpace(raw)) == "null"
}

// decodeValue decodes raw keeping numbers as json.Number.
func decodeValue(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// stringField decodes an optional string member: "" when absent or null.
func stringField(m map[string]json.RawMessage, key, where string) (string, error) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s.%s must be a string, got %s", where, key, short(raw))
	}
	return s, nil
}

// intField decodes the integer member key within [min, max]; absent or
// null is an error when required, else 0.
func intField(m map[string]json.RawMessage, key, where string, required bool, min, max int64) (int64, error) {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		if required {
			return 0, fmt.Errorf("%s lacks %q", where, key)
		}
		return 0, nil
	}
	v, err := decodeValue(raw)
	n, isNum := v.(json.Number)
	if err != nil || !isNum {
		return 0, fmt.Errorf("%s.%s must be an integer, got %s", where, key, short(raw))
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil || i < min || i > max {
		return 0, fmt.Errorf("%s.%s must be an integer from %d to %d, got %s", where, key, min, max, n)
	}
	return i, nil
}

// boolField decodes an optional boolean member: false when absent.
func boolField(m map[string]json.RawMessage, key, where string) (bool, error) {
	raw, ok := m[key]
	if !ok {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil || isNull(raw) {
		return false, fmt.Errorf("%s.%s must be a boolean, got %s", where, key, short(raw))
	}
	return b, nil
}

// short renders a JSON value for an error message, cut to 60 bytes.
func short(raw json.RawMessage) string {
	s := string(bytes.TrimSpace(raw))
	if s == "" {
		return "nothing"
	}
	if len(s) > 60 {
		cut := 60
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// maxMS is the largest millisecond count a time.Duration holds.
const maxMS = math.MaxInt64 / int64(time.Millisecond)

// jsonLine encodes v as JSON on one line, leaving <, > and & as they are
// (error messages of XML bodies stay readable).
func jsonLine(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
