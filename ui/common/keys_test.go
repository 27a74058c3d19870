package common

import (
	"testing"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

func TestRelabelShowsTheReboundKey(t *testing.T) {
	k := DefaultKeys(nil)
	if err := k.Rebind(map[string][]string{"copy": {"c"}}); err != nil {
		t.Fatal(err)
	}
	b := Relabel(k.Copy, "copy id")
	if h := b.Help(); h.Key != "c" || h.Desc != "copy id" {
		t.Fatalf("help = %+v, want the rebound key c", h)
	}
	if k.Copy.Help().Desc != "copy" {
		t.Fatal("Relabel changed the shared binding")
	}
	if err := k.Rebind(map[string][]string{"nope": {"x"}}); err == nil {
		t.Fatal("an unknown action was accepted")
	}
}

// TestDefaultKeysDoOneThingEach: every rebindable action is live in some
// set of Together, and no set holds a key twice or a fixed key (ctrl+c,
// the screen numbers) for another action, so the config check
// (store.ParseConfig) starts from a clean map.
func TestDefaultKeysDoOneThingEach(t *testing.T) {
	k := DefaultKeys(nil)
	keys, fixed := k.ActionKeys(), k.FixedKeys()
	live := map[string]bool{}
	for _, set := range k.Together() {
		owner := map[string]string{}
		for _, a := range set {
			live[a] = true
			bound, ok := keys[a]
			if !ok {
				t.Fatalf("Together names %q, which is no action", a)
			}
			for _, key := range bound {
				if o, taken := owner[key]; taken && o != a {
					t.Errorf("%q does %s and %s", key, o, a)
				}
				if does, ok := fixed[key]; ok {
					t.Errorf("%q of %s always does %s", key, a, does)
				}
				owner[key] = a
			}
		}
	}
	for _, a := range k.ActionNames() {
		if !live[a] {
			t.Errorf("action %q is in no set of Together: its keys are never checked", a)
		}
	}
	if fixed["ctrl+c"] != "quit" || fixed["9"] != "screen 9" {
		t.Errorf("fixed keys = %v", fixed)
	}
}

// TestQWERTYTwins: a letter typed with the Russian layout matches the
// binding of the same key on QWERTY; others and pastes are left alone.
func TestQWERTYTwins(t *testing.T) {
	k := DefaultKeys(nil)
	runes := func(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }
	for typed, b := range map[string]key.Binding{"й": k.Quit, "р": k.Left, "о": k.Down, "л": k.Up, "П": k.Bottom, "з": k.Privacy, "н": k.Yes, "т": k.No, "Ы": k.Statement} {
		if !key.Matches(QWERTY(runes(typed)), b) {
			t.Errorf("%s does not act as %s", typed, b.Help().Key)
		}
	}
	if got := QWERTY(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("й"), Alt: true}); got.String() != "alt+q" {
		t.Errorf("alt+й is %s", got)
	}
	if got := QWERTY(runes("йр")); string(got.Runes) != "qh" {
		t.Errorf("йр read together is %q", string(got.Runes))
	}
	for _, msg := range []tea.KeyMsg{runes("х"), runes("1"), runes("q"), {Type: tea.KeyRunes, Runes: []rune("й"), Paste: true}, {Type: tea.KeyEnter}} {
		if got := QWERTY(msg); got.String() != msg.String() {
			t.Errorf("%s became %s", msg, got)
		}
	}
}
