// Package merchant is the Merchant screen (Pull REST API): bills issued
// from here with their status in words, amount, masked payer and time left
// to pay; issuing a bill, refreshing, cancelling, refunding (part or all)
// and copying the payer's checkout link. Verified merchant callbacks
// (feed.BillChangedMsg) update a bill's row at once and trigger a re-read.
package merchant

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store/bills"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/ui/formkit"
)

// Deps are what the screen needs besides Common.
type Deps struct {
	// Bills keeps issued bills between runs; bills.NewMemory when nil.
	Bills bills.Store
}

// DefaultPollInterval is how often refunds still processing are re-read.
const DefaultPollInterval = 5 * time.Second

const requestTimeout = 30 * time.Second

// loadedMsg carries the stored bills for one load generation.
type loadedMsg struct {
	gen   int
	bills []bills.Bill
	err   error
}

// issueMsg is a confirmed create intent (no I/O yet).
type issueMsg struct{ bill bills.Bill }

// createdMsg is QIWI's answer to a create (first try or repeat).
type createdMsg struct {
	id   string
	bill *pull.Bill
	err  error
}

// fetchedMsg is a re-read of one bill and of its unfinished refunds.
type fetchedMsg struct {
	id      string
	bill    *pull.Bill // nil when the bill was not read
	err     error
	refunds []refundResult
}

type refundResult struct {
	id     string
	refund *pull.Refund
	err    error
}

// cancelledMsg is QIWI's answer to a cancel.
type cancelledMsg struct {
	id   string
	bill *pull.Bill
	err  error
}

// refundIssueMsg is a confirmed refund intent (no I/O yet).
type refundIssueMsg struct {
	billID string
	refund bills.Refund
}

// refundedMsg is QIWI's answer to a refund request.
type refundedMsg struct {
	billID string
	res    refundResult
}

type savedMsg struct{ err error }

type pollMsg struct{ gen int }

// Model is the Merchant screen.
type Model struct {
	c             *common.Common
	store         bills.Store
	width, height int
	state         common.LoadState
	gen           int
	err           error

	moves    *moves.Bills // the engine's bill moves (issue, cancel, refund)
	bills    []bills.Bill
	cursor   int
	form     *form
	inflight int

	// PollInterval re-reads refunds that are still processing (0 = off;
	// tests drive refreshes by hand).
	PollInterval time.Duration
	pollGen      int
	polling      bool
}

// New builds the screen.
func New(c *common.Common, deps Deps) *Model {
	if deps.Bills == nil {
		deps.Bills = bills.NewMemory()
	}
	return &Model{c: c, store: deps.Bills, moves: moves.NewBills(c.Merchant), PollInterval: DefaultPollInterval}
}

// Init loads the stored bills, then re-reads the unfinished ones.
func (m *Model) Init() tea.Cmd { return m.load() }

// Busy reports work in flight.
func (m *Model) Busy() bool { return m.state == common.StateLoading || m.inflight > 0 }

// InputFocused is true while a form is open: every key goes to it.
func (m *Model) InputFocused() bool { return m.form != nil }

// SetSize records the body size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// Bills returns a copy of the bills on screen (tests, other screens).
func (m *Model) Bills() []bills.Bill {
	out := make([]bills.Bill, len(m.bills))
	for i, b := range m.bills {
		out[i] = b.Clone()
	}
	return out
}

func (m *Model) now() time.Time {
	if m.c.Now != nil {
		return m.c.Now()
	}
	return time.Now()
}

func (m *Model) load() tea.Cmd {
	m.gen++
	m.state = common.StateLoading
	gen, store := m.gen, m.store
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		bills, err := store.Bills(ctx)
		return loadedMsg{gen: gen, bills: bills, err: err}
	}
}

func (m *Model) find(id string) *bills.Bill {
	for i := range m.bills {
		if m.bills[i].ID == id {
			return &m.bills[i]
		}
	}
	return nil
}

func (m *Model) selected() *bills.Bill {
	if m.cursor >= 0 && m.cursor < len(m.bills) {
		return &m.bills[m.cursor]
	}
	return nil
}

