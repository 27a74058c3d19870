package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/topup"
	"qiwidash/ui/common"
)

// Fields of the top-up form, in focus order.
const (
	fieldPhone = iota
	fieldAmount
	fieldCurrency
	fieldFunds
	fieldCount
)

var formCurrencies = []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.USD, qiwiapi.EUR, qiwiapi.KZT}

var formFunds = []topup.Funds{topup.Cash, topup.NonCash}

// numbersMsg carries the largest journaled number (it seeds TxnGen).
type numbersMsg struct {
	max topup.TxnNumber
	err error
}

// checkedMsg is the answer of check-user and check-deposit-possible for the
// inputs identified by gen.
type checkedMsg struct {
	gen      int
	exist    bool
	deposit  *topup.DepositCheck
	altFunds *topup.DepositCheck // the other kind of funds, asked when these are refused
	err      error
}

// queueFailedMsg: the top-up could not be journaled, so nothing was sent.
type queueFailedMsg struct{ err error }

// check is the last answer for the current inputs.
type check struct {
	pending bool
	exist   bool
	deposit *topup.DepositCheck
	alt     *topup.DepositCheck
	err     error
}

// TopupModel is the Top-up screen: a form for one wallet top-up that checks
// the wallet first, confirms exactly what is debited, journals the
// transaction number and hands the top-up to the Top-ups screen.
type TopupModel struct {
	c    *common.Common
	deps Deps

	width, height int
	editing       bool
	focus         int
	phone, amount textinput.Model
	currency      int // index in formCurrencies
	funds         int // index in formFunds
	touched       [fieldCount]bool
	submitted     bool

	txn      *topup.TxnGen
	txnErr   error
	checkGen int
	check    *check
	queued   topup.TxnNumber // the last top-up handed over
}

// NewTopup builds the Top-up screen.
func NewTopup(c *common.Common, deps Deps) *TopupModel {
	in := func(placeholder string, limit int) textinput.Model {
		t := textinput.New()
		t.Prompt = "> "
		t.Placeholder = "e.g. " + placeholder // never only grey: an example says so in words
		t.CharLimit = limit
		t.Cursor.SetMode(cursor.CursorStatic) // no blink: deterministic screens
		return t
	}
	return &TopupModel{
		c:      c,
		deps:   deps,
		phone:  in("+79001112233", 17),
		amount: in("100.00", 16),
	}
}

// Title is the tab label.
func (m *TopupModel) Title() string { return "Top-up" }

// InputFocused is true while the form is being edited: every key goes to it.
func (m *TopupModel) InputFocused() bool { return m.editing }

// Busy reports a check in flight.
func (m *TopupModel) Busy() bool { return m.check != nil && m.check.pending }

// SetSize records the body size.
func (m *TopupModel) SetSize(w, h int) { m.width, m.height = w, h }

// Init reads the largest journaled number to seed the number generator.
func (m *TopupModel) Init() tea.Cmd {
	eng := m.c.Topups
	if eng == nil || m.c.Agent == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n, err := eng.MaxNumber(ctx)
		return numbersMsg{max: n, err: err}
	}
}

// Update handles keys, check answers and the hand-over.
func (m *TopupModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case numbersMsg:
		m.txnErr = msg.err
		if msg.err == nil {
			m.txn = topup.NewTxnGen(m.c.Now, msg.max, 0)
		}
		return m, nil
	case checkedMsg:
		if msg.gen != m.checkGen || m.check == nil {
			return m, nil // the inputs changed meanwhile
		}
		m.check = &check{exist: msg.exist, deposit: msg.deposit, alt: msg.altFunds, err: msg.err}
		if msg.err != nil {
			return m, common.ErrorToast(msg.err)
		}
		return m, nil
	case queueFailedMsg:
		return m, func() tea.Msg {
			return common.ToastMsg{Text: "The top-up could not be journaled, so nothing was sent: " + msg.err.Error(), Error: true}
		}
	case TopupQueuedMsg:
		m.queued = topup.TxnNumber(msg.Entry.ClientID)
		m.phone.SetValue("")
		m.amount.SetValue("")
		m.touched = [fieldCount]bool{}
		m.submitted = false
		m.invalidate()
		m.editing = false
		m.blurAll()
		return m, common.Toast("Top-up " + msg.Entry.ClientID + " journaled; it is being sent, follow it on the Top-ups screen")
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *TopupModel) disabled() string {
	switch {
	case m.c.Agent == nil:
		return noAgentText
	case readOnly(m.c):
		return " Read-only mode: top-ups are off."
	case m.c.Topups == nil:
		return " No journal: top-ups are off, because a top-up must be recorded before it is sent."
	}
	return ""
}

