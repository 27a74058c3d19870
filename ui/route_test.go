package ui_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/store/reader"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
	"qiwidash/views/limits"
	"qiwidash/views/profile"
)

// drillable stands in for History: it records the drill it was asked for.
type drillable struct {
	*limits.Model
	q    reader.Query
	back string
}

func (d *drillable) Drill(q reader.Query, back string) tea.Cmd {
	d.q, d.back = q, back
	return nil
}

// A drill-down opens History with the query; History's "back" shows the
// screen it came from.
func TestDrillDownRoutes(t *testing.T) {
	env := uitest.New(t)
	c := env.Common
	h := &drillable{Model: limits.New(c)}
	root := ui.New(c, []ui.Screen{
		{Mode: "Wallet", Title: "Profile", View: profile.New(c)},
		{Mode: "Wallet", Title: "History", View: h},
		{Mode: "Wallet", Title: "Insights", View: limits.New(c)},
	}, ui.Options{})
	root.Update(tea.WindowSizeMsg{Width: uitest.Width, Height: uitest.Height})
	root.Update(uitest.Key("3"))
	q := reader.Query{Text: "x"}
	root.Update(common.OpenHistoryMsg{Query: q, Back: "Insights"})
	if root.ActiveTitle() != "History" || h.q.Text != "x" || h.back != "Insights" {
		t.Fatalf("open: on %s, drill %+v back %q", root.ActiveTitle(), h.q, h.back)
	}
	root.Update(common.ShowScreenMsg{Title: "Insights"})
	if root.ActiveTitle() != "Insights" {
		t.Fatalf("back: on %s", root.ActiveTitle())
	}
}
