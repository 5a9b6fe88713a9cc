package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// request fills a new *t (an <Action>Request model) from params through
// its JSON tags, which are the API's names. It says why not when the model
// cannot hold them: a value of the wrong type, or a parameter the model
// lacks, as a round trip through the model shows (encoding/json would
// otherwise drop unknown names and match names in any case).
func request(t reflect.Type, params map[string]any) (reflect.Value, string) {
	v := reflect.New(t)
	raw, err := json.Marshal(params)
	if err == nil {
		err = json.Unmarshal(raw, v.Interface())
	}
	if err != nil {
		return v, fmt.Sprintf("the SDK's %s cannot hold the parameters: %v", t.Name(), err)
	}
	back, err := decode(v.Interface())
	if err != nil {
		return v, fmt.Sprintf("the SDK's %s: %v", t.Name(), err)
	}
	if lost := lost("", params, back); lost != "" {
		return v, fmt.Sprintf("the SDK's %s %s", t.Name(), lost)
	}
	return v, ""
}

// decode returns v as JSON decoded into plain values, numbers as
// json.Number.
func decode(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}

// lost says what of want (the call's params, at path) the model's round
// trip got does not keep, or "". An empty list may vanish: the SDK sends
// nothing for it, as the protocol asks.
func lost(path string, want, got any) string {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(w)) {
			gv, ok := g[k]
			if !ok && !isEmptyList(w[k]) {
				return "has no field " + path + k
			}
			if why := lost(path+k+".", w[k], gv); ok && why != "" {
				return why
			}
		}
	case []any:
		g, _ := got.([]any)
		if len(g) != len(w) {
			return fmt.Sprintf("keeps %d of the %d items of %s", len(g), len(w), strings.TrimSuffix(path, "."))
		}
		for i := range w {
			if why := lost(fmt.Sprintf("%s%d.", path, i+1), w[i], g[i]); why != "" {
				return why
			}
		}
	default:
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return fmt.Sprintf("turns %s %v into %v", strings.TrimSuffix(path, "."), want, got)
		}
	}
	return ""
}

// isEmptyList reports whether v is an empty JSON array.
func isEmptyList(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) == 0
}

// body returns the Body of an SDK response (*<Action>Response) as the
// SDK holds it, under its JSON tags: {} when there is none.
func body(out reflect.Value) (map[string]any, error) {
	if !out.IsValid() || out.IsNil() {
		return map[string]any{}, nil
	}
	b := out.Elem().FieldByName("Body")
	if !b.IsValid() || b.IsNil() {
		return map[string]any{}, nil
	}
	v, err := decode(b.Interface())
	m, ok := v.(map[string]any)
	if err != nil || !ok {
		return nil, fmt.Errorf("the SDK's %s does not encode as a JSON object: %v", b.Type(), err)
	}
	return m, nil
}

// dataString returns the string member key of the JSON object data (a
// *tea.SDKError's Data), or "".
func dataString(data *string, key string) string {
	if data == nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal([]byte(*data), &m) != nil {
		return ""
	}
	s, _ := m[key].(string)
	return s
}
