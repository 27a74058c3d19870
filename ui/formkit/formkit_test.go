package formkit

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

func init() { lipgloss.SetColorProfile(termenv.Ascii) }

var keys = common.DefaultKeys(nil)

func typeText(t *testing.T, f *Form, s string) Event {
	t.Helper()
	var ev Event
	for _, r := range s {
		e, _ := f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}, keys)
		if e != None {
			ev = e
		}
	}
	return ev
}

func press(f *Form, t tea.KeyType) Event {
	e, _ := f.Update(tea.KeyMsg{Type: t}, keys)
	return e
}

func view(f *Form) string {
	return ansi.Strip(f.View(common.NewStyles(common.DefaultTheme()), true, 0, 0))
}

func sample() *Form {
	return New(
		NewText("to", "Recipient", "+79161112233"),
		NewAmount("amount", "Amount", qiwiapi.RUB),
		NewChoice("ccy", "Currency", Option{"RUB", "643"}, Option{"USD", "840"}),
		NewText("comment", "Comment", "").AsOptional().WithLimit(140),
	)
}

// Focus starts at the first field each time a form opens, whatever the
// last form's focus was.
func TestFocusStartsAtTheFirstFieldToFill(t *testing.T) {
	f := sample()
	if f.FocusKey() != "to" {
		t.Fatalf("focus %q, want to", f.FocusKey())
	}
	press(f, tea.KeyTab)
	press(f, tea.KeyTab)
	press(f, tea.KeyTab)
	if f.FocusKey() != "comment" {
		t.Fatalf("focus %q", f.FocusKey())
	}
	if g := sample(); g.FocusKey() != "to" {
		t.Fatalf("a new form starts at %q", g.FocusKey())
	}
	// A form whose first field is filled starts at the first empty one.
	pre := New(NewText("name", "Name", "").WithValue("work"), NewSecret("token", "Token", ""))
	if pre.FocusKey() != "token" {
		t.Fatalf("focus %q, want token", pre.FocusKey())
	}
}

// Problems show as they are typed (live), and every one after a submit.
func TestLiveValidation(t *testing.T) {
	f := sample()
	if strings.Contains(view(f), "✗") {
		t.Fatalf("problems shown before anything was typed:\n%s", view(f))
	}
	press(f, tea.KeyTab)
	if ev := typeText(t, f, "1e3"); ev != Changed {
		t.Fatalf("event %v", ev)
	}
	if !strings.Contains(view(f), "✗ Digits only: write 1000, not 1e3") {
		t.Fatalf("no live problem:\n%s", view(f))
	}
	if strings.Contains(view(f), "✗ Required") {
		t.Fatalf("an untouched field's problem shows:\n%s", view(f))
	}
	for range 3 {
		press(f, tea.KeyBackspace)
	}
	typeText(t, f, "1 500,5")
	if a, ok := f.Get("amount").Amount(); !ok || a != (qiwiapi.Amount{Minor: 150050, Currency: qiwiapi.RUB}) {
		t.Fatalf("amount %v %v (%s)", a, ok, f.Get("amount").Problem)
	}
	f.Submitted()
	if f.Check() || !f.FirstProblem() || f.FocusKey() != "to" || !strings.Contains(view(f), "✗ Required") {
		t.Fatalf("after submit: focus %q\n%s", f.FocusKey(), view(f))
	}
}

// A comment longer than QIWI takes is kept whole, counted and refused in
// words: never cut.
func TestCounterNeverCuts(t *testing.T) {
	f := sample()
	f.Focus("comment")
	long := strings.Repeat("й", 500)
	f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(long), Paste: true}, keys)
	c := f.Get("comment")
	if c.Value() != long {
		t.Fatalf("the comment was cut to %d characters", len([]rune(c.Value())))
	}
	if c.Problem != "At most 140 characters: 500 now, remove 360" || !strings.Contains(view(f), "500/140") {
		t.Fatalf("problem %q\n%s", c.Problem, view(f))
	}
	for range 360 {
		press(f, tea.KeyBackspace)
	}
	if c.Problem != "" || !strings.Contains(view(f), "140/140") {
		t.Fatalf("at the cap: %q\n%s", c.Problem, view(f))
	}
}

