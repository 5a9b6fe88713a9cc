package emulator

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eniconform/eniconform/spec"
)

// parsePackage parses the package's non-test files.
func parsePackage(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// No error code is written in the emulator: codes come from the spec
// through the oracle, so a rule is written once.
func TestNoErrorCodeLiterals(t *testing.T) {
	codes := map[string]bool{}
	for _, name := range spec.Names() {
		p, err := spec.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Rules {
			codes[r.Code] = true
			for _, a := range r.Alternatives {
				codes[a.Code] = true
			}
		}
	}
	if len(codes) < 10 {
		t.Fatalf("only %d codes in the profiles", len(codes))
	}
	fset, files := parsePackage(t)
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && codes[s] {
				t.Errorf("%s: error code %s written in the emulator; it must come from the spec", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}

// ServeHTTP stays a thin pipe: decode, oracle, encode (and the log).
func TestServeHTTPIsShort(t *testing.T) {
	const maxStatements, maxLines = 6, 15
	fset, files := parsePackage(t)
	for _, f := range files {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "ServeHTTP" {
				continue
			}
			lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if n := len(fn.Body.List); n > maxStatements || lines > maxLines {
				t.Errorf("ServeHTTP has %d statements in %d lines; keep it to decode → oracle → encode (≤ %d, ≤ %d)",
					n, lines, maxStatements, maxLines)
			}
			return
		}
	}
	t.Fatal("no ServeHTTP found")
}
