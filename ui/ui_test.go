package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
	"qiwidash/views/balances"
	"qiwidash/views/limits"
	"qiwidash/views/profile"
)

func newRoot(t *testing.T) (*ui.Model, *uitest.Env) { return newRootIn(t, i18n.EN) }

// newRootIn is newRoot speaking lang, as --lang makes it.
func newRootIn(t *testing.T, lang i18n.Lang) (*ui.Model, *uitest.Env) {
	env := uitest.New(t)
	c := env.Common
	c.Tr = i18n.New(lang)
	c.Keys = common.DefaultKeys(c.Tr)
	root := ui.New(c, []ui.Screen{
		{Title: "Profile", Name: c.Tr.T("screen.profile", nil), View: profile.New(c)},
		{Title: "Balances", Name: c.Tr.T("screen.balances", nil), View: balances.New(c)},
		{Title: "Limits", Name: c.Tr.T("screen.limits", nil), View: limits.New(c)},
	}, ui.Options{Badge: "TEST"})
	root.Update(tea.WindowSizeMsg{Width: uitest.Width, Height: uitest.Height})
	return root, env
}

// load runs the loading commands (not the spinner's endless ticks).
func load(t *testing.T, root *ui.Model) {
	t.Helper()
	uitest.Run(root, root.Load(), 200)
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestNumberKeysSwitchScreens(t *testing.T) {
	root, _ := newRoot(t)
	root.Update(uitest.Key("3"))
	if root.ActiveTitle() != "Limits" {
		t.Fatalf("3 -> %s", root.ActiveTitle())
	}
	root.Update(uitest.Key("tab"))
	if root.ActiveTitle() != "Profile" {
		t.Fatalf("tab from the last screen -> %s", root.ActiveTitle())
	}
	root.Update(uitest.Key("9")) // no ninth screen: stays
	if root.ActiveTitle() != "Profile" {
		t.Fatalf("9 -> %s", root.ActiveTitle())
	}
}

func TestQuitKeys(t *testing.T) {
	root, _ := newRoot(t)
	if _, cmd := root.Update(uitest.Key("q")); !isQuit(cmd) {
		t.Fatal("q did not quit")
	}
	if _, cmd := root.Update(uitest.Key("ctrl+c")); !isQuit(cmd) {
		t.Fatal("ctrl+c did not quit")
	}
}

func TestQDoesNotQuitWhileTyping(t *testing.T) {
	root, _ := newRoot(t)
	load(t, root)
	root.Update(uitest.Key("n")) // open the identification form on Profile
	if _, cmd := root.Update(uitest.Key("q")); isQuit(cmd) {
		t.Fatal("q quit while typing in the form")
	}
	if !strings.Contains(root.View(), "Identification") {
		t.Fatal("the form is not shown")
	}
	if _, cmd := root.Update(uitest.Key("ctrl+c")); !isQuit(cmd) {
		t.Fatal("ctrl+c must always quit")
	}
}

func TestTooSmall(t *testing.T) {
	root, _ := newRoot(t)
	root.Update(tea.WindowSizeMsg{Width: 70, Height: 20})
	if got := root.View(); got != "Terminal too small (70x20, need 80x24)" {
		t.Fatalf("view = %q", got)
	}
	root.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if strings.Contains(root.View(), "too small") {
		t.Fatal("80x24 should be drawn")
	}
}

func TestPrivacyMasksHeaderAndScreens(t *testing.T) {
	root, env := newRoot(t)
	load(t, root)
	root.Update(uitest.Key("2"))
	before := root.View()
	if !strings.Contains(before, "₽") || !strings.Contains(before, env.Common.Wallet) {
		t.Fatalf("balances not drawn:\n%s", before)
	}
	root.Update(uitest.Key("p"))
	after := root.View()
	if strings.Contains(after, env.Common.Wallet) {
		t.Fatal("wallet number visible in privacy mode")
	}
	for _, line := range strings.Split(after, "\n") {
		if strings.Contains(line, "₽") && !strings.Contains(line, "•••") {
			t.Fatalf("amount visible in privacy mode: %q", line)
		}
	}
}

func TestConfirmationRunsOnlyOnYes(t *testing.T) {
	root, _ := newRoot(t)
	ran := 0
	yes := func() tea.Msg { ran++; return nil }
	root.Update(common.ConfirmMsg{Title: "Pay?", Lines: []string{"100.00 ₽ to +79990000000"}, Yes: yes})
	if !strings.Contains(root.View(), "100.00 ₽ to +79990000000") {
		t.Fatal("confirmation not shown")
	}
	if _, cmd := root.Update(uitest.Key("q")); isQuit(cmd) {
		t.Fatal("q quit under a modal")
	}
	root.Update(uitest.Key("n"))
	if ran != 0 || strings.Contains(root.View(), "Pay?") {
		t.Fatal("n did not cancel")
	}
	root.Update(common.ConfirmMsg{Title: "Pay?", Yes: yes})
	_, cmd := root.Update(uitest.Key("y"))
	if cmd != nil {
		cmd()
	}
	if ran != 1 {
		t.Fatalf("yes ran %d times", ran)
	}
}

func TestHeaderFollowsMoneyMoving(t *testing.T) {
	root, env := newRoot(t)
	load(t, root)
	if !strings.Contains(root.View(), "115 486.04 ₽") {
		t.Fatalf("header balance:\n%s", strings.SplitN(root.View(), "\n", 2)[0])
	}
	env.Sandbox.Server.AddIncoming(env.Common.Wallet, 100000, 643, env.Sandbox.Server.OtherWallets()[0])
	env.Sandbox.Server.SettleNow()
	_, cmd := root.Update(common.MoneyMovedMsg{})
	uitest.Run(root, cmd, 10)
	kop, _ := env.Sandbox.Server.Balance(env.Common.Wallet, 643)
	want := qiwiapi.Amount{Minor: kop, Currency: qiwiapi.RUB}.Format()
	if head := strings.SplitN(root.View(), "\n", 2)[0]; want == "115 486.04 ₽" || !strings.Contains(head, want) {
		t.Fatalf("header did not reload: %s", head)
	}
}

func TestTabsFitOnOneLineWhenNarrow(t *testing.T) {
	env := uitest.New(t)
	c := env.Common
	var screens []ui.Screen
	for _, title := range []string{"Profile", "Balances", "Limits", "History", "Invoices", "Payments", "Webhooks"} {
		screens = append(screens, ui.Screen{Mode: "Wallet", Title: title, View: balances.New(c)})
	}
	screens = append(screens, ui.Screen{Mode: "Agent", Title: "Balance", View: limits.New(c)}, ui.Screen{Mode: "Merchant", Title: "Bills", View: limits.New(c)})
	root := ui.New(c, screens, ui.Options{})
	for _, w := range []int{80, 100, 200} {
		root.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		lines := strings.Split(root.View(), "\n")
		if !strings.Contains(lines[1], "▶1 Profile") || !strings.Contains(lines[1], "[Wallet]") || !strings.HasPrefix(lines[2], "─") {
			t.Fatalf("width %d: the tab bar does not fit one line:\n%s\n%s\n%s", w, lines[0], lines[1], lines[2])
		}
	}
}

func TestMouseWheelScrollsAndClickSwitchesTab(t *testing.T) {
	root, _ := newRoot(t)
	load(t, root)
	root.Update(uitest.Key("2"))
	before := root.View()
	root.Update(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if root.View() == before {
		t.Fatal("the wheel did not move the selection")
	}
	tabs := strings.Split(root.View(), "\n")[1]
	x := strings.Index(tabs, "3 Limits")
	root.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, X: len([]rune(tabs[:x])) + 2, Y: 1})
	if root.ActiveTitle() != "Limits" {
		t.Fatalf("click on the Limits tab -> %s", root.ActiveTitle())
	}
}