func (m *TopupModel) handleKey(msg tea.KeyMsg) tea.Cmd {
	if m.disabled() != "" {
		return nil
	}
	k := m.c.Keys
	if !m.editing {
		switch {
		case key.Matches(msg, k.Enter), key.Matches(msg, k.New):
			m.editing = true
			m.setFocus(m.focus)
			return textinput.Blink
		case key.Matches(msg, k.Pay):
			return m.submit()
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		m.editing = false
		m.blurAll()
		return nil
	case key.Matches(msg, k.Enter):
		return m.submit()
	case key.Matches(msg, k.NextField):
		m.setFocus((m.focus + 1) % fieldCount)
		return nil
	case key.Matches(msg, k.PrevField):
		m.setFocus((m.focus + fieldCount - 1) % fieldCount)
		return nil
	}
	switch m.focus {
	case fieldCurrency, fieldFunds:
		delta := 0
		switch {
		case key.Matches(msg, k.Left):
			delta = -1
		case key.Matches(msg, k.Right), msg.Type == tea.KeySpace:
			delta = 1
		}
		if delta != 0 {
			if m.focus == fieldCurrency {
				m.currency = (m.currency + delta + len(formCurrencies)) % len(formCurrencies)
			} else {
				m.funds = (m.funds + delta + len(formFunds)) % len(formFunds)
			}
			m.touched[m.focus] = true
			m.invalidate()
		}
		return nil
	}
	in := &m.phone
	if m.focus == fieldAmount {
		in = &m.amount
	}
	before := in.Value()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if in.Value() != before {
		m.touched[m.focus] = true
		m.invalidate()
	}
	return cmd
}

func (m *TopupModel) setFocus(i int) {
	m.focus = i
	m.phone.Blur()
	m.amount.Blur()
	switch i {
	case fieldPhone:
		m.phone.Focus()
	case fieldAmount:
		m.amount.Focus()
	}
}

func (m *TopupModel) blurAll() {
	m.phone.Blur()
	m.amount.Blur()
}

// invalidate forgets the check: it was for other inputs.
func (m *TopupModel) invalidate() {
	m.checkGen++
	m.check = nil
}

// Problems of the inputs, in words ("" = fine).

func phoneProblem(raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "Enter the wallet's phone in international format, e.g. +79001112233"
	}
	digits := strings.TrimPrefix(s, "+")
	for _, r := range digits {
		if r < '0' || r > '9' {
			return "Only digits after an optional +, e.g. +79001112233 (no spaces, dashes or brackets)"
		}
	}
	switch {
	case digits == "":
		return "Enter the digits after +"
	case digits[0] == '0':
		return "International format starts with the country code (7 for Russia), not 0"
	case len(digits) == 11 && digits[0] == '8' && !strings.HasPrefix(s, "+"):
		return "That looks like a domestic number: write +7 instead of the leading 8"
	case len(digits) < 10:
		return fmt.Sprintf("Too short: %d digits; an international number has 10 to 15", len(digits))
	case len(digits) > 15:
		return fmt.Sprintf("Too long: %d digits; an international number has 10 to 15", len(digits))
	}
	return ""
}

// normalPhone is the account number QIWI wants: digits, no '+'.
func normalPhone(raw string) string { return strings.TrimPrefix(strings.TrimSpace(raw), "+") }

func parseFormAmount(raw string, cur qiwiapi.Currency) (qiwiapi.Amount, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return qiwiapi.Amount{}, "Enter the amount, e.g. 150.50"
	}
	if strings.Contains(s, ",") {
		return qiwiapi.Amount{}, "Use a dot for decimals, e.g. 150.50"
	}
	dots := 0
	for _, r := range s {
		switch {
		case r == '.':
			dots++
		case r < '0' || r > '9':
			return qiwiapi.Amount{}, "Not an amount: digits and one dot only, e.g. 150.50"
		}
	}
	if dots > 1 {
		return qiwiapi.Amount{}, "Not an amount: only one dot, e.g. 150.50"
	}
	if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 {
		return qiwiapi.Amount{}, fmt.Sprintf("At most 2 digits after the dot (%d given): QIWI takes whole kopecks/cents", len(frac))
	}
	a, err := qiwiapi.ParseAmount(s, cur)
	switch {
	case errors.Is(err, qiwiapi.ErrTooPrecise):
		return qiwiapi.Amount{}, "At most 2 digits after the dot: QIWI takes whole kopecks/cents"
	case err != nil:
		return qiwiapi.Amount{}, "Not an amount, e.g. 150.50"
	case a.Minor <= 0:
		return qiwiapi.Amount{}, "The amount must be more than zero"
	}
	return a, ""
}

