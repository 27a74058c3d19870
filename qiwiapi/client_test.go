package qiwiapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi/budget"
)

const testToken = "tok-SECRET-1234567890abcdef"

// setup starts a loopback server with a mux under a base-path prefix, the
// way a proxy would mount the API, and a client pointed at it that never sleeps.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle("/prefix/", http.StripPrefix("/prefix", mux))
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	base := []Option{WithBaseURL(srv.URL + "/prefix"), WithSleep(func(context.Context, time.Duration) error { return nil }),
		WithGate(budget.New(budget.Options{Clock: &jumpClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}}))}
	c, err := NewClient(testToken, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, mux
}

// jumpClock never waits: sleeping moves it forward at once.
type jumpClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *jumpClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *jumpClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
		c.slept += d
	}
	return ctx.Err()
}

type recorded struct {
	mu     sync.Mutex
	bodies []string
}

func (r *recorded) add(b string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bodies = append(r.bodies, b)
	return len(r.bodies)
}

func TestPayRetriesWithTheSameBody(t *testing.T) {
	c, mux := setup(t)
	var rec recorded
	mux.HandleFunc("POST /sinap/api/v2/terms/99/payments", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("headers: %v", r.Header)
		}
		b, _ := io.ReadAll(r.Body)
		if rec.add(string(b)) == 1 {
			http.Error(w, `{"code":"QWPRC-300","message":"try later"}`, http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"id":"1700000000000","terms":"99","fields":{"account":"+79991112233"},"sum":{"amount":10.5,"currency":"643"},"transaction":{"id":"42","state":{"code":"Accepted"}},"source":"account_643"}`)
	})
	sum, _ := ParseAmount("10.50", RUB)
	p, err := WalletTransfer("1700000000000", "+79991112233", sum, "за обед")
	if err != nil {
		t.Fatal(err)
	}
	info, _, err := c.Payments.Pay(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if info.TxnID() != 42 {
		t.Fatalf("txn id %d", info.TxnID())
	}
	if len(rec.bodies) != 2 {
		t.Fatalf("%d requests, want 2", len(rec.bodies))
	}
	if rec.bodies[0] != rec.bodies[1] {
		t.Fatalf("retry changed the body:\n%s\n%s", rec.bodies[0], rec.bodies[1])
	}
	want := `{"id":"1700000000000","sum":{"amount":10.5,"currency":"643"},"paymentMethod":{"type":"Account","accountId":"643"},"comment":"за обед","fields":{"account":"+79991112233"}}`
	if rec.bodies[0] != want {
		t.Fatalf("body\n got %s\nwant %s", rec.bodies[0], want)
	}
}

func TestInvoicePayIsNotRetriedAfterServerError(t *testing.T) {
	c, mux := setup(t)
	var rec recorded
	mux.HandleFunc("POST /checkout-api/invoice/pay/wallet", func(w http.ResponseWriter, r *http.Request) {
		rec.add("x")
		w.WriteHeader(http.StatusInternalServerError)
	})
	_, _, err := c.Invoices.Pay(context.Background(), "1063702405", RUB)
	if !errors.Is(err, ErrServer) || len(rec.bodies) != 1 {
		t.Fatalf("err=%v requests=%d, want one request and a server error", err, len(rec.bodies))
	}
}

func TestErrorsAreTypedAndCarryNoToken(t *testing.T) {
	c, mux := setup(t, WithRetry(RetryPolicy{MaxRetries: 1}))
	mux.HandleFunc("GET /funding-sources/v2/persons/79991112233/accounts", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	})
	mux.HandleFunc("GET /qw-nicknames/v1/persons/79991112233/nickname", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"serviceName":"nicknames","errorCode":"auth.forbidden","userMessage":"Нет прав","description":"no scope","traceId":"abc123"}`)
	})
	var blocked recorded
	mux.HandleFunc("GET /payment-history/v2/persons/79991112233/payments", func(w http.ResponseWriter, r *http.Request) {
		blocked.add("x")
		w.WriteHeader(http.StatusLocked)
		fmt.Fprint(w, `{"errorCode":"request.blocked","description":"Too many requests"}`)
	})
	ctx := context.Background()
	_, _, err := c.Balances.List(ctx, "79991112233")
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("401 -> %v", err)
	}
	_, _, err = c.Profile.Nickname(ctx, "+7 999 111-22-33")
	var apiErr *Error
	if !errors.Is(err, ErrForbidden) || !errors.As(err, &apiErr) || apiErr.TraceID != "abc123" || apiErr.Message() != "Нет прав: no scope" || apiErr.ServiceName != "nicknames" {
		t.Fatalf("403 -> %#v", err)
	}
	_, _, err = c.History.List(ctx, "79991112233", HistoryOptions{Rows: 10})
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 5*time.Minute || apiErr.Code != "request.blocked" {
		t.Fatalf("423 -> %v", err)
	}
	if len(blocked.bodies) != 2 {
		t.Fatalf("423 was tried %d times, want 2 (one retry)", len(blocked.bodies))
	}
	for _, e := range []error{err, apiErr} {
		if strings.Contains(e.Error(), testToken) || strings.Contains(fmt.Sprintf("%+v %#v", e, e), testToken) {
			t.Fatal("token leaked into an error")
		}
	}
	if strings.Contains(c.String(), testToken) || strings.Contains(fmt.Sprintf("%+v", c), "SECRET") && !strings.Contains(c.String(), "tok-") {
		t.Fatalf("client String leaks: %s", c)
	}
}

