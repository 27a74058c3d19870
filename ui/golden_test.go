package ui_test

import (
	"bytes"
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