// Update handles keys, callbacks and results.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case common.RefreshMsg:
		if m.form != nil {
			return m, nil
		}
		return m, m.reload()
	case common.ScrollMsg:
		if m.form == nil {
			m.cursor = common.Clamp(m.cursor+msg.Delta, len(m.bills))
		}
		return m, nil
	case loadedMsg:
		if msg.gen != m.gen {
			return m, nil // stale
		}
		if msg.err != nil {
			m.state, m.err = common.StateError, msg.err
			return m, m.c.ErrorToast(msg.err)
		}
		m.state, m.err = common.StateReady, nil
		m.bills = msg.bills
		m.cursor = min(m.cursor, max(0, len(m.bills)-1))
		return m, m.refreshAll()
	case issueMsg:
		m.form = nil
		m.bills = append([]bills.Bill{msg.bill}, m.bills...)
		m.cursor = 0
		m.inflight++
		return m, m.createCmd(msg.bill)
	case createdMsg:
		m.inflight = max(0, m.inflight-1)
		return m, m.onCreated(msg)
	case fetchedMsg:
		m.inflight = max(0, m.inflight-1)
		return m, m.onFetched(msg)
	case cancelledMsg:
		return m, m.onCancelled(msg)
	case refundIssueMsg:
		m.form = nil
		b := m.find(msg.billID)
		if b == nil {
			return m, nil
		}
		b.Refunds = append(b.Refunds, msg.refund)
		m.inflight++
		return m, m.refundCmd(b.Clone(), msg.refund)
	case refundedMsg:
		m.inflight = max(0, m.inflight-1)
		return m, m.onRefunded(msg)
	case feed.BillChangedMsg:
		return m, m.onCallback(msg.Event.BillID, msg.Event.Status)
	case savedMsg:
		if msg.err != nil {
			return m, m.c.ErrorToast(i18n.Errorf("merchant.save_failed", nil, msg.err))
		}
		return m, nil
	case pollMsg:
		if msg.gen != m.pollGen {
			return m, nil
		}
		m.polling = false
		var cmds []tea.Cmd
		for _, b := range m.bills {
			if processing(b) {
				m.inflight++
				cmds = append(cmds, m.fetchCmd(b, false))
			}
		}
		return m, tea.Batch(cmds...)
	case tea.KeyMsg:
		if m.form != nil {
			return m, m.formKey(msg)
		}
		return m, m.handleKey(msg)
	}
	return m, nil
}

// reload reads the bills again: all of them after an error, else the
// statuses of the ones listed.
func (m *Model) reload() tea.Cmd {
	if m.state == common.StateError {
		return m.load()
	}
	return m.refreshAll()
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	ro := m.c.Settings != nil && m.c.Settings.ReadOnly
	switch {
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = min(max(0, len(m.bills)-1), m.cursor+1)
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = max(0, len(m.bills)-1)
	case key.Matches(msg, k.Refresh):
		return m.reload()
	case key.Matches(msg, k.New):
		if ro || m.c.Merchant == nil {
			return nil
		}
		m.form = newCreateForm(m.c.Tr, "qd-"+m.nextID())
		m.form.validateCreate(m.c, m.now())
		return nil
	case key.Matches(msg, k.Reject):
		if b := m.selected(); b != nil && !ro && canCancel(*b) {
			return m.askCancel(*b)
		}
	case key.Matches(msg, k.Refund):
		if b := m.selected(); b != nil && !ro && canRefund(*b) {
			m.form = newRefundForm(m.c.Tr, b.Clone(), m.newRefundID(*b))
			m.form.validateRefund(m.c.Tr)
			return nil
		}
	case key.Matches(msg, k.Copy):
		if b := m.selected(); b != nil && b.Status != "" && m.c.Merchant != nil {
			return common.Copy(m.c.Merchant.CheckoutURL(b.ID, nil), m.c.Tr.T("merchant.copy_link", nil))
		}
	}
	return nil
}

func canCancel(b bills.Bill) bool { return b.Status == pull.BillWaiting }

