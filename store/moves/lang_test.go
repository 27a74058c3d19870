package moves

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

// rub is an amount in roubles and kopecks.
func rub(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }

// A refusal is worded in the reader's language when shown, its amounts
// written by the screen's money (Russian numbers in Russian), its limit,
// funds and day in words of that language.
func TestRefusalInRussianAndEnglish(t *testing.T) {
	ru := i18n.New(i18n.RU)
	ruMoney := func(a qiwiapi.Amount) string { return a.FormatWith(ru.Separators()) }
	cases := []struct {
		r      error
		en, ru string
	}{
		{refusal("moves.refusal.not_enough", i18n.Args{"Debit": rub(123450), "Balance": rub(1000)}),
			"Not enough money: this takes 1 234.50 ₽ with the commission, the RUB account holds 10.00 ₽",
			"Недостаточно средств: с комиссией нужно 1\u202f234,50 ₽, на рублёвом балансе 10,00 ₽"},
		{refusal("moves.refusal.above_limit", i18n.Args{"Limit": qiwiapi.LimitPaymentsP2P, "Rest": rub(5000_00), "Max": rub(200_000_00),
			"Till": time.Date(2026, 12, 31, 23, 59, 0, 0, qiwiapi.Moscow), "Debit": rub(6000_00)}),
			"Above the monthly transfers to people limit: 5 000.00 ₽ left of 200 000.00 ₽ until 31 Dec 2026, this takes 6 000.00 ₽",
			"Превышен лимит «переводы людям за месяц»: осталось 5\u202f000,00 ₽ из 200\u202f000,00 ₽ до 31 дек 2026, а нужно 6\u202f000,00 ₽"},
		{refusal("moves.refusal.deposit", i18n.Args{"Funds": topup.Cash}),
			"QIWI says this wallet cannot take cash",
			"QIWI сообщает: этот кошелёк не принимает наличные"},
		{refusal("moves.refusal.deposit", i18n.Args{"Funds": topup.Cash, "Code": "Wallet is blocked", "Other": topup.NonCash}),
			"QIWI says this wallet cannot take cash (Wallet is blocked); it can take non-cash",
			"QIWI сообщает: этот кошелёк не принимает наличные (Wallet is blocked); принимает безналичные"},
		{refusal("moves.refusal.no_rub_account", nil),
			"The wallet has no RUB account with a balance: payments are paid from it",
			"В кошельке нет рублёвого баланса: платежи списываются с него"},
	}
	for _, c := range cases {
		var r *Refusal
		if !errors.As(c.r, &r) || !errors.Is(c.r, ErrCannotSucceed) {
			t.Fatalf("%v is no refusal", c.r)
		}
		if got := r.Error(); got != c.en {
			t.Errorf("English:\n got %q\nwant %q", got, c.en)
		}
		if got := r.Text(nil, qiwiapi.Amount.Format); got != c.en {
			t.Errorf("English Text:\n got %q\nwant %q", got, c.en)
		}
		if got := r.Text(ru, ruMoney); got != c.ru {
			t.Errorf("Russian:\n got %q\nwant %q", got, c.ru)
		}
	}
}

// A check's refusal from the sandbox reads in Russian, with the screen's
// (masking) money.
func TestCheckRefusalInRussian(t *testing.T) {
	e := newEnv(t)
	w := e.wallet(t)
	_, err := w.Check(context.Background(), transfer(e.sb.Wallet.OtherWallets()[0], 99_999_999_999_00))
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("check: %v, want a refusal", err)
	}
	ru := i18n.New(i18n.RU)
	got := r.Text(ru, func(a qiwiapi.Amount) string { return a.FormatWith(ru.Separators()) })
	if !strings.HasPrefix(got, "Недостаточно средств: с комиссией нужно ") || !strings.Contains(got, "99\u202f999\u202f999\u202f999,00 ₽") {
		t.Fatalf("Russian refusal %q", got)
	}
	if masked := r.Text(ru, func(a qiwiapi.Amount) string { return "••• " + a.Currency.Symbol() }); strings.Contains(masked, "999") {
		t.Fatalf("the amounts are not the screen's: %q", masked)
	}
}

