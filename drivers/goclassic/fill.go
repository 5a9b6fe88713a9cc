package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
)

// regionParam is the parameter the SDK keeps outside the request's tagged
// fields, in RpcRequest.RegionId; when that is empty the SDK sends the
// client's region instead.
const regionParam = "RegionId"

// fillRequest fills the request v, whose embedded RpcRequest is rpc, from
// params: RegionId into rpc.RegionId, the rest by fill.
func fillRequest(v reflect.Value, rpc *requests.RpcRequest, params map[string]any) error {
	rest := maps.Clone(params)
	if region, ok := rest[regionParam]; ok {
		s, err := scalar(region, regionParam)
		if err != nil {
			return err
		}
		rpc.RegionId = s
		delete(rest, regionParam)
	}
	return fill(v, rest, "")
}

// fill sets the fields of the struct v (an <Action>Request, or a struct
// inside one) from params, each to the field whose `name:` tag is its
// name: a string-kinded field (string, requests.Integer, Boolean, Float)
// takes a scalar as text, a struct an object, a list (*[]T or []T) an
// array. It fails, naming the parameter (path is its prefix), on a name no
// field has, a value of another shape, or a field kind it cannot fill (a
// map).
func fill(v reflect.Value, params map[string]any, path string) error {
	for _, name := range slices.Sorted(maps.Keys(params)) {
		f, ok := field(v, name)
		if !ok {
			return fmt.Errorf("has no field %s%s", path, name)
		}
		if err := set(f, params[name], path+name); err != nil {
			return err
		}
	}
	return nil
}

// field returns the field of struct v whose name tag is name.
func field(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		if tag, ok := t.Field(i).Tag.Lookup("name"); ok && tag == name && !t.Field(i).Anonymous {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// set sets f, the field for parameter path, to value.
func set(f reflect.Value, value any, path string) error {
	switch {
	case f.Kind() == reflect.String:
		s, err := scalar(value, path)
		f.SetString(s)
		return err
	case f.Kind() == reflect.Struct:
		obj, ok := value.(map[string]any)
		if !ok {
			return fmt.Errorf("takes an object for %s, not %s", path, shape(value))
		}
		return fill(f, obj, path+".")
	case f.Kind() == reflect.Slice:
		return setList(f, value, path)
	case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Slice:
		p := reflect.New(f.Type().Elem())
		if err := setList(p.Elem(), value, path); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	return fmt.Errorf("has a %s field for %s, which the driver cannot fill", f.Type(), path)
}

// setList sets the slice f to the array value, item by item.
func setList(f reflect.Value, value any, path string) error {
	list, ok := value.([]any)
	if !ok {
		return fmt.Errorf("takes a list for %s, not %s", path, shape(value))
	}
	s := reflect.MakeSlice(f.Type(), len(list), len(list))
	for i, item := range list {
		if err := set(s.Index(i), item, fmt.Sprintf("%s.%d", path, i+1)); err != nil {
			return err
		}
	}
	f.Set(s)
	return nil
}

// scalar returns a string, integer or boolean value as the text the SDK's
// string-typed fields hold.
func scalar(value any, path string) (string, error) {
	switch v := value.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("takes a single value for %s, not %s", path, shape(value))
}

// shape names the JSON shape of a parameter value.
func shape(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "a single value"
}

// response returns the SDK's response struct (*<Action>Response) under
// its JSON tags, as the SDK filled it: a typed struct holds every field,
// zero when the server sent none.
func response(out reflect.Value) (map[string]any, error) {
	if !out.IsValid() || out.IsNil() {
		return map[string]any{}, nil
	}
	raw, err := json.Marshal(out.Interface())
	if err != nil {
		return nil, fmt.Errorf("encoding the SDK's %s: %v", out.Type(), err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("encoding the SDK's %s: %v", out.Type(), err)
	}
	return m, nil
}
