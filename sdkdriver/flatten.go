package sdkdriver

import (
	"fmt"
	"strconv"
)

// Flatten returns the flat wire parameters that a call's params stand for
// (docs/driver-protocol.md §6): X=value for a string, integer (decimal) or
// boolean (true/false); X.1, X.2, … for a list (an empty one gives
// nothing); X.Field for a struct; recursively, so a list of structs gives
// X.1.Key. It is what a correct SDK sends and what eniconform expects the
// gateway to decode. Values are those Call accepts (see checkParam); any
// other is formatted with fmt.
func Flatten(params map[string]any) map[string]string {
	out := make(map[string]string, len(params))
	for name, v := range params {
		flatten(out, name, v)
	}
	return out
}

// flatten adds the pairs of value v named name to out.
func flatten(out map[string]string, name string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			flatten(out, name+"."+k, e)
		}
	case []any:
		for i, e := range v {
			flatten(out, name+"."+strconv.Itoa(i+1), e)
		}
	case []string:
		for i, e := range v {
			out[name+"."+strconv.Itoa(i+1)] = e
		}
	case string:
		out[name] = v
	case bool:
		out[name] = strconv.FormatBool(v)
	default:
		out[name] = fmt.Sprint(v)
	}
}