func canRefund(b bills.Bill) bool { return b.Status == pull.BillPaid && available(b).Minor > 0 }

func processing(b bills.Bill) bool {
	for _, r := range b.Refunds {
		if r.Status == pull.RefundProcessing {
			return true
		}
	}
	return false
}

// nextID is a fresh increasing number from the shared generator.
func (m *Model) nextID() string {
	if m.c.IDs != nil {
		return m.c.IDs.Next()
	}
	return strconv.FormatInt(m.now().UnixMilli(), 10)
}

// newRefundID makes a refund_id: the next id in base 36 (8 characters,
// within the 1-9 of [0-9A-Za-z] QIWI allows), unique within the bill.
func (m *Model) newRefundID(b bills.Bill) string {
	for {
		n, _ := strconv.ParseInt(m.nextID(), 10, 64)
		id := strconv.FormatInt(n, 36)
		if len(id) > 9 {
			id = id[len(id)-9:]
		}
		if b.FindRefund(id) == nil && pull.CheckRefundID(id) == nil {
			return id
		}
	}
}

func (m *Model) formKey(msg tea.KeyMsg) tea.Cmd {
	f := m.form
	ev, cmd := f.Update(msg, m.c.Keys)
	if ev == formkit.Cancel {
		m.form = nil
		return nil
	}
	var ok bool
	switch f.kind {
	case createForm:
		_, ok = f.validateCreate(m.c, m.now())
	case refundForm:
		_, ok = f.validateRefund(m.c.Tr)
	}
	if ev != formkit.Submit {
		return cmd
	}
	f.Submitted()
	if !ok {
		f.FirstProblem()
		return nil
	}
	if f.kind == createForm {
		return m.askCreate()
	}
	return m.askRefund()
}

func (m *Model) askCreate() tea.Cmd {
	in, ok := m.form.validateCreate(m.c, m.now())
	if !ok {
		return nil
	}
	tr := m.c.Tr
	b := bills.Bill{ID: m.form.id, Payer: in.user, Amount: in.amount, Comment: in.comment, Lifetime: in.lifetime, Created: m.now()}
	comment := b.Comment
	if comment == "" {
		comment = tr.T("merchant.confirm_no_comment", nil)
	}
	rows := [][2]string{
		{tr.T("merchant.confirm_bill_id", nil), b.ID},
		{tr.T("merchant.detail_payer", nil), b.Payer},
		{tr.T("merchant.confirm_amount", nil), m.c.MoneyInFull(b.Amount)},
		{tr.T("merchant.detail_comment", nil), comment},
		{tr.T("merchant.detail_pay_by", nil), m.payBy(b.Lifetime)},
	}
	w := 0
	for _, r := range rows {
		w = max(w, len([]rune(r[0])))
	}
	var lines []string
	for _, r := range rows {
		lines = append(lines, common.PadRight(r[0], max(10, w+3))+r[1])
	}
	lines = append(lines, "", tr.T("merchant.confirm_shown", nil))
	return common.Confirm(tr.T("merchant.confirm_issue", nil), lines, func() tea.Msg { return issueMsg{bill: b} })
}

func (m *Model) askRefund() tea.Cmd {
	f := m.form
	tr := m.c.Tr
	a, ok := f.validateRefund(tr)
	if !ok {
		return nil
	}
	b := f.bill
	rest := b.Refundable()
	rest.Minor -= a.Minor
	money := m.c.MoneyInFull
	lines := []string{
		tr.T("merchant.refund_bill", i18n.Args{"ID": sanitize.Text(b.ID), "Amount": money(b.Amount), "Payer": sanitize.Text(b.Payer)}),
		tr.T("merchant.refund_so_far", i18n.Args{"Amount": money(b.Refunded())}),
		tr.T("merchant.refund_remaining", i18n.Args{"Amount": money(b.Refundable())}),
	}
	if p := b.Pending(); p.Minor > 0 {
		lines = append(lines, tr.T("merchant.refund_still", i18n.Args{"Amount": money(p)}))
	}
	lines = append(lines,
		"",
		tr.T("merchant.refund_this", i18n.Args{"Amount": money(a), "ID": f.id}),
		tr.T("merchant.refund_after", i18n.Args{"Amount": money(rest)}),
	)
	r := bills.Refund{ID: f.id, Amount: a, Created: m.now()}
	return common.Confirm(tr.T("merchant.confirm_refund", i18n.Args{"Amount": money(a)}), lines, func() tea.Msg { return refundIssueMsg{billID: b.ID, refund: r} })
}