// ←/→ and space change a choice; on a text field h and l are letters;
// enter moves on and submits on the last field; esc cancels.
func TestKeys(t *testing.T) {
	f := sample()
	typeText(t, f, "hl")
	if f.Value("to") != "hl" {
		t.Fatalf("typed %q", f.Value("to"))
	}
	f.Focus("ccy")
	if ev := typeText(t, f, "l"); ev != Changed || f.Value("ccy") != "840" {
		t.Fatalf("l on a choice: %v %q", ev, f.Value("ccy"))
	}
	if ev := press(f, tea.KeySpace); ev != Changed || f.Value("ccy") != "643" {
		t.Fatalf("space on a choice: %v %q", ev, f.Value("ccy"))
	}
	if ev := press(f, tea.KeyEnter); ev != None || f.FocusKey() != "comment" {
		t.Fatalf("enter: %v, focus %q", ev, f.FocusKey())
	}
	if ev := press(f, tea.KeyEnter); ev != Submit {
		t.Fatalf("enter on the last field: %v", ev)
	}
	if ev := press(f, tea.KeyEsc); ev != Cancel {
		t.Fatalf("esc: %v", ev)
	}
	f.Get("comment").Hidden = true
	f.Check()
	if f.FocusKey() != "to" {
		t.Fatalf("hidden focused field: focus stays on %q", f.FocusKey())
	}
	f.Focus("ccy")
	if !f.OnLast() || press(f, tea.KeyEnter) != Submit {
		t.Fatal("with the comment hidden, the currency is the last field")
	}
}

// The amount field follows its currency's decimals.
func TestAmountFollowsTheCurrency(t *testing.T) {
	f := New(NewAmount("amount", "Amount", qiwiapi.RUB))
	typeText(t, f, "1.5")
	if _, ok := f.Get("amount").Amount(); !ok {
		t.Fatal(f.Get("amount").Problem)
	}
	f.Get("amount").SetCurrency(392)
	f.Check()
	if f.Get("amount").Problem != "JPY has no fractions: whole units only" {
		t.Fatalf("problem %q", f.Get("amount").Problem)
	}
}

func TestWrapBreaksAtSpacesOnly(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  string
	}{
		{"use non-cash now", 12, "use non-cash\nnow"},
		{"a bb ccc", 4, "a bb\nccc"},
		{"abcdefgh", 3, "abc\ndef\ngh"},
		{"", 5, ""},
		{"holds 115\u202f486,04\u00a0₽ now", 12, "holds\n115\u202f486,04\u00a0₽\nnow"},
		{"a\tb", 3, "a b"},
	} {
		if got := Wrap(c.in, c.width); got != c.want {
			t.Errorf("Wrap(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

// A pasted text scrolls within the line: the counter stays on screen.
func TestPastedTextFitsTheWidth(t *testing.T) {
	f := sample()
	st := common.NewStyles(common.DefaultTheme())
	f.Focus("comment")
	f.View(st, true, 80, 0)
	f.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("x", 500)), Paste: true}, keys)
	for _, l := range strings.Split(f.View(st, true, 80, 0), "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d wide: %q", w, ansi.Strip(l))
		}
	}
	if v := view(f); !strings.Contains(v, "500/140") {
		t.Fatalf("no counter:\n%s", v)
	}
}

// A form given a Tr speaks its language: its own words, the amount rule's
// refusals and the examples' "e.g."; nil is the English of before.
func TestFormSpeaksItsLanguage(t *testing.T) {
	build := func() *Form {
		return New(
			NewText("to", "Получатель", "+79161112233"),
			NewAmount("amount", "Сумма", qiwiapi.RUB),
			NewText("comment", "Комментарий", "").AsOptional().WithLimit(5),
			NewToggle("vat", "НДС"),
			NewText("inn", "ИНН", "").WithHint("10 или 12 цифр").AsOptional(),
		)
	}
	ru := build().WithTr(i18n.New(i18n.RU))
	en := build()
	for _, f := range []*Form{ru, en} {
		f.Submitted()
		f.Get("comment").SetValue("слишком длинно")
	}
	ru.Check()
	en.Check()
	v := view(ru)
	for _, want := range []string{"например, +79161112233", "например, 1 500,00", "Комментарий (необязательно)", "[ ] нет",
		"✗ Нужно заполнить", "✗ Введите сумму, например 1 500,50", "✗ Не больше 5 символов: сейчас 14, уберите 9", "14/5", "> 10 или 12 цифр"} {
		if !strings.Contains(v, want) {
			t.Errorf("Russian form lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "например, 10 или 12") {
		t.Errorf("a hint that is not an example got \"например,\":\n%s", v)
	}
	v = view(en)
	for _, want := range []string{"e.g. +79161112233", "e.g. 1 500.00", "Комментарий (optional)", "[ ] no",
		"✗ Required", "✗ Enter the amount, e.g. 1 500.50", "✗ At most 5 characters: 14 now, remove 9"} {
		if !strings.Contains(v, want) {
			t.Errorf("English form lacks %q:\n%s", want, v)
		}
	}
	ru.Get("amount").SetValue("1.234")
	ru.Check()
	if p := ru.Get("amount").Problem; p != "Для RUB цифр после запятой — не больше 2" {
		t.Errorf("Russian amount problem %q", p)
	}
	var help []string
	for _, b := range ru.Help(keys, "отправить") {
		help = append(help, b.Help().Desc)
	}
	if got := strings.Join(help, ","); !strings.Contains(got, "следующее поле") || !strings.Contains(got, "отмена") {
		t.Errorf("Russian help %q", got)
	}
}
