package merchant

import (
	"context"
	"qiwidash/store/bills"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/ui/uitest"
)

// screen is the bills screen over bills, without the background poll.
func screen(env *uitest.Env, bills bills.Store) *Model {
	m := New(env.Common, Deps{Bills: bills})
	m.PollInterval = 0
	return m
}

// loaded is the summary shown once every re-read has landed.
const loaded = "5 bills · 1 waiting · 1 paid"

// loadedIn is loaded in tr's language.
func loadedIn(tr *i18n.Tr) string {
	return tr.T("merchant.summary", i18n.Args{"Bills": tr.N("merchant.count_bills", 5, nil), "Waiting": 1, "Paid": 1})
}

// comments are the bills' comments as a shop in each language writes them.
var comments = map[i18n.Lang][5]string{
	i18n.EN: {"Order 1042", "Consulting, 2 hours", "Gift card", "Delivery", "Unknown payer"},
	i18n.RU: {"Заказ 1042", "Консультация, 2 часа", "Подарочная карта", "Доставка", "Неизвестный плательщик"},
}

// seedBills issues bills in the fixed sandbox and stores them as this
// screen would have: waiting, paid with a refund in flight, cancelled,
// failed, and one QIWI refused.
func seedBills(t *testing.T, env *uitest.Env) *bills.Memory {
	t.Helper()
	ctx := context.Background()
	api, sb, shop := env.Common.Merchant, env.Demo.Merchant, env.Demo.Creds.MerchantShopID
	store := bills.NewMemory()
	rub := func(s string, c qiwiapi.Currency) qiwiapi.Amount { a, _ := qiwiapi.ParseAmount(s, c); return a }
	mk := func(id, payer, amount string, ccy qiwiapi.Currency, comment string, age, life time.Duration) bills.Bill {
		b := bills.Bill{ID: id, Payer: payer, Amount: rub(amount, ccy), Comment: comment,
			Created: uitest.Now.Add(-age), Lifetime: uitest.Now.Add(life)}
		got, _, err := api.Bills.Create(ctx, id, &pull.CreateBill{User: b.Payer, Amount: b.Amount, Comment: b.Comment, Lifetime: b.Lifetime})
		if err != nil {
			t.Fatal(err)
		}
		b.Status = got.Status
		return b
	}
	say := comments[env.Common.Tr.Lang()]
	waiting := mk("qd-1795000000001", "tel:+79161234567", "1500", qiwiapi.RUB, say[0], time.Hour, 23*time.Hour+30*time.Minute)
	paid := mk("qd-1795000000002", "tel:+79031112233", "40", qiwiapi.EUR, say[1], 2*time.Hour, 3*24*time.Hour)
	if err := sb.PayBill(shop, paid.ID); err != nil {
		t.Fatal(err)
	}
	paid.Status, paid.ViaCallback, paid.Updated = pull.BillPaid, true, uitest.Now.Add(-time.Hour)
	r, _, err := api.Refunds.Create(ctx, paid.ID, "r1", rub("10", qiwiapi.EUR))
	if err != nil {
		t.Fatal(err)
	}
	paid.Refunds = []bills.Refund{{ID: "r1", Amount: r.Amount, Status: pull.RefundProcessing, Created: uitest.Now}}
	cancelled := mk("qd-1795000000003", "tel:+79161234567", "990", qiwiapi.RUB, say[2], 3*time.Hour, 24*time.Hour)
	if _, _, err := api.Bills.Cancel(ctx, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	cancelled.Status = pull.BillRejected
	failed := mk("qd-1795000000004", "tel:+79161234567", "120", qiwiapi.USD, say[3], 4*time.Hour, 24*time.Hour)
	if err := sb.FailBill(shop, failed.ID); err != nil {
		t.Fatal(err)
	}
	// Stored as waiting: the screen learns "payment failed" on its first read.
	refusedBill := bills.Bill{ID: "qd-1795000000005", Payer: "tel:+79990000298", Amount: rub("5", qiwiapi.RUB), Comment: say[4],
		Created: uitest.Now.Add(-5 * time.Hour), Lifetime: uitest.Now.Add(24 * time.Hour), Refused: true,
		LastError: "QIWI: user (wallet) not registered (code 298)"}
	for _, b := range []bills.Bill{waiting, paid, cancelled, failed, refusedBill} {
		if err := store.SaveBill(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

func TestGoldenBills(t *testing.T) {
	env := uitest.New(t)
	uitest.Golden(t, screen(env, seedBills(t, env)), uitest.Step{WaitFor: loaded}, uitest.Step{Send: uitest.Press("j"), WaitFor: "Refund r1"})
}

func TestGoldenCreateForm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized { return screen(uitest.New(t), bills.NewMemory()) }, uitest.Step{WaitFor: "No bills yet"},
		uitest.Step{Send: uitest.Press("n")}, uitest.Step{Send: uitest.Type("+7916")},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("1.005"), WaitFor: "At most 2 digits"})
}

func TestGoldenRefundForm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized {
		env := uitest.New(t)
		return screen(env, seedBills(t, env))
	}, uitest.Step{WaitFor: loaded},
		uitest.Step{Send: uitest.Press("j", "f")}, uitest.Step{Send: uitest.Msgs(tea.KeyMsg{Type: tea.KeyCtrlU})},
		uitest.Step{Send: uitest.Type("35"), WaitFor: "At most 30.00 €"})
}

// TestGoldenLangsBills: the bills, the paid one selected, in each language.
func TestGoldenLangsBills(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return screen(env, seedBills(t, env))
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: loadedIn(tr)}, {Send: uitest.Press("j"), WaitFor: tr.T("merchant.detail_refund", i18n.Args{"ID": "r1"})}}
	})
}

// TestGoldenLangsCreateForm: the new bill's form with two problems, in
// each language.
func TestGoldenLangsCreateForm(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return screen(env, bills.NewMemory())
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: tr.T("merchant.none", nil)}, {Send: uitest.Press("n")}, {Send: uitest.Type("+7916")},
			{Send: uitest.Press("tab")}, {Send: uitest.Type("1.005"), WaitFor: "1.005"}}
	})
}

// TestGoldenLangsRefundForm: a refund above what can be refunded, in each
// language.
func TestGoldenLangsRefundForm(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return screen(env, seedBills(t, env))
	}, func(tr *i18n.Tr) []uitest.Step {
		limit := qiwiapi.Amount{Minor: 30_00, Currency: qiwiapi.EUR}.FormatWith(tr.Separators())
		return []uitest.Step{{WaitFor: loadedIn(tr)}, {Send: uitest.Press("j", "f")}, {Send: uitest.Msgs(tea.KeyMsg{Type: tea.KeyCtrlU})},
			{Send: uitest.Type("35"), WaitFor: tr.T("merchant.at_most", i18n.Args{"Amount": limit})}}
	})
}

// TestGoldenBillsRussian: the Russian list at the smallest size: id,
// status, amount and payer stay.
func TestGoldenBillsRussian(t *testing.T) {
	env := uitest.New(t)
	tr := env.Speak(i18n.RU)
	uitest.GoldenAt(t, 80, 24, screen(env, seedBills(t, env)), uitest.Step{WaitFor: loadedIn(tr)})
}

// TestGoldenBills80x24: id, status, amount and payer stay at the smallest size.
func TestGoldenBills80x24(t *testing.T) {
	env := uitest.New(t)
	uitest.GoldenAt(t, 80, 24, screen(env, seedBills(t, env)), uitest.Step{WaitFor: loaded})
}
