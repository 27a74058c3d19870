package ui_test

import (
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui"
	"qiwidash/ui/uitest"
	"qiwidash/views/balances"
	"qiwidash/views/invoices"
	"qiwidash/views/limits"
	"qiwidash/views/payments"
	"qiwidash/views/profile"
	"qiwidash/views/webhooks"
)

// amountRe is an amount in clear: digits right before a currency sign.
var amountRe = regexp.MustCompile(`[0-9] ?[₽$€₸]`)

// TestPrivacyOnEveryScreen: with privacy on, no screen of the wallet
// shows an amount or the wallet number in clear, at 80x24 or 120x40.
func TestPrivacyOnEveryScreen(t *testing.T) {
	env := uitest.New(t)
	c := env.Common
	titles := []string{"Profile", "Balances", "Limits", "Invoices", "Payments", "Webhooks"}
	root := ui.New(c, []ui.Screen{
		{Mode: "Wallet", Title: titles[0], View: profile.New(c)},
		{Mode: "Wallet", Title: titles[1], View: balances.New(c)},
		{Mode: "Wallet", Title: titles[2], View: limits.New(c)},
		{Mode: "Wallet", Title: titles[3], View: invoices.New(c)},
		{Mode: "Wallet", Title: titles[4], View: payments.New(c)},
		{Mode: "Wallet", Title: titles[5], View: webhooks.New(c)},
	}, ui.Options{})
	root.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	uitest.Run(root, root.Load(), 300)
	root.Update(uitest.Key("2"))
	if !amountRe.MatchString(root.View()) {
		t.Fatalf("privacy off: no amount drawn, the test would prove nothing:\n%s", root.View())
	}
	root.Update(uitest.Key("p"))
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		root.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for i := range titles {
			root.Update(uitest.Key(string(rune('1' + i))))
			v := root.View()
			if amountRe.MatchString(v) || strings.Contains(v, c.Wallet) {
				t.Errorf("%dx%d %s: privacy on, yet an amount or the wallet shows:\n%s", size[0], size[1], root.ActiveTitle(), v)
			}
		}
	}
}
