// Package formkit is the one form kit of every screen: text, secret,
// amount, choice and on/off fields on one line each, validated live as
// they are typed (a problem shows once a field was typed into, or after a
// submit), a character counter on every field QIWI caps (more is counted
// and refused in words, never cut), focus that starts at the first field
// to fill each time a form opens, and the app's own key map and size.
//
// Why not charmbracelet/huh (v1.0.0 runs on our bubbletea v1.3.10): its
// Input clears its error on every key and validates only when the field is
// left, so nothing is validated live; it has no character counter (its
// CharLimit cuts pasted text silently, the bug this kit removes); its
// cursor always blinks (its textinput is unexported), a tick twice a
// second while a form is open and goldens that depend on timing; and
// notes that follow our own lookups (operator, provider, commission) would
// go through its binding-hash round trips. The kit is small and keeps our
// key.Binding map, Styles and SetSize.
//
// A screen builds a Form from fields, passes it its keys (Update), checks
// the values it understands after each change (Event Changed) and renders
// View. The one amount rule is qiwiapi.ParseAmountInput.
//
// A form speaks the language it is given (WithTr; nil is English): its own
// words ("Required", the counters' refusal, "e.g." before an example,
// "(optional)", yes/no, its keys' help) and the amount rule's refusals.
// Labels, examples and notes are the screen's and come translated.
package formkit

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// Kind says how a field is edited.
type Kind int

// Kinds of field.
const (
	Text   Kind = iota // typed text
	Secret             // typed text shown as •
	Amount             // typed money, read by qiwiapi.ParseAmountInput
	Choice             // one of Options, cycled with ←/→ or space
	Toggle             // on/off, flipped with ←/→ or space
)

// MaxInputWidth is the widest a text field is drawn (it scrolls beyond),
// so a counter stays near its text on a wide terminal.
const MaxInputWidth = 60

// Option is one value of a choice.
type Option struct{ Label, Value string }

// Field is one line of a form.
type Field struct {
	Key, Label string
	Kind       Kind
	Options    []Option
	Choice     int  // the chosen option
	On         bool // a toggle's state
	Optional   bool // may stay empty ("(optional)" after the label)
	Hidden     bool // not part of the form in its current configuration
	// Group, when set, is a heading drawn above the field.
	Group string
	// Limit is how many characters QIWI takes (0: no cap). The field shows
	// n/Limit and a longer value is a problem; nothing typed is cut.
	Limit int
	// Validate says what is wrong with a value, in words ("" = fine); it
	// runs after the kit's own checks (required, limit, amount).
	Validate func(value string) string
	// Currency of an Amount field: its decimals and its sign.
	Currency qiwiapi.Currency
	// Note is a fact shown under the field when it has no problem.
	Note string
	// Problem is what is wrong now, in words ("" = fine); the kit sets it
	// in Check, a screen may set it after.
	Problem string

	input   textinput.Model
	example string // the grey example, drawn after "e.g." in the form's language
	touched bool
	amount  qiwiapi.Amount
}

// amountExample is an Amount field's example, as the English writes it.
const amountExample = "1 500.00"

func newField(key, label string, kind Kind, placeholder string) *Field {
	in := textinput.New()
	in.Prompt = "> "
	in.CharLimit = 0                       // never cut: Limit counts and refuses in words
	in.Cursor.SetMode(cursor.CursorStatic) // no blink: no ticks, deterministic screens
	f := &Field{Key: key, Label: label, Kind: kind, input: in}
	f.setExample(placeholder)
	return f
}

// setExample makes the grey text "e.g. " and the example: never only grey,
// an example says so in words.
func (f *Field) setExample(example string) {
	f.example = strings.TrimPrefix(example, "e.g. ")
	f.input.Placeholder = ""
	if f.example != "" {
		f.input.Placeholder = "e.g. " + f.example
	}
}

// NewText is a text field with an example placeholder ("" for none).
func NewText(key, label, placeholder string) *Field {
	return newField(key, label, Text, placeholder)
}

// NewSecret is a text field typed without echo.
func NewSecret(key, label, placeholder string) *Field {
	f := newField(key, label, Secret, placeholder)
	f.input.EchoMode = textinput.EchoPassword
	f.input.EchoCharacter = '•'
	return f
}

