package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/ui/formkit"
)

var formCurrencies = []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.USD, qiwiapi.EUR, qiwiapi.KZT}

var formFunds = []topup.Funds{topup.Cash, topup.NonCash}

// numbersMsg carries the largest journaled number (it seeds TxnGen).
type numbersMsg struct {
	max topup.TxnNumber
	err error
}

// checkedMsg is the engine's check (check-user, check-deposit-possible,
// the agent balance) of the inputs identified by gen.
type checkedMsg struct {
	gen int
	res moves.TopupCheck
	err error
}

// queueFailedMsg: the top-up could not be journaled, so nothing was sent.
type queueFailedMsg struct{ err error }

// check is the last answer for the current inputs; err is a refusal
// (moves.ErrCannotSucceed: QIWI's answers say no, or the agent balance is
// short) or why the check could not run.
type check struct {
	pending bool
	res     moves.TopupCheck
	err     error
}

func (c *check) ok() bool { return c != nil && !c.pending && c.err == nil }

// TopupModel is the Top-up screen: a form for one wallet top-up that checks
// the wallet first, confirms exactly what is debited, journals the
// transaction number and hands the top-up to the Top-ups screen.
type TopupModel struct {
	c    *common.Common
	deps Deps

	width, height int
	editing       bool
	form          *formkit.Form

	txn      *topup.TxnGen
	txnErr   error
	checkGen int
	check    *check
	queued   topup.TxnNumber // the last top-up handed over
}

// NewTopup builds the Top-up screen.
func NewTopup(c *common.Common, deps Deps) *TopupModel {
	return &TopupModel{c: c, deps: deps, form: newTopupForm()}
}

// newTopupForm is the empty form; every top-up starts from a new one.
func newTopupForm() *formkit.Form {
	var curs, funds []formkit.Option
	for _, c := range formCurrencies {
		curs = append(curs, formkit.Option{Label: c.Code(), Value: c.Code()})
	}
	for _, f := range formFunds {
		funds = append(funds, formkit.Option{Label: f.String(), Value: f.String()})
	}
	phone := formkit.NewText("phone", "Wallet phone", "+79001112233").WithValidate(phoneProblem)
	phone.Note = "international format, + optional"
	amount := formkit.NewAmount("amount", "Amount", qiwiapi.RUB)
	amount.Note = "credited to the wallet"
	cur := formkit.NewChoice("currency", "Currency", curs...)
	cur.Note = "also the agent account debited"
	f := formkit.New(phone, amount, cur, formkit.NewChoice("funds", "Funds", funds...))
	f.LabelWidth = 18
	f.Blur() // shown, not edited, until enter
	return f
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
		m.check = &check{res: msg.res, err: msg.err}
		return m, nil
	case queueFailedMsg:
		return m, func() tea.Msg {
			return common.ToastMsg{Text: "The top-up could not be journaled, so nothing was sent: " + msg.err.Error(), Error: true}
		}
	case TopupQueuedMsg:
		m.queued = topup.TxnNumber(msg.Entry.ClientID)
		m.form = newTopupForm() // the next one starts empty, at the phone
		m.invalidate()
		m.editing = false
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
			m.form.FocusFirst()
		case key.Matches(msg, k.Pay):
			return m.submit()
		}
		return nil
	}
	if key.Matches(msg, k.Enter) {
		return m.submit() // from any field: check, then review
	}
	ev, cmd := m.form.Update(msg, k)
	switch ev {
	case formkit.Cancel:
		m.editing = false
		m.form.Blur()
	case formkit.Changed:
		m.form.Get("amount").SetCurrency(m.cur())
		m.form.Check()
		m.invalidate()
	}
	return cmd
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

func (m *TopupModel) cur() qiwiapi.Currency {
	c, _ := qiwiapi.ParseCurrency(m.form.Value("currency"))
	return c
}

func (m *TopupModel) fundsKind() topup.Funds {
	if m.form.Value("funds") == topup.NonCash.String() {
		return topup.NonCash
	}
	return topup.Cash
}

// draft is the top-up the form describes (its number is drawn at confirm).
func (m *TopupModel) draft() topup.Topup {
	a, _ := m.form.Get("amount").Amount()
	return topup.Topup{Account: normalPhone(m.form.Value("phone")), Amount: a, Funds: m.fundsKind()}
}

// submit checks the inputs, then has the engine check the top-up with
// QIWI (the wallet, the funds, the agent balance); once the answer allows
// it, the next submit asks for the confirmation. A top-up that cannot
// succeed says why and never reaches it.
func (m *TopupModel) submit() tea.Cmd {
	m.form.Submitted()
	m.form.Get("amount").SetCurrency(m.cur())
	if !m.form.Check() {
		m.editing = true
		m.form.FirstProblem()
		return nil
	}
	switch {
	case m.check == nil || (m.check.err != nil && !errors.Is(m.check.err, moves.ErrCannotSucceed)):
		return m.runCheck()
	case m.check.pending:
		return nil
	case m.check.err != nil:
		return common.Toast("QIWI's answers say this top-up cannot succeed: change the inputs (see why above)")
	}
	return m.confirm()
}

func (m *TopupModel) runCheck() tea.Cmd {
	m.checkGen++
	m.check = &check{pending: true}
	gen, eng, tp := m.checkGen, m.c.Topups, m.draft()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := eng.Check(ctx, tp)
		return checkedMsg{gen: gen, res: res, err: err}
	}
}