func TestNetworkErrorIsRetriedThenReportedInWords(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	calls := 0
	c, err := NewClient(testToken, WithBaseURL(url), WithSleep(func(context.Context, time.Duration) error { calls++; return nil }))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Profile.Current(context.Background(), ProfileOptions{})
	var netErr *NetworkError
	if !errors.As(err, &netErr) || !strings.Contains(err.Error(), "could not reach QIWI") {
		t.Fatalf("err = %v", err)
	}
	if calls != DefaultRetry.MaxRetries {
		t.Fatalf("slept %d times, want %d", calls, DefaultRetry.MaxRetries)
	}
}

func TestBrokenBodiesAreErrorsNotPanics(t *testing.T) {
	c, mux := setup(t)
	bodies := map[string]string{
		"/person-profile/v1/profile/current": `{"authInfo": {"personId": `,
		"/sinap/crossRates":                  ``,
		"/payment-notifier/v1/hooks/active":  `<html>`,
	}
	for path, body := range bodies {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
	}
	ctx := context.Background()
	if _, _, err := c.Profile.Current(ctx, ProfileOptions{}); !errors.Is(err, ErrBadResponse) {
		t.Errorf("truncated JSON: %v", err)
	}
	if _, _, err := c.Payments.CrossRates(ctx); !errors.Is(err, ErrBadResponse) {
		t.Errorf("empty body: %v", err)
	}
	if _, _, err := c.Webhooks.Active(ctx); !errors.Is(err, ErrBadResponse) {
		t.Errorf("html: %v", err)
	}
}

// Issue 11 item 7: a 2xx payment answer that cannot be read whole still
// names its transaction when it can, so the engine follows that payment's
// status; it is an ErrBadResponse (unknown), never a refusal.
func TestUnreadablePaymentAnswerKeepsItsTransaction(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("POST /sinap/api/v2/terms/99/payments", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"1","sum":{"amount":"ten","currency":"643"},"transaction":{"id":"11155897070","state":{"code":"Accepted"}}}`)
	})
	p, _ := WalletTransfer("1", "+79991112233", Amount{Minor: 100, Currency: RUB}, "")
	info, _, err := c.Payments.Pay(context.Background(), p)
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err %v, want ErrBadResponse", err)
	}
	var qe *Error
	if errors.As(err, &qe) {
		t.Fatal("an unreadable 2xx reads as QIWI's refusal")
	}
	if info == nil || info.TxnID() != 11155897070 {
		t.Fatalf("info %+v: the transaction id is lost", info)
	}
}

// Issue 11 item 8: the history list's 404 is "no payments" only when it
// does not speak of the wallet; a bodiless 404 is what the docs say it is.
func TestHistory404NoPaymentsOrNoWallet(t *testing.T) {
	c, mux := setup(t)
	mux.HandleFunc("GET /payment-history/v2/persons/79990000001/payments", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	})
	mux.HandleFunc("GET /payment-history/v2/persons/79990000002/payments", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"serviceName":"payment-history","errorCode":"wallet.not.found","userMessage":"Кошелек не найден","description":"Wallet not found"}`)
	})
	ctx := context.Background()
	if page, _, err := c.History.List(ctx, "79990000001", HistoryOptions{Rows: 5}); err != nil || len(page.Transactions) != 0 || page.Next != nil {
		t.Fatalf("bodiless 404: %v %v, want an empty page", page, err)
	}
	if _, _, err := c.History.List(ctx, "79990000002", HistoryOptions{Rows: 5}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("wallet.not.found: %v, want not found", err)
	}
}

