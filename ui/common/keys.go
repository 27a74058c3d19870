package common

import (
	"fmt"
	"slices"
	"sort"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
)

// KeyMap is every binding in the app, in one place. Screens match with
// key.Matches only.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom              key.Binding
	Left, Right                                          key.Binding
	NextTab, PrevTab                                     key.Binding
	NextMode, PrevMode                                   key.Binding
	Enter, Back                                          key.Binding
	Filter, Refresh, Copy, Help, Quit                    key.Binding
	ForceQuit, Suspend, Privacy                          key.Binding
	Sort, GoTo, Raw, Receipt, Email                      key.Binding
	Pay, Reject, New, Delete, Default, Test              key.Binding
	Operation, Source, Range                             key.Binding
	Yes, No                                              key.Binding
	NextField, PrevField, NewKey                         key.Binding
	Refund, Export                                       key.Binding
	Statement, Panel                                     key.Binding
	Find, CopyCase                                       key.Binding
	Tab1, Tab2, Tab3, Tab4, Tab5, Tab6, Tab7, Tab8, Tab9 key.Binding
}

// DefaultKeys are vim keys plus arrows, described in tr's language (nil:
// English).
func DefaultKeys(tr *i18n.Tr) *KeyMap {
	b := func(help string, id string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, tr.T(id, nil)))
	}
	k := &KeyMap{
		Up:        b("↑/k", "key.up", "up", "k"),
		Down:      b("↓/j", "key.down", "down", "j"),
		PageUp:    b("pgup/ctrl+u", "key.page_up", "pgup", "ctrl+u"),
		PageDown:  b("pgdn/ctrl+d", "key.page_down", "pgdown", "ctrl+d"),
		Top:       b("home", "key.top", "home"),
		Bottom:    b("G/end", "key.bottom", "G", "end"),
		Left:      b("←/h", "key.left", "left", "h"),
		Right:     b("→/l", "key.right", "right", "l"),
		NextTab:   b("tab", "key.next_tab", "tab"),
		PrevTab:   b("shift+tab", "key.prev_tab", "shift+tab"),
		NextMode:  b("]", "key.next_mode", "]"),
		PrevMode:  b("[", "key.prev_mode", "["),
		Enter:     b("enter", "key.enter", "enter"),
		Back:      b("esc", "key.back", "esc"),
		Filter:    b("/", "key.filter", "/"),
		Refresh:   b("r", "key.refresh", "r"),
		Copy:      b("y", "key.copy", "y"),
		Help:      b("?", "key.help", "?"),
		Quit:      b("q", "key.quit", "q"),
		ForceQuit: b("ctrl+c", "key.force_quit", "ctrl+c"),
		Suspend:   b("ctrl+z", "key.suspend", "ctrl+z"),
		Privacy:   b("p", "key.privacy", "p"),
		Sort:      b("s", "key.sort", "s"),
		GoTo:      b("g", "key.go_to", "g"),
		Raw:       b("J", "key.raw", "J"),
		Receipt:   b("d", "key.receipt", "d"),
		Email:     b("e", "key.email", "e"),
		Pay:       b("P", "key.pay", "P"),
		Reject:    b("x", "key.reject", "x"),
		New:       b("n", "key.new", "n"),
		Delete:    b("D", "key.delete", "D"),
		Default:   b("*", "key.default", "*"),
		Test:      b("t", "key.test", "t"),
		Operation: b("o", "key.operation", "o"),
		Source:    b("c", "key.source", "c"),
		Range:     b("R", "key.range", "R"),
		Yes:       b("y", "key.yes", "y", "Y"),
		No:        b("n/esc", "key.no", "n", "N", "esc"),
		NextField: b("tab/↓", "key.next_field", "tab", "down"),
		PrevField: b("shift+tab/↑", "key.prev_field", "shift+tab", "up"),
		NewKey:    b("K", "key.new_key", "K"),
		Refund:    b("f", "key.refund", "f"),
		Statement: b("S", "key.statement", "S"),
		Panel:     b("v", "key.panel", "v"),
		Find:      b("ctrl+f", "key.find", "ctrl+f"),
		CopyCase:  b("c", "key.copy_case", "c"),
		Export:    b("x", "key.export", "x"),
	}
	tabs := []*key.Binding{&k.Tab1, &k.Tab2, &k.Tab3, &k.Tab4, &k.Tab5, &k.Tab6, &k.Tab7, &k.Tab8, &k.Tab9}
	for i, t := range tabs {
		n := fmt.Sprint(i + 1)
		*t = key.NewBinding(key.WithKeys(n), key.WithHelp(n, tr.T("key.screen", i18n.Args{"N": n})))
	}
	return k
}

