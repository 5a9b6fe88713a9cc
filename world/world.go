// Package world reads and writes world manifests: YAML files that describe
// what exists on a target (accounts, regions, VPCs, vSwitches, security
// groups, ENIs). It embeds the default world of the built-in emulator and
// the template a user adapts to describe their own target.
//
// Entry points: Default, TemplateYAML, Load (a file), Parse (bytes), YAML and JSON
// (render). Errors name the file, line and field. The types are
// oracle.World and its parts; their rules of consistency are
// oracle.World.Validate, this package only locates its findings.
package world

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/eniconform/eniconform/oracle"
	"go.yaml.in/yaml/v3"
)

//go:embed default.yaml
var defaultYAML []byte

// DefaultYAML returns the default world's manifest, comments included.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }

//go:embed template.yaml
var templateYAML []byte

// TemplateYAML returns the minimal commented manifest a user adapts to
// their target (eniconform world --template): one account and its keys,
// one region, the entries each rule family needs, every limit written out.
func TemplateYAML() []byte { return append([]byte(nil), templateYAML...) }

// Default returns a fresh copy of the default world. It panics if the
// embedded manifest is invalid, which the package tests rule out.
func Default() *oracle.World {
	w, err := Parse("default.yaml", defaultYAML)
	if err != nil {
		panic(err)
	}
	return w
}

// Load reads and validates a manifest file.
func Load(path string) (*oracle.World, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes and validates a manifest. name is used in error messages.
// Unknown fields are errors; every error names the line and the field.
func Parse(name string, data []byte) (*oracle.World, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the manifest is empty", name)
	}
	w := &oracle.World{}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(w); err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(strings.ReplaceAll(err.Error(), "yaml: ", ""), "unmarshal errors:\n  "))
	}
	fillDefaults(w)
	if errs := w.Validate(); len(errs) > 0 {
		var all []error
		for _, e := range errs {
			all = append(all, fmt.Errorf("%s:%d: %s: %s", name, line(doc.Content[0], e.Path), e.Path, e.Msg))
		}
		return nil, errors.Join(all...)
	}
	return w, nil
}

var step = regexp.MustCompile(`([a-z_]+)|\[(\d+)\]`)

// line finds the line of a field path such as "vswitches[2].cidr" in a
// manifest, falling back to the deepest node that exists.
func line(n *yaml.Node, path string) int {
	for _, m := range step.FindAllStringSubmatch(path, -1) {
		next := child(n, m[1], m[2])
		if next == nil {
			break
		}
		n = next
	}
	return n.Line
}

func child(n *yaml.Node, key, index string) *yaml.Node {
	switch {
	case key != "" && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	case index != "" && n.Kind == yaml.SequenceNode:
		if i, _ := strconv.Atoi(index); i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

// YAML renders a world as a manifest.
func YAML(w *oracle.World) ([]byte, error) { return yaml.Marshal(w) }

// JSON renders a world as indented JSON with the manifest's field names.
func JSON(w *oracle.World) ([]byte, error) { return json.MarshalIndent(w, "", "  ") }

// Secrets lists the world's AccessKey secrets, for redaction.
func Secrets(w *oracle.World) []string {
	var out []string
	for _, a := range w.Accounts {
		out = append(out, a.AccessKeySecret)
	}
	return out
}
