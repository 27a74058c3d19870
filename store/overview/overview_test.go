package overview

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, qiwiapi.Moscow)

type world struct {
	sb       *demo.Running
	st       *store.Store
	eng      *Engine
	second   string
	release  chan struct{} // the slow profile answers when this closes
	budgets  *budget.Registry
	profiles []store.Profile
}

// newWorld: a family wallet, a second wallet with a restriction, an agent,
// a shop, and a profile whose service hangs until released.
func newWorld(t *testing.T) *world {
	t.Helper()
	keyring.MockInit()
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 5, End: testNow, Now: func() time.Time { return testNow },
		SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{sb: sb, st: st, second: sb.Wallet.OtherWallets()[0], release: make(chan struct{}), budgets: budget.NewRegistry(budget.Options{})}
	sb.Wallet.SetRestrictions(w.second, sandbox.Restriction{Code: "OUTGOING_PAYMENTS", Description: "Outgoing payments are restricted"})
	secondToken := sb.Wallet.NewToken(w.second, sandbox.ScopeProfile, sandbox.ScopeBalance, sandbox.ScopeHistory)
	w.profiles = []store.Profile{
		{Name: "family", Wallet: sb.Creds.Wallet, Has: store.Modes{Wallet: true}},
		{Name: "second", Wallet: w.second, Has: store.Modes{Wallet: true}},
		{Name: "agent", Has: store.Modes{Agent: true}},
		{Name: "shop", Has: store.Modes{Merchant: true}},
		{Name: "slow", Has: store.Modes{Agent: true}},
	}
	wallet := func(token, number string) Clients {
		api, err := qiwiapi.NewClient(token, qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}), qiwiapi.WithGate(w.budgets.For(number)))
		if err != nil {
			t.Fatal(err)
		}
		return Clients{API: api, Wallet: number}
	}
	w.eng = &Engine{
		Store:    st,
		Profiles: func(context.Context) ([]store.Profile, error) { return w.profiles, nil },
		Clients: func(ctx context.Context, name string) (Clients, error) {
			switch name {
			case "family":
				return wallet(sb.Creds.WalletToken, sb.Creds.Wallet), nil
			case "second":
				return wallet(secondToken, w.second), nil
			case "agent":
				ag, err := topup.NewClient(sb.Creds.AgentTerminal, topup.WithPassword(topup.NewPassword(sb.Creds.AgentPassword)), topup.WithBaseURL(sb.URL))
				return Clients{Agent: ag, Terminal: sb.Creds.AgentTerminal}, err
			case "shop":
				return Clients{Shop: sb.Creds.MerchantShopID}, nil
			}
			select { // "slow": a profile whose service does not answer
			case <-w.release:
				return Clients{}, errors.New("the service did not answer")
			case <-ctx.Done():
				return Clients{}, ctx.Err()
			}
		},
		Thresholds: map[qiwiapi.Currency]qiwiapi.Amount{qiwiapi.RUB: {Minor: 1_000_000_000_00, Currency: qiwiapi.RUB}},
		Now:        func() time.Time { return testNow },
	}
	return w
}

func byName(rows []Row) map[string]Row {
	m := map[string]Row{}
	for _, r := range rows {
		m[r.Profile] = r
	}
	return m
}