func (m *Model) askCancel(b bills.Bill) tea.Cmd {
	eng, tr := m.moves, m.c.Tr
	lines := []string{
		tr.T("merchant.cancel_bill", i18n.Args{"ID": b.ID, "Amount": m.c.MoneyInFull(b.Amount), "Payer": phone(b.Payer)}),
		tr.T("merchant.cancel_effect", nil),
	}
	return common.Confirm(tr.T("merchant.confirm_cancel", nil), lines, func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		a := eng.Cancel(ctx, b.ID)
		return cancelledMsg{id: b.ID, bill: a.Bill, err: a.Err}
	})
}

// refreshAll re-reads every bill that can still change.
func (m *Model) refreshAll() tea.Cmd {
	if m.c.Merchant == nil {
		return nil
	}
	var cmds []tea.Cmd
	for _, b := range m.bills {
		switch {
		case b.Refused:
		case b.Status == "":
			m.inflight++
			cmds = append(cmds, m.createCmd(b))
		case !b.Status.Final():
			m.inflight++
			cmds = append(cmds, m.fetchCmd(b, true))
		case unfinishedRefunds(b):
			m.inflight++
			cmds = append(cmds, m.fetchCmd(b, false))
		}
	}
	return tea.Batch(cmds...)
}

func unfinishedRefunds(b bills.Bill) bool {
	for _, r := range b.Refunds {
		if !r.Status.Final() {
			return true
		}
	}
	return false
}

// createCmd has the engine save the intent, then issue the bill.
// Repeating it with the same id and amount is safe: QIWI answers as the
// first time.
func (m *Model) createCmd(b bills.Bill) tea.Cmd {
	eng, store := m.moves, m.store
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		a := eng.Create(ctx, b.ID, pull.CreateBill{User: b.Payer, Amount: b.Amount, Comment: b.Comment, Lifetime: b.Lifetime},
			func(ctx context.Context) error { return store.SaveBill(ctx, b) })
		return createdMsg{id: b.ID, bill: a.Bill, err: a.Err}
	}
}

// fetchCmd reads the bill (when getBill) and its unfinished refunds; the
// engine sends a refund QIWI never received (210) again with the same id.
func (m *Model) fetchCmd(b bills.Bill, getBill bool) tea.Cmd {
	eng := m.moves
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		msg := fetchedMsg{id: b.ID}
		if getBill {
			a := eng.Get(ctx, b.ID)
			if msg.bill, msg.err = a.Bill, a.Err; msg.err != nil {
				return msg
			}
		}
		for _, r := range b.Refunds {
			if r.Status.Final() {
				continue
			}
			a := eng.FollowRefund(ctx, b.ID, r.ID, r.Amount, r.Status != "")
			msg.refunds = append(msg.refunds, refundResult{id: r.ID, refund: a.Refund, err: a.Err})
		}
		return msg
	}
}

// refundCmd has the engine save the bill with the new refund, then send
// the refund.
func (m *Model) refundCmd(b bills.Bill, r bills.Refund) tea.Cmd {
	eng, store := m.moves, m.store
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		a := eng.Refund(ctx, b.ID, r.ID, r.Amount, func(ctx context.Context) error { return store.SaveBill(ctx, b) })
		return refundedMsg{billID: b.ID, res: refundResult{id: r.ID, refund: a.Refund, err: a.Err}}
	}
}

func (m *Model) saveCmd(b bills.Bill) tea.Cmd {
	store, snapshot := m.store, b.Clone()
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		defer cancel()
		return savedMsg{err: store.SaveBill(ctx, snapshot)}
	}
}

