package agent

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
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
	return &TopupModel{c: c, deps: deps, form: newTopupForm(c.Tr)}
}

// newTopupForm is the empty form; every top-up starts from a new one.
func newTopupForm(tr *i18n.Tr) *formkit.Form {
	var curs, funds []formkit.Option
	for _, c := range formCurrencies {
		curs = append(curs, formkit.Option{Label: c.Code(), Value: c.Code()})
	}
	for _, f := range formFunds {
		funds = append(funds, formkit.Option{Label: fundsWords(tr, f), Value: f.String()})
	}
	phone := formkit.NewText("phone", tr.T("agent.topup_phone", nil), "+79001112233").WithValidate(func(s string) string { return phoneProblem(tr, s) })
	phone.Note = tr.T("agent.topup_phone_note", nil)
	amount := formkit.NewAmount("amount", tr.T("agent.topup_amount", nil), qiwiapi.RUB)
	amount.Note = tr.T("agent.topup_amount_note", nil)
	cur := formkit.NewChoice("currency", tr.T("agent.topup_currency", nil), curs...)
	cur.Note = tr.T("agent.topup_currency_note", nil)
	f := formkit.New(phone, amount, cur, formkit.NewChoice("funds", tr.T("agent.topup_funds", nil), funds...)).WithTr(tr)
	f.LabelWidth = 18
	f.Blur() // shown, not edited, until enter
	return f
}

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
		text := m.c.Tr.T("agent.topup_not_journaled", i18n.Args{"Why": m.c.Explain(msg.err)})
		return m, func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
	case TopupQueuedMsg:
		m.queued = topup.TxnNumber(msg.Entry.ClientID)
		m.form = newTopupForm(m.c.Tr) // the next one starts empty, at the phone
		m.invalidate()
		m.editing = false
		return m, common.Toast(m.c.Tr.T("agent.topup_journaled", i18n.Args{"Number": msg.Entry.ClientID}))
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

