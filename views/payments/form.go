package payments

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/ui/common"
)

// fieldType says how a field is edited: typed text, a choice cycled with
// ←/→, or an on/off switch.
type fieldType int

const (
	textField fieldType = iota
	choiceField
	toggleField
)

// option is one value of a choice field.
type option struct {
	label string
	value string
}

// field is one line of a payment form.
type field struct {
	key      string
	label    string
	typ      fieldType
	input    textinput.Model
	options  []option
	choice   int
	on       bool
	optional bool
	touched  bool   // typed into, so its problem may be shown
	problem  string // what is wrong, in words ("" = fine)
	note     string // extra facts under the field (operator, provider, rate)
	hidden   bool   // not part of the form in the current configuration
}

func (f *field) value() string {
	switch f.typ {
	case choiceField:
		if f.choice >= 0 && f.choice < len(f.options) {
			return f.options[f.choice].value
		}
		return ""
	case toggleField:
		if f.on {
			return "1"
		}
		return "0"
	}
	return strings.TrimSpace(f.input.Value())
}

// form is the open payment form: its fields, the focused one, and whether a
// submit was attempted (then every problem is shown, touched or not).
type form struct {
	kind      kindID
	title     string
	fields    []*field
	focus     int
	submitted bool
	banner    string // a form-wide problem shown above the commission line
}

func newText(key, label, placeholder string, limit int) *field {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: deterministic screens
	return &field{key: key, label: label, typ: textField, input: in}
}

func newChoice(key, label string, opts ...option) *field {
	return &field{key: key, label: label, typ: choiceField, options: opts}
}

func newToggle(key, label string) *field {
	return &field{key: key, label: label, typ: toggleField}
}

func (f *form) get(key string) *field {
	for _, fl := range f.fields {
		if fl.key == key {
			return fl
		}
	}
	return nil
}

// val is the trimmed value of a field ("" when there is no such field).
func (f *form) val(key string) string {
	if fl := f.get(key); fl != nil {
		return fl.value()
	}
	return ""
}

func (f *form) visible() []int {
	var out []int
	for i, fl := range f.fields {
		if !fl.hidden {
			out = append(out, i)
		}
	}
	return out
}

func (f *form) focused() *field {
	if f.focus >= 0 && f.focus < len(f.fields) {
		return f.fields[f.focus]
	}
	return nil
}

// setFocus moves the focus to field i, blurring the others.
func (f *form) setFocus(i int) {
	f.focus = i
	for j, fl := range f.fields {
		if fl.typ != textField {
			continue
		}
		if j == i {
			fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
}

// move shifts the focus by delta over the visible fields.
func (f *form) move(delta int) {
	vis := f.visible()
	if len(vis) == 0 {
		return
	}
	pos := 0
	for k, i := range vis {
		if i == f.focus {
			pos = k
		}
	}
	pos = (pos + delta + len(vis)) % len(vis)
	f.setFocus(vis[pos])
}

// onLast reports whether the focus is on the last visible field.
func (f *form) onLast() bool {
	vis := f.visible()
	return len(vis) > 0 && vis[len(vis)-1] == f.focus
}

// firstProblem is the index of the first visible field with a problem, or -1.
func (f *form) firstProblem() int {
	for _, i := range f.visible() {
		if f.fields[i].problem != "" {
			return i
		}
	}
	return -1
}

// fixFocus keeps the focus on a visible field after fields were hidden.
func (f *form) fixFocus() {
	if fl := f.focused(); fl == nil || fl.hidden {
		if vis := f.visible(); len(vis) > 0 {
			f.setFocus(vis[0])
		}
	}
}

// cycle moves a choice field by delta, or flips a toggle.
func (fl *field) cycle(delta int) bool {
	switch fl.typ {
	case choiceField:
		if len(fl.options) == 0 {
			return false
		}
		fl.choice = (fl.choice + delta + len(fl.options)) % len(fl.options)
		fl.touched = true
		return true
	case toggleField:
		fl.on = !fl.on
		fl.touched = true
		return true
	}
	return false
}

// updateInput passes a key to the focused text input; changed says whether
// its value changed.
func (fl *field) updateInput(msg tea.KeyMsg) (changed bool, cmd tea.Cmd) {
	before := fl.input.Value()
	fl.input, cmd = fl.input.Update(msg)
	if fl.input.Value() != before {
		fl.touched = true
		return true, cmd
	}
	return false, cmd
}

const labelWidth = 34

// lines renders the form, one or two lines per field.
func (f *form) lines(s *common.Styles) []string {
	var out []string
	for i, fl := range f.fields {
		if fl.hidden {
			continue
		}
		marker := "  "
		if i == f.focus {
			marker = s.Accent.Render("▶ ")
		}
		label := fl.label
		if fl.optional {
			label += " (optional)"
		}
		var val string
		switch fl.typ {
		case textField:
			val = fl.input.View()
		case choiceField:
			cur := "—"
			if fl.choice >= 0 && fl.choice < len(fl.options) {
				cur = fl.options[fl.choice].label
			}
			if len(fl.options) > 1 {
				val = "◀ " + cur + " ▶"
			} else {
				val = cur
			}
		case toggleField:
			if fl.on {
				val = "[x] yes"
			} else {
				val = "[ ] no"
			}
		}
		out = append(out, " "+marker+s.Label.Render(common.PadRight(label, labelWidth))+val)
		indent := strings.Repeat(" ", 3+labelWidth)
		if fl.problem != "" && (fl.touched || f.submitted) {
			out = append(out, indent+s.Error.Render("✗ "+fl.problem))
		} else if fl.note != "" {
			out = append(out, indent+s.Subtle.Render(fl.note))
		}
	}
	return out
}