// refused reports a definite "no" from QIWI (the engine's classifier):
// repeating cannot help.
func refused(err error) bool { return moves.Classify(err).Verdict == moves.Refused }

// explain turns a merchant API error into a sentence.
func (m *Model) explain(err error) string {
	tr := m.c.Tr
	var ae *pull.AuthError
	var er *pull.ErrorResponse
	switch {
	case errors.As(err, &ae):
		return tr.T("merchant.error_auth", i18n.Args{"Meaning": explain.PullCode(tr, ae.Code)})
	case errors.As(err, &er):
		args := i18n.Args{"Meaning": explain.PullCode(tr, er.Code), "Code": int(er.Code)}
		if !er.Code.Fatal() {
			return tr.T("merchant.error_qiwi_retry", args)
		}
		return tr.T("merchant.error_qiwi", args)
	case errors.Is(err, context.DeadlineExceeded):
		return tr.T("merchant.error_timeout", i18n.Args{"Why": m.c.Explain(err)})
	case errors.Is(err, pull.ErrDecode):
		return tr.T("merchant.error_decode", nil)
	}
	return m.c.Explain(err)
}

func (m *Model) errToast(err error) tea.Cmd {
	text := m.explain(err)
	return func() tea.Msg { return common.ToastMsg{Text: text, Error: true} }
}

// applyStatus moves a bill to a new status. Statuses only move forward:
// a final status is never replaced by "waiting" from an older answer.
func (m *Model) applyStatus(b *bills.Bill, s pull.BillStatus, viaCallback bool) bool {
	if s == "" || s == b.Status || b.Status.Final() {
		return false
	}
	b.Status, b.Updated, b.ViaCallback = s, m.now(), viaCallback
	return true
}

func (m *Model) onCreated(msg createdMsg) tea.Cmd {
	b := m.find(msg.id)
	if b == nil {
		return nil
	}
	if msg.err != nil {
		b.LastError = m.explain(msg.err)
		if refused(msg.err) {
			b.Refused = true
			return tea.Batch(m.saveCmd(*b), m.errToast(msg.err))
		}
		b.LastError = m.c.Tr.T("merchant.not_confirmed", i18n.Args{"Why": b.LastError})
		return tea.Batch(m.saveCmd(*b), m.errToast(msg.err))
	}
	b.LastError, b.Refused = "", false
	first := b.Status == ""
	if first {
		b.Status, b.Updated = msg.bill.Status, m.now()
	} else {
		m.applyStatus(b, msg.bill.Status, false)
	}
	return tea.Batch(m.saveCmd(*b), common.Toast(m.c.Tr.T("merchant.toast_issued", i18n.Args{"ID": b.ID, "Status": statusWords(m.c.Tr, *b)})))
}

func (m *Model) onFetched(msg fetchedMsg) tea.Cmd {
	b := m.find(msg.id)
	if b == nil {
		return nil
	}
	if msg.err != nil {
		b.LastError = m.explain(msg.err)
		return m.errToast(msg.err)
	}
	changed := false
	if msg.bill != nil {
		b.LastError = ""
		changed = m.applyStatus(b, msg.bill.Status, false)
	}
	var cmds []tea.Cmd
	for _, res := range msg.refunds {
		if m.applyRefund(b, res) {
			changed = true
		}
		if res.err != nil {
			cmds = append(cmds, m.errToast(res.err))
		}
	}
	cmds = append(cmds, m.saveCmd(*b), m.schedulePoll())
	if changed {
		cmds = append(cmds, common.Toast(m.c.Tr.T("merchant.toast_status", i18n.Args{"ID": b.ID, "Status": statusWords(m.c.Tr, *b)})))
	}
	return tea.Batch(cmds...)
}

