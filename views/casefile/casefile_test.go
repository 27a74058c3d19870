package casefile

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/search"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// seed caches a payment of the wallet and journals how it was sent: sent,
// the app killed, sent again with the same id after the restart,
// accepted, succeeded; a verified webhook came in between. The profile is
// "family".
func seed(t *testing.T, env *uitest.Env) Deps {
	t.Helper()
	return seedIn(t, env, i18n.EN)
}

// seedIn is seed as a user of lang sees it: QIWI's names of the source
// and the profile's name in lang.
func seedIn(t *testing.T, env *uitest.Env, lang i18n.Lang) Deps {
	t.Helper()
	source, profile := "QIWI Wallet", "family"
	if lang == i18n.RU {
		source, profile = "QIWI Кошелек", "семья"
	}
	ctx := context.Background()
	st, clock, wallet := env.Store, env.StoreClock, env.Common.Wallet
	at := func(d time.Duration) { clock.Set(uitest.Now.Add(d)) }
	msk := qiwiapi.Moscow
	txn := qiwiapi.Transaction{TxnID: 20004000001, Type: qiwiapi.TypeOut, Status: qiwiapi.StatusSuccess,
		Date: time.Date(2026, 11, 20, 11, 40, 2, 0, msk), Account: "+79161112233", Comment: "за кофе на работе",
		Sum: qiwiapi.Amount{Minor: 150000, Currency: qiwiapi.RUB}, Commission: qiwiapi.Amount{Minor: 1500, Currency: qiwiapi.RUB},
		Total: qiwiapi.Amount{Minor: 151500, Currency: qiwiapi.RUB}, TrmTxnID: "1795000000123",
		Provider: &qiwiapi.Provider{ID: 99, ShortName: "Перевод на QIWI Кошелек"}, Source: &qiwiapi.Provider{ID: 7, ShortName: source},
		Features: &qiwiapi.Features{ChequeReady: true}}
	j := st.Journal()
	at(-20 * time.Minute)
	e, err := j.Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: "1795000000123", Profile: profile, Account: wallet,
		Recipient: "+79161112233", Amount: txn.Sum, ProviderID: 99, Request: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		after time.Duration
		u     store.Update
	}{
		{-20*time.Minute + time.Second, store.Update{State: store.StateSent}},
		// killed here; the next run resumes it with the same id
		{-5 * time.Minute, store.Update{State: store.StateSent}},
		{-5*time.Minute + 2*time.Second, store.Update{State: store.StateAccepted, RemoteID: "20004000001"}},
		{-4 * time.Minute, store.Update{State: store.StateSucceeded}},
	}
	for _, s := range steps {
		at(s.after)
		if _, err := j.Advance(ctx, e.ID, s.u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SaveNotification(ctx, store.Notification{Key: "k1", Kind: "wallet", Scope: wallet, Ref: "20004000001", Type: "OUT",
		Status: "SUCCESS", Amount: txn.Sum, MessageID: "m-1", Received: uitest.Now.Add(-4*time.Minute - 30*time.Second)}, nil); err != nil {
		t.Fatal(err)
	}
	at(-3 * time.Minute)
	if _, err := st.Upsert(ctx, wallet, []qiwiapi.Transaction{txn}); err != nil {
		t.Fatal(err)
	}
	at(0)
	return Deps{Store: st, Options: func(context.Context) (search.Options, error) {
		return search.Options{Profiles: []store.Profile{{Name: profile, Wallet: wallet}}}, nil
	}}
}

func TestGoldenCase(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"120x40", 120, 40}, {"80x24", 80, 24}} {
		t.Run(size.name, func(t *testing.T) {
			env := uitest.New(t)
			m := New(env.Common, seed(t, env))
			m.StartFind()
			uitest.GoldenAt(t, size.w, size.h, m, uitest.Step{Send: uitest.Type("20004000001"), WaitFor: "20004000001"},
				uitest.Step{Send: uitest.Press("enter"), WaitFor: "Payment 20004000001 ·"})
		})
	}
}