func (m *TopupModel) cur() qiwiapi.Currency  { return formCurrencies[m.currency] }
func (m *TopupModel) fundsKind() topup.Funds { return formFunds[m.funds] }

// problems returns the problem of each text field.
func (m *TopupModel) problems() (phone, amount string) {
	_, amount = parseFormAmount(m.amount.Value(), m.cur())
	return phoneProblem(m.phone.Value()), amount
}

// Problems are the form's current problems in words (for tests and help).
func (m *TopupModel) Problems() []string {
	p, a := m.problems()
	var out []string
	for _, s := range []string{p, a} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// submit checks the inputs, then asks QIWI about the wallet, then (once the
// answer allows it) asks for the confirmation.
func (m *TopupModel) submit() tea.Cmd {
	m.submitted = true
	pp, ap := m.problems()
	switch {
	case pp != "":
		m.editing = true
		m.setFocus(fieldPhone)
		return nil
	case ap != "":
		m.editing = true
		m.setFocus(fieldAmount)
		return nil
	}
	if m.check == nil || m.check.err != nil {
		return m.runCheck()
	}
	if m.check.pending {
		return nil
	}
	if m.check.deposit == nil || !m.check.deposit.Possible {
		return common.Toast("QIWI said this wallet cannot take it: change the inputs (see the answer)")
	}
	return m.confirm()
}

func (m *TopupModel) runCheck() tea.Cmd {
	m.checkGen++
	m.check = &check{pending: true}
	gen, client, phone, funds := m.checkGen, m.c.Agent, normalPhone(m.phone.Value()), m.fundsKind()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		msg := checkedMsg{gen: gen}
		msg.exist, _, msg.err = client.CheckUser(ctx, phone, 0)
		if msg.err != nil {
			return msg
		}
		msg.deposit, _, msg.err = client.CheckDepositPossible(ctx, phone, funds, 0)
		if msg.err != nil || msg.deposit.Possible {
			return msg
		}
		other := topup.NonCash
		if funds == topup.NonCash {
			other = topup.Cash
		}
		// Only a hint: if it fails, the refusal is still shown.
		msg.altFunds, _, _ = client.CheckDepositPossible(ctx, phone, other, 0)
		return msg
	}
}

// confirm asks the shell to confirm; the number is drawn now, shown, and
// journaled by the yes command before anything is sent.
func (m *TopupModel) confirm() tea.Cmd {
	if m.txnErr != nil {
		return common.ErrorToast(fmt.Errorf("the journal could not be read, so no new number can be drawn: %w", m.txnErr))
	}
	if m.txn == nil {
		return common.Toast("Still reading the journal; try again in a moment")
	}
	amount, _ := parseFormAmount(m.amount.Value(), m.cur())
	t := topup.Topup{
		Number:  m.txn.Next(),
		Account: normalPhone(m.phone.Value()),
		Amount:  amount,
		Funds:   m.fundsKind(),
	}
	if err := t.Validate(); err != nil {
		return common.ErrorToast(err)
	}
	lines := []string{
		fmt.Sprintf("Top up wallet +%s with %s (%s), taken from the customer as %s.", t.Account, amount.Format(), amount.Currency.Code(), t.Funds),
		fmt.Sprintf("%s will be debited from the agent's %s account (terminal %s).", amount.Format(), amount.Currency.Code(), m.c.Agent.TerminalID()),
		"QIWI checked: " + m.answerText(),
		fmt.Sprintf("Transaction number %s is journaled first and reused for every retry.", t.Number),
	}
	eng := m.c.Topups
	return common.Confirm("Send this top-up?", lines, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e, err := eng.Start(ctx, t)
		if err != nil {
			return queueFailedMsg{err: err}
		}
		return TopupQueuedMsg{Entry: e}
	})
}