// NewAmount is a money field in cur (SetCurrency changes it).
func NewAmount(key, label string, cur qiwiapi.Currency) *Field {
	f := newField(key, label, Amount, amountExample)
	f.Currency = cur
	return f
}

// NewChoice is a choice of opts, the first chosen.
func NewChoice(key, label string, opts ...Option) *Field {
	return &Field{Key: key, Label: label, Kind: Choice, Options: opts}
}

// NewToggle is an on/off switch, off.
func NewToggle(key, label string) *Field {
	return &Field{Key: key, Label: label, Kind: Toggle}
}

// WithValue sets the field's starting text (not counted as typed).
func (f *Field) WithValue(v string) *Field { f.input.SetValue(v); return f }

// WithHint replaces the example with a hint drawn as given, with no
// "e.g." before it: a rule ("9 digits") or a note is not an example.
func (f *Field) WithHint(h string) *Field { f.SetPlaceholder(h); return f }

// WithLimit caps the field at n characters (counted, never cut).
func (f *Field) WithLimit(n int) *Field { f.Limit = n; return f }

// WithValidate adds the field's own check.
func (f *Field) WithValidate(v func(string) string) *Field { f.Validate = v; return f }

// AsOptional marks the field as one that may stay empty.
func (f *Field) AsOptional() *Field { f.Optional = true; return f }

// InGroup draws heading g above the field.
func (f *Field) InGroup(g string) *Field { f.Group = g; return f }

func (f *Field) typed() bool { return f.Kind == Text || f.Kind == Secret || f.Kind == Amount }

// Value is the field's value: trimmed text (a secret exactly as typed),
// the chosen option's value, or "1"/"0" for a toggle.
func (f *Field) Value() string {
	switch f.Kind {
	case Choice:
		if f.Choice >= 0 && f.Choice < len(f.Options) {
			return f.Options[f.Choice].Value
		}
		return ""
	case Toggle:
		if f.On {
			return "1"
		}
		return "0"
	case Secret:
		return f.input.Value()
	}
	return strings.TrimSpace(f.input.Value())
}

// SetValue replaces a typed field's text (as if typed: it counts as touched).
func (f *Field) SetValue(v string) { f.input.SetValue(v); f.touched = true }

// SetPlaceholder replaces a typed field's grey text: "e.g. " and an
// example is drawn in the form's language, anything else as given.
func (f *Field) SetPlaceholder(p string) {
	if strings.HasPrefix(p, "e.g. ") {
		f.setExample(p)
		return
	}
	f.example, f.input.Placeholder = "", p
}

// Clear forgets the text (secrets first of all) and that it was typed.
func (f *Field) Clear() { f.input.SetValue(""); f.touched = false }

// Amount is an Amount field's value once Check found no problem.
func (f *Field) Amount() (qiwiapi.Amount, bool) {
	return f.amount, f.Kind == Amount && f.Problem == "" && f.amount.Minor > 0
}

// SetCurrency changes an Amount field's currency (its decimals with it).
func (f *Field) SetCurrency(c qiwiapi.Currency) { f.Currency = c }

// SetOptions replaces a choice's options, keeping the chosen value when it
// is still offered.
func (f *Field) SetOptions(opts []Option) {
	prev := f.Value()
	f.Options, f.Choice = opts, 0
	for i, o := range opts {
		if o.Value == prev {
			f.Choice = i
		}
	}
}

// Touched reports whether the field was typed into or changed.
func (f *Field) Touched() bool { return f.touched }

func (f *Field) chars() int { return utf8.RuneCountInString(f.input.Value()) }

// check runs the kit's checks of one field and its own Validate, wording
// its own problems in tr's language.
func (f *Field) check(tr *i18n.Tr) {
	f.Problem, f.amount = "", qiwiapi.Amount{}
	if !f.typed() {
		if f.Validate != nil {
			f.Problem = f.Validate(f.Value())
		}
		return
	}
	v := f.Value()
	switch {
	case f.Limit > 0 && f.chars() > f.Limit:
		n := f.chars()
		f.Problem = tr.N("formkit.too_long", f.Limit, i18n.Args{"Now": n, "Over": n - f.Limit})
	case v == "" && f.Optional:
	case f.Kind == Amount:
		a, err := qiwiapi.ParseAmountInput(v, f.Currency)
		if err != nil {
			f.Problem = explain.Problem(tr, err)
		} else {
			f.amount = a
		}
	case v == "" && f.Validate == nil:
		f.Problem = tr.T("formkit.required", nil)
	}
	if f.Problem == "" && f.Validate != nil && (v != "" || !f.Optional) {
		f.Problem = f.Validate(v)
	}
}

