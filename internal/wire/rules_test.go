package wire

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/spec"
)

// moduleRoot is the directory holding go.mod, two levels up.
const moduleRoot = "../.."

// TestHMACOnlyInWire: crypto/hmac is imported nowhere in the module but in
// internal/wire, so every signature is computed and compared here.
func TestHMACOnlyInWire(t *testing.T) {
	if _, err := os.Stat(filepath.Join(moduleRoot, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	wire, _ := filepath.Abs(".")
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor" || strings.HasPrefix(d.Name(), ".")) && path != moduleRoot {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		abs, _ := filepath.Abs(path)
		if filepath.Dir(abs) == wire {
			return nil
		}
		if slices.Contains(imports(t, path), "crypto/hmac") {
			t.Errorf("%s imports crypto/hmac; signatures belong to internal/wire", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWireIsPure: the package's non-test files neither read the clock nor
// import a random source, so signing is a pure function of the Call.
func TestWireIsPure(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	clock := []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		for _, imp := range imports(t, path) {
			if imp == "math/rand" || imp == "math/rand/v2" || imp == "crypto/rand" {
				t.Errorf("%s imports %s", path, imp)
			}
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, isIdent := sel.X.(*ast.Ident); isIdent && id.Name == "time" && slices.Contains(clock, sel.Sel.Name) {
				t.Errorf("%s calls time.%s: no function in wire may read the clock", path, sel.Sel.Name)
			}
			return true
		})
	}
}

// imports returns the import paths of a Go file.
func imports(t *testing.T, path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, p)
	}
	return out
}

// TestNamesInSpec: the parameter, header and action names wire writes are
// the spec's.
func TestNamesInSpec(t *testing.T) {
	p := spec.Default()
	for _, name := range append(slices.Clone(reserved), ParamSecurityToken) {
		if p.Common(name) == nil {
			t.Errorf("%s is not a common parameter of profile %s", name, p.Name)
		}
	}
	if c := p.Common(ParamSecurityToken); c == nil || !strings.EqualFold(c.Header, headerSecurityToken) {
		t.Errorf("SecurityToken's header is not %s", headerSecurityToken)
	}
	for _, h := range []string{headerHost, headerContentSHA256} {
		if !slices.Contains(p.Gateway.V3SignedHeaders, h) {
			t.Errorf("%s is not among the profile's V3 signed headers", h)
		}
	}
	for _, a := range []string{ActionCreate, ActionDelete, ActionDescribe} {
		if p.Action(a) == nil {
			t.Errorf("action %s is not in profile %s", a, p.Name)
		}
	}
	if p.Subject != ActionCreate {
		t.Errorf("the profile's subject is %s, not %s", p.Subject, ActionCreate)
	}
}