// confirm asks the shell to confirm; the number is drawn now, shown, and
// journaled by the yes command before anything is sent.
func (m *TopupModel) confirm() tea.Cmd {
	if m.txnErr != nil {
		return m.c.ErrorToast(fmt.Errorf("the journal could not be read, so no new number can be drawn: %w", m.txnErr))
	}
	if m.txn == nil {
		return common.Toast("Still reading the journal; try again in a moment")
	}
	t := m.draft()
	t.Number = m.txn.Next()
	amount := t.Amount
	if err := t.Validate(); err != nil {
		return m.c.ErrorToast(err)
	}
	lines := []string{
		fmt.Sprintf("Top up wallet +%s with %s (%s), taken from the customer as %s.", t.Account, amount.Format(), amount.Currency.Code(), t.Funds),
		fmt.Sprintf("%s will be debited from the agent's %s account (terminal %s), which holds %s.", amount.Format(), amount.Currency.Code(), m.c.Agent.TerminalID(), m.check.res.AgentBalance.Format()),
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
	if c == nil || c.pending || (c.err != nil && !errors.Is(c.err, moves.ErrCannotSucceed)) {
		return ""
	}
	var parts []string
	if c.res.Exist {
		parts = append(parts, "wallet exists")
	} else {
		parts = append(parts, "no wallet yet (the top-up creates it)")
	}
	funds := m.fundsKind()
	dep := c.res.Deposit
	if !dep.Possible {
		no := "can take " + funds.String() + ": no"
		if dep.Result.Code != topup.RequestOK {
			no += " (" + dep.Result.Code.Text() + ")"
		}
		parts = append(parts, no)
		out := strings.Join(parts, ", ")
		if c.res.Alt != nil && c.res.Alt.Possible {
			other := topup.NonCash
			if funds == topup.NonCash {
				other = topup.Cash
			}
			return out + " — use " + other.String()
		}
		return out + " — this wallet cannot be topped up; nothing will be paid, do not take the money"
	}
	parts = append(parts, "can take "+funds.String()+": yes")
	if c.err != nil { // the deposit is possible: the agent balance is short
		why, ok := m.c.Refusal(c.err)
		if !ok {
			why = m.c.Explain(c.err)
		}
		return strings.Join(parts, ", ") + " — " + why + "; nothing will be paid, do not take the money"
	}
	parts = append(parts, "agent balance "+c.res.AgentBalance.Format())
	return strings.Join(parts, ", ")
}

// View draws the form, the problems, and QIWI's answer.
func (m *TopupModel) View() string {
	s := m.c.Styles
	if d := m.disabled(); d != "" {
		return s.Subtle.Render(d)
	}
	var b strings.Builder
	b.WriteString(s.Title.Render(" Top up a wallet") + s.Subtle.Render(fmt.Sprintf("  terminal %s", m.c.Personal(m.c.Agent.TerminalID()))) + "\n\n")
	if fl := m.form.Get("funds"); m.fundsKind() == topup.NonCash {
		fl.Note = "the customer paid by card or transfer"
	} else {
		fl.Note = "the customer paid in cash"
	}
	b.WriteString(m.form.View(s, m.editing, m.width, 0) + "\n\n")
	// wrap keeps QIWI's long answers whole at any width.
	wrap := func(text string) string {
		if m.width > 0 {
			return " " + strings.ReplaceAll(formkit.Wrap(text, max(20, m.width-4)), "\n", "\n   ")
		}
		return text
	}
	switch c := m.check; {
	case c == nil:
		b.WriteString(s.Subtle.Render(wrap(" Press enter to check with QIWI: the wallet, the funds it takes, the agent balance.")) + "\n")
	case c.pending:
		b.WriteString(s.Subtle.Render(" Asking QIWI about the wallet and the agent balance…") + "\n")
	case c.err != nil && !errors.Is(c.err, moves.ErrCannotSucceed):
		b.WriteString(s.Error.Render(wrap(" ✗ The check failed: "+m.c.Explain(errors.Unwrap(c.err)))) + "\n" + s.Subtle.Render(" Press enter to ask again.") + "\n")
	case c.err == nil:
		b.WriteString(s.Positive.Render(wrap(" ✓ QIWI: "+m.answerText())) + "\n" + s.Subtle.Render(" Press enter to review and send.") + "\n")
	default:
		b.WriteString(s.Error.Render(wrap(" ✗ QIWI: "+m.answerText())) + "\n")
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
	if m.disabled() != "" {
		return nil
	}
	ready := m.check.ok()
	if !m.editing {
		enter := common.Relabel(k.Enter, "edit")
		pay := common.Relabel(k.Pay, "review & send")
		pay.SetEnabled(ready)
		return []key.Binding{enter, pay}
	}
	label := "check with QIWI"
	if ready {
		label = "review & send"
	}
	h := m.form.Help(k, label)
	for i := range h {
		if key.Matches(tea.KeyMsg{Type: tea.KeyEnter}, h[i]) {
			h[i] = common.Relabel(k.Enter, label) // enter checks from any field
		}
		if key.Matches(tea.KeyMsg{Type: tea.KeyEsc}, h[i]) {
			h[i] = common.Relabel(k.Back, "leave form")
		}
	}
	return h
}

// FullHelp lists every key of the screen.
func (m *TopupModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
