package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Profiles compose. A profile file with "base" states only what it changes
// from the profile it names: its own name and title, new entries, and
// entries of the base changed or removed. Objects (gateway, responses)
// merge field by field; the keyed lists (actions, params, rules, aspects,
// decisions, common) merge by "id" or "name", each entry marked with "op":
//
//   - no "op": a new entry; an error if the base has one with that key
//     (a change must say so, so that a typo cannot add a twin);
//   - "op": "change": the fields given replace the base entry's (nested
//     keyed lists, such as an action's params, follow the same rules);
//     an error if the base has no such entry;
//   - "op": "remove": the base entry goes; an error if there is none.
//
// Everything the file does not mention is the base's, so a rule shared by
// both profiles lives once, in the base. Composition errors name the file
// and the entry.

// opKey is the field that marks a keyed-list entry of a derived profile.
const opKey = "op"

// composeAll loads every embedded profile, resolving bases first; a
// missing base or a cycle is an error naming the file.
func composeAll(files map[string][]byte) (map[string]*Profile, error) {
	raw := map[string]any{}
	var errs []error
	var resolve func(name string, chain []string) (any, error)
	resolve = func(name string, chain []string) (any, error) {
		if v, ok := raw[name]; ok {
			return v, nil
		}
		file := "profiles/" + name + ".json"
		if slices.Contains(chain, name) {
			return nil, fmt.Errorf("%s: base cycle %s", file, strings.Join(append(chain, name), " → "))
		}
		data, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("%s: base profile %q does not exist", "profiles/"+chain[len(chain)-1]+".json", name)
		}
		v, err := composeFile(file, data, func(base string) (any, error) { return resolve(base, append(chain, name)) })
		if err != nil {
			return nil, err
		}
		raw[name] = v
		return v, nil
	}
	out := map[string]*Profile{}
	for name := range files {
		v, err := resolve(name, nil)
		if err == nil {
			out[name], err = loadValue(v)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("profile %s: %w", name, err))
		}
	}
	return out, errors.Join(errs...)
}

// composeFile decodes one profile file and, when it names a base, applies
// it to the base that resolve returns.
func composeFile(file string, data []byte, resolve func(string) (any, error)) (any, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", file, jsonError(data, err))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: want a JSON object at the top", file)
	}
	baseName, _ := m["base"].(string)
	if baseName == "" {
		return v, checkNoOps(file, "", v)
	}
	base, err := resolve(baseName)
	if err != nil {
		return nil, err
	}
	return compose(file, "", base, m)
}

// compose applies the derived value over to base at path.
func compose(file, path string, base, over any) (any, error) {
	switch o := over.(type) {
	case map[string]any:
		b, ok := base.(map[string]any)
		if !ok {
			return o, checkNoOps(file, path, o)
		}
		out := make(map[string]any, len(b)+len(o))
		for k, v := range b {
			out[k] = v
		}
		for k, v := range o {
			merged, err := compose(file, join(path, k), b[k], v)
			if err != nil {
				return nil, err
			}
			out[k] = merged
		}
		return out, nil
	case []any:
		b, ok := base.([]any)
		if !ok || !keyed(o) || !keyed(b) {
			return o, checkNoOps(file, path, o)
		}
		return composeList(file, path, b, o)
	}
	return over, nil
}

// composeList merges a keyed list by the entries' "op".
func composeList(file, path string, base, over []any) ([]any, error) {
	out := slices.Clone(base)
	for i, item := range over {
		entry := item.(map[string]any) // keyed() holds
		where := fmt.Sprintf("%s: %s[%d] (%s)", file, path, i, key(entry))
		at := slices.IndexFunc(out, func(have any) bool { return key(have) == key(entry) })
		op, _ := entry[opKey].(string)
		rest := make(map[string]any, len(entry))
		for k, v := range entry {
			if k != opKey {
				rest[k] = v
			}
		}
		switch {
		case op == "remove" && at < 0:
			return nil, fmt.Errorf("%s: removes an entry the base does not have", where)
		case op == "remove":
			out = slices.Delete(out, at, at+1)
		case op == "change" && at < 0:
			return nil, fmt.Errorf("%s: changes an entry the base does not have (leave \"op\" out to add it)", where)
		case op == "change":
			merged, err := compose(file, fmt.Sprintf("%s[%s]", path, key(entry)), out[at], rest)
			if err != nil {
				return nil, err
			}
			out[at] = merged
		case op != "":
			return nil, fmt.Errorf("%s: op %q is not change or remove", where, op)
		case at >= 0:
			return nil, fmt.Errorf("%s: the base already has this entry (mark it \"op\": \"change\" to change it)", where)
		default:
			if err := checkNoOps(file, path, rest); err != nil {
				return nil, err
			}
			out = append(out, rest)
		}
	}
	return out, nil
}

// checkNoOps refuses an "op" where there is no base entry to apply it to.
func checkNoOps(file, path string, v any) error {
	switch x := v.(type) {
	case map[string]any:
		if op, ok := x[opKey]; ok {
			return fmt.Errorf("%s: %s (%s): \"op\": %v where there is no base to change", file, path, key(x), op)
		}
		for k, e := range x {
			if err := checkNoOps(file, join(path, k), e); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := checkNoOps(file, fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// loadValue validates a composed profile given as decoded JSON.
func loadValue(v any) (*Profile, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return Load(bytes.TrimSpace(data))
}