// Event is what a key did to the form.
type Event int

// Events of Update.
const (
	None    Event = iota
	Changed       // a value changed: the kit re-checked; the screen may check more
	Submit        // enter on the last field: the screen checks all and confirms
	Cancel        // esc: the screen closes the form
)

// Form is one open form.
type Form struct {
	Fields []*Field
	// Banner is a form-wide problem shown under the fields.
	Banner string
	// LabelWidth is the label column (0: the widest label, at most 34).
	LabelWidth int

	focus     int
	submitted bool
	tr        *i18n.Tr
}

// New builds a form over fields, checks them, and focuses the first one
// to fill: the first visible field, passing over typed fields that come
// filled in (a profile's name when it is logged in again); the first
// visible field when all are filled. Every opening is a new Form, so focus
// never carries over from the last one.
func New(fields ...*Field) *Form {
	f := &Form{Fields: fields, focus: -1}
	f.Check()
	f.FocusFirst()
	return f
}

// WithTr makes the form speak tr's language (nil: English) and checks it
// again in it: formkit.New(fields...).WithTr(m.c.Tr).
func (f *Form) WithTr(tr *i18n.Tr) *Form {
	f.tr = tr
	f.Check()
	return f
}

// FocusFirst focuses the first field to fill, as New does; a form shown
// all the time calls it each time it is opened for editing.
func (f *Form) FocusFirst() {
	for i, fl := range f.Fields {
		if !fl.Hidden && (!fl.typed() || fl.input.Value() == "") {
			f.SetFocus(i)
			return
		}
	}
	f.focus = -1
	f.fixFocus()
}

// Get is the field with key (nil when there is none).
func (f *Form) Get(key string) *Field {
	for _, fl := range f.Fields {
		if fl.Key == key {
			return fl
		}
	}
	return nil
}

// Value is the value of the field with key ("" when there is none).
func (f *Form) Value(key string) string {
	if fl := f.Get(key); fl != nil {
		return fl.Value()
	}
	return ""
}

// Focused is the focused field (nil in an empty form).
func (f *Form) Focused() *Field {
	if f.focus >= 0 && f.focus < len(f.Fields) {
		return f.Fields[f.focus]
	}
	return nil
}

// FocusKey is the focused field's key.
func (f *Form) FocusKey() string {
	if fl := f.Focused(); fl != nil {
		return fl.Key
	}
	return ""
}

// SetFocus focuses field i.
func (f *Form) SetFocus(i int) {
	f.focus = i
	for j, fl := range f.Fields {
		if j == i && fl.typed() {
			fl.input.Focus()
		} else {
			fl.input.Blur()
		}
	}
}

// Focus focuses the field with key.
func (f *Form) Focus(key string) {
	for i, fl := range f.Fields {
		if fl.Key == key {
			f.SetFocus(i)
		}
	}
}

// Blur leaves every field unfocused (a form shown but not edited).
func (f *Form) Blur() {
	for _, fl := range f.Fields {
		fl.input.Blur()
	}
}

func (f *Form) visible() []int {
	var out []int
	for i, fl := range f.Fields {
		if !fl.Hidden {
			out = append(out, i)
		}
	}
	return out
}

// fixFocus keeps the focus on a visible field after fields were hidden.
func (f *Form) fixFocus() {
	if fl := f.Focused(); fl == nil || fl.Hidden {
		if vis := f.visible(); len(vis) > 0 {
			f.SetFocus(vis[0])
		}
	}
}

func (f *Form) move(delta int) {
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
	f.SetFocus(vis[(pos+delta+len(vis))%len(vis)])
}

// OnLast reports whether the focus is on the last visible field.
func (f *Form) OnLast() bool {
	vis := f.visible()
	return len(vis) > 0 && vis[len(vis)-1] == f.focus
}

