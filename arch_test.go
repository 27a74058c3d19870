package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// listedPackage is the part of `go list -json` the architecture checks read.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
	// TestImports and XTestImports are the test files' imports: tests
	// keep to the layers too.
	TestImports, XTestImports []string
	Export                    string
}

// goList lists the packages matching patterns and their dependencies, with
// compiled export data, so that the checks can type-check the views.
func goList(t *testing.T, patterns ...string) map[string]listedPackage {
	t.Helper()
	args := append([]string{"list", "-e", "-export", "-deps", "-json"}, patterns...)
	cmd := exec.Command("go", args...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(&out)
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestLayersFlowDown: nothing below the views imports the views or the
// shell, not even in its tests.
func TestLayersFlowDown(t *testing.T) {
	for path, p := range goList(t, "./qiwiapi/...", "./store/...") {
		if !strings.HasPrefix(path, "qiwidash/") {
			continue
		}
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			if strings.HasPrefix(imp, "qiwidash/views") || strings.HasPrefix(imp, "qiwidash/ui") {
				t.Errorf("%s imports %s: dependencies must flow down to the engine, not up", path, imp)
			}
			if strings.HasPrefix(path, "qiwidash/qiwiapi") && strings.HasPrefix(imp, "qiwidash/") && !strings.HasPrefix(imp, "qiwidash/qiwiapi") {
				t.Errorf("%s imports %s: qiwiapi imports nothing of ours", path, imp)
			}
		}
	}
}

// engineOnly are the calls that move money or serve the network: only the
// engine may make them, never a screen.
var engineOnly = map[string]bool{
	"(*qiwidash/qiwiapi.PaymentsService).Pay":        true,
	"(*qiwidash/qiwiapi.InvoicesService).Pay":        true,
	"(*qiwidash/qiwiapi/pull.BillsService).Create":   true,
	"(*qiwidash/qiwiapi/pull.BillsService).Cancel":   true,
	"(*qiwidash/qiwiapi/pull.RefundsService).Create": true,
	"(*qiwidash/qiwiapi/topup.Client).Pay":           true,
	"(*qiwidash/qiwiapi/topup.Client).Run":           true,
	"(*qiwidash/qiwiapi/topup.Client).Follow":        true,
	"(*net/http.Server).ListenAndServe":              true,
	"(*net/http.Server).Serve":                       true,
	"net/http.ListenAndServe":                        true,
	"net/http.Serve":                                 true,
}

// TestViewsOnlyRenderAndSendIntents type-checks every screen and fails on a
// call that moves money or serves HTTP: those belong to the engine.
func TestViewsOnlyRenderAndSendIntents(t *testing.T) {
	pkgs := goList(t, "./views/...")
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		p, ok := pkgs[path]
		if !ok || p.Export == "" {
			return nil, errors.New("no export data for " + path)
		}
		return os.Open(p.Export)
	})
	checked := 0
	for path, p := range pkgs {
		if !strings.HasPrefix(path, "qiwidash/views") {
			continue
		}
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(path, fset, files, info); err != nil {
			t.Fatalf("type-checking %s: %v", path, err)
		}
		checked++
		for id, obj := range info.Uses {
			if fn, ok := obj.(*types.Func); ok && engineOnly[fn.FullName()] {
				t.Errorf("%s: a screen calls %s; money moves and servers belong to the engine", fset.Position(id.Pos()), fn.FullName())
			}
			if tn, ok := obj.(*types.TypeName); ok && tn.Pkg() != nil && tn.Pkg().Path() == "net/http" && tn.Name() == "Server" {
				t.Errorf("%s: a screen builds an http.Server; the receiver belongs to the engine", fset.Position(id.Pos()))
			}
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d screen packages, want every one under views/", checked)
	}
}
