package tabs

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"qiwidash/ui/common"
)

func bar(width int) *Model {
	lipgloss.SetColorProfile(termenv.Ascii)
	m := New(common.NewStyles(common.DefaultTheme()))
	var list []Tab
	for _, t := range []string{"Profile", "Balances", "Limits", "History", "Invoices", "Payments", "Webhooks"} {
		list = append(list, Tab{Mode: "Wallet", Title: t})
	}
	for _, mode := range []string{"Agent", "Merchant", "Live", "Settings", "Overview"} {
		list = append(list, Tab{Mode: mode, Title: mode})
	}
	m.SetTabs(list, 3)
	m.SetSize(width, 2)
	return m
}

// TestCompactionKeepsNamesLongest: screens become numbers before modes
// are shortened, modes are never cut to one letter, and the active screen
// and mode keep their names.
func TestCompactionKeepsNamesLongest(t *testing.T) {
	for _, w := range []int{80, 100, 140, 200} {
		line := strings.Split(bar(w).View(), "\n")[0]
		if lipgloss.Width(line) > w || !strings.Contains(line, "[Wallet]") || !strings.Contains(line, "▶4 History") {
			t.Fatalf("width %d: %q", w, line)
		}
		for _, mode := range []string{"Agent", "Merc", "Live", "Sett", "Over"} {
			if !strings.Contains(line, mode) {
				t.Fatalf("width %d: mode %s unreadable in %q", w, mode, line)
			}
		}
	}
	if line := bar(200).View(); !strings.Contains(line, "2 Balances") || !strings.Contains(line, "Merchant") {
		t.Fatalf("wide: names shortened: %q", line)
	}
}

// TestAtFindsEveryTab: every drawn tab is hit by a click on any of its
// columns, at every width, and the separator hits nothing.
func TestAtFindsEveryTab(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		m := bar(w)
		line := []rune(strings.Split(m.View(), "\n")[0])
		for _, z := range m.zones {
			for x := z.from; x < z.to; x++ {
				if got, ok := m.At(x); !ok || got != z.target {
					t.Fatalf("width %d: column %d hit %+v %v, want %+v", w, x, got, ok, z.target)
				}
			}
		}
		sep := strings.Index(string(line), "│")
		if _, ok := m.At(lipgloss.Width(string(line)[:sep])); ok {
			t.Fatalf("width %d: the separator is clickable", w)
		}
		if len(m.zones) != 6+7 {
			t.Fatalf("width %d: %d tabs drawn, want 13 (6 modes, 7 screens)", w, len(m.zones))
		}
	}
}