// Check runs every visible field's checks and reports whether all pass.
// Hidden fields have no problem.
func (f *Form) Check() bool {
	ok := true
	for _, fl := range f.Fields {
		if fl.Hidden {
			fl.Problem, fl.amount = "", qiwiapi.Amount{}
			continue
		}
		fl.check(f.tr)
		if fl.Problem != "" {
			ok = false
		}
	}
	f.fixFocus()
	return ok
}

// Submitted marks a submit: from now on every problem shows, typed or not.
func (f *Form) Submitted() { f.submitted = true }

// FirstProblem focuses the first visible field with a problem and
// reports whether there was one.
func (f *Form) FirstProblem() bool {
	for _, i := range f.visible() {
		if f.Fields[i].Problem != "" {
			f.SetFocus(i)
			return true
		}
	}
	return false
}

// Update applies a key: esc cancels, tab/↓ and shift+tab/↑ move, enter
// moves on or (on the last field) submits, ←/→/space change a choice or
// toggle, anything else types into a typed field. A change re-checks the
// form and clears the banner.
func (f *Form) Update(msg tea.KeyMsg, k *common.KeyMap) (Event, tea.Cmd) {
	switch {
	case key.Matches(msg, k.Back):
		return Cancel, nil
	case key.Matches(msg, k.NextField):
		f.move(1)
		return None, nil
	case key.Matches(msg, k.PrevField):
		f.move(-1)
		return None, nil
	case key.Matches(msg, k.Enter):
		if f.OnLast() {
			return Submit, nil
		}
		f.move(1)
		return None, nil
	}
	fl := f.Focused()
	if fl == nil {
		return None, nil
	}
	if !fl.typed() {
		delta := 0
		switch {
		case key.Matches(msg, k.Left):
			delta = -1
		case key.Matches(msg, k.Right), msg.Type == tea.KeySpace:
			delta = 1
		}
		if delta == 0 || (fl.Kind == Choice && len(fl.Options) < 2) {
			return None, nil
		}
		if fl.Kind == Choice {
			fl.Choice = (fl.Choice + delta + len(fl.Options)) % len(fl.Options)
		} else {
			fl.On = !fl.On
		}
		fl.touched = true
		return f.changed(), nil
	}
	before := fl.input.Value()
	var cmd tea.Cmd
	fl.input, cmd = fl.input.Update(msg)
	if fl.input.Value() == before {
		return None, cmd
	}
	fl.touched = true
	return f.changed(), cmd
}

func (f *Form) changed() Event {
	f.Banner = ""
	f.Check()
	return Changed
}

// Help is the form's keys for the help bar: ←/→ only on a choice (on a
// text field h and l type letters).
func (f *Form) Help(k *common.KeyMap, enterOnLast string) []key.Binding {
	enter, back, choose := common.Relabel(k.Enter, f.tr.T("formkit.next_field", nil)), common.Relabel(k.Back, f.tr.T("formkit.cancel", nil)), k.Right
	if f.OnLast() {
		enter = common.Relabel(k.Enter, enterOnLast)
	}
	choose.SetHelp("←/→", f.tr.T("formkit.choose", nil))
	fl := f.Focused()
	choose.SetEnabled(fl != nil && !fl.typed())
	return []key.Binding{k.NextField, k.PrevField, choose, enter, back}
}

func (f *Form) labelWidth() int {
	if f.LabelWidth > 0 {
		return f.LabelWidth
	}
	w := 0
	for _, fl := range f.Fields {
		w = max(w, ansi.StringWidth(fl.label(f.tr)))
	}
	return min(w+2, 34)
}

func (fl *Field) label(tr *i18n.Tr) string {
	if fl.Optional {
		return tr.T("formkit.optional", i18n.Args{"Label": fl.Label})
	}
	return fl.Label
}