// bindings names every rebindable action (the config file's keys).
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "page_up": &k.PageUp, "page_down": &k.PageDown,
		"top": &k.Top, "bottom": &k.Bottom, "left": &k.Left, "right": &k.Right,
		"next_tab": &k.NextTab, "prev_tab": &k.PrevTab, "next_mode": &k.NextMode, "prev_mode": &k.PrevMode, "enter": &k.Enter, "back": &k.Back,
		"filter": &k.Filter, "refresh": &k.Refresh, "copy": &k.Copy, "help": &k.Help,
		"quit": &k.Quit, "suspend": &k.Suspend, "privacy": &k.Privacy,
		"sort": &k.Sort, "goto": &k.GoTo, "raw": &k.Raw, "receipt": &k.Receipt, "email": &k.Email,
		"pay": &k.Pay, "reject": &k.Reject, "new": &k.New, "delete": &k.Delete,
		"default": &k.Default, "test": &k.Test, "operation": &k.Operation, "source": &k.Source, "range": &k.Range,
		"next_field": &k.NextField, "prev_field": &k.PrevField, "new_key": &k.NewKey,
		"refund": &k.Refund, "statement": &k.Statement, "panel": &k.Panel,
		"find": &k.Find, "copy_case": &k.CopyCase, "export": &k.Export,
	}
}

// ActionNames lists the actions a config file may rebind.
func (k *KeyMap) ActionNames() []string {
	var out []string
	for name := range k.bindings() {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// ActionKeys is each rebindable action's keys (store.KeySpec).
func (k *KeyMap) ActionKeys() map[string][]string {
	out := map[string][]string{}
	for name, b := range k.bindings() {
		out[name] = b.Keys()
	}
	return out
}

// FixedKeys are the keys no config moves, with what they do (store.KeySpec).
func (k *KeyMap) FixedKeys() map[string]string {
	out := map[string]string{}
	for _, key := range k.ForceQuit.Keys() {
		out[key] = "quit"
	}
	for i, t := range []key.Binding{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5, k.Tab6, k.Tab7, k.Tab8, k.Tab9} {
		for _, key := range t.Keys() {
			out[key] = fmt.Sprintf("screen %d", i+1)
		}
	}
	return out
}

// globalActions work on every screen, beside the screen's own.
var globalActions = []string{"up", "down", "page_up", "page_down", "top", "bottom", "left", "right",
	"next_tab", "prev_tab", "next_mode", "prev_mode", "enter", "back", "refresh", "copy", "help",
	"quit", "suspend", "privacy", "find"}

// Together lists the actions live at the same moment (store.KeySpec): the
// global ones with each screen's own, and a form's. Two actions of one set
// may not share a key; "tab" moves to the next screen on a list and to the
// next field in a form. (The confirm dialog's y/n are not rebindable.)
func (k *KeyMap) Together() [][]string {
	screens := [][]string{
		{"filter", "sort", "goto", "raw", "receipt", "email", "operation", "source", "range", "statement", "export"}, // History
		{"pay", "reject"},                    // Invoices
		{"new", "default"},                   // Balances
		{"new", "pay"},                       // Top-ups
		{"new", "refund", "reject"},          // Bills
		{"new", "delete", "reject"},          // Accounts
		{"new", "delete", "new_key", "test"}, // Webhooks
		{"statement", "panel", "sort"},       // Insights
		{"copy_case", "filter"},              // Find (the case view)
	}
	out := make([][]string, 0, len(screens)+1)
	for _, own := range screens {
		out = append(out, append(slices.Clone(globalActions), own...))
	}
	return append(out, []string{"next_field", "prev_field", "enter", "back"})
}

// Rebind applies a config's action -> keys map; unknown actions are an error.
// ctrl+c is not rebindable: it always quits.
func (k *KeyMap) Rebind(m map[string][]string) error {
	all := k.bindings()
	for action, keys := range m {
		b, ok := all[action]
		if !ok {
			return fmt.Errorf("keys: unknown action %q (known: %v)", action, k.ActionNames())
		}
		if len(keys) == 0 {
			return fmt.Errorf("keys: action %q has no keys", action)
		}
		b.SetKeys(keys...)
		b.SetHelp(keys[0], b.Help().Desc)
	}
	return nil
}

// Speak rewords every key's description in tr's language, keeping its
// keys and key names (a config may have rebound them): the live language
// switch.
func (k *KeyMap) Speak(tr *i18n.Tr) {
	fresh := DefaultKeys(tr).bindings()
	for action, b := range k.bindings() {
		b.SetHelp(b.Help().Key, fresh[action].Help().Desc)
	}
}

// QWERTY is a key typed with the Russian (ЙЦУКЕН) layout on as the same
// key on QWERTY: "й" is "q", "Р" is "H", alt+"й" is alt+"q"; anything else
// is unchanged. Keys stay the same in every language; text fields take
// what was typed, so only the shell and screens not typing use it.
func QWERTY(msg tea.KeyMsg) tea.KeyMsg {
	if msg.Type != tea.KeyRunes || msg.Paste {
		return msg
	}
	runes := slices.Clone(msg.Runes)
	for i, r := range runes {
		if l, ok := i18n.QWERTY(r); ok {
			runes[i] = l
		}
	}
	msg.Runes = runes
	return msg
}

// Relabel is b with another description for the help bar. The key shown
// stays b's own, so a rebinding from the config shows in the help too.
func Relabel(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