// The notes the engine journals are written in the language the shared Tr
// speaks when they are written: a switch takes effect at once.
func TestJournalNoteInRussian(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	tr := i18n.New(i18n.RU)
	w, err := NewWallet(ctx, e.st, e.api, WalletOptions{Profile: "default", Wallet: e.sb.Creds.Wallet, Clock: e.clock,
		PollEvery: time.Second, RetryEvery: time.Second, Tr: tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	inv := affordableInvoice(t, e)
	e.sb.Wallet.SetFaults(sandbox.Faults{Burst423: 1})
	got, err := w.PayInvoice(ctx, inv, "shop")
	if err != nil {
		t.Fatal(err)
	}
	got = awaitState(t, w.Await, got, store.StateSucceeded)
	if notes := notesOf(t, e, got.ID); !strings.Contains(notes, "; повторный запрос после ") {
		t.Fatalf("the 423's note is not in Russian: %q", notes)
	}

	// A held entry released by hand, after a switch to English.
	tr.Set(i18n.EN)
	held := heldEntry(t, e, w)
	if err := w.Retry(ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	if notes := notesOf(t, e, held.ID); !strings.Contains(notes, "released by hand") {
		t.Fatalf("notes after the switch: %q", notes)
	}
	tr.Set(i18n.RU)
	held = heldEntry(t, e, w)
	if err := w.Retry(ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	if notes := notesOf(t, e, held.ID); !strings.Contains(notes, "возобновлено вручную") {
		t.Fatalf("notes in Russian: %q", notes)
	}
}

// notesOf is every note the journal kept for entry id, one per line: the
// released entry is sent at once, so its current note may already be the
// next one.
func notesOf(t *testing.T, e *env, id int64) string {
	t.Helper()
	rows, err := e.st.Read(context.Background(), "SELECT error FROM journal_events WHERE entry = ? ORDER BY id", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var notes []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(notes, "\n")
}

// heldEntry journals a payment of w's wallet and holds it, as a fatal
// answer would, without sending anything.
func heldEntry(t *testing.T, e *env, w *Wallet) store.Entry {
	t.Helper()
	ctx := context.Background()
	p := transfer(e.sb.Wallet.OtherWallets()[0], 1_00)
	p.ID = w.ids.Next()
	j := e.st.Journal()
	got, err := j.Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: p.ID, Profile: "default", Account: w.o.Wallet,
		Recipient: "x", Amount: p.Sum, ProviderID: p.Provider, Request: EncodePayment(p)})
	if err != nil {
		t.Fatal(err)
	}
	got, err = j.Advance(ctx, got.ID, store.Update{State: store.StateHeld, Err: errors.New("held")})
	if err != nil {
		t.Fatal(err)
	}
	return *got
}

// The errors the engine hands to screens are i18n errors: Explain words
// them in the reader's language, and errors.Is still finds what they wrap.
func TestErrorsInTheReadersLanguage(t *testing.T) {
	ru := i18n.New(i18n.RU)
	disk := errors.New("disk full")
	ns := notSaved(disk)
	if !errors.Is(ns, ErrNotSaved) || !errors.Is(ns, disk) {
		t.Fatalf("%v does not wrap ErrNotSaved and its cause", ns)
	}
	if ns.Error() != "not sent: the intent could not be saved: disk full" {
		t.Errorf("English %q", ns.Error())
	}
	if got := ru.Error(ns); got != "не отправлено: не удалось сохранить запись об операции: disk full" {
		t.Errorf("Russian %q", got)
	}
	rec := i18n.Errorf("moves.not_recorded.payment", nil, store.ErrDuplicate)
	if !errors.Is(rec, store.ErrDuplicate) || !strings.HasPrefix(ru.Error(rec), "журнал платежей не смог записать платёж") {
		t.Errorf("%v: %q", rec, ru.Error(rec))
	}
	unc := i18n.Errorf("moves.uncheckable.balance", nil, qiwiapi.ErrForbidden)
	if !errors.Is(unc, qiwiapi.ErrForbidden) || !strings.HasPrefix(unc.Error(), "could not check the balance, so the payment is not offered yet: ") {
		t.Errorf("%v", unc)
	}

	ctx := context.Background()
	e := newEnv(t)
	w := e.wallet(t)
	p := transfer(e.sb.Wallet.OtherWallets()[0], 1_00)
	done, err := w.Pay(ctx, p, "x")
	if err != nil {
		t.Fatal(err)
	}
	done = awaitState(t, w.Await, done, store.StateAccepted)
	e.sb.Wallet.SettleNow()
	done = awaitState(t, w.Await, done, store.StateSucceeded, store.StateFailed)
	err = w.Retry(ctx, done.ID)
	if !errors.Is(err, ErrNotOpen) || err.Error() != "this money move is already final" || ru.Error(err) != "эта операция уже завершена" {
		t.Fatalf("retry of a final entry: %v (%q)", err, ru.Error(err))
	}
}