// Lines renders the visible fields within width columns (0: no limit):
// each on one line (marker, label, value scrolled to fit, counter), then
// its problem (once typed or submitted) or its note, wrapped. focused says
// whether the form is being edited (the ▶ marker).
func (f *Form) Lines(s *common.Styles, focused bool, width int) []string {
	var out []string
	lw := f.labelWidth()
	indent := strings.Repeat(" ", 3+lw)
	under := func(st lipgloss.Style, text string) {
		if width > 0 {
			text = Wrap(text, max(10, width-len(indent)-1))
		}
		for _, l := range strings.Split(text, "\n") {
			out = append(out, indent+st.Render(l))
		}
	}
	for i, fl := range f.Fields {
		if fl.Hidden {
			continue
		}
		if fl.Group != "" {
			out = append(out, "  "+s.Bold.Render(fl.Group))
		}
		marker := "  "
		if focused && i == f.focus {
			marker = s.Accent.Render("▶ ")
		}
		var val string
		switch fl.Kind {
		case Choice:
			cur := "—"
			if fl.Choice >= 0 && fl.Choice < len(fl.Options) {
				cur = fl.Options[fl.Choice].Label
			}
			val = cur
			if len(fl.Options) > 1 {
				val = "◀ " + cur + " ▶"
			}
		case Toggle:
			val = "[ ] " + f.tr.T("formkit.no", nil)
			if fl.On {
				val = "[x] " + f.tr.T("formkit.yes", nil)
			}
		default:
			if ex := fl.example; ex != "" {
				if fl.Kind == Amount && ex == amountExample {
					ex = f.tr.T("formkit.amount_example", nil)
				}
				fl.input.Placeholder = f.tr.T("formkit.example", i18n.Args{"Example": ex})
			}
			counter := ""
			if fl.Limit > 0 {
				counter = fmt.Sprintf("  %d/%d", fl.chars(), fl.Limit)
			}
			if width > 0 {
				// The text scrolls within what is left of the line.
				fl.input.Width = min(MaxInputWidth, max(4, width-len(indent)-ansi.StringWidth(fl.input.Prompt)-ansi.StringWidth(counter)-2))
			}
			val = fl.input.View()
			if width > 0 {
				// After a paste the input may draw a cell or two more than
				// its width: drop them from the left, keeping the cursor.
				prompt := ansi.StringWidth(fl.input.Prompt)
				excess := ansi.StringWidth(val) - (prompt + fl.input.Width + 1)
				if excess > 0 && strings.HasPrefix(val, fl.input.Prompt) {
					val = fl.input.Prompt + ansi.TruncateLeft(val[len(fl.input.Prompt):], excess, "")
				}
				if excess < 0 && fl.Limit > 0 {
					val += strings.Repeat(" ", -excess) // counters in one column
				}
			}
			if fl.Limit > 0 {
				if fl.chars() > fl.Limit {
					val += s.Error.Render(counter)
				} else {
					val += s.Subtle.Render(counter)
				}
			}
		}
		out = append(out, " "+marker+s.Label.Render(common.PadRight(fl.label(f.tr), lw))+val)
		switch {
		case fl.Problem != "" && (fl.touched || f.submitted):
			under(s.Error, "✗ "+fl.Problem)
		case fl.Note != "":
			under(s.Subtle, fl.Note)
		}
	}
	return out
}

// View renders the fields within width x height (0: no limit), keeping
// the focused field in view, then the banner.
func (f *Form) View(s *common.Styles, focused bool, width, height int) string {
	lines := f.Lines(s, focused, width)
	banner := ""
	if f.Banner != "" {
		banner = "✗ " + f.Banner
		if width > 0 {
			banner = Wrap(banner, max(10, width-2))
		}
	}
	room := height
	if banner != "" {
		room -= 1 + strings.Count(banner, "\n") + 1
	}
	if room > 0 && len(lines) > room {
		at := 0
		for i, l := range lines {
			if strings.Contains(l, "▶") {
				at = i
			}
		}
		start := min(max(0, at-room/2), len(lines)-room)
		lines = lines[start : start+room]
	}
	out := strings.Join(lines, "\n")
	if banner != "" {
		out += "\n"
		for _, l := range strings.Split(banner, "\n") {
			out += "\n " + s.Error.Render(l)
		}
	}
	return out
}

// Wrap breaks plain text into lines of at most width columns at plain
// spaces and tabs only ("non-cash" stays whole, and so does "1 500,00 ₽",
// whose thousands are held by no-break spaces); a word longer than width
// is cut hard.
func Wrap(text string, width int) string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.FieldsFunc(para, func(r rune) bool { return r == ' ' || r == '\t' }) {
			switch {
			case line == "":
				line = w
			case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= width:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
			for ansi.StringWidth(line) > width {
				lines = append(lines, ansi.Truncate(line, width, ""))
				line = ansi.TruncateLeft(line, width, "")
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
