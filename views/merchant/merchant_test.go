package merchant

import (
	"context"
	"net/http"
	"qiwidash/store/bills"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	msandbox "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/ui/uitest"
	"qiwidash/views/live"
)

// TestFullLoop: issue a bill from the screen (through its confirmation) ->
// the sandbox's payer pays it -> the callback reaches the in-process
// receiver, is verified and becomes a BillChangedMsg -> the row says
// "paid" -> a partial refund through the confirmation -> processing ->
// success once the sandbox clock passes its refund delay. A replay of the
// callback is acknowledged as a duplicate and shown so in the Live feed.
func TestFullLoop(t *testing.T) {
	l := startLoop(t)
	d := newDriver(t, l.c, l.store)
	feedScreen := live.New(l.c, l.feed)
	feedScreen.SetSize(uitest.Width, uitest.Height-6)

	id := d.issue("+79161234567", "1000", "Order 77")
	if b := d.bill(id); b.Status != pull.BillWaiting || b.Amount.Minor != 1000_00 {
		t.Fatalf("after issuing: %+v", b)
	}
	if got := l.sb.Merchant.BillStatus(l.c.MerchantShopID, id); got != "waiting" {
		t.Fatalf("sandbox has %s as %q", id, got)
	}
	stored, _ := l.store.Bills(context.Background())
	if len(stored) != 1 || stored[0].ID != id || stored[0].Status != pull.BillWaiting {
		t.Fatalf("store: %+v", stored)
	}
	mustContain(t, d.m.View(), id, "waiting for payment", "+79•••••••67", "in 1d 0h")

	// The payer pays; the callback travels sandbox -> receiver -> feed.
	if err := l.sb.Merchant.PayBill(l.c.MerchantShopID, id); err != nil {
		t.Fatal(err)
	}
	msg := next(t, l.feed)
	changed, ok := msg.(feed.BillChangedMsg)
	if !ok {
		t.Fatalf("callback not accepted: %#v", msg)
	}
	if changed.Event.BillID != id || changed.Event.Status != pull.BillPaid || changed.Event.Auth != "basic" {
		t.Fatalf("event %+v", changed.Event)
	}
	if changed.Notice.Outcome != notify.Accepted || !changed.Notice.StatusConfirmed {
		t.Fatalf("callback not accepted: %+v", changed.Notice)
	}
	feedScreen.Update(msg)
	d.Send(msg) // the shell broadcasts feed messages to every screen
	b := d.bill(id)
	if b.Status != pull.BillPaid || !b.ViaCallback {
		t.Fatalf("after the callback: %+v", b)
	}
	mustContain(t, d.m.View(), "paid", "(callback at 12:00:00)", "Refundable  1 000.00 ₽")
	mustContain(t, feedScreen.View(), "bill", "✓ verified", id, "paid", "1 000.00 ₽")

	// A replay of the very same callback: acknowledged, not applied twice.
	wctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := l.sb.Merchant.WaitCallbacks(wctx); err != nil {
		t.Fatal(err)
	}
	cb := l.sb.Merchant.Callbacks()
	if len(cb) != 1 || !cb[0].Delivered {
		t.Fatalf("callbacks: %+v", cb)
	}
	req, _ := http.NewRequest(http.MethodPost, l.url+notify.DefaultBillPath, strings.NewReader(cb[0].Body))
	req.Header = cb[0].Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	msg = next(t, l.feed)
	n, ok := msg.(feed.NoticeMsg)
	if !ok || n.Notice.Outcome != notify.Duplicate {
		t.Fatalf("replay gave %#v", msg)
	}
	feedScreen.Update(msg)
	mustContain(t, feedScreen.View(), "✓ verified, repeat ignored")

	// Partial refund: the form starts at the full refundable sum.
	d.Press("f")
	if d.m.form == nil || d.m.form.kind != refundForm {
		t.Fatal("f did not open the refund form")
	}
	if got := d.m.form.Value("amount"); got != "1000.00" {
		t.Errorf("refund starts at %q, want the whole 1000.00", got)
	}
	d.clear()
	d.Type("300")
	d.Press("enter")
	c := d.yes()
	lines := strings.Join(c.Lines, "\n")
	mustContain(t, lines, "Refunded so far:     0.00 ₽", "Remaining refundable: 1 000.00 ₽ (paid minus successful refunds)",
		"This refund:          300.00 ₽", "Refundable after it:  700.00 ₽")
	b = d.bill(id)
	if len(b.Refunds) != 1 || b.Refunds[0].Status != pull.RefundProcessing || b.Refunds[0].Amount.Minor != 300_00 {
		t.Fatalf("refund: %+v", b.Refunds)
	}
	if err := pull.CheckRefundID(b.Refunds[0].ID); err != nil {
		t.Fatal(err)
	}
	mustContain(t, d.m.View(), "processing")

	// The sandbox finishes refunds 10s later on its clock; r re-reads.
	l.clk.Advance(11 * time.Second)
	d.Press("r")
	b = d.bill(id)
	if b.Refunds[0].Status != pull.RefundSuccess {
		t.Fatalf("refund after 11s: %+v", b.Refunds[0])
	}
	if got := b.Refundable(); got.Minor != 700_00 {
		t.Errorf("refundable %v, want 700.00", got)
	}
	mustContain(t, d.m.View(), "paid, part refunded", "done", "Refundable  700.00 ₽")

	// More than what remains is refused before anything is sent.
	d.Press("f")
	d.clear()
	d.Type("700.01")
	d.Press("enter")
	if len(d.Confirms) != 0 {
		t.Fatal("an over-refund reached the confirmation")
	}
	mustContain(t, d.m.View(), "At most 700.00 ₽")
	d.Press("esc")

	// The same bill was created exactly once.
	puts := 0
	for _, r := range l.sb.Merchant.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Path, "/bills/"+id) {
			puts++
		}
	}
	if puts != 1 {
		t.Errorf("%d create requests, want 1", puts)
	}
}