func TestHeaderKeepsBalanceAndAlertsWhenNarrow(t *testing.T) {
	root, _ := newRoot(t)
	load(t, root)
	root.Update(common.HeaderAlertMsg{Key: "agent", Text: "LOW agent balance: USD"})
	root.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	head := strings.Split(root.View(), "\n")[0]
	if !strings.Contains(head, "115 486.04 ₽") || !strings.Contains(head, "! LOW agent balance: USD") || len([]rune(head)) > 80 {
		t.Fatalf("narrow header lost the balance or the alert: %q", head)
	}
	root.Update(common.HeaderAlertMsg{Key: "agent"})
	if strings.Contains(strings.Split(root.View(), "\n")[0], "LOW") {
		t.Fatal("the alert was not cleared")
	}
}

func TestNoLineWiderThanTheTerminal(t *testing.T) {
	root, _ := newRoot(t)
	load(t, root)
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		root.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for _, k := range []string{"1", "2", "3"} {
			root.Update(uitest.Key(k))
			lines := strings.Split(root.View(), "\n")
			if len(lines) != size[1] {
				t.Errorf("%dx%d screen %s: %d lines", size[0], size[1], k, len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%dx%d screen %s line %d is %d wide: %q", size[0], size[1], k, i, w, l)
				}
			}
		}
	}
}