// more caches two more payments of 1 500 ₽: one that failed with QIWI's
// error code, one that came in; a third is sent from here, unanswered.
func more(t *testing.T, env *uitest.Env) {
	t.Helper()
	msk, rub := qiwiapi.Moscow, func(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
	txns := []qiwiapi.Transaction{
		{TxnID: 20004000002, Type: qiwiapi.TypeOut, Status: qiwiapi.StatusError, ErrorCode: 5, Date: time.Date(2026, 11, 19, 9, 15, 0, 0, msk),
			Account: "+79035554433", Sum: rub(150000), Total: rub(150000), Provider: &qiwiapi.Provider{ID: 99, ShortName: "Перевод на QIWI Кошелек"}},
		{TxnID: 20004000003, Type: qiwiapi.TypeIn, Status: qiwiapi.StatusSuccess, Date: time.Date(2026, 11, 18, 18, 2, 0, 0, msk),
			Account: "+79260001122", Comment: "долг", Sum: rub(150000), Total: rub(150000), Provider: &qiwiapi.Provider{ID: 99, ShortName: "Перевод на QIWI Кошелек"}},
	}
	ctx := context.Background()
	if _, err := env.Store.Upsert(ctx, env.Common.Wallet, txns); err != nil {
		t.Fatal(err)
	}
	// and one sent from here whose answer has not come: the journal's words.
	e, err := env.Store.Journal().Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: "1795000000999", Account: env.Common.Wallet,
		Recipient: "+79035550000", Amount: rub(150000), ProviderID: 99, Request: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Store.Journal().Advance(ctx, e.ID, store.Update{State: store.StateSent}); err != nil {
		t.Fatal(err)
	}
}

// Find in both languages: the hits of an amount, and the case of the one
// that failed (what went wrong first), and the case told in Russian at
// 80x24.
func TestGoldenFindLangs(t *testing.T) {
	mk := func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		m := New(env.Common, seedIn(t, env, lang))
		more(t, env)
		m.StartFind()
		return m
	}
	t.Run("hits", func(t *testing.T) {
		uitest.GoldenLangs(t, mk, func(tr *i18n.Tr) []uitest.Step {
			return []uitest.Step{{Send: uitest.Type("1 500"), WaitFor: "1 500"}, {Send: uitest.Press("enter"), WaitFor: "20004000003"}}
		})
	})
	t.Run("case", func(t *testing.T) {
		uitest.GoldenLangs(t, mk, func(tr *i18n.Tr) []uitest.Step {
			return []uitest.Step{{Send: uitest.Type("20004000002"), WaitFor: "20004000002"},
				{Send: uitest.Press("enter"), WaitFor: tr.T("search.title_payment", i18n.Args{"Txn": 20004000002})}}
		})
	})
}

func TestGoldenCaseRussian(t *testing.T) {
	env := uitest.New(t)
	tr := env.Speak(i18n.RU)
	m := New(env.Common, seedIn(t, env, i18n.RU))
	m.StartFind()
	uitest.GoldenAt(t, 80, 24, m, uitest.Step{Send: uitest.Type("20004000001"), WaitFor: "20004000001"},
		uitest.Step{Send: uitest.Press("enter"), WaitFor: tr.T("search.title_payment", i18n.Args{"Txn": 20004000001})})
}

// A phone as pasted finds the payment; its case has the whole story;
// c copies the report, masked; privacy masks the screen too.
func TestPhoneFindsTheCaseAndCopiesItMasked(t *testing.T) {
	env := uitest.New(t)
	d := uitest.NewDriver(t, New(env.Common, seed(t, env)))
	m := d.Model.(*Model)
	m.SetSize(120, 40)
	d.Queue = append(d.Queue, m.StartFind())
	d.Run(nil)
	if !m.InputFocused() {
		t.Fatal("ctrl+f did not focus the field")
	}
	d.Type("+7 916 111-22-33")
	d.Press("enter")
	if m.view != viewCase || m.cs == nil {
		t.Fatalf("no case opened: %+v", m.res)
	}
	v := m.View()
	for _, want := range []string{"sent again with the same client id 1795000000123 (request 2)", "final: success",
		"webhook received, signature verified, status SUCCESS", "QIWI dated the out payment", "ready at QIWI"} {
		if !strings.Contains(v, want) {
			t.Errorf("the case lacks %q:\n%s", want, v)
		}
	}
	env.Common.Settings.Privacy = true
	if v := m.View(); strings.Contains(v, "+79161112233") || strings.Contains(v, "за кофе") {
		t.Errorf("privacy mode shows personal data:\n%s", v)
	}
	_, cmd := m.Update(uitest.Key("c"))
	cp, ok := cmd().(common.CopyMsg)
	if !ok || !strings.Contains(cp.Text, "# Payment 20004000001") || strings.Contains(cp.Text, "+79161112233") || !strings.Contains(cp.Text, "+79•••••••33") {
		t.Fatalf("copied %#v", cp)
	}
	d.Press("esc")
	if m.view != viewHits {
		t.Error("esc did not go back to the hits")
	}
}

// In Russian the case and the report c copies are Russian, masked as in
// English; the query's errors are explained in Russian.
func TestRussianCaseAndReport(t *testing.T) {
	env := uitest.New(t)
	tr := env.Speak(i18n.RU)
	d := uitest.NewDriver(t, New(env.Common, seedIn(t, env, i18n.RU)))
	m := d.Model.(*Model)
	m.SetSize(120, 40)
	d.Queue = append(d.Queue, m.Query("тел: +7 916 111-22-33"))
	d.Run(nil)
	if m.view != viewCase || m.cs == nil {
		t.Fatalf("no case opened: %+v %v", m.res, m.err)
	}
	_, cmd := m.Update(uitest.Key("c"))
	cp, ok := cmd().(common.CopyMsg)
	if !ok || !strings.Contains(cp.Text, "# Платёж 20004000001") || !strings.Contains(cp.Text, "## Хронология") ||
		strings.Contains(cp.Text, "+79161112233") || cp.What != tr.T("casefile.copied", nil) {
		t.Fatalf("copied %#v", cp)
	}
	d.Queue = append(d.Queue, m.Query("сумма: абв"))
	d.Run(nil)
	if v := m.View(); !strings.Contains(v, "«абв» — не сумма") {
		t.Errorf("the error is not in Russian:\n%s", v)
	}
}