func TestCreateFormValidatesAsYouType(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env.Common, bills.NewMemory())
	d.Press("n")
	f := d.m.form
	if f == nil || !strings.HasPrefix(f.id, "qd-") {
		t.Fatalf("form %+v", f)
	}
	id := f.id

	d.Type("8916")
	mustContain(t, d.m.View(), "A phone in international format")
	d.clear()
	d.Type("+79161234567")
	if p := f.Get("payer").Problem; p != "" {
		t.Errorf("good phone refused: %s", p)
	}
	mustContain(t, d.m.View(), "billed to tel:+79161234567")

	d.Press("tab")
	for input, want := range map[string]string{
		"1.005":      "At most 2 digits after the point for RUB",
		"0":          "The amount must be more than zero",
		"abc":        "Not an amount",
		"1e3":        "Digits only: write 1000, not 1e3",
		"1000000":    "At most 999 999.99",
		"-5":         "Enter the amount without a sign",
		"150,50":     "",
		"1 500,50":   "",
		"999999.99":  "",
		"999 999.99": "",
	} {
		d.clear()
		d.Type(input)
		if got := f.Get("amount").Problem; !strings.HasPrefix(got, want) || (want == "" && got != "") {
			t.Errorf("amount %q: problem %q, want %q", input, got, want)
		}
	}
	d.clear()
	d.Type("100")

	d.Press("tab") // currency: a choice
	d.Press("right")
	if got := f.Value("ccy"); got != "USD" {
		t.Errorf("currency after → is %s", got)
	}
	d.Press("left")

	d.Press("tab", "tab") // comment, then lifetime
	for input, want := range map[string]string{
		"0h":               "Must be in the future",
		"46d":              "At most 45 days",
		"soon":             "Not understood",
		"3d":               "",
		"90m":              "",
		"2026-11-21 18:00": "",
		"2026-11-19 18:00": "Must be in the future",
	} {
		d.clear()
		d.Type(input)
		if got := f.Get("lifetime").Problem; !strings.HasPrefix(got, want) || (want == "" && got != "") {
			t.Errorf("lifetime %q: problem %q, want %q", input, got, want)
		}
	}
	d.clear()
	d.Type("0h")
	d.Press("enter") // submit from the last field: refused, focus on the problem
	if len(d.Confirms) != 0 {
		t.Fatal("an invalid form was submitted")
	}
	if f.FocusKey() != "lifetime" {
		t.Errorf("focus %s, want the lifetime field", f.FocusKey())
	}
	d.clear()
	d.Type("2026-11-21 18:00")
	d.Press("enter")
	c := d.confirm()
	mustContain(t, strings.Join(c.Lines, "\n"), "Bill id   "+id, "Payer     tel:+79161234567", "Amount    100.00 ₽",
		"Pay by    2026-11-21 18:00:00 +03:00 (in 1d 6h)")
	if d.m.form == nil {
		t.Error("the form closed before the confirmation was answered")
	}
	// Answering "no" (the shell drops the confirmation) leaves the form
	// open; submitting again asks about the same bill id.
	d.Press("enter")
	if c2 := d.confirm(); c2.Lines[0] != c.Lines[0] {
		t.Errorf("second submit: %q, first: %q", c2.Lines[0], c.Lines[0])
	}
	d.Press("esc")
	if d.m.form != nil {
		t.Error("esc did not close the form")
	}
	if len(d.m.bills) != 0 || len(env.Demo.Merchant.Requests()) != 0 {
		t.Error("something was sent without a confirmation")
	}
}

