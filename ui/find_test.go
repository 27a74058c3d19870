package ui_test

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// everyProfile is a fake Overview screen (about every profile) that is
// also the support console.
type everyProfile struct {
	fake
	finds int
}

func (e *everyProfile) AllProfiles() bool { return true }
func (e *everyProfile) StartFind() tea.Cmd {
	e.finds++
	return nil
}

// ctrl+f brings the support console to the front from any screen; a
// profile switch opens the new profile's own first screen, not the
// Overview.
func TestCtrlFFindsFromAnywhereAndSwitchSkipsTheOverview(t *testing.T) {
	env := uitest.New(t)
	c := env.Common
	console := &everyProfile{fake: fake{title: "Find"}}
	own := &fake{title: "Own"}
	opts := ui.Options{Profile: "main", Switch: func(name string) (*common.Common, []ui.Screen, error) {
		nc := *c
		nc.API, nc.Wallet = nil, ""
		return &nc, []ui.Screen{{Mode: "Overview", Title: "Find", View: &everyProfile{fake: fake{title: "Find"}}}, {Mode: "Agent", Title: "Own", View: own}}, nil
	}}
	nc := *c
	nc.API, nc.Wallet = nil, ""
	root := ui.New(&nc, []ui.Screen{
		{Mode: "Overview", Title: "Find", View: console},
		{Mode: "Wallet", Title: "Other", View: &fake{title: "Other"}},
	}, opts)
	root.Update(tea.WindowSizeMsg{Width: uitest.Width, Height: uitest.Height})
	root.Update(uitest.Key("]"))
	if root.ActiveTitle() != "Other" {
		t.Fatalf("] -> %s", root.ActiveTitle())
	}
	root.Update(tea.KeyMsg{Type: tea.KeyCtrlF})
	if root.ActiveTitle() != "Find" || console.finds != 1 {
		t.Fatalf("ctrl+f: on %s, %d finds", root.ActiveTitle(), console.finds)
	}
	_, cmd := root.Update(common.SwitchProfileMsg{Name: "other"})
	runQuick(root, cmd, 20)
	if root.ProfileName() != "other" || root.ActiveTitle() != "Own" {
		t.Fatalf("after the switch: %s on %s", root.ProfileName(), root.ActiveTitle())
	}
}