func TestFirstPaintFromCacheThenRefreshNeverWaitsForTheSlow(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// The shop's bills as the Bills screen keeps them: one waiting that
	// expires in 30 minutes, one paid today.
	for _, b := range []map[string]any{
		{"ID": "b-1", "Amount": qiwiapi.Amount{Minor: 50000, Currency: qiwiapi.RUB}, "Status": pull.BillWaiting, "Lifetime": testNow.Add(30 * time.Minute)},
		{"ID": "b-2", "Amount": qiwiapi.Amount{Minor: 70000, Currency: qiwiapi.RUB}, "Status": pull.BillPaid, "Updated": testNow.Add(-time.Hour)},
	} {
		if err := w.st.Put(ctx, "merchant.bill/"+w.sb.Creds.MerchantShopID, b["ID"].(string), b); err != nil {
			t.Fatal(err)
		}
	}
	// A payment of the second wallet WAITING for three hours, in the cache.
	if _, err := w.st.Upsert(ctx, w.second, []qiwiapi.Transaction{{TxnID: 777, Type: qiwiapi.TypeOut, Status: qiwiapi.StatusWaiting,
		Date: testNow.Add(-3 * time.Hour), Sum: qiwiapi.Amount{Minor: 10000, Currency: qiwiapi.RUB}}}); err != nil {
		t.Fatal(err)
	}

	rows, err := w.eng.Load(ctx)
	if err != nil || len(rows) != 5 {
		t.Fatalf("first paint: %d rows, %v", len(rows), err)
	}
	first := byName(rows)
	if first["family"].Fresh || !first["family"].Read.IsZero() || len(first["second"].Stuck) != 1 {
		t.Errorf("first paint is not the cache's: %+v", first)
	}
	if n := len(w.sb.Wallet.Requests()); n != 0 {
		t.Errorf("the first paint asked QIWI %d times", n)
	}

	// Every answering profile's row comes while "slow" still hangs.
	ch := w.eng.Refresh(ctx, nil)
	var got []Row
	for len(got) < 4 {
		select {
		case r := <-ch:
			got = append(got, r)
		case <-time.After(30 * time.Second): // a guard against a hang, not a measurement
			t.Fatalf("only %d rows while one profile hangs", len(got))
		}
	}
	if slices.ContainsFunc(got, func(r Row) bool { return r.Profile == "slow" }) {
		t.Fatal("the hanging profile answered")
	}
	close(w.release)
	slow := <-ch
	if slow.Profile != "slow" || !strings.Contains(slow.Failed, "did not answer") {
		t.Errorf("slow row %+v", slow)
	}
	if _, open := <-ch; open {
		t.Error("the refresh sent more rows than profiles")
	}

	live := byName(got)
	fam, sec, ag, shop := live["family"], live["second"], live["agent"], live["shop"]
	if !fam.Fresh || len(fam.Balances) != 4 || fam.Failed != "" || len(fam.Restrictions) != 0 {
		t.Errorf("family %+v", fam)
	}
	if len(sec.Restrictions) != 1 || !strings.Contains(sec.Restrictions[0], "Outgoing payments are restricted") {
		t.Errorf("second %+v", sec)
	}
	if !slices.ContainsFunc(ag.AgentBalance, func(b AgentBalance) bool { return b.Low && b.Amount.Currency == qiwiapi.RUB }) {
		t.Errorf("agent %+v", ag)
	}
	if shop.BillsWaiting != 1 || shop.PaidToday != 1 || len(shop.Expiring) != 1 {
		t.Errorf("shop %+v", shop)
	}
	var alerts []string
	for _, r := range got {
		for _, a := range r.Alerts() {
			alerts = append(alerts, a.Key)
		}
	}
	for _, want := range []string{"second/restricted", "second/stuck/777", "agent/low/RUB", "shop/expiring/b-1"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s in %v", want, alerts)
		}
	}
	// Each wallet's history request went through its own scheduler.
	for _, wallet := range []string{w.sb.Creds.Wallet, w.second} {
		if s := w.budgets.For(wallet).Status(); s.Sent != 1 {
			t.Errorf("wallet %s: %d history requests through its scheduler, want 1", wallet, s.Sent)
		}
	}

	// The next first paint has the answers without asking.
	w.sb.Wallet.ResetRequests()
	rows, err = w.eng.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again := byName(rows)
	if len(again["family"].Balances) != 4 || len(again["second"].Restrictions) != 1 || len(again["agent"].AgentBalance) == 0 || again["shop"].BillsWaiting != 1 {
		t.Errorf("second paint: %+v", again)
	}
	if n := len(w.sb.Wallet.Requests()); n != 0 {
		t.Errorf("the paint from the cache asked QIWI %d times", n)
	}
	wallets, agents := Totals(rows)
	if len(wallets) == 0 || len(agents) == 0 {
		t.Errorf("totals %v %v", wallets, agents)
	}
}

// Alerts are worded in the Writer's language; the screen's Money and
// Personal write their values.
func TestAlertsInRussian(t *testing.T) {
	mark := qiwiapi.Amount{Minor: 2_000_000, Currency: qiwiapi.USD}
	r := Row{Profile: "семья",
		AgentBalance: []AgentBalance{{Amount: qiwiapi.Amount{Minor: 1_004_225, Currency: qiwiapi.USD}, Threshold: &mark, Low: true}},
		Restrictions: []string{"OUTGOING_PAYMENTS Исходящие платежи запрещены"},
		Stuck:        []Stuck{{TxnID: 777, Date: testNow.Add(-2 * time.Hour), Amount: qiwiapi.Amount{Minor: 20000, Currency: qiwiapi.RUB}}},
		Expiring:     []Expiring{{BillID: "b-1", Lifetime: testNow.Add(30 * time.Minute), Amount: qiwiapi.Amount{Minor: 50000, Currency: qiwiapi.RUB}}},
	}
	ru := i18n.New(i18n.RU)
	w := Plain
	w.Tr, w.Money = ru, func(a qiwiapi.Amount) string { return a.FormatWith(ru.Separators()) }
	var got []string
	for _, a := range r.Alerts() {
		got = append(got, a.Text(w))
	}
	want := []string{
		"баланс агента 10\u202f042,25 $ ниже 20\u202f000,00 $",
		"кошелёк ограничен: OUTGOING_PAYMENTS Исходящие платежи запрещены",
		"платёж 777 на 200,00 ₽ в ожидании с 2024-06-01 10:00",
		"счёт b-1 на 500,00 ₽ истекает в 12:30",
	}
	if !slices.Equal(got, want) {
		t.Errorf("alerts in Russian:\n%q\nwant\n%q", got, want)
	}
}