func TestCancelFlow(t *testing.T) {
	env := uitest.New(t)
	store := bills.NewMemory()
	d := newDriver(t, env.Common, store)
	id := d.issue("+79161234567", "250.50", "Delivery")

	d.Press("y")
	if len(d.Copies) != 1 || d.Copies[0].Text != "https://oplata.qiwi.com/form?shop="+env.Demo.Creds.MerchantShopID+"&transaction="+id {
		t.Errorf("copied %+v", d.Copies)
	}

	d.Press("x")
	c := d.confirm()
	if c.Title != "Cancel this bill?" {
		t.Errorf("title %q", c.Title)
	}
	// A confirmation names in full what is agreed to (README: Privacy).
	mustContain(t, strings.Join(c.Lines, "\n"), id, "250.50 ₽", "+79161234567")
	if got := env.Demo.Merchant.BillStatus(env.Demo.Creds.MerchantShopID, id); got != "waiting" {
		t.Fatalf("cancelled before yes: %s", got)
	}
	d.Queue = append(d.Queue, c.Yes)
	d.Run(nil)
	if b := d.bill(id); b.Status != pull.BillRejected {
		t.Fatalf("after cancel: %+v", b)
	}
	if got := env.Demo.Merchant.BillStatus(env.Demo.Creds.MerchantShopID, id); got != "rejected" {
		t.Errorf("sandbox says %s", got)
	}
	mustContain(t, d.m.View(), "cancelled")
	stored, _ := store.Bills(context.Background())
	if stored[0].Status != pull.BillRejected {
		t.Errorf("store: %+v", stored[0])
	}
	// A cancelled bill offers neither cancel nor refund.
	d.Press("x", "f")
	if len(d.Confirms) != 0 || d.m.form != nil {
		t.Error("cancel or refund offered on a cancelled bill")
	}

	// A bill paid meanwhile: QIWI answers 1419; the screen re-reads it.
	id2 := d.issue("+79161234567", "10", "Gift")
	d.Press("top")
	d.m.cursor = 0
	d.Press("x")
	c = d.confirm()
	if err := env.Demo.Merchant.PayBill(env.Demo.Creds.MerchantShopID, id2); err != nil {
		t.Fatal(err)
	}
	d.Queue = append(d.Queue, c.Yes)
	d.Run(nil)
	if b := d.bill(id2); b.Status != pull.BillPaid {
		t.Errorf("after a refused cancel: %+v", b)
	}
	if !strings.Contains(strings.Join(toastTexts(d), "\n"), "invoice already paid or being paid (code 1419)") {
		t.Errorf("toasts %q", toastTexts(d))
	}
}