func TestHistoryBudgetWaitsInsteadOfTripping423(t *testing.T) {
	clk := &jumpClock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	c, mux := setup(t, WithGate(budget.New(budget.Options{PerMinute: 3, Clock: clk})))
	var rec recorded
	mux.HandleFunc("GET /payment-history/v2/persons/79991112233/payments", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r.URL.RawQuery)
		fmt.Fprint(w, `{"data":[],"nextTxnId":null,"nextTxnDate":null}`)
	})
	for range 4 {
		if _, _, err := c.History.List(context.Background(), "79991112233", HistoryOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if slept := clk.slept; len(rec.bodies) != 4 || slept != time.Minute {
		t.Fatalf("requests=%d slept=%v; want the 4th to wait one minute", len(rec.bodies), slept)
	}
}

func TestWindowsSplitLongRanges(t *testing.T) {
	end := time.Date(2026, 11, 22, 23, 59, 59, 0, Moscow)
	start := end.AddDate(0, -13, 0)
	w := Windows(start, end)
	if len(w) != 5 {
		t.Fatalf("13 months -> %d windows, want 5", len(w))
	}
	if !w[0][1].Equal(end) || !w[len(w)-1][0].Equal(start) {
		t.Fatal("windows do not cover the range ends")
	}
	for i, win := range w {
		if win[1].Sub(win[0]) > MaxHistoryWindow {
			t.Fatalf("window %d spans %v", i, win[1].Sub(win[0]))
		}
		if i > 0 && !win[1].Before(w[i-1][0]) {
			t.Fatalf("windows %d and %d overlap", i-1, i)
		}
	}
	if len(Windows(end.AddDate(0, 0, -90), end)) != 1 {
		t.Fatal("exactly 90 days should be one window")
	}
}

func TestValidationBeforeSending(t *testing.T) {
	c, _ := setup(t)
	ctx := context.Background()
	if _, _, err := c.History.List(ctx, "79991112233", HistoryOptions{Rows: 51}); err == nil {
		t.Error("rows 51 accepted")
	}
	if _, _, err := c.History.List(ctx, "79991112233", HistoryOptions{Start: time.Now().AddDate(0, 0, -91), End: time.Now()}); err == nil {
		t.Error("91-day window accepted by List")
	}
	if _, _, err := c.History.List(ctx, "../../etc", HistoryOptions{}); !errors.Is(err, ErrBadWallet) {
		t.Error("path injection through the wallet number")
	}
	long := "https://example.com/" + strings.Repeat("a", 81)
	if _, _, err := c.Webhooks.Register(ctx, long, HookBoth); err == nil || !strings.Contains(err.Error(), "at most 100") {
		t.Errorf("long hook URL: %v", err)
	}
	if _, _, err := c.Limits.Actual(ctx, "79991112233"); err == nil {
		t.Error("limits without types accepted")
	}
}

func TestPaymentBuilders(t *testing.T) {
	rub := func(s string) Amount { a, _ := ParseAmount(s, RUB); return a }
	if _, err := CardTransfer("1", ProviderVisaRU, "4111 1111 1111 1112", rub("10")); err == nil {
		t.Error("card with a bad Luhn digit accepted")
	}
	p, err := CardTransfer("1", ProviderVisaRU, "4111 1111 1111 1111", rub("10"))
	if err != nil || p.Fields["account"] != "4111111111111111" {
		t.Errorf("card transfer: %+v %v", p, err)
	}
	if _, err := BankCardTransfer("1", 464, "4111111111111111", "", BankRecipient{FirstName: "Иван", LastName: "Петров"}, rub("10")); err == nil {
		t.Error("Alfa (464) without expiry accepted")
	}
	p, err = BankCardTransfer("1", 816, "4111111111111111", "", BankRecipient{FirstName: "Иван", LastName: "Петров"}, rub("10"))
	if err != nil || p.Fields["account_type"] != "5" {
		t.Errorf("VTB by card: %+v %v", p, err)
	}
	p, err = BankAccountTransfer("1", 821, "40817810000000000001", "044525555", true, BankRecipient{FirstName: "И", LastName: "П"}, "", rub("10"))
	if err != nil || p.Fields["account_type"] != "9" || p.Fields["urgent"] != "1" || p.Fields["mfo"] != "044525555" {
		t.Errorf("PSB by account: %+v %v", p, err)
	}
	if _, err := BankAccountTransfer("1", 313, "40817810000000000001", "044525555", false, BankRecipient{FirstName: "И", LastName: "П"}, "", rub("10")); err == nil {
		t.Error("Home Credit without agreement accepted")
	}
	if p, err := MobileTopUp("1", 1, "8 (912) 345-67-89", rub("100")); err != nil || p.Fields["account"] != "9123456789" {
		t.Errorf("mobile: %+v %v", p, err)
	}
	if p, err := Conversion("1", "79991112233", Amount{Minor: 1000, Currency: USD}, ""); err != nil || p.Provider != 1099 || p.Sum.Currency != USD {
		t.Errorf("conversion: %+v %v", p, err)
	}
	r := Requisites{BankName: "ПАО АКБ \"АВАНГАРД\"", BIK: "044525201", City: "МОСКВА", Account: "40711100000012321000", CompanyName: "ООО \"ДЕЛЬТА\"", INN: "7726111111", KPP: "772111001", Purpose: "Оплата", SenderFirst: "Иван", SenderLast: "Михайлов"}
	if p, err := RequisitesPayment("1", r, rub("1")); err != nil || p.Fields["requestProtocol"] != "qw1" || p.Fields["nds"] != "НДС не облагается" {
		t.Errorf("1717: %+v %v", p, err)
	}
	if got := PaymentFormURL(99, PaymentFormOptions{Account: "79991112233", Sum: ptr(rub("1.10")), Comment: "test123", Blocked: []string{"account"}}); got != "https://qiwi.com/payment/form/99?account=79991112233&blocked%5B0%5D=account&comment=test123&currency=643&sum=1.1" {
		t.Errorf("form URL %s", got)
	}
}

func ptr[T any](v T) *T { return &v }

func TestIDGeneratorIncreases(t *testing.T) {
	now := time.Unix(1700000000, 0)
	g := NewIDGenerator(0, func() time.Time { return now })
	a, b := g.Next(), g.Next()
	if a != "1700000000000" || b != "1700000000001" {
		t.Fatalf("ids %s %s", a, b)
	}
	g2 := NewIDGenerator(1800000000000, func() time.Time { return now })
	if g2.Next() != "1800000000001" {
		t.Fatal("generator went below the last used id")
	}
}

func TestWalletNumbersByCountry(t *testing.T) {
	sum := Amount{Minor: 100, Currency: RUB}
	for to, ok := range map[string]bool{
		"+79161112233":  true,
		"+7916111223":   false, // one digit short for +7
		"+791611122334": false, // one too many
		"+375291234567": true,  // Belarus, 12 digits
		"+0123456789":   false,
	} {
		if _, err := WalletTransfer("1", to, sum, ""); (err == nil) != ok {
			t.Errorf("WalletTransfer(%s) err = %v, want ok=%v", to, err, ok)
		}
		if _, err := NormalizeWallet(to); (err == nil) != ok {
			t.Errorf("NormalizeWallet(%s) err = %v, want ok=%v", to, err, ok)
		}
	}
}

func TestPaymentErrorsReadInEnglish(t *testing.T) {
	for code, want := range map[string]string{
		"QWPRC-220":        PaymentErrorText(220),
		"not.enough.funds": PaymentErrorText(220),
		"QWPRC-242":        PaymentErrorText(242),
	} {
		// QIWI's own words first, then the code's documented meaning (issue 11 item 6).
		want = "Недостаточно средств (" + want + ")"
		e := &Error{StatusCode: 400, Code: code, UserMessage: "Недостаточно средств"}
		if e.Message() != want {
			t.Errorf("%s: %q, want %q", code, e.Message(), want)
		}
	}
	e := &Error{StatusCode: 400, Code: "QWPRC-99999", UserMessage: "как есть"}
	if e.Message() != "как есть" {
		t.Errorf("an unknown code lost QIWI's own words: %q", e.Message())
	}
}

// recordingGate logs what the client tells its gate.
type recordingGate struct {
	mu     sync.Mutex
	log    []string
	refuse error // returned by Admit once set
}

func (g *recordingGate) Admit(ctx context.Context) (func(int, time.Duration), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refuse != nil {
		g.log = append(g.log, "refused")
		return nil, g.refuse
	}
	g.log = append(g.log, "admit")
	return func(status int, blockedFor time.Duration) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.log = append(g.log, fmt.Sprintf("done %d %v", status, blockedFor))
	}, nil
}

