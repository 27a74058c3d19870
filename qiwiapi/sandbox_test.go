package qiwiapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
)

// Every client method runs against the sandbox on loopback; each test
// checks what the sandbox received and what the client decoded.

var sbNow = time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)

type env struct {
	sb     *sandbox.Running
	c      *qiwiapi.Client
	wallet string
	ctx    context.Context
}

func newEnv(t *testing.T, opts ...qiwiapi.Option) *env {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{Seed: 1, End: sbNow, Now: func() time.Time { return sbNow }, HistoryPerMinute: -1, SettleDelay: time.Millisecond, Strict: qiwiapi.StrictSandbox})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	base := []qiwiapi.Option{qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithSleep(func(context.Context, time.Duration) error { return nil })}
	c, err := qiwiapi.NewClient(sb.Server.DemoToken(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, c: c, wallet: sb.Server.DemoWallet(), ctx: context.Background()}
}

// last returns the newest request the sandbox saw for method+path.
func (e *env) last(t *testing.T, method, path string) sandbox.Request {
	t.Helper()
	reqs := e.sb.Server.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			r := reqs[i]
			if got := r.Header.Get("Authorization"); got != "Bearer "+e.sb.Server.DemoToken() {
				t.Errorf("%s %s: Authorization %q", method, path, got)
			}
			if !strings.Contains(r.Header.Get("Accept"), "json") && !strings.Contains(r.Header.Get("Accept"), "*/*") {
				t.Errorf("%s %s: Accept %q", method, path, r.Header.Get("Accept"))
			}
			return r
		}
	}
	t.Fatalf("the sandbox saw no %s %s", method, path)
	return sandbox.Request{}
}

func (e *env) count(method, pathPrefix string) int {
	n := 0
	for _, r := range e.sb.Server.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

func bodyJSON(t *testing.T, r sandbox.Request) map[string]any {
	t.Helper()
	if r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s %s: Content-Type %q", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("%s %s body %q: %v", r.Method, r.Path, r.Body, err)
	}
	return m
}

func rub(s string) qiwiapi.Amount {
	a, err := qiwiapi.ParseAmount(s, qiwiapi.RUB)
	if err != nil {
		panic(err)
	}
	return a
}

func TestSandboxProfileIdentificationLimits(t *testing.T) {
	e := newEnv(t)
	p, _, err := e.c.Profile.Current(e.ctx, qiwiapi.ProfileOptions{SkipUserInfo: true})
	if err != nil {
		t.Fatal(err)
	}
	r := e.last(t, "GET", "/person-profile/v1/profile/current")
	if r.Query.Get("authInfoEnabled") != "true" || r.Query.Get("contractInfoEnabled") != "true" || r.Query.Get("userInfoEnabled") != "false" {
		t.Fatalf("profile flags: %s", r.RawQuery)
	}
	if p.Wallet() != e.wallet || p.UserInfo != nil || p.IdentificationLevel() == "" {
		t.Fatalf("profile: wallet %s userInfo %v level %q", p.Wallet(), p.UserInfo, p.IdentificationLevel())
	}

	id, _, err := e.c.Identification.Get(e.ctx, e.wallet)
	if err != nil || !strings.Contains(id.Passport, "*") {
		t.Fatalf("identification GET must be masked: %+v %v", id, err)
	}
	req := qiwiapi.IdentificationRequest{LastName: "Петров", FirstName: "Пётр", MiddleName: "Петрович", BirthDate: "1990-05-17", Passport: "4400111222"}
	got, _, err := e.c.Identification.Identify(e.ctx, e.wallet, req)
	if err != nil || got.Type == "" {
		t.Fatalf("identify: %+v %v", got, err)
	}
	b := bodyJSON(t, e.last(t, "POST", "/identification/v1/persons/"+e.wallet+"/identification"))
	if b["passport"] != "4400111222" || b["birthDate"] != "1990-05-17" || b["lastName"] != "Петров" {
		t.Fatalf("identify body %v", b)
	}
	if _, _, err := e.c.Identification.Identify(e.ctx, e.wallet, qiwiapi.IdentificationRequest{FirstName: "x"}); err == nil {
		t.Fatal("incomplete identification was sent")
	}

	lim, _, err := e.c.Limits.Actual(e.ctx, e.wallet, qiwiapi.LimitTurnover, qiwiapi.LimitRefill)
	if err != nil {
		t.Fatal(err)
	}
	r = e.last(t, "GET", "/qw-limits/v1/persons/"+e.wallet+"/actual-limits")
	if r.Query.Get("types[0]") != "TURNOVER" || r.Query.Get("types[1]") != "REFILL" || !strings.Contains(r.RawQuery, "types%5B0%5D=TURNOVER") {
		t.Fatalf("limits query %s", r.RawQuery)
	}
	if len(lim.Limits["RU"]) != 2 {
		t.Fatalf("limits %+v", lim)
	}
	if _, max, _, err := lim.Limits["RU"][0].Amounts(); err != nil || max.Minor <= 0 {
		t.Fatalf("limit amounts: %v %v", max, err)
	}
	n, _, err := e.c.Limits.P2PPaymentCount(e.ctx, e.wallet)
	if err != nil || n <= 0 {
		t.Fatalf("p2p count %d %v", n, err)
	}
	e.last(t, "GET", "/qw-limits/v1/persons/"+e.wallet+"/p2p-payment-count-limit")

	nick, _, err := e.c.Profile.Nickname(e.ctx, e.wallet)
	if err != nil || nick.Nickname == "" {
		t.Fatalf("nickname %+v %v", nick, err)
	}
	e.last(t, "GET", "/qw-nicknames/v1/persons/"+e.wallet+"/nickname")
	rs, _, err := e.c.Profile.Restrictions(e.ctx, e.wallet)
	if err != nil || len(rs) != 0 {
		t.Fatalf("restrictions %v", err)
	}
	e.last(t, "GET", "/person-profile/v1/persons/"+e.wallet+"/status/restrictions")
}

