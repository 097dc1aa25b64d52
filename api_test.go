package labelcode_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestExportedAPIHasNoGenericsOrAliases keeps the exported API of every
// importable package of the module (all but internal/ and the commands)
// free of what gophernotes, the Go notebook kernel, cannot import: generic
// functions and types (it skips them), exported declarations whose
// signature or definition instantiates a generic type (e.g. iter.Seq), and
// type aliases (they break the import of the whole package). It reads the
// non-test Go files with go/parser, so every build variant is checked.
func TestExportedAPIHasNoGenericsOrAliases(t *testing.T) {
	var found []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != "." && (name == "internal" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != "." {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" {
			return nil
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		report := func(pos token.Pos, what string) {
			p := fset.Position(pos)
			found = append(found, pkg+": "+what+" ("+filepath.ToSlash(p.Filename)+":"+strconv.Itoa(p.Line)+")")
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				if !decl.Name.IsExported() || (decl.Recv != nil && !exportedRecv(decl.Recv)) {
					continue
				}
				name := decl.Name.Name
				if decl.Recv != nil {
					name = recvName(decl.Recv) + "." + name
				}
				if decl.Type.TypeParams != nil && decl.Type.TypeParams.NumFields() > 0 {
					report(decl.Pos(), "generic function "+name)
				} else if instantiates(decl.Type) {
					report(decl.Pos(), "function "+name+" uses an instantiated generic type")
				}
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok || !ts.Name.IsExported() {
						continue
					}
					switch {
					case ts.Assign.IsValid():
						report(ts.Pos(), "type alias "+ts.Name.Name)
					case ts.TypeParams != nil && ts.TypeParams.NumFields() > 0:
						report(ts.Pos(), "generic type "+ts.Name.Name)
					case instantiates(ts.Type):
						report(ts.Pos(), "type "+ts.Name.Name+" uses an instantiated generic type")
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(found)
	if len(found) > 0 {
		t.Errorf("the exported API has what gophernotes cannot import (see README, \"Use it from a notebook\"):\n\t%s", strings.Join(found, "\n\t"))
	}
}

// instantiates reports whether a type expression contains an instantiated
// generic type (X[T] or X[T, U]) in an exported position: unexported struct
// fields and interface methods are not part of what gomacro converts.
func instantiates(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			found = true
		case *ast.StructType:
			found = exportedFieldsInstantiate(n.Fields)
			return false
		case *ast.InterfaceType:
			found = exportedFieldsInstantiate(n.Methods)
			return false
		}
		return !found
	})
	return found
}

// exportedFieldsInstantiate applies instantiates to the embedded and
// exported fields (or interface methods) of fl.
func exportedFieldsInstantiate(fl *ast.FieldList) bool {
	if fl == nil {
		return false
	}
	for _, f := range fl.List {
		if (len(f.Names) == 0 || anyExported(f.Names)) && instantiates(f.Type) {
			return true
		}
	}
	return false
}

func anyExported(names []*ast.Ident) bool {
	for _, n := range names {
		if n.IsExported() {
			return true
		}
	}
	return false
}

// recvName is the name of a method's receiver type.
func recvName(recv *ast.FieldList) string {
	if recv == nil || len(recv.List) == 0 {
		return ""
	}
	t := recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func exportedRecv(recv *ast.FieldList) bool { return ast.IsExported(recvName(recv)) }