// applyRefund records QIWI's answer about a refund; true when it changed.
func (m *Model) applyRefund(b *bills.Bill, res refundResult) bool {
	r := b.FindRefund(res.id)
	if r == nil {
		return false
	}
	changed := false
	if q := res.refund; q != nil && (q.Amount != r.Done || q.Error != r.Error) {
		// refund.amount (actually refunded) and refund.error come with a
		// refusal too (242).
		r.Done, r.Error, changed = q.Amount, q.Error, true
	}
	if res.err != nil {
		if refused(res.err) && r.Status == "" {
			r.Status, r.LastError = pull.RefundFail, m.explain(res.err)
			return true
		}
		r.LastError = m.explain(res.err)
		return changed
	}
	r.LastError = ""
	if res.refund.Status == r.Status || r.Status.Final() {
		return changed
	}
	r.Status = res.refund.Status
	return true
}

func (m *Model) onCancelled(msg cancelledMsg) tea.Cmd {
	b := m.find(msg.id)
	if b == nil {
		return nil
	}
	if msg.err != nil {
		// 1419: paid or being paid meanwhile; read the truth.
		m.inflight++
		return tea.Batch(m.errToast(msg.err), m.fetchCmd(*b, true))
	}
	m.applyStatus(b, msg.bill.Status, false)
	return tea.Batch(m.saveCmd(*b), common.Toast(m.c.Tr.T("merchant.toast_cancelled", i18n.Args{"ID": b.ID})))
}

func (m *Model) onRefunded(msg refundedMsg) tea.Cmd {
	b := m.find(msg.billID)
	if b == nil {
		return nil
	}
	m.applyRefund(b, msg.res)
	cmds := []tea.Cmd{m.saveCmd(*b), m.schedulePoll()}
	r := b.FindRefund(msg.res.id)
	switch {
	case msg.res.err != nil:
		cmds = append(cmds, m.errToast(msg.res.err))
	case r != nil:
		cmds = append(cmds, common.Toast(m.c.Tr.T("merchant.toast_refund", i18n.Args{"Amount": m.c.MoneyInFull(r.Amount), "State": refundWords(m.c.Tr, *r)})))
	}
	return tea.Batch(cmds...)
}

// onCallback applies a verified callback at once and re-reads the bill.
func (m *Model) onCallback(id string, s pull.BillStatus) tea.Cmd {
	b := m.find(id)
	if b == nil || m.c.Merchant == nil {
		return nil // not issued from here
	}
	var cmds []tea.Cmd
	if m.applyStatus(b, s, true) {
		cmds = append(cmds, m.saveCmd(*b), common.Toast(m.c.Tr.T("merchant.toast_now", i18n.Args{"ID": b.ID, "Status": statusWords(m.c.Tr, *b)})))
	}
	m.inflight++
	cmds = append(cmds, m.fetchCmd(*b, true))
	return tea.Batch(cmds...)
}

// schedulePoll arranges one re-read of processing refunds; never stacked.
func (m *Model) schedulePoll() tea.Cmd {
	if m.PollInterval <= 0 || m.polling {
		return nil
	}
	any := false
	for _, b := range m.bills {
		any = any || processing(b)
	}
	if !any {
		return nil
	}
	m.polling = true
	m.pollGen++
	gen := m.pollGen
	return tea.Tick(m.PollInterval, func(time.Time) tea.Msg { return pollMsg{gen: gen} })
}

// ShortHelp lists the screen's main keys.
func (m *Model) ShortHelp() []key.Binding {
	k, tr := m.c.Keys, m.c.Tr
	if m.form != nil {
		return m.form.Help(k, tr.T("merchant.key_review", nil))
	}
	ro := m.c.Settings != nil && m.c.Settings.ReadOnly
	b := m.selected()
	newB, cancel, refund, cp := k.New, k.Reject, k.Refund, k.Copy
	newB = common.Relabel(newB, tr.T("merchant.key_new", nil))
	newB.SetEnabled(!ro && m.c.Merchant != nil)
	cancel = common.Relabel(cancel, tr.T("merchant.key_cancel", nil))
	cancel.SetEnabled(!ro && b != nil && canCancel(*b))
	refund.SetEnabled(!ro && b != nil && canRefund(*b))
	cp = common.Relabel(cp, tr.T("merchant.key_copy", nil))
	cp.SetEnabled(b != nil && b.Status != "")
	return []key.Binding{k.Up, k.Down, newB, cancel, refund, cp, k.Refresh}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