func TestSandboxHistoryFiltersAndDetails(t *testing.T) {
	e := newEnv(t)
	start := sbNow.AddDate(0, -2, 0)
	page, _, err := e.c.History.List(e.ctx, e.wallet, qiwiapi.HistoryOptions{
		Rows: 20, Operation: qiwiapi.OperationOut, Sources: []qiwiapi.Source{qiwiapi.SourceRUB, qiwiapi.SourceCard},
		Start: start, End: sbNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	r := e.last(t, "GET", "/payment-history/v2/persons/"+e.wallet+"/payments")
	want := url.Values{"rows": {"20"}, "operation": {"OUT"}, "sources[0]": {"QW_RUB"}, "sources[1]": {"CARD"},
		"startDate": {"2026-09-20T12:00:00+03:00"}, "endDate": {"2026-11-20T12:00:00+03:00"}}
	for k, v := range want {
		if r.Query.Get(k) != v[0] {
			t.Errorf("query %s = %q, want %q (raw %s)", k, r.Query.Get(k), v[0], r.RawQuery)
		}
	}
	if len(page.Transactions) != 20 || page.Next == nil {
		t.Fatalf("page: %d rows, next %v", len(page.Transactions), page.Next)
	}
	for _, tx := range page.Transactions {
		if tx.Type != qiwiapi.TypeOut || tx.Date.Before(start) || tx.Date.After(sbNow) {
			t.Fatalf("filter not applied: %s %s", tx.Type, tx.Date)
		}
		if _, off := tx.Date.Zone(); off != 3*3600 {
			t.Fatalf("date lost its zone: %v", tx.Date)
		}
	}
	next, _, err := e.c.History.List(e.ctx, e.wallet, qiwiapi.HistoryOptions{Rows: 20, Operation: qiwiapi.OperationOut, Sources: []qiwiapi.Source{qiwiapi.SourceRUB, qiwiapi.SourceCard}, Start: start, End: sbNow, Cursor: page.Next})
	if err != nil {
		t.Fatal(err)
	}
	r = e.last(t, "GET", "/payment-history/v2/persons/"+e.wallet+"/payments")
	if r.Query.Get("nextTxnId") == "" || r.Query.Get("nextTxnDate") == "" {
		t.Fatalf("cursor not sent: %s", r.RawQuery)
	}
	if len(next.Transactions) > 0 && next.Transactions[0].TxnID == page.Transactions[0].TxnID {
		t.Fatal("second page repeats the first")
	}

	tot, _, err := e.c.History.Totals(e.ctx, e.wallet, qiwiapi.TotalsOptions{Start: start, End: sbNow, Sources: []qiwiapi.Source{qiwiapi.SourceRUB}})
	if err != nil || len(tot.Incoming)+len(tot.Outgoing) == 0 {
		t.Fatalf("totals %+v %v", tot, err)
	}
	r = e.last(t, "GET", "/payment-history/v2/persons/"+e.wallet+"/payments/total")
	if r.Query.Get("sources[0]") != "QW_RUB" || r.Query.Get("startDate") == "" {
		t.Fatalf("totals query %s", r.RawQuery)
	}

	tx := page.Transactions[0]
	d, _, err := e.c.History.Transaction(e.ctx, int64(tx.TxnID), tx.Type)
	if err != nil || d.TxnID != tx.TxnID || d.Sum != tx.Sum {
		t.Fatalf("details %+v %v", d, err)
	}
	r = e.last(t, "GET", "/payment-history/v2/transactions/"+url.PathEscape(d.TxnID.String()))
	if r.Query.Get("type") != "OUT" {
		t.Fatalf("details query %s", r.RawQuery)
	}
	if _, _, err := e.c.History.Transaction(e.ctx, 1, ""); !errors.Is(err, qiwiapi.ErrNotFound) {
		t.Fatalf("unknown txn: %v", err)
	}

	cheque, _, err := e.c.History.ChequeFile(e.ctx, int64(tx.TxnID), tx.Type, qiwiapi.ChequePDF)
	if err != nil || cheque.ContentType != "application/pdf" || !strings.HasPrefix(string(cheque.Data), "%PDF") {
		t.Fatalf("cheque %v", err)
	}
	r = e.last(t, "GET", "/payment-history/v1/transactions/"+d.TxnID.String()+"/cheque/file")
	if r.Query.Get("format") != "PDF" || r.Query.Get("type") != "OUT" {
		t.Fatalf("cheque query %s", r.RawQuery)
	}
	jpeg, _, err := e.c.History.ChequeFile(e.ctx, int64(tx.TxnID), tx.Type, qiwiapi.ChequeJPEG)
	if err != nil || jpeg.Extension() != ".jpg" {
		t.Fatalf("jpeg cheque %v", err)
	}
	if _, err := e.c.History.SendCheque(e.ctx, int64(tx.TxnID), tx.Type, "me@example.com"); err != nil {
		t.Fatal(err)
	}
	if b := bodyJSON(t, e.last(t, "POST", "/payment-history/v1/transactions/"+d.TxnID.String()+"/cheque/send")); b["email"] != "me@example.com" {
		t.Fatalf("cheque send body %v", b)
	}
}

func TestSandboxBalances(t *testing.T) {
	e := newEnv(t)
	accounts, _, err := e.c.Balances.List(e.ctx, e.wallet)
	if err != nil {
		t.Fatal(err)
	}
	var reask bool
	for _, r := range e.sb.Server.Requests() {
		if r.Path == "/funding-sources/v2/persons/"+e.wallet+"/accounts" && r.Query.Get("timeout") == "1000" && r.Query.Get("alias") != "" {
			reask = true
		}
	}
	if !reask {
		t.Fatal("the null balance was not asked again with timeout=1000&alias=")
	}
	cur := map[qiwiapi.Currency]bool{}
	for _, a := range accounts {
		if a.Pending() {
			t.Fatalf("account %s still without balance", a.Alias)
		}
		if a.HasBalance {
			cur[a.Currency] = true
			if a.Balance.Currency != a.Currency {
				t.Fatalf("balance currency %v on %v account", a.Balance.Currency, a.Currency)
			}
		}
	}
	if len(cur) < 3 {
		t.Fatalf("currencies %v", cur)
	}
	offers, _, err := e.c.Balances.Offers(e.ctx, e.wallet)
	if err != nil {
		t.Fatal(err)
	}
	e.last(t, "GET", "/funding-sources/v2/persons/"+e.wallet+"/accounts/offer")
	if len(offers) > 0 {
		if _, err := e.c.Balances.Create(e.ctx, e.wallet, offers[0].Alias); err != nil {
			t.Fatal(err)
		}
		if b := bodyJSON(t, e.last(t, "POST", "/funding-sources/v2/persons/"+e.wallet+"/accounts")); b["alias"] != offers[0].Alias {
			t.Fatalf("create body %v", b)
		}
	}
	if _, err := e.c.Balances.SetDefault(e.ctx, e.wallet, "qw_wallet_usd"); err != nil {
		t.Fatal(err)
	}
	if b := bodyJSON(t, e.last(t, "PATCH", "/funding-sources/v2/persons/"+e.wallet+"/accounts/qw_wallet_usd")); b["defaultAccount"] != true {
		t.Fatalf("default body %v", b)
	}
	accounts, _, _ = e.c.Balances.List(e.ctx, e.wallet)
	for _, a := range accounts {
		if a.Alias == "qw_wallet_usd" && !a.DefaultAccount {
			t.Fatal("default did not move")
		}
	}
}

func TestSandboxPaymentsLifecycle(t *testing.T) {
	e := newEnv(t)
	to := "+" + e.sb.Server.OtherWallets()[0]
	com, _, err := e.c.Payments.Commission(e.ctx, 99, to, rub("100"))
	if err != nil || com.WithdrawSum.Minor < 10000 {
		t.Fatalf("commission %+v %v", com, err)
	}
	b := bodyJSON(t, e.last(t, "POST", "/sinap/providers/99/onlineCommission"))
	if b["account"] != to || b["purchaseTotals"].(map[string]any)["total"].(map[string]any)["currency"] != "643" {
		t.Fatalf("commission body %v", b)
	}

	before, _ := e.sb.Server.Balance(e.wallet, 643)
	id := qiwiapi.NewIDGenerator(0, func() time.Time { return sbNow }).Next()
	p, _ := qiwiapi.WalletTransfer(id, to, rub("150.25"), "lunch")
	info, _, err := e.c.Payments.Pay(e.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if info.Transaction.State.Code != "Accepted" || info.TxnID() == 0 || string(info.ID) != id {
		t.Fatalf("payment info %+v", info)
	}
	b = bodyJSON(t, e.last(t, "POST", "/sinap/api/v2/terms/99/payments"))
	if b["id"] != id || b["comment"] != "lunch" || b["fields"].(map[string]any)["account"] != to {
		t.Fatalf("payment body %v", b)
	}
	after, _ := e.sb.Server.Balance(e.wallet, 643)
	if before-after < 15025 {
		t.Fatalf("balance moved by %d kopecks", before-after)
	}
	// The same id again returns the original payment, not a second one.
	again, _, err := e.c.Payments.Pay(e.ctx, p)
	if err != nil || again.TxnID() != info.TxnID() || e.sb.Server.PaymentCount(e.wallet) != 1 {
		t.Fatalf("repeat: %+v %v count %d", again, err, e.sb.Server.PaymentCount(e.wallet))
	}
	tx, _, err := e.c.History.Transaction(e.ctx, info.TxnID(), qiwiapi.TypeOut)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Status != qiwiapi.StatusWaiting && tx.Status != qiwiapi.StatusSuccess {
		t.Fatalf("new payment status %s", tx.Status)
	}
	e.sb.Server.SettleNow()
	tx, _, _ = e.c.History.Transaction(e.ctx, info.TxnID(), qiwiapi.TypeOut)
	if tx.Status != qiwiapi.StatusSuccess {
		t.Fatalf("settled status %s", tx.Status)
	}

	// Not enough money: the documented error, in words.
	big, _ := qiwiapi.WalletTransfer(qiwiapi.NewIDGenerator(0, nil).Next(), to, rub("500000"), "")
	_, _, err = e.c.Payments.Pay(e.ctx, big)
	var apiErr *qiwiapi.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("insufficient funds: %v", err)
	}
	if code, ok := apiErr.PaymentCode(); !ok || code != 220 {
		t.Fatalf("insufficient funds code %q", apiErr.Code)
	}

	rates, _, err := e.c.Payments.CrossRates(e.ctx)
	if err != nil || len(rates) < 6 || rates[0].Rate == "" {
		t.Fatalf("rates %v %v", rates, err)
	}
	items, _, err := e.c.Payments.SearchProviders(e.ctx, "МТС")
	if err != nil || len(items) == 0 {
		t.Fatalf("search %v %v", items, err)
	}
	if r := e.last(t, "GET", "/search/v1/search"); r.Query.Get("query") != "МТС" {
		t.Fatalf("search query %s", r.RawQuery)
	}
	ops, _, err := e.c.Payments.MobileOperators(e.ctx, "+7 916 123-45-67")
	if err != nil || len(ops) == 0 {
		t.Fatalf("mobile resolver %v %v", ops, err)
	}
	if r := e.last(t, "GET", "/qw-mobile-providers-resolver/v1/providers"); r.Query.Get("phoneNumber") != "79161234567" {
		t.Fatalf("resolver query %s", r.RawQuery)
	}
}

func TestSandboxEveryPaymentKind(t *testing.T) {
	e := newEnv(t)
	ids := qiwiapi.NewIDGenerator(0, func() time.Time { return sbNow })
	who := qiwiapi.BankRecipient{FirstName: "Иван", LastName: "Петров"}
	build := []func() (qiwiapi.Payment, error){
		func() (qiwiapi.Payment, error) {
			return qiwiapi.Conversion(ids.Next(), e.wallet, qiwiapi.Amount{Minor: 1000, Currency: qiwiapi.USD}, "")
		},
		func() (qiwiapi.Payment, error) { return qiwiapi.MobileTopUp(ids.Next(), 1, "9161234567", rub("100")) },
		func() (qiwiapi.Payment, error) {
			return qiwiapi.CardTransfer(ids.Next(), qiwiapi.ProviderMIR, "2200 0000 0000 0004", rub("500"))
		},
		func() (qiwiapi.Payment, error) {
			return qiwiapi.BankCardTransfer(ids.Next(), 464, "4111111111111111", "1229", who, rub("500"))
		},
		func() (qiwiapi.Payment, error) {
			return qiwiapi.BankAccountTransfer(ids.Next(), 816, "40817810000000000001", "044525187", false, who, "", rub("500"))
		},
		func() (qiwiapi.Payment, error) { return qiwiapi.ServicePayment(ids.Next(), 674, "123456", rub("300")) },
		func() (qiwiapi.Payment, error) {
			return qiwiapi.RequisitesPayment(ids.Next(), qiwiapi.Requisites{BankName: "ПАО АКБ \"АВАНГАРД\"", BIK: "044525201", City: "МОСКВА",
				Account: "40702810000000012321", CompanyName: "ООО \"Технический Центр ДЕЛЬТА\"", INN: "7726111111", KPP: "772111001",
				Purpose: "Оплата товара по заказу №090738231", SenderFirst: "Иван", SenderMiddle: "Николаевич", SenderLast: "Михайлов"}, rub("1000"))
		},
	}
	for i, b := range build {
		p, err := b()
		if err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
		info, _, err := e.c.Payments.Pay(e.ctx, p)
		if err != nil {
			t.Fatalf("pay %d (provider %d): %v", i, p.Provider, err)
		}
		if info.TxnID() == 0 {
			t.Fatalf("pay %d: no txn id", i)
		}
	}
	if n := e.sb.Server.PaymentCount(e.wallet); n != len(build) {
		t.Fatalf("%d payments, want %d", n, len(build))
	}
}

func TestSandboxRetryAfterCommitThenDrop(t *testing.T) {
	e := newEnv(t)
	e.sb.Server.SetFaults(sandbox.Faults{CommitThenDrop: 1})
	p, _ := qiwiapi.WalletTransfer("1763600000000", "+"+e.sb.Server.OtherWallets()[0], rub("10"), "")
	info, _, err := e.c.Payments.Pay(e.ctx, p)
	if err != nil {
		t.Fatalf("the retry should recover the dropped answer: %v", err)
	}
	if n := e.sb.Server.PaymentCount(e.wallet); n != 1 {
		t.Fatalf("%d payments after commit-then-drop and a retry, want exactly 1", n)
	}
	posts := e.count("POST", "/sinap/api/v2/terms/99/payments")
	if posts != 2 || info.TxnID() == 0 {
		t.Fatalf("%d POSTs (want 2: dropped + retry), txn %d", posts, info.TxnID())
	}
}

func TestSandboxFaultsBecomeWords(t *testing.T) {
	e := newEnv(t, qiwiapi.WithRetry(qiwiapi.RetryPolicy{}))
	for name, f := range map[string]sandbox.Faults{
		"truncated": {TruncateJSON: 1}, "invalid": {InvalidJSON: 1}, "empty": {EmptyBody: 1},
	} {
		e.sb.Server.SetFaults(f)
		_, _, err := e.c.Balances.List(e.ctx, e.wallet)
		if !errors.Is(err, qiwiapi.ErrBadResponse) {
			t.Errorf("%s: %v", name, err)
		}
	}
	e.sb.Server.SetFaults(sandbox.Faults{Burst423: 1})
	if _, _, err := e.c.Balances.List(e.ctx, e.wallet); !errors.Is(err, qiwiapi.ErrRateLimited) {
		t.Errorf("423: %v", err)
	}
	e.sb.Server.SetFaults(sandbox.Faults{})
	bad, _ := qiwiapi.NewClient("not-a-token", qiwiapi.WithBaseURL(e.sb.URL))
	if _, _, err := bad.Profile.Current(e.ctx, qiwiapi.ProfileOptions{}); !errors.Is(err, qiwiapi.ErrUnauthorized) {
		t.Errorf("bad token: %v", err)
	}
	histOnly, _ := qiwiapi.NewClient(e.sb.Server.NewToken(e.wallet, sandbox.ScopeHistory), qiwiapi.WithBaseURL(e.sb.URL))
	if _, _, err := histOnly.Balances.List(e.ctx, e.wallet); !errors.Is(err, qiwiapi.ErrForbidden) {
		t.Errorf("missing scope: %v", err)
	}
	if _, _, err := e.c.Balances.List(e.ctx, "79000000001"); !errors.Is(err, qiwiapi.ErrNotFound) {
		t.Errorf("other wallet: %v", err)
	}
	// 5xx is retried for reads: with one retry, one 500 is invisible.
	retrying := newEnv(t)
	retrying.sb.Server.SetFaults(sandbox.Faults{ErrorRate: 1})
	if _, _, err := retrying.c.Balances.List(retrying.ctx, retrying.wallet); !errors.Is(err, qiwiapi.ErrServer) {
		t.Errorf("always-500: %v", err)
	}
	if n := retrying.count("GET", "/funding-sources/"); n != 1+qiwiapi.DefaultRetry.MaxRetries {
		t.Errorf("500 tried %d times, want %d", n, 1+qiwiapi.DefaultRetry.MaxRetries)
	}
}

func TestSandboxInvoices(t *testing.T) {
	e := newEnv(t)
	page, _, err := e.c.Invoices.Unpaid(e.ctx, qiwiapi.InvoiceOptions{Rows: 3})
	if err != nil {
		t.Fatal(err)
	}
	r := e.last(t, "GET", "/checkout-api/api/bill/search")
	if r.Query.Get("statuses") != "READY_FOR_PAY" || r.Query.Get("rows") != "3" {
		t.Fatalf("invoice query %s", r.RawQuery)
	}
	if len(page.Invoices) != 3 || page.Next == nil {
		t.Fatalf("first page %d invoices, next %v", len(page.Invoices), page.Next)
	}
	all := append([]qiwiapi.Invoice(nil), page.Invoices...)
	for page.Next != nil {
		if page, _, err = e.c.Invoices.Unpaid(e.ctx, *page.Next); err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Invoices...)
	}
	seen := map[qiwiapi.FlexInt]bool{}
	for _, inv := range all {
		if seen[inv.ID] {
			t.Fatalf("invoice %d twice", inv.ID)
		}
		seen[inv.ID] = true
	}
	inv := all[0]
	res, _, err := e.c.Invoices.Pay(e.ctx, inv.ID.String(), inv.Sum.Currency)
	if err != nil || res.InvoiceStatus != "PAID_STATUS" {
		t.Fatalf("pay invoice: %+v %v", res, err)
	}
	b := bodyJSON(t, e.last(t, "POST", "/checkout-api/invoice/pay/wallet"))
	if b["invoice_uid"] != inv.ID.String() || b["currency"] != "643" {
		t.Fatalf("pay body %v", b)
	}
	if _, _, err := e.c.Invoices.Pay(e.ctx, inv.ID.String(), inv.Sum.Currency); err == nil {
		t.Fatal("paid the same invoice twice")
	}
	if _, err := e.c.Invoices.Reject(e.ctx, int64(all[1].ID)); err != nil {
		t.Fatal(err)
	}
	if b := bodyJSON(t, e.last(t, "POST", "/checkout-api/api/bill/reject")); b["id"] != float64(all[1].ID) {
		t.Fatalf("reject body %v", b)
	}
	keys, _, err := e.c.Invoices.CreateP2PKeys(e.ctx, "shop", "https://example.com/notify")
	if err != nil || keys.PublicKey == "" || keys.SecretKey == "" || strings.Contains(keys.String(), keys.SecretKey) {
		t.Fatalf("p2p keys %v %v", keys, err)
	}
	if b := bodyJSON(t, e.last(t, "POST", "/widgets-api/api/p2p/protected/keys/create")); b["keysPairName"] != "shop" {
		t.Fatalf("keys body %v", b)
	}
}
