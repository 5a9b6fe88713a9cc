package certify

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/generators"
	"github.com/eniconform/eniconform/sdkdriver"
)

// actionName is what the protocol accepts as an action.
var actionName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

// callOf turns a generated case into the driver call that sends it, with
// format and signature as the options, and the credentials to sign with.
// It says why not when the case is not one request, or needs a sending the
// protocol cannot ask of an SDK (an SDK builds its requests itself: it
// cannot leave out a common parameter or send a stale timestamp).
func (r *runner) callOf(c generators.Case, format, signature string) (sdkdriver.Call, credentials, string) {
	if len(c.Steps) != 1 {
		return sdkdriver.Call{}, credentials{}, fmt.Sprintf("its cases take %d requests (setup first), not one", len(c.Steps))
	}
	st := c.Steps[0]
	if why := inexpressible(st); why != "" {
		return sdkdriver.Call{}, credentials{}, why
	}
	o := sdkdriver.Options{Signature: signature, Format: format, Method: st.Send.Method}
	if st.Send.FormBody {
		o.Body = sdkdriver.BodyForm
	}
	cred := r.credentialsOf(st)
	return sdkdriver.Call{Action: st.Action, Params: r.typed(st.Action, st.Params), Options: o}, cred, ""
}

// inexpressible says what of a step a driver call cannot carry; "" when
// nothing.
func inexpressible(st generators.Step) string {
	s := st.Send
	needs := []struct {
		cond bool
		what string
	}{
		{!actionName.MatchString(st.Action), fmt.Sprintf("the action %q, which is not a name", st.Action)},
		{s.Method != "" && s.Method != sdkdriver.MethodGET && s.Method != sdkdriver.MethodPOST, "the method " + s.Method},
		{s.Version != "", "the Version " + s.Version},
		{len(s.Omit) > 0, "leaving out " + strings.Join(s.Omit, ", ")},
		{s.Timestamp != "" || s.SkewSeconds != 0, "a Timestamp the SDK does not choose"},
		{s.SignatureMethod != "" || s.SignatureVersion != "", "another SignatureMethod or SignatureVersion"},
		{s.CorruptSignature || s.MalformedAuth, "a corrupt signature or Authorization header"},
		{s.ReuseNonceOf > 0, "a reused SignatureNonce"},
		{s.PadBytes > 0, "a padded body"},
	}
	for _, n := range needs {
		if n.cond {
			return "its cases need " + n.what + ", which an SDK's own requests never have"
		}
	}
	for name, v := range st.Params {
		if _, ok := generators.ParseRef(v); ok {
			return "its cases refer to an ENI made by an earlier request (" + name + ")"
		}
	}
	return ""
}

// credentialsOf returns what the step signs with: its key's secret in the
// world (a made-up one for a key the world lacks), or a wrong secret.
func (r *runner) credentialsOf(st generators.Step) credentials {
	kind := secretWorld
	switch _, known := r.bench.secrets[st.Key]; {
	case !known:
		kind = secretMadeUp
	case st.Send.WrongSecret:
		kind = secretWrong
	}
	return r.secretOf(st.Key, kind)
}

// The kinds of secret a call signs with, as case files name them.
const (
	secretWorld  = "world"   // the key's secret in the world
	secretMadeUp = "made-up" // for a key the world lacks: "not-" + the key
	secretWrong  = "wrong"   // the world's secret + wrongSuffix
	wrongSuffix  = "-wrong"
)

// secretOf returns the credentials of key with a secret of kind.
func (r *runner) secretOf(key, kind string) credentials {
	switch kind {
	case secretMadeUp:
		return credentials{key, "not-" + key}
	case secretWrong:
		return credentials{key, r.bench.secrets[key] + wrongSuffix}
	}
	return credentials{key, r.bench.secrets[key]}
}

// typed turns a step's flat wire parameters into typed params: X.1, X.2 as
// a list, X.Field as a struct, recursively; a value of an Integer or
// Boolean parameter of the action as a number or boolean when it is one.
// When the flat names do not form such a tree (X and X.1 both, say), or
// its flattening would differ, every name is passed as a string, flat.
func (r *runner) typed(action string, flat map[string]string) map[string]any {
	tree := map[string]any{}
	ok := true
	for _, name := range slices.Sorted(maps.Keys(flat)) {
		ok = ok && insert(tree, strings.Split(name, "."), r.scalar(action, name, flat[name]))
	}
	for k, v := range tree {
		tree[k] = listify(v)
	}
	if !ok || !maps.Equal(sdkdriver.Flatten(tree), flat) {
		tree = map[string]any{}
		for k, v := range flat {
			tree[k] = v
		}
	}
	return tree
}

// scalar is a flat value typed as its parameter in the action says.
func (r *runner) scalar(action, name, v string) any {
	a := r.profile.Action(action)
	if a == nil || a.Param(name) == nil {
		return v
	}
	switch a.Param(name).Type {
	case "Integer", "Long":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && strconv.FormatInt(n, 10) == v {
			return n
		}
	case "Boolean":
		if b, err := strconv.ParseBool(v); err == nil && strconv.FormatBool(b) == v {
			return b
		}
	}
	return v
}

// insert puts v at path in tree; false on a clash with what is there.
func insert(tree map[string]any, path []string, v any) bool {
	if len(path) == 1 {
		if _, taken := tree[path[0]]; taken {
			return false
		}
		tree[path[0]] = v
		return true
	}
	sub, isMap := tree[path[0]].(map[string]any)
	if _, taken := tree[path[0]]; taken && !isMap {
		return false
	}
	if sub == nil {
		sub = map[string]any{}
		tree[path[0]] = sub
	}
	return insert(sub, path[1:], v)
}

// listify turns every object whose keys are exactly 1…n into a list.
func listify(v any) any {
	m, isMap := v.(map[string]any)
	if !isMap {
		return v
	}
	for k, e := range m {
		m[k] = listify(e)
	}
	for i := 1; i <= len(m); i++ {
		if _, ok := m[strconv.Itoa(i)]; !ok {
			return m
		}
	}
	if len(m) == 0 {
		return m
	}
	list := make([]any, len(m))
	for i := range list {
		list[i] = m[strconv.Itoa(i+1)]
	}
	return list
}