func toastTexts(d *driver) []string {
	var out []string
	for _, t := range d.Toasts {
		out = append(out, t.Text)
	}
	return out
}

// TestLostAnswerRepeatsTheSameBill: the create is committed but the answer
// is lost; the row says "not confirmed" and r repeats the same bill id and
// amount, which QIWI answers as the first time.
func TestLostAnswerRepeatsTheSameBill(t *testing.T) {
	l := startLoop(t)
	d := newDriver(t, l.c, l.store)
	l.sb.Merchant.SetFaults(msandbox.Faults{DropAfterCommit: 1})
	id := d.issue("+79161234567", "42", "Lost")
	b := d.bill(id)
	if b.Status != "" || b.Refused || b.LastError == "" {
		t.Fatalf("after a lost answer: %+v", b)
	}
	mustContain(t, d.m.View(), "not confirmed")
	d.Press("r")
	if b := d.bill(id); b.Status != pull.BillWaiting || b.LastError != "" {
		t.Fatalf("after r: %+v", b)
	}
	var bodies []string
	for _, r := range l.sb.Merchant.Requests() {
		if r.Method == http.MethodPut {
			bodies = append(bodies, r.Path+"?"+string(r.Body))
		}
	}
	if len(bodies) != 2 || bodies[0] != bodies[1] {
		t.Errorf("creates: %q", bodies)
	}

	// A definite refusal is kept as such and not repeated.
	id2 := d.issue("+79990000298", "42", "Unknown payer")
	if b := d.bill(id2); !b.Refused || !strings.Contains(b.LastError, "298") {
		t.Fatalf("refused bill: %+v", b)
	}
	mustContain(t, d.m.View(), "refused by QIWI")
	before := len(l.sb.Merchant.Requests())
	d.Press("r")
	for _, r := range l.sb.Merchant.Requests()[before:] {
		if strings.Contains(r.Path, id2) {
			t.Errorf("refused bill sent again: %s %s", r.Method, r.Path)
		}
	}
}

// TestCallbackForUnknownBillIsIgnored: a callback for a bill issued
// elsewhere changes nothing and asks nothing.
func TestCallbackForUnknownBillIsIgnored(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env.Common, bills.NewMemory())
	_, cmd := d.m.Update(feed.BillChangedMsg{Event: notify.BillEvent{BillID: "elsewhere", Status: pull.BillPaid}})
	if cmd != nil || len(d.m.bills) != 0 {
		t.Error("an unknown bill was touched")
	}
}

func TestReadOnlyHidesActions(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env.Common, bills.NewMemory())
	env.Common.Settings.ReadOnly = true
	d.Press("n")
	if d.m.form != nil {
		t.Error("read-only opened the create form")
	}
	for _, b := range d.m.ShortHelp() {
		if b.Enabled() && (b.Help().Desc == "new bill" || b.Help().Desc == "refund" || b.Help().Desc == "cancel bill") {
			t.Errorf("%s shown in read-only", b.Help().Desc)
		}
	}
}

