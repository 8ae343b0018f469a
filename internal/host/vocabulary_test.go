package host

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestKnownInputsComplete: every Input* constant declared in this package
// is in KnownInputs, so that a new input is known to the checks' Needs
// validation and to the fixture tests the moment it is declared.
func TestKnownInputsComplete(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	declared := 0
	for _, file := range names {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		{
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, spec := range g.Specs {
					for i, name := range spec.(*ast.ValueSpec).Names {
						if !strings.HasPrefix(name.Name, "Input") || len(spec.(*ast.ValueSpec).Values) <= i {
							continue
						}
						lit, ok := spec.(*ast.ValueSpec).Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						declared++
						if v := strings.Trim(lit.Value, "\""); !slices.Contains(KnownInputs, v) {
							t.Errorf("%s = %s is not in KnownInputs", name.Name, lit.Value)
						}
					}
				}
			}
		}
	}
	if declared != len(KnownInputs) {
		t.Errorf("%d Input* constants, %d KnownInputs", declared, len(KnownInputs))
	}
}
