package common

import (
	"fmt"
	"slices"
	"sort"

	"github.com/charmbracelet/bubbles/key"
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

// DefaultKeys are vim keys plus arrows.
func DefaultKeys() *KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	k := &KeyMap{
		Up:        b("↑/k", "up", "up", "k"),
		Down:      b("↓/j", "down", "down", "j"),
		PageUp:    b("pgup/ctrl+u", "page up", "pgup", "ctrl+u"),
		PageDown:  b("pgdn/ctrl+d", "page down", "pgdown", "ctrl+d"),
		Top:       b("home", "top", "home"),
		Bottom:    b("G/end", "bottom", "G", "end"),
		Left:      b("←/h", "left", "left", "h"),
		Right:     b("→/l", "right", "right", "l"),
		NextTab:   b("tab", "next screen", "tab"),
		PrevTab:   b("shift+tab", "prev screen", "shift+tab"),
		NextMode:  b("]", "next mode", "]"),
		PrevMode:  b("[", "prev mode", "["),
		Enter:     b("enter", "open", "enter"),
		Back:      b("esc", "back", "esc"),
		Filter:    b("/", "filter", "/"),
		Refresh:   b("r", "refresh", "r"),
		Copy:      b("y", "copy", "y"),
		Help:      b("?", "help", "?"),
		Quit:      b("q", "quit", "q"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Suspend:   b("ctrl+z", "suspend", "ctrl+z"),
		Privacy:   b("p", "privacy", "p"),
		Sort:      b("s", "sort", "s"),
		GoTo:      b("g", "go to txn", "g"),
		Raw:       b("J", "raw JSON", "J"),
		Receipt:   b("d", "download receipt", "d"),
		Email:     b("e", "e-mail receipt", "e"),
		Pay:       b("P", "pay", "P"),
		Reject:    b("x", "reject", "x"),
		New:       b("n", "new", "n"),
		Delete:    b("D", "delete", "D"),
		Default:   b("*", "make default", "*"),
		Test:      b("t", "send test", "t"),
		Operation: b("o", "operation", "o"),
		Source:    b("c", "currency/source", "c"),
		Range:     b("R", "date range", "R"),
		Yes:       b("y", "yes", "y", "Y"),
		No:        b("n/esc", "no", "n", "N", "esc"),
		NextField: b("tab/↓", "next field", "tab", "down"),
		PrevField: b("shift+tab/↑", "prev field", "shift+tab", "up"),
		NewKey:    b("K", "new key", "K"),
		Refund:    b("f", "refund", "f"),
		Statement: b("S", "statement", "S"),
		Panel:     b("v", "next panel", "v"),
		Find:      b("ctrl+f", "find a payment anywhere", "ctrl+f"),
		CopyCase:  b("c", "copy case report", "c"),
		Export:    b("x", "export view", "x"),
	}
	tabs := []*key.Binding{&k.Tab1, &k.Tab2, &k.Tab3, &k.Tab4, &k.Tab5, &k.Tab6, &k.Tab7, &k.Tab8, &k.Tab9}
	for i, t := range tabs {
		n := fmt.Sprint(i + 1)
		*t = b(n, "screen "+n, n)
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

// Relabel is b with another description for the help bar. The key shown
// stays b's own, so a rebinding from the config shows in the help too.
func Relabel(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