// TestRefundWithoutAnswer: a refund whose answer is lost is asked about
// with the same refund_id on r; one QIWI never received (a 300 before
// processing) is found missing (210) and sent again with the same id.
func TestRefundWithoutAnswer(t *testing.T) {
	l := startLoop(t)
	d := newDriver(t, l.c, l.store)
	id := d.issue("+79161234567", "500", "Two refunds")
	if err := l.sb.Merchant.PayBill(l.c.MerchantShopID, id); err != nil {
		t.Fatal(err)
	}
	d.Press("r")
	if d.bill(id).Status != pull.BillPaid {
		t.Fatalf("not paid: %+v", d.bill(id))
	}

	// 1. Committed, answer lost.
	l.sb.Merchant.SetFaults(msandbox.Faults{DropAfterCommit: 1})
	d.Press("f")
	d.clear()
	d.Type("100")
	d.Press("enter")
	d.yes()
	r := d.bill(id).Refunds[0]
	if r.Status != "" || r.LastError == "" {
		t.Fatalf("after a lost answer: %+v", r)
	}
	mustContain(t, d.m.View(), "not confirmed")
	d.Press("r")
	if r := d.bill(id).Refunds[0]; r.Status != pull.RefundProcessing {
		t.Fatalf("after r: %+v", r)
	}

	// 2. Refused before processing: not there, so sent again.
	l.sb.Merchant.SetFaults(msandbox.Faults{ResultCode: 300, ResultCodeCount: 1})
	d.Press("f")
	if got := d.m.form.Value("amount"); got != "400.00" {
		t.Errorf("refund form offers %s, want 400.00 (100.00 is in flight)", got)
	}
	d.clear()
	d.Type("50")
	d.Press("enter")
	d.yes()
	r2 := d.bill(id).Refunds[1]
	if r2.Status != "" {
		t.Fatalf("second refund after a 300: %+v", r2)
	}
	d.Press("r")
	if r2 := d.bill(id).Refunds[1]; r2.Status != pull.RefundProcessing {
		t.Fatalf("second refund after r: %+v", r2)
	}
	var sends []string
	for _, rq := range l.sb.Merchant.Requests() {
		if rq.Method == http.MethodPut && strings.Contains(rq.Path, "/refund/") {
			sends = append(sends, rq.Path)
		}
	}
	if len(sends) != 3 || sends[1] != sends[2] || sends[0] == sends[1] {
		t.Errorf("refund PUTs: %q", sends)
	}
	l.clk.Advance(time.Minute)
	d.Press("r")
	b := d.bill(id)
	if b.Refunded().Minor != 150_00 || b.Refundable().Minor != 350_00 {
		t.Errorf("refunded %v, refundable %v", b.Refunded(), b.Refundable())
	}
}

// Issue 11 item 14: the screen keeps what QIWI actually refunded
// (refund.amount) apart from what was asked, and says refund.error.
func TestRefundShowsWhatQIWIRefundedAndWhy(t *testing.T) {
	rub := func(m int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: m, Currency: qiwiapi.RUB} }
	b := bills.Bill{ID: "b1", Status: pull.BillPaid, Amount: rub(1000_00), Refunds: []bills.Refund{{ID: "R1", Amount: rub(500_00)}, {ID: "R2", Amount: rub(600_00)}}}
	m := &Model{c: &common.Common{}}
	if !m.applyRefund(&b, refundResult{id: "R1", refund: &pull.Refund{RefundID: "R1", Amount: rub(300_00), Status: pull.RefundSuccess}}) {
		t.Fatal("answer not applied")
	}
	if got := b.Refunded(); got.Minor != 300_00 {
		t.Fatalf("refunded %v, want what QIWI refunded (300.00)", got)
	}
	refusal := &pull.ErrorResponse{Code: pull.CodeAmountTooLarge, Message: "refund exceeds the remaining amount"}
	m.applyRefund(&b, refundResult{id: "R2", err: refusal,
		refund: &pull.Refund{RefundID: "R2", Amount: rub(0), Status: pull.RefundFail, Error: pull.CodeAmountTooLarge}})
	r := b.Refunds[1]
	if r.Status != pull.RefundFail || r.Error != pull.CodeAmountTooLarge || r.Done != rub(0) || r.Amount != rub(600_00) {
		t.Fatalf("refused refund %+v", r)
	}
	if w := refundWords(nil, r); !strings.Contains(w, "242") {
		t.Fatalf("words %q do not say refund.error", w)
	}
	if got := b.Refundable(); got.Minor != 700_00 {
		t.Fatalf("refundable %v, want 700.00", got)
	}
}

