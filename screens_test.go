package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"qiwidash/i18n"
)

// TestEveryScreenIsNamed: every mode and title buildScreens uses has a
// name in both languages, so no tab falls back to its English title.
func TestEveryScreenIsNamed(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "screens.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	en, ru := screenNames(i18n.New(i18n.EN)), screenNames(i18n.New(i18n.RU))
	calls := 0
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); !ok || (id.Name != "add" && id.Name != "screen") || len(call.Args) != 3 {
			return true
		}
		if id, ok := call.Args[0].(*ast.Ident); ok && id.Name == "mode" {
			return true // add passing its own arguments to screen
		}
		calls++
		for _, arg := range call.Args[:2] {
			lit, ok := arg.(*ast.BasicLit)
			if !ok {
				t.Fatalf("a screen's mode or title is not a literal: %#v", arg)
			}
			s, _ := strconv.Unquote(lit.Value)
			if en[s] != s {
				t.Errorf("%q is shown in English as %q", s, en[s])
			}
			if ru[s] == "" || ru[s] == s {
				t.Errorf("%q has no Russian name (%q)", s, ru[s])
			}
		}
		return true
	})
	if calls < 17 {
		t.Fatalf("found %d screens in screens.go", calls)
	}
}