func (m *TopupModel) disabled() string {
	switch {
	case m.c.Agent == nil:
		return noAgent(m.c)
	case readOnly(m.c):
		return " " + m.c.Tr.T("agent.topup_read_only", nil)
	case m.c.Topups == nil:
		return " " + m.c.Tr.T("agent.topup_no_journal", nil)
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

func phoneProblem(tr *i18n.Tr, raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return tr.T("agent.phone_empty", nil)
	}
	digits := strings.TrimPrefix(s, "+")
	for _, r := range digits {
		if r < '0' || r > '9' {
			return tr.T("agent.phone_not_digits", nil)
		}
	}
	switch {
	case digits == "":
		return tr.T("agent.phone_no_digits", nil)
	case digits[0] == '0':
		return tr.T("agent.phone_zero", nil)
	case len(digits) == 11 && digits[0] == '8' && !strings.HasPrefix(s, "+"):
		return tr.T("agent.phone_domestic", nil)
	case len(digits) < 10:
		return tr.T("agent.phone_short", i18n.Args{"N": len(digits)})
	case len(digits) > 15:
		return tr.T("agent.phone_long", i18n.Args{"N": len(digits)})
	}
	return ""
}

// fundsWords is the kind of funds as the screen names it.
func fundsWords(tr *i18n.Tr, f topup.Funds) string {
	if f == topup.NonCash {
		return tr.T("agent.funds_noncash", nil)
	}
	return tr.T("agent.funds_cash", nil)
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
		return common.Toast(m.c.Tr.T("agent.topup_cannot_succeed", nil))
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
	tr := m.c.Tr
	if m.txnErr != nil {
		return m.c.ErrorToast(i18n.Errorf("agent.topup_no_number", nil, m.txnErr))
	}
	if m.txn == nil {
		return common.Toast(tr.T("agent.topup_reading_journal", nil))
	}
	t := m.draft()
	t.Number = m.txn.Next()
	// In full even in privacy mode: the confirmation shows what is agreed to.
	amount := m.c.MoneyInFull(t.Amount)
	if err := t.Validate(); err != nil {
		return m.c.ErrorToast(err)
	}
	ccy := t.Amount.Currency.Code()
	lines := []string{
		tr.T("agent.topup_confirm_what", i18n.Args{"Account": t.Account, "Amount": amount, "Currency": ccy, "Funds": fundsWords(tr, t.Funds)}),
		tr.T("agent.topup_confirm_debit", i18n.Args{"Amount": amount, "Currency": ccy, "Terminal": m.c.Agent.TerminalID(),
			"Balance": m.c.MoneyInFull(m.check.res.AgentBalance)}),
		tr.T("agent.topup_confirm_checked", i18n.Args{"Answer": m.answerText()}),
		tr.T("agent.topup_confirm_number", i18n.Args{"Number": string(t.Number)}),
	}
	eng := m.c.Topups
	return common.Confirm(tr.T("agent.topup_confirm_title", nil), lines, func() tea.Msg {
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
	tr := m.c.Tr
	var parts []string
	if c.res.Exist {
		parts = append(parts, tr.T("agent.answer_exists", nil))
	} else {
		parts = append(parts, tr.T("agent.answer_no_wallet", nil))
	}
	funds := m.fundsKind()
	dep := c.res.Deposit
	if !dep.Possible {
		if dep.Result.Code != topup.RequestOK {
			parts = append(parts, tr.T("agent.answer_funds_no_why", i18n.Args{"Funds": fundsWords(tr, funds), "Why": explain.TopUpRequest(tr, dep.Result.Code)}))
		} else {
			parts = append(parts, tr.T("agent.answer_funds_no", i18n.Args{"Funds": fundsWords(tr, funds)}))
		}
		out := strings.Join(parts, ", ")
		if c.res.Alt != nil && c.res.Alt.Possible {
			other := topup.NonCash
			if funds == topup.NonCash {
				other = topup.Cash
			}
			return tr.T("agent.answer_use_other", i18n.Args{"Answer": out, "Funds": fundsWords(tr, other)})
		}
		return tr.T("agent.answer_cannot", i18n.Args{"Answer": out})
	}
	parts = append(parts, tr.T("agent.answer_funds_yes", i18n.Args{"Funds": fundsWords(tr, funds)}))
	if c.err != nil { // the deposit is possible: the agent balance is short
		why, ok := m.c.Refusal(c.err)
		if !ok {
			why = m.c.Explain(c.err)
		}
		return tr.T("agent.answer_short", i18n.Args{"Answer": strings.Join(parts, ", "), "Why": why})
	}
	parts = append(parts, tr.T("agent.answer_balance", i18n.Args{"Balance": m.c.MoneyInFull(c.res.AgentBalance)}))
	return strings.Join(parts, ", ")
}

// View draws the form, the problems, and QIWI's answer.
func (m *TopupModel) View() string {
	s := m.c.Styles
	if d := m.disabled(); d != "" {
		return s.Subtle.Render(d)
	}
	var b strings.Builder
	tr := m.c.Tr
	b.WriteString(s.Title.Render(" "+tr.T("agent.topup_title", nil)) + s.Subtle.Render("  "+tr.T("agent.terminal", i18n.Args{"ID": m.c.Personal(m.c.Agent.TerminalID())})) + "\n\n")
	if fl := m.form.Get("funds"); m.fundsKind() == topup.NonCash {
		fl.Note = tr.T("agent.topup_funds_noncash_note", nil)
	} else {
		fl.Note = tr.T("agent.topup_funds_cash_note", nil)
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
		b.WriteString(s.Subtle.Render(wrap(" "+tr.T("agent.topup_press_check", nil))) + "\n")
	case c.pending:
		b.WriteString(s.Subtle.Render(" "+tr.T("agent.topup_asking", nil)) + "\n")
	case c.err != nil && !errors.Is(c.err, moves.ErrCannotSucceed):
		b.WriteString(s.Error.Render(wrap(" "+tr.T("agent.topup_check_failed", i18n.Args{"Why": m.c.Explain(errors.Unwrap(c.err))}))) + "\n" +
			s.Subtle.Render(" "+tr.T("agent.topup_ask_again", nil)) + "\n")
	case c.err == nil:
		b.WriteString(s.Positive.Render(wrap(" "+tr.T("agent.topup_answer_ok", i18n.Args{"Answer": m.answerText()}))) + "\n" +
			s.Subtle.Render(" "+tr.T("agent.topup_press_send", nil)) + "\n")
	default:
		b.WriteString(s.Error.Render(wrap(" "+tr.T("agent.topup_answer_no", i18n.Args{"Answer": m.answerText()}))) + "\n")
	}
	if !m.editing {
		b.WriteString("\n" + s.Subtle.Render(" "+tr.T("agent.topup_press_edit", nil)) + "\n")
	}
	if m.queued != "" {
		b.WriteString("\n" + s.Subtle.Render(" "+tr.T("agent.topup_last", i18n.Args{"Number": string(m.queued)})) + "\n")
	}
	return b.String()
}

// ShortHelp lists the keys that apply now.
func (m *TopupModel) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.disabled() != "" {
		return nil
	}
	tr := m.c.Tr
	ready := m.check.ok()
	if !m.editing {
		enter := common.Relabel(k.Enter, tr.T("agent.key_edit", nil))
		pay := common.Relabel(k.Pay, tr.T("agent.key_review_send", nil))
		pay.SetEnabled(ready)
		return []key.Binding{enter, pay}
	}
	label := tr.T("agent.key_check", nil)
	if ready {
		label = tr.T("agent.key_review_send", nil)
	}
	h := m.form.Help(k, label)
	for i := range h {
		if key.Matches(tea.KeyMsg{Type: tea.KeyEnter}, h[i]) {
			h[i] = common.Relabel(k.Enter, label) // enter checks from any field
		}
		if key.Matches(tea.KeyMsg{Type: tea.KeyEsc}, h[i]) {
			h[i] = common.Relabel(k.Back, tr.T("agent.key_leave_form", nil))
		}
	}
	return h
}

// FullHelp lists every key of the screen.
func (m *TopupModel) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
