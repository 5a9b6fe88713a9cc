package certify

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// bodyTree parses an answer body into a tree of objects, lists and leaves:
// JSON as it is (numbers as json.Number); XML with the root's children as
// the fields, an element with children as an object, a repeated element as
// a list and text as a string.
func bodyTree(format string, body []byte) (map[string]any, error) {
	if format == "XML" {
		return xmlTree(body)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the body is not a JSON object: %w", err)
	}
	return m, nil
}

// xmlTree parses an XML document's root element into a tree.
func xmlTree(body []byte) (map[string]any, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("the body is not an XML document: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			v, err := xmlElement(dec, start)
			if err != nil {
				return nil, err
			}
			m, _ := v.(map[string]any)
			return or3(m), nil
		}
	}
}

// or3 returns m, or an empty map when it is nil.
func or3(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// xmlElement reads the content of the element start opened: an object of
// its children, or its text when it has none.
func xmlElement(dec *xml.Decoder, start xml.StartElement) (any, error) {
	var text strings.Builder
	var children map[string]any
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("the XML body ends inside <%s>", start.Name.Local)
		}
		if err != nil {
			return nil, fmt.Errorf("the body is not valid XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			v, err := xmlElement(dec, t)
			if err != nil {
				return nil, err
			}
			children = addChild(children, t.Name.Local, v)
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if children != nil {
				return children, nil
			}
			return text.String(), nil
		}
	}
}

// addChild adds child v named name to m: a second child of a name makes a
// list.
func addChild(m map[string]any, name string, v any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	switch have := m[name].(type) {
	case nil:
		m[name] = v
	case repeated:
		m[name] = append(have, v)
	default:
		m[name] = repeated{have, v}
	}
	return m
}

// repeated is a list made of repeated XML elements.
type repeated = []any

// fieldDiff is one field of a success body the SDK did not hand over as
// sent.
type fieldDiff struct {
	Path    string // with list indexes, e.g. NetworkInterfaceSets.NetworkInterfaceSet[0].Status
	Pattern string // with [] for every index, for signatures
	Kind    string // "not surfaced", "changed", "invented"
	Sent    string
	Got     string
}

// compareBodies lists the fields of server (what the server sent) that
// sdk (what the SDK surfaced) lacks or holds otherwise, and the non-zero
// fields sdk has that server did not send. A zero value on the SDK's side
// (null, 0, false, "", [] or {}) counts as not surfaced (driver protocol
// §4); a field the server sent empty is not judged. A single XML element
// and an SDK's list of one compare equal.
func compareBodies(server, sdk map[string]any) []fieldDiff {
	var out []fieldDiff
	compareValue(server, sdk, "", "", &out)
	return out
}

// compareValue compares one value at path.
func compareValue(server, sdk any, path, pattern string, out *[]fieldDiff) {
	if l, ok := sdk.([]any); ok && len(l) == 1 {
		if _, serverList := server.([]any); !serverList {
			sdk = l[0]
		}
	}
	switch s := server.(type) {
	case map[string]any:
		m, _ := sdk.(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(s)) {
			compareValue(s[k], m[k], join(path, k), join(pattern, k), out)
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if _, sent := s[k]; !sent && !zero(m[k]) {
				*out = append(*out, fieldDiff{Path: join(path, k), Pattern: join(pattern, k), Kind: "invented", Got: leafText(m[k])})
			}
		}
	case []any:
		l, _ := sdk.([]any)
		for i, e := range s {
			var got any
			if i < len(l) {
				got = l[i]
			}
			compareValue(e, got, fmt.Sprintf("%s[%d]", path, i), pattern+"[]", out)
		}
	default:
		compareLeaf(leafText(server), sdk, path, pattern, out)
	}
}

// compareLeaf compares a leaf the server sent with the SDK's value.
func compareLeaf(sent string, sdk any, path, pattern string, out *[]fieldDiff) {
	switch got := leafText(sdk); {
	case sent == "" || got == sent:
	case zero(sdk):
		*out = append(*out, fieldDiff{Path: path, Pattern: pattern, Kind: "not surfaced", Sent: sent})
	case got != sent:
		*out = append(*out, fieldDiff{Path: path, Pattern: pattern, Kind: "changed", Sent: sent, Got: got})
	}
}

// join joins a path and a field name with a dot.
func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// leafText is a leaf's text: strings as they are, numbers and booleans as
// JSON writes them; anything else as compact JSON.
func leafText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return fmt.Sprint(v)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// zero reports whether an SDK's value counts as not surfaced: null, 0,
// false, "", [] or {} (every member zero, too).
func zero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case json.Number:
		return v.String() == "0"
	case []any:
		return len(v) == 0
	case map[string]any:
		for _, e := range v {
			if !zero(e) {
				return false
			}
		}
		return true
	}
	return false
}