func (g *recordingGate) String() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return strings.Join(g.log, ", ")
}

func TestHistoryFamilyRequestsPassTheGate(t *testing.T) {
	g := &recordingGate{}
	c, mux := setup(t, WithGate(g))
	ok := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }
	}
	mux.HandleFunc("GET /payment-history/v2/persons/79991112233/payments", ok(`{"data":[],"nextTxnId":null,"nextTxnDate":null}`))
	mux.HandleFunc("GET /payment-history/v2/persons/79991112233/payments/total", ok(`{"incomingTotal":[],"outgoingTotal":[]}`))
	mux.HandleFunc("GET /payment-history/v2/transactions/5", ok(`{"txnId":5}`))
	mux.HandleFunc("GET /payment-history/v1/transactions/5/cheque/file", ok("%PDF-1.4"))
	mux.HandleFunc("POST /payment-history/v1/transactions/5/cheque/send", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /funding-sources/v2/persons/79991112233/accounts", ok(`{"accounts":[]}`))
	ctx := context.Background()
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, Moscow)
	calls := []func() error{
		func() error { _, _, err := c.History.List(ctx, "79991112233", HistoryOptions{}); return err },
		func() error {
			_, _, err := c.History.Totals(ctx, "79991112233", TotalsOptions{Start: end.AddDate(0, 0, -1), End: end})
			return err
		},
		func() error { _, _, err := c.History.Transaction(ctx, 5, ""); return err },
		func() error { _, _, err := c.History.ChequeFile(ctx, 5, TypeOut, ChequePDF); return err },
		func() error { _, err := c.History.SendCheque(ctx, 5, TypeOut, "a@example.com"); return err },
		func() error { _, _, err := c.Balances.List(ctx, "79991112233"); return err },
	}
	for i, call := range calls {
		if err := call(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	want := strings.Repeat("admit, done 200 0s, ", 5)
	if got := g.String() + ", "; got != want {
		t.Fatalf("gate saw %q, want %q (five history calls, balances not gated)", got, want)
	}
}

func TestGated423WaitsForTheGateNotTheBackOff(t *testing.T) {
	g := &recordingGate{}
	var slept int
	c, mux := setup(t, WithGate(g), WithSleep(func(context.Context, time.Duration) error { slept++; return nil }))
	var n recorded
	mux.HandleFunc("GET /payment-history/v2/persons/79991112233/payments", func(w http.ResponseWriter, r *http.Request) {
		if n.add("x") == 1 {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusLocked)
			fmt.Fprint(w, `{"errorCode":"request.blocked"}`)
			return
		}
		fmt.Fprint(w, `{"data":[],"nextTxnId":null,"nextTxnDate":null}`)
	})
	if _, _, err := c.History.List(context.Background(), "79991112233", HistoryOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := g.String(), "admit, done 423 2m0s, admit, done 200 0s"; got != want || slept != 0 {
		t.Fatalf("gate saw %q (want %q), back-off slept %d times (want 0)", got, want, slept)
	}
}

func TestPausedGateIsARateLimit(t *testing.T) {
	until := time.Date(2026, 1, 1, 14, 5, 0, 0, time.Local)
	g := &recordingGate{refuse: &budget.PausedError{Until: until}}
	c, _ := setup(t, WithGate(g))
	_, _, err := c.History.List(context.Background(), "79991112233", HistoryOptions{})
	var pe *budget.PausedError
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &pe) || !pe.Until.Equal(until) ||
		!strings.Contains(err.Error(), "QIWI history paused until 14:05 (request limit)") {
		t.Fatalf("err = %v", err)
	}
	g.refuse = context.Canceled
	if _, _, err := c.History.List(context.Background(), "79991112233", HistoryOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled wait: %v", err)
	}
}

// A 423 blocks the wallet for minutes: a payment is not sent again into
// the block; its caller (the engine's saga) hears of it and waits it out.
func TestUngated423IsNotRetriedQuickly(t *testing.T) {
	c, mux := setup(t, WithRetry(RetryPolicy{MaxRetries: 2}))
	var rec recorded
	mux.HandleFunc("POST /sinap/api/v2/terms/99/payments", func(w http.ResponseWriter, r *http.Request) {
		rec.add("x")
		w.WriteHeader(http.StatusLocked)
		fmt.Fprint(w, `{"errorCode":"request.blocked","description":"Too many requests"}`)
	})
	sum, _ := ParseAmount("10.50", RUB)
	p, _ := WalletTransfer("1700000000001", "+79991112233", sum, "")
	_, _, err := c.Payments.Pay(context.Background(), p)
	var apiErr *Error
	if !errors.Is(err, ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 5*time.Minute {
		t.Fatalf("423 -> %v", err)
	}
	if len(rec.bodies) != 1 {
		t.Fatalf("the payment was sent %d times into a 423 block, want 1", len(rec.bodies))
	}
}
