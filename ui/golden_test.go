package ui_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/i18n"
	"qiwidash/ui"
)

// goldenScreen runs the real program at 120x40 against the fixed sandbox,
// switches to a screen, waits for marker, and compares the final frame
// with testdata/<test name>.golden (go test ./ui -update rewrites it).
func goldenScreen(t *testing.T, keys string, marker string) {
	goldenScreenAt(t, 120, 40, keys, marker)
}

// goldenScreenAt is goldenScreen on a width x height terminal.
func goldenScreenAt(t *testing.T, width, height int, keys string, marker string) {
	goldenScreenIn(t, i18n.EN, width, height, keys, marker)
}

// goldenScreenIn is goldenScreenAt in lang.
func goldenScreenIn(t *testing.T, lang i18n.Lang, width, height int, keys string, marker string) {
	root, _ := newRootIn(t, lang)
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(width, height))
	for _, k := range keys {
		tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{k}})
	}
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(marker)) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	// Let in-flight loads land before the frame is taken.
	time.Sleep(200 * time.Millisecond)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*ui.Model)
	golden.RequireEqual(t, []byte(final.View()))
}

func TestGoldenProfile(t *testing.T)  { goldenScreen(t, "1", "Restrictions") }
func TestGoldenBalances(t *testing.T) { goldenScreen(t, "2", "Cross rates") }
func TestGoldenLimits(t *testing.T)   { goldenScreen(t, "3", "Cash withdrawal") }

func TestGoldenProfile80x24(t *testing.T)  { goldenScreenAt(t, 80, 24, "1", "Default currency") }
func TestGoldenBalances80x24(t *testing.T) { goldenScreenAt(t, 80, 24, "2", "Cross rates") }
func TestGoldenLimits80x24(t *testing.T)   { goldenScreenAt(t, 80, 24, "3", "Cash withdrawal") }

// In Russian (--lang ru): the chrome, the screen and the amounts.
func TestGoldenProfileRussian(t *testing.T) {
	goldenScreenIn(t, i18n.RU, 120, 40, "1", "Ограничения")
}
func TestGoldenHelpRussian(t *testing.T) { goldenScreenIn(t, i18n.RU, 120, 40, "2?", "Везде") }

// The help page: every key of the screen and of the shell, in columns.
func TestGoldenHelp(t *testing.T)      { goldenScreen(t, "2?", "Everywhere") }
func TestGoldenHelp80x24(t *testing.T) { goldenScreenAt(t, 80, 24, "2?", "Everywhere") }

// TestRussianChromeHasNoEnglish: in the Russian goldens the chrome (the
// header, the tabs, the shell's keys on the help page and the help's own
// footer) has no English word left; names, QIWI's values and key names
// excepted. The screens' own text is the next step of the translation.
func TestRussianChromeHasNoEnglish(t *testing.T) {
	keep := map[string]bool{"qiwidash": true, "TEST": true, "MSK": true, "VERIFIED": true,
		"tab": true, "shift": true, "ctrl": true, "esc": true}
	read := func(name string) []string {
		b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(string(b), "\n")
	}
	profile, help := read("TestGoldenProfileRussian"), read("TestGoldenHelpRussian")
	chrome := []string{profile[0], profile[1], help[0], help[1], help[len(help)-1]}
	in := false
	for _, l := range help {
		switch {
		case strings.TrimSpace(l) == "Везде":
			in = true
		case in && strings.TrimSpace(l) == "":
			in = false
		}
		if in {
			chrome = append(chrome, l)
		}
	}
	if len(chrome) < 10 {
		t.Fatalf("the help golden has no shell section: %d chrome lines", len(chrome))
	}
	for _, l := range chrome {
		for _, w := range regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(l, -1) {
			if !keep[w] {
				t.Errorf("English %q in the Russian chrome: %q", w, strings.TrimSpace(l))
			}
		}
	}
}