// TestConfirmationsRussian: issuing, refunding and cancelling say in
// Russian exactly what is agreed to, amounts with the decimal comma, and
// the lifetime takes Russian units.
func TestConfirmationsRussian(t *testing.T) {
	env := uitest.New(t)
	env.Speak(i18n.RU)
	d := newDriver(t, env.Common, bills.NewMemory())
	d.fillBill("+79161234567", "1500.5", "Заказ 7")
	d.clear()
	d.Type("1д6ч")
	d.Press("enter")
	c := d.confirm()
	if c.Title != "Выставить этот счёт?" {
		t.Errorf("title %q", c.Title)
	}
	mustContain(t, strings.Join(c.Lines, "\n"), "Номер счёта   qd-", "Плательщик    tel:+79161234567", "Сумма         1\u202f500,50 ₽",
		"Оплатить до   2026-11-21 18:00:00 +03:00 (осталось 1 д 6 ч)", "QIWI покажет этот счёт в кошельке плательщика.")
	d.Queue = append(d.Queue, c.Yes)
	d.Run(nil)
	id := d.m.bills[0].ID
	mustContain(t, d.m.View(), "ждёт оплаты", "Оплатить до")

	d.Press("x")
	c = d.confirm()
	if c.Title != "Отменить этот счёт?" {
		t.Errorf("title %q", c.Title)
	}
	mustContain(t, strings.Join(c.Lines, "\n"), "Счёт "+id+" на 1\u202f500,50 ₽ для +79161234567", "Плательщик больше не сможет его оплатить.")

	if err := env.Demo.Merchant.PayBill(env.Demo.Creds.MerchantShopID, id); err != nil {
		t.Fatal(err)
	}
	d.Press("r")
	mustContain(t, d.m.View(), "оплачен")
	d.Press("f")
	d.clear()
	d.Type("500")
	mustContain(t, d.m.View(), "1\u202f000,50 ₽ останется к возврату")
	d.Press("enter")
	c = d.confirm()
	if c.Title != "Вернуть 500,00 ₽?" {
		t.Errorf("title %q", c.Title)
	}
	mustContain(t, strings.Join(c.Lines, "\n"), "Уже возвращено:        0,00 ₽", "Этот возврат:          500,00 ₽ (номер возврата ",
		"К возврату после него: 1\u202f000,50 ₽")
}

// TestExplainWords: a merchant API failure reads in the screen's language,
// QIWI's result code worded by i18n/explain, with the advice to press r
// where repeating can help; the English is what it always was.
func TestExplainWords(t *testing.T) {
	env := uitest.New(t)
	d := newDriver(t, env.Common, bills.NewMemory())
	busy := &pull.ErrorResponse{Code: pull.CodeBusy}
	for _, c := range []struct {
		lang i18n.Lang
		err  error
		want string
	}{
		{i18n.EN, context.DeadlineExceeded, "QIWI did not answer in time; press r to check again"},
		{i18n.RU, context.DeadlineExceeded, "QIWI не ответил вовремя; нажмите r, чтобы проверить снова"},
		{i18n.EN, busy, "QIWI: " + pull.CodeBusy.Meaning() + " (code 13); press r to retry"},
		{i18n.RU, busy, "QIWI: сервер занят, повторите позже (код 13); нажмите r, чтобы повторить"},
	} {
		env.Speak(c.lang)
		if got := d.m.explain(c.err); got != c.want {
			t.Errorf("%s: explain(%v) = %q, want %q", c.lang, c.err, got, c.want)
		}
	}
}

// The refund form is prefilled with the amount as the reader writes it
// (the decimal comma in Russian), and that prefill is read back whole.
func TestRefundPrefillInTheReadersForm(t *testing.T) {
	b := bills.Bill{ID: "b1", Amount: qiwiapi.Amount{Minor: 251006, Currency: qiwiapi.RUB}, Status: pull.BillPaid}
	for lang, want := range map[i18n.Lang]string{i18n.EN: "2510.06", i18n.RU: "2510,06"} {
		f := newRefundForm(i18n.New(lang), b, "r1")
		amount := f.Get("amount")
		if got := amount.Value(); got != want {
			t.Errorf("%s: prefill %q, want %q", lang, got, want)
		}
		if a, ok := amount.Amount(); !ok || a != b.Amount {
			t.Errorf("%s: prefill reads as %v %v, want %v", lang, a, ok, b.Amount)
		}
	}
}