func TestKeysReadTogetherAreEachApplied(t *testing.T) {
	root, _ := newRoot(t)
	root.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("3")})
	root.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("12")}) // "1" then "2"
	if root.ActiveTitle() != "Balances" {
		t.Fatalf("after \"12\": %s", root.ActiveTitle())
	}
}

func TestNarrowConfirmationWrapsAndCutLinesSaySo(t *testing.T) {
	root, _ := newRoot(t)
	root.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	long := "Transaction number 8486919233415630 is journaled first and reused for every retry of this top-up."
	root.Update(common.ConfirmMsg{Title: "Send this top-up?", Lines: []string{long}})
	v := root.View()
	for i, l := range strings.Split(v, "\n") {
		if lipgloss.Width(l) > 80 {
			t.Fatalf("line %d is %d wide", i, lipgloss.Width(l))
		}
	}
	if !strings.Contains(v, "every retry") || strings.Count(v, "╗") != 1 || strings.Count(v, "╝") != 1 {
		t.Fatalf("the confirmation was cut instead of wrapped:\n%s", v)
	}
	if got := ui.AnsiFit("abcdefghij", 5); got != "abcd…" {
		t.Fatalf("fitLines = %q", got)
	}
}

// manyKeys is a screen with more keys than 80x24 can show at once.
type manyKeys struct{ busyScreen }

func (m *manyKeys) FullHelp() [][]key.Binding {
	var out [][]key.Binding
	for g := range 6 {
		var group []key.Binding
		for i := range 8 {
			k := fmt.Sprintf("f%d", g*8+i+1)
			group = append(group, key.NewBinding(key.WithKeys(k), key.WithHelp(k, fmt.Sprintf("action number %d of this screen", g*8+i+1))))
		}
		out = append(out, group)
	}
	return out
}

// TestHelpShowsEveryKeyAtAnySize: "?" lists every key of the screen and of
// the shell; where they do not fit, the page scrolls to each of them, and
// no line is wider than the terminal.
func TestHelpShowsEveryKeyAtAnySize(t *testing.T) {
	env := uitest.New(t)
	sc := &manyKeys{}
	root := ui.New(env.Common, []ui.Screen{{Mode: "Wallet", Title: "Many", View: sc}, {Mode: "Agent", Title: "Other", View: &busyScreen{}}}, ui.Options{})
	k := env.Common.Keys
	var want []string
	for _, g := range sc.FullHelp() {
		for _, b := range g {
			want = append(want, b.Help().Desc)
		}
	}
	for _, b := range []key.Binding{k.NextTab, k.PrevTab, k.NextMode, k.PrevMode, k.Privacy, k.Refresh, k.Help, k.Suspend, k.Quit} {
		want = append(want, b.Help().Key+" ")
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		root.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		root.Update(uitest.Key("?"))
		seen := ""
		for range 20 {
			v := root.View()
			for i, l := range strings.Split(v, "\n") {
				if w := lipgloss.Width(l); w > size[0] {
					t.Fatalf("%dx%d: line %d is %d wide: %q", size[0], size[1], i, w, l)
				}
			}
			seen += v
			root.Update(uitest.Key("pgdown"))
		}
		for _, w := range want {
			if !strings.Contains(seen, w) {
				t.Errorf("%dx%d: the help never shows %q", size[0], size[1], w)
			}
		}
		root.Update(uitest.Key("?"))
		if strings.Contains(root.View(), "Everywhere") {
			t.Fatalf("%dx%d: ? did not close the help", size[0], size[1])
		}
	}
}