// answerText is the wallet check in words.
func (m *TopupModel) answerText() string {
	c := m.check
	if c == nil || c.deposit == nil {
		return ""
	}
	var parts []string
	if c.exist {
		parts = append(parts, "wallet exists")
	} else {
		parts = append(parts, "no wallet yet (the top-up creates it)")
	}
	funds := m.fundsKind()
	if c.deposit.Possible {
		parts = append(parts, "can take "+funds.String()+": yes")
		return strings.Join(parts, ", ")
	}
	no := "can take " + funds.String() + ": no"
	if c.deposit.Result.Code != topup.RequestOK {
		no += " (" + c.deposit.Result.Code.Text() + ")"
	}
	parts = append(parts, no)
	out := strings.Join(parts, ", ")
	if c.alt != nil && c.alt.Possible {
		other := topup.NonCash
		if funds == topup.NonCash {
			other = topup.Cash
		}
		return out + " — use " + other.String()
	}
	return out + " — this wallet cannot be topped up; nothing will be paid, do not take the money"
}

// View draws the form, the problems, and QIWI's answer.
func (m *TopupModel) View() string {
	s := m.c.Styles
	if d := m.disabled(); d != "" {
		return s.Subtle.Render(d)
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" Top up a wallet") + s.Subtle.Render(fmt.Sprintf("  terminal %s", m.c.Personal(m.c.Agent.TerminalID()))) + "\n\n")
	pp, ap := m.problems()
	row := func(i int, label, val, problem, note string) {
		marker := "  "
		if m.editing && i == m.focus {
			marker = s.Accent.Render("▶ ")
		}
		b.WriteString(" " + marker + s.Label.Render(common.PadRight(label, 18)) + val + "\n")
		indent := strings.Repeat(" ", 21)
		if problem != "" && (m.touched[i] || m.submitted) {
			b.WriteString(indent + s.Error.Render("✗ "+problem) + "\n")
		} else if note != "" {
			b.WriteString(indent + s.Subtle.Render(note) + "\n")
		}
	}
	choice := func(label string) string { return "◀ " + label + " ▶" }
	row(fieldPhone, "Wallet phone", m.phone.View(), pp, "international format, + optional")
	row(fieldAmount, "Amount", m.amount.View(), ap, "credited to the wallet; at most 2 decimals")
	row(fieldCurrency, "Currency", choice(m.cur().Code()), "", "also the agent account debited")
	fundsNote := "the customer paid in cash"
	if m.fundsKind() == topup.NonCash {
		fundsNote = "the customer paid by card or transfer"
	}
	row(fieldFunds, "Funds", choice(m.fundsKind().String()), "", fundsNote)
	b.WriteString("\n")

	switch c := m.check; {
	case c == nil:
		b.WriteString(s.Subtle.Render(" Press enter to check the wallet with QIWI (check-user, check-deposit-possible).") + "\n")
	case c.pending:
		b.WriteString(s.Subtle.Render(" Asking QIWI about the wallet…") + "\n")
	case c.err != nil:
		b.WriteString(s.Error.Render(" ✗ The check failed: "+common.Explain(c.err)) + "\n" + s.Subtle.Render(" Press enter to ask again.") + "\n")
	case c.deposit != nil && c.deposit.Possible:
		b.WriteString(s.Positive.Render(" ✓ QIWI: "+m.answerText()) + "\n" + s.Subtle.Render(" Press enter to review and send.") + "\n")
	default:
		b.WriteString(s.Error.Render(" ✗ QIWI: "+m.answerText()) + "\n")
	}
	if !m.editing {
		b.WriteString("\n" + s.Subtle.Render(" Press enter to edit the form; esc leaves it.") + "\n")
	}
	if m.queued != "" {
		b.WriteString("\n" + s.Subtle.Render(" Last top-up: "+string(m.queued)+" (see the Top-ups screen)") + "\n")
	}
	return b.String()
}

// ShortHelp lists the keys that apply now.
func (m *TopupModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	enter := k.Enter
	if m.disabled() != "" {
		return nil
	}
	ready := m.check != nil && m.check.deposit != nil && m.check.deposit.Possible
	if !m.editing {
		enter = common.Relabel(enter, "edit")
		pay := k.Pay
		pay = common.Relabel(pay, "review & send")
		pay.SetEnabled(ready)
		return []key.Binding{enter, pay}
	}
	switch {
	case ready:
		enter = common.Relabel(enter, "review & send")
	default:
		enter = common.Relabel(enter, "check wallet")
	}
	back := k.Back
	back = common.Relabel(back, "leave form")
	left, right := k.Left, k.Right
	left.SetHelp("←", "choice")
	right.SetHelp("→", "choice")
	// h and l type letters while a text field is focused.
	left.SetEnabled(m.focus >= fieldCurrency)
	right.SetEnabled(m.focus >= fieldCurrency)
	return []key.Binding{k.NextField, k.PrevField, left, right, enter, back}
}

// FullHelp lists every key of the screen.
func (m *TopupModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