// TestTabClicksHitAtAnyWidth: a click on a tab switches to its screen, and
// on a mode to that mode, even when the labels are compact; mode names
// stay words, not initials.
func TestTabClicksHitAtAnyWidth(t *testing.T) {
	env := uitest.New(t)
	c := env.Common
	var screens []ui.Screen
	for _, title := range []string{"Profile", "Balances", "Limits", "History", "Invoices", "Payments", "Webhooks"} {
		screens = append(screens, ui.Screen{Mode: "Wallet", Title: title, View: &busyScreen{}})
	}
	for _, mode := range []string{"Agent", "Merchant", "Live", "Settings", "Overview"} {
		screens = append(screens, ui.Screen{Mode: mode, Title: mode + " one", View: &busyScreen{}})
	}
	for _, w := range []int{80, 100, 200} {
		root := ui.New(c, screens, ui.Options{})
		root.Update(tea.WindowSizeMsg{Width: w, Height: 24})
		tabs := strings.Split(root.View(), "\n")[1]
		for _, mode := range []string{"Agent", "Merc", "Live", "Sett", "Over"} {
			if !strings.Contains(tabs, mode) {
				t.Fatalf("width %d: mode %s not readable in %q", w, mode, tabs)
			}
		}
		click := func(label string) {
			t.Helper()
			line := strings.Split(root.View(), "\n")[1]
			at := strings.Index(line, label)
			if at < 0 {
				t.Fatalf("width %d: %q not in %q", w, label, line)
			}
			x := lipgloss.Width(line[:at])
			root.Update(tea.MouseMsg{Button: tea.MouseButtonLeft, Action: tea.MouseActionPress, X: x, Y: 1})
		}
		click("6") // Payments, drawn as its number when narrow
		if root.ActiveTitle() != "Payments" {
			t.Fatalf("width %d: click on 6 -> %s", w, root.ActiveTitle())
		}
		click("Live")
		if root.ActiveTitle() != "Live one" {
			t.Fatalf("width %d: click on Live -> %s", w, root.ActiveTitle())
		}
		click("Wallet")
		if root.ActiveTitle() != "Payments" {
			t.Fatalf("width %d: back to Wallet -> %s, want the screen it was left on", w, root.ActiveTitle())
		}
	}
}

// TestRussianLayoutKeys: with the Russian layout on, й quits, з toggles
// privacy and н confirms, as q, p and y do; in a form й is typed.
func TestRussianLayoutKeys(t *testing.T) {
	root, env := newRoot(t)
	load(t, root)
	root.Update(uitest.Key("з"))
	if !env.Common.Settings.Privacy {
		t.Fatal("з did not toggle privacy")
	}
	ran := 0
	root.Update(common.ConfirmMsg{Title: "Pay?", Yes: func() tea.Msg { ran++; return nil }})
	if _, cmd := root.Update(uitest.Key("н")); cmd != nil {
		cmd()
	}
	if ran != 1 {
		t.Fatalf("н ran the confirmation %d times", ran)
	}
	if _, cmd := root.Update(uitest.Key("й")); !isQuit(cmd) {
		t.Fatal("й did not quit")
	}
	root.Update(uitest.Key("т")) // open the identification form on Profile, as n does
	if !strings.Contains(root.View(), "Identification") {
		t.Fatal("т did not open the form")
	}
	if _, cmd := root.Update(uitest.Key("й")); isQuit(cmd) {
		t.Fatal("й quit while typing in the form")
	}
	if !strings.Contains(root.View(), "й") {
		t.Fatalf("й was not typed into the form:\n%s", root.View())
	}
}
