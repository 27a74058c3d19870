package topup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
)

// clock is a fake clock shared by the sandbox and the client: sleeping
// advances it, nothing waits for real.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

type env struct {
	t     *testing.T
	clk   *clock
	sb    *agent.Server
	ts    *httptest.Server
	c     *topup.Client
	mu    sync.Mutex
	stamp []stamped // when (fake time) each request arrived
}

type stamped struct {
	at time.Time
}

func setup(t *testing.T, opts agent.Options, copts ...topup.Option) *env {
	t.Helper()
	e := &env{t: t, clk: newClock()}
	if opts.Now == nil {
		opts.Now = e.clk.Now
	}
	if opts.SettleDelay == 0 {
		opts.SettleDelay = 30 * time.Second
	}
	opts.Strict = strictSandbox
	e.sb = agent.New(opts)
	mux := http.NewServeMux()
	mux.HandleFunc(agent.Path, func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.stamp = append(e.stamp, stamped{at: e.clk.Now()})
		e.mu.Unlock()
		e.sb.ServeHTTP(w, r)
	})
	e.ts = httptest.NewServer(mux)
	t.Cleanup(e.ts.Close)
	base := []topup.Option{
		topup.WithBaseURL(e.ts.URL),
		topup.WithPassword(topup.NewPassword(agent.DemoPassword())),
		topup.WithClock(e.clk.Now),
		topup.WithSleep(e.clk.Sleep),
		topup.WithSandboxPolling(10 * time.Second),
	}
	var err error
	e.c, err = topup.NewClient(agent.DemoTerminalID(), append(base, copts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var ctx = context.Background()

func rub(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }

var numbers = topup.NewTxnGen(nil, "", 1)

func topupFor(account string, a qiwiapi.Amount, f topup.Funds) topup.Topup {
	return topup.Topup{Number: numbers.Next(), Account: account, Amount: a, Funds: f}
}

func lastRequest(t *testing.T, sb *agent.Server) agent.Request {
	t.Helper()
	reqs := sb.Requests()
	if len(reqs) == 0 {
		t.Fatal("the sandbox received nothing")
	}
	r := reqs[len(reqs)-1]
	if r.Method != http.MethodPost || r.Path != "/xml/topup.jsp" || r.Header.Get("Content-Type") != "application/xml" {
		t.Errorf("request %s %s %q", r.Method, r.Path, r.Header.Get("Content-Type"))
	}
	return r
}

func wantBody(t *testing.T, got []byte, want string) {
	t.Helper()
	want = strings.ReplaceAll(want, "\t", "  ")
	if string(got) != want {
		t.Errorf("request body\n got:\n%s\nwant:\n%s", got, want)
	}
}

func TestRequestsOnTheWire(t *testing.T) {
	e := setup(t, agent.Options{})
	pw := agent.DemoPassword()

	bal, _, err := e.c.Ping(ctx)
	if err != nil || len(bal) != 4 || bal[0].Currency != qiwiapi.KZT || bal[1].Currency != qiwiapi.RUB {
		t.Fatalf("ping: %v %v", bal, err)
	}
	if bal[1].Minor != e.sb.Balance(643) {
		t.Errorf("ping RUB %v, sandbox %d", bal[1], e.sb.Balance(643))
	}
	wantBody(t, lastRequest(t, e.sb).Body, `<?xml version="1.0" encoding="utf-8"?>
<request>
	<request-type>ping</request-type>
	<terminal-id>770001</terminal-id>
	<extra name="password">`+pw+`</extra>
</request>
`)

	exist, _, err := e.c.CheckUser(ctx, agent.WalletOK, qiwiapi.USD)
	if err != nil || !exist {
		t.Fatalf("check-user: %v %v", exist, err)
	}
	wantBody(t, lastRequest(t, e.sb).Body, `<?xml version="1.0" encoding="utf-8"?>
<request>
	<request-type>check-user</request-type>
	<terminal-id>770001</terminal-id>
	<extra name="password">`+pw+`</extra>
	<extra name="phone">79001112233</extra>
	<extra name="ccy">840</extra>
</request>
`)
	for phone, want := range map[string]bool{agent.WalletOK: true, agent.WalletNew: false} {
		if got, _, err := e.c.CheckUser(ctx, phone, 0); err != nil || got != want {
			t.Errorf("check-user %s = %v, %v", phone, got, err)
		}
	}
	if got, _, _ := e.c.CheckUser(ctx, agent.WalletOK, qiwiapi.EUR); got {
		t.Error("WalletOK has no EUR balance")
	}

	dc, _, err := e.c.CheckDepositPossible(ctx, agent.WalletNoCash, topup.Cash, 0)
	if err != nil || dc.Possible || !dc.Exist || dc.Result.Code != 204 || !dc.Result.Fatal {
		t.Fatalf("check-deposit no-cash: %+v %v", dc, err)
	}
	wantBody(t, lastRequest(t, e.sb).Body, `<?xml version="1.0" encoding="utf-8"?>
<request>
	<request-type>check-deposit-possible</request-type>
	<terminal-id>770001</terminal-id>
	<extra name="password">`+pw+`</extra>
	<extra name="phone">79002223344</extra>
	<extra name="income_wire_transfer">0</extra>
</request>
`)
	if dc, _, err := e.c.CheckDepositPossible(ctx, agent.WalletNoCash, topup.NonCash, 0); err != nil || !dc.Possible {
		t.Errorf("non-cash to the no-cash wallet: %+v %v", dc, err)
	}
	if dc, _, err := e.c.CheckDepositPossible(ctx, agent.WalletNew, topup.Cash, 0); err != nil || !dc.Possible || dc.Exist {
		t.Errorf("new wallet: %+v %v", dc, err)
	}

	before := e.sb.Balance(643)
	tp := topup.Topup{Number: "20260501000001", Account: agent.WalletNew, Amount: rub(1115_00), Funds: topup.NonCash,
		Comment: "refund <#42> & co", Source: "7"}
	pr, resp, err := e.c.Pay(ctx, tp)
	if err != nil {
		t.Fatalf("pay: %v", err)
	}
	wantBody(t, lastRequest(t, e.sb).Body, `<?xml version="1.0" encoding="utf-8"?>
<request>
	<request-type>pay</request-type>
	<terminal-id>770001</terminal-id>
	<extra name="password">`+pw+`</extra>
	<extra name="income_wire_transfer">1</extra>
	<auth>
		<payment>
			<transaction-number>20260501000001</transaction-number>
			<from>
				<ccy>643</ccy>
				<service-id>7</service-id>
			</from>
			<to>
				<amount>1115.00</amount>
				<ccy>643</ccy>
				<service-id>99</service-id>
				<account-number>79009990000</account-number>
				<extra name="comment">refund &lt;#42&gt; &amp; co</extra>
			</to>
		</payment>
	</auth>
</request>
`)
	p := pr.Payment
	if p.Status != topup.StatusAccepted || p.TxnID == "" || p.Number != tp.Number || p.Final || !p.Complete() ||
		p.From.Amount != rub(1115_00) || p.To.Amount != rub(1115_00) || p.To.Account != agent.WalletNew || p.To.ServiceID != "99" {
		t.Errorf("pay answer %+v from %+v to %+v", p, p.From, p.To)
	}
	if !p.Date.Equal(e.clk.Now()) {
		t.Errorf("txn-date %v, want %v", p.Date, e.clk.Now())
	}
	if after := e.sb.Balance(643); after != before-1115_00 {
		t.Errorf("agent debited %d", before-after)
	}
	if len(resp.Raw) == 0 || resp.StatusCode != 200 {
		t.Errorf("response %d %q", resp.StatusCode, resp.Raw)
	}

	// Status of many: two known, one unknown (absent, not an error).
	tp2 := topupFor(agent.WalletOK, rub(10_00), topup.Cash)
	if _, _, err := e.c.Pay(ctx, tp2); err != nil {
		t.Fatal(err)
	}
	e.clk.Sleep(ctx, 15*time.Second)
	sr, _, err := e.c.Status(ctx,
		topup.StatusQuery{Number: tp.Number, Account: tp.Account},
		topup.StatusQuery{Number: tp2.Number, Account: tp2.Account},
		topup.StatusQuery{Number: "31337", Account: agent.WalletOK})
	if err != nil || len(sr.Payments) != 2 {
		t.Fatalf("status: %+v %v", sr, err)
	}
	if sp, ok := sr.Find(tp.Number); !ok || sp.Status != topup.StatusCrediting || sp.TxnID != p.TxnID {
		t.Errorf("status of tp: %+v", sp)
	}
	if _, ok := sr.Find("31337"); ok {
		t.Error("unknown payment reported")
	}
	wantBody(t, lastRequest(t, e.sb).Body, `<?xml version="1.0" encoding="utf-8"?>
<request>
	<request-type>pay</request-type>
	<terminal-id>770001</terminal-id>
	<extra name="password">`+pw+`</extra>
	<status>
		<payment>
			<transaction-number>20260501000001</transaction-number>
			<to>
				<account-number>79009990000</account-number>
			</to>
		</payment>
		<payment>
			<transaction-number>`+string(tp2.Number)+`</transaction-number>
			<to>
				<account-number>79001112233</account-number>
			</to>
		</payment>
		<payment>
			<transaction-number>31337</transaction-number>
			<to>
				<account-number>79001112233</account-number>
			</to>
		</payment>
	</status>
</request>
`)
	e.clk.Sleep(ctx, 15*time.Second)
	sr, _, _ = e.c.Status(ctx, topup.StatusQuery{Number: tp.Number, Account: tp.Account})
	if sp, _ := sr.Find(tp.Number); sp == nil || sp.Status != topup.StatusSuccess || !sp.Final {
		t.Errorf("final status %+v", sp)
	}
	if w, ok := e.sb.WalletBalance(agent.WalletNew, 643); !ok || w != 1115_00 {
		t.Errorf("new wallet holds %d %v", w, ok)
	}

	// Repeating the pay returns the existing payment and does not pay twice.
	pr2, _, err := e.c.Pay(ctx, tp)
	if err != nil || pr2.Payment.TxnID != p.TxnID || pr2.Payment.Status != topup.StatusSuccess {
		t.Errorf("repeat pay: %+v %v", pr2, err)
	}
	if n := e.sb.PaymentCount(); n != 2 {
		t.Errorf("payments %d, want 2", n)
	}
}

// drive runs the state machine against the sandbox until the top-up is
// final or held, on the test's clock (the engine's saga does this for the
// app, with a journal).
func drive(ctx context.Context, e *env, s topup.State, onStep func(topup.State)) (topup.State, error) {
	for s.Next.Kind != topup.ActNone {
		if d := s.Next.At.Sub(e.clk.Now()); d > 0 {
			if err := e.clk.Sleep(ctx, d); err != nil {
				return s, err
			}
		}
		s, _ = topup.Next(s, e.c.Run(ctx, s, s.Next), e.clk.Now(), e.c.Policy())
		if onStep != nil {
			onStep(s)
		}
		if err := ctx.Err(); err != nil {
			return s, err
		}
	}
	return s, nil
}

func follow(t *testing.T, e *env, tp topup.Topup) (topup.State, []topup.State) {
	t.Helper()
	var steps []topup.State
	s, _ := topup.Start(tp, e.clk.Now())
	s, err := drive(ctx, e, s, func(s topup.State) {
		if s.Phase == topup.PhaseFailed && !s.Status.Failed() {
			t.Errorf("reported failed without a final status: %+v", s)
		}
		steps = append(steps, s)
	})
	if err != nil {
		t.Fatalf("follow: %v", err)
	}
	return s, steps
}

func TestFollowUnderFaults(t *testing.T) {
	tests := []struct {
		name string
		f    agent.Faults
		via  topup.Phase // a phase the top-up must pass through
	}{
		{"commit then drop", agent.Faults{Only: "pay", Count: 1, DropAfterCommit: true}, topup.PhaseUnknown},
		{"drop before commit", agent.Faults{Only: "pay", Count: 1, Drop: true}, topup.PhaseUnknown},
		{"http 503", agent.Faults{Only: "pay", Count: 1, HTTPStatus: 503}, topup.PhaseUnknown},
		{"broken XML after commit, twice", agent.Faults{Only: "pay", Count: 2, BrokenXML: true}, topup.PhaseUnknown},
		{"empty txn_id", agent.Faults{Only: "pay", Count: 2, EmptyTxnID: true}, topup.PhaseSending},
		{"busy", agent.Faults{Only: "pay", Count: 1, Busy: true}, topup.PhaseUnknown},
		{"unknown 300", agent.Faults{Only: "pay", Count: 1, Unknown: true}, topup.PhaseUnknown},
		{"status dropped", agent.Faults{Only: "status", Count: 3, DropAfterCommit: true}, topup.PhasePending},
		{"status broken", agent.Faults{Only: "status", Count: 3, BrokenXML: true}, topup.PhasePending},
		{"status 502", agent.Faults{Only: "status", Count: 3, HTTPStatus: 502}, topup.PhasePending},
		{"check busy", agent.Faults{Only: "check-deposit-possible", Count: 2, Busy: true}, topup.PhaseChecking},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t, agent.Options{}, topup.WithRetry(0))
			before := e.sb.Balance(643)
			w0, _ := e.sb.WalletBalance(agent.WalletOK, 643)
			e.sb.SetFaults(tt.f)
			s, steps := follow(t, e, topupFor(agent.WalletOK, rub(250_00), topup.Cash))
			if s.Phase != topup.PhaseSucceeded {
				t.Fatalf("ended %v: %s", s.Phase, s.Note)
			}
			seen := false
			for _, st := range steps {
				seen = seen || st.Phase == tt.via
			}
			if !seen {
				t.Errorf("never passed through %v", tt.via)
			}
			if n := e.sb.PaymentCount(); n != 1 {
				t.Errorf("%d payments, want exactly 1", n)
			}
			w1, _ := e.sb.WalletBalance(agent.WalletOK, 643)
			if w1-w0 != 250_00 || before-e.sb.Balance(643) != 250_00 {
				t.Errorf("wallet +%d, agent -%d", w1-w0, before-e.sb.Balance(643))
			}
		})
	}
}

func TestFollowLatencyTimeout(t *testing.T) {
	// A real (short) delay against a client timeout: the request is given
	// up, the sandbox does not process it, the status is unknown, pay is sent
	// again and the top-up happens exactly once.
	e := setup(t, agent.Options{}, topup.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}))
	e.sb.SetFaults(agent.Faults{Only: "pay", Count: 1, Latency: 300 * time.Millisecond})
	s, steps := follow(t, e, topupFor(agent.WalletOK, rub(1_00), topup.NonCash))
	if s.Phase != topup.PhaseSucceeded || e.sb.PaymentCount() != 1 {
		t.Fatalf("ended %v, %d payments", s.Phase, e.sb.PaymentCount())
	}
	if steps[1].Phase != topup.PhaseUnknown {
		t.Errorf("after the timeout: %v", steps[1].Phase)
	}
}

func TestFollowKeepsTenMinutesAgainstTheRealService(t *testing.T) {
	// No sandbox polling allowed: the documented minimum applies.
	e := setup(t, agent.Options{SettleDelay: 25 * time.Minute})
	c, err := topup.NewClient(agent.DemoTerminalID(), topup.WithBaseURL(e.ts.URL),
		topup.WithPassword(topup.NewPassword(agent.DemoPassword())), topup.WithClock(e.clk.Now), topup.WithSleep(e.clk.Sleep))
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	e.sb.SetFaults(agent.Faults{Only: "status", Count: 1, HTTPStatus: 500})
	s, _ := follow(t, e, topupFor(agent.WalletOK, rub(5_00), topup.Cash))
	if s.Phase != topup.PhaseSucceeded {
		t.Fatalf("ended %v", s.Phase)
	}
	var statusTimes []time.Time
	reqs := e.sb.Requests()
	for i, r := range reqs {
		if r.Kind == "status" {
			statusTimes = append(statusTimes, e.stamp[i].at)
		}
	}
	if len(statusTimes) < 3 {
		t.Fatalf("%d status requests", len(statusTimes))
	}
	for i := 1; i < len(statusTimes); i++ {
		if gap := statusTimes[i].Sub(statusTimes[i-1]); gap < topup.MinStatusInterval {
			t.Errorf("status requests %v apart", gap)
		}
	}
}

func TestFollowOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		account string
		amount  qiwiapi.Amount
		funds   topup.Funds
		phase   topup.Phase
		result  topup.ResultCode
		status  topup.Status
	}{
		{"below minimum", agent.WalletOK, rub(99), topup.Cash, topup.PhaseFailed, 241, 160},
		{"above maximum", agent.WalletOK, rub(60000_01), topup.NonCash, topup.PhaseFailed, 242, 160},
		{"no cash", agent.WalletNoCash, rub(10_00), topup.Cash, topup.PhaseRefused, 0, 0},
		{"blocked wallet", agent.WalletBlocked, rub(10_00), topup.NonCash, topup.PhaseRefused, 0, 0},
		{"no wallet possible", agent.PhoneNoWallet, rub(10_00), topup.NonCash, topup.PhaseRefused, 0, 0},
		{"balance limit", agent.WalletNearLimit, rub(10_00), topup.NonCash, topup.PhaseFailed, 702, 160},
		{"KZT", agent.WalletKZT, qiwiapi.Amount{Minor: 5000_00, Currency: qiwiapi.KZT}, topup.Cash, topup.PhaseSucceeded, 0, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t, agent.Options{})
			before := e.sb.Balance(int(tt.amount.Currency))
			s, _ := follow(t, e, topupFor(tt.account, tt.amount, tt.funds))
			if s.Phase != tt.phase || s.Result != tt.result || s.Status != tt.status {
				t.Fatalf("ended %v result %v status %v (%s)", s.Phase, s.Result, s.Status, s.Note)
			}
			spent := before - e.sb.Balance(int(tt.amount.Currency))
			if tt.phase == topup.PhaseSucceeded && spent != tt.amount.Minor || tt.phase != topup.PhaseSucceeded && spent != 0 {
				t.Errorf("agent spent %d", spent)
			}
		})
	}
}

func TestPayDirectRefusalsAndNotRegistered(t *testing.T) {
	e := setup(t, agent.Options{})
	// Cash to the wallet that cannot take it, without the check: final 150/204.
	pr, _, err := e.c.Pay(ctx, topupFor(agent.WalletNoCash, rub(10_00), topup.Cash))
	if err != nil || pr.Payment.Status != topup.StatusDeclined || pr.Payment.Result != 204 || !pr.Payment.Final {
		t.Fatalf("no-cash pay: %+v %v", pr, err)
	}
	// USD from a RUB top-up at the sandbox's rates: 10.00 RUB costs 0.12 USD.
	tp := topupFor(agent.WalletOK, rub(10_00), topup.NonCash)
	tp.From = qiwiapi.USD
	pr, _, err = e.c.Pay(ctx, tp)
	if err != nil || pr.Payment.From.Amount != (qiwiapi.Amount{Minor: 12, Currency: qiwiapi.USD}) {
		t.Fatalf("cross-currency: %+v %v", pr, err)
	}
	// 220: not enough money; after a deposit the same number goes through.
	big := topupFor(agent.WalletOK, qiwiapi.Amount{Minor: 999_00, Currency: qiwiapi.EUR}, topup.NonCash)
	big.From = qiwiapi.KZT
	e.sb.Deposit(398, -e.sb.Balance(398))
	pr, _, err = e.c.Pay(ctx, big)
	if err != nil || pr.Payment.Result != topup.ResultAgentNoMoney || pr.Payment.Registered() || pr.Payment.Fatal {
		t.Fatalf("220: %+v %v", pr, err)
	}
	e.sb.Deposit(398, 10_000_000_00)
	pr, _, err = e.c.Pay(ctx, big)
	if err != nil || !pr.Payment.Registered() {
		t.Fatalf("after deposit: %+v %v", pr, err)
	}
}

func TestFatalConfigurationHolds(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		e := setup(t, agent.Options{}, topup.WithPassword(topup.NewPassword("wrong-secret-123")))
		_, _, err := e.c.Ping(ctx)
		if !topup.IsAuth(err) || !topup.IsFatal(err) {
			t.Fatalf("ping: %v", err)
		}
		if strings.Contains(err.Error(), "wrong-secret-123") {
			t.Error("password in the error")
		}
		s, _ := follow(t, e, topupFor(agent.WalletOK, rub(1_00), topup.Cash))
		if s.Phase != topup.PhaseHeld || s.Next.Kind != topup.ActNone {
			t.Fatalf("ended %v", s.Phase)
		}
	})
	// A blocked agent is refused from the first request (check-deposit
	// answers 150, fatal; issue 11 item 12): held, never sent. A pay sent
	// anyway answers 316 (the sandbox's own tests).
	t.Run("blocked agent", func(t *testing.T) {
		e := setup(t, agent.Options{})
		c, _ := topup.NewClient(agent.DemoBlockedTerminalID(), topup.WithBaseURL(e.ts.URL),
			topup.WithPassword(topup.NewPassword(agent.DemoPassword())), topup.WithClock(e.clk.Now), topup.WithSleep(e.clk.Sleep))
		e.c = c
		s, _ := follow(t, e, topupFor(agent.WalletOK, rub(1_00), topup.Cash))
		if s.Phase != topup.PhaseHeld || s.Sent || !s.Fatal || e.sb.PaymentCount() != 0 {
			t.Fatalf("ended %v sent %v fatal %v (%s)", s.Phase, s.Sent, s.Fatal, s.Note)
		}
	})
	t.Run("ip blocked 339 then fixed", func(t *testing.T) {
		e := setup(t, agent.Options{})
		e.sb.SetFaults(agent.Faults{Only: "pay", BlockIP: true})
		s, _ := follow(t, e, topupFor(agent.WalletOK, rub(1_00), topup.Cash))
		if s.Phase != topup.PhaseHeld || !s.Sent {
			t.Fatalf("ended %v", s.Phase)
		}
		n := len(e.sb.Requests())
		e.clk.Sleep(ctx, time.Hour) // nothing happens while held
		if len(e.sb.Requests()) != n {
			t.Fatal("requests while held")
		}
		e.sb.SetFaults(agent.Faults{})
		s, _ = topup.Resume(s, e.clk.Now(), e.c.Policy())
		s, err := drive(ctx, e, s, nil)
		if err != nil || s.Phase != topup.PhaseSucceeded || e.sb.PaymentCount() != 1 {
			t.Fatalf("after resume %v %v", s.Phase, err)
		}
	})
}

// genKey makes a 2048-bit key (the docs' size; shorter ones are refused).
func genKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, topup.MinKeyBits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignature(t *testing.T) {
	key, other := genKey(t), genKey(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "private.key")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	p8, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile8 := filepath.Join(dir, "private8.key")
	os.WriteFile(keyFile8, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600)

	for _, tc := range []struct {
		file string
		alg  topup.SignAlg
	}{{keyFile, topup.SHA1withRSA}, {keyFile8, topup.MD5withRSA}} {
		t.Run(string(tc.alg), func(t *testing.T) {
			signer, err := topup.LoadSigner(tc.file, tc.alg)
			if err != nil {
				t.Fatal(err)
			}
			e := setup(t, agent.Options{PublicKey: &key.PublicKey, RequireSignature: true}, topup.WithSigner(signer))
			if _, _, err := e.c.Ping(ctx); err != nil {
				t.Fatalf("signed ping refused: %v", err)
			}
			r := lastRequest(t, e.sb)
			if bytes.Contains(r.Body, []byte("password")) {
				t.Error("the password element is sent with a signature")
			}
			if r.Header.Get("X-Digital-Sign-Alg") != string(tc.alg) {
				t.Errorf("alg header %q", r.Header.Get("X-Digital-Sign-Alg"))
			}
			if err := topup.Verify(&key.PublicKey, tc.alg, r.Body, r.Header.Get("X-Digital-Sign")); err != nil {
				t.Errorf("signature does not verify over the received bytes: %v", err)
			}
			s, _ := follow(t, e, topupFor(agent.WalletOK, rub(3_00), topup.NonCash))
			if s.Phase != topup.PhaseSucceeded {
				t.Errorf("signed top-up ended %v", s.Phase)
			}
		})
	}
	t.Run("other key refused", func(t *testing.T) {
		signer, _ := topup.NewSigner(other, topup.SHA1withRSA)
		e := setup(t, agent.Options{PublicKey: &key.PublicKey}, topup.WithSigner(signer))
		if _, _, err := e.c.Ping(ctx); !topup.IsAuth(err) {
			t.Fatalf("foreign key accepted: %v", err)
		}
	})
	t.Run("password refused when a signature is required", func(t *testing.T) {
		e := setup(t, agent.Options{PublicKey: &key.PublicKey, RequireSignature: true})
		if _, _, err := e.c.Ping(ctx); !topup.IsAuth(err) {
			t.Fatalf("password accepted: %v", err)
		}
	})
	if _, err := topup.LoadSigner(filepath.Join(dir, "missing"), ""); err == nil {
		t.Error("missing key file accepted")
	}
	if _, err := topup.ParsePrivateKeyPEM([]byte("not pem")); err == nil {
		t.Error("garbage key accepted")
	}
	if _, err := topup.NewSigner(key, "SHA256withECDSA"); err == nil {
		t.Error("unknown algorithm accepted")
	}
}

func TestClientCertificate(t *testing.T) {
	caKey, clientKey := genKey(t), genKey(t)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "QIWI test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	clTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "agent 770001"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	clDER, err := x509.CreateCertificate(rand.Reader, clTmpl, caCert, &clientKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)

	clk := newClock()
	sb := agent.New(agent.Options{Now: clk.Now, RequireClientCert: true, Strict: strictSandbox})
	ts := httptest.NewUnstartedServer(sb)
	ts.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	ts.StartTLS()
	defer ts.Close()
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())

	withCert, err := topup.NewClient(agent.DemoTerminalID(), topup.WithBaseURL(ts.URL),
		topup.WithPassword(topup.NewPassword(agent.DemoPassword())),
		topup.WithTLSConfig(&tls.Config{RootCAs: roots, Certificates: []tls.Certificate{{Certificate: [][]byte{clDER}, PrivateKey: clientKey}}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := withCert.Ping(ctx); err != nil {
		t.Fatalf("mTLS ping: %v", err)
	}
	// The same login from files, as `qiwidash login` takes it (issue 11
	// item 10): the certificate, its key encrypted with a passphrase, the CA.
	dir := t.TempDir()
	certFile, keyFile, caFile := filepath.Join(dir, "my_cert"), filepath.Join(dir, "private_key.pem"), filepath.Join(dir, "our_CA")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: clDER}), 0o600)
	os.WriteFile(keyFile, encryptedPKCS8(t, clientKey, "pass phrase"), 0o600)
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600)
	auth := topup.Auth{Password: topup.NewPassword(agent.DemoPassword()), KeyFile: keyFile, CertFile: certFile, CAFile: caFile,
		Passphrase: topup.NewPassword("pass phrase")}
	if auth.Kind() != "certificate" || auth.Endpoint() != topup.PrivateURL {
		t.Fatalf("certificate login: kind %s, endpoint %s", auth.Kind(), auth.Endpoint())
	}
	opts, err := auth.Options()
	if err != nil {
		t.Fatal(err)
	}
	fromFiles, err := topup.NewClient(agent.DemoTerminalID(), append(opts, topup.WithBaseURL(ts.URL))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := fromFiles.Ping(ctx); err != nil {
		t.Fatalf("mTLS ping from files: %v", err)
	}
	// A request log wraps the login's transport (qiwidash --debug): given
	// after the login's options, it keeps the certificate.
	base, err := auth.Transport()
	if err != nil {
		t.Fatal(err)
	}
	logged := &countingTransport{base: base}
	wrapped, err := topup.NewClient(agent.DemoTerminalID(), append(opts, topup.WithBaseURL(ts.URL),
		topup.WithHTTPClient(&http.Client{Transport: logged}))...)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := wrapped.Ping(ctx); err != nil || logged.n == 0 {
		t.Fatalf("mTLS ping through a wrapped transport: %v (%d requests seen)", err, logged.n)
	}
	other := auth
	other.KeyFile = filepath.Join(dir, "other.pem")
	os.WriteFile(other.KeyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(caKey)}), 0o600)
	if _, err := other.Options(); err == nil {
		t.Error("a key that is not the certificate's accepted")
	}
	without, _ := topup.NewClient(agent.DemoTerminalID(), topup.WithBaseURL(ts.URL),
		topup.WithPassword(topup.NewPassword(agent.DemoPassword())), topup.WithTLSConfig(&tls.Config{RootCAs: roots}))
	if _, _, err := without.Ping(ctx); !topup.IsAuth(err) {
		t.Fatalf("no client certificate accepted: %v", err)
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-agent-pass"
	pw := topup.NewPassword(secret)
	c, err := topup.NewClient("770001", topup.WithPassword(pw), topup.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	type profile struct {
		Name     string
		Password topup.Password
		hidden   topup.Password
		Client   *topup.Client
	}
	p := profile{"agent", pw, pw, c}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{pw, &pw, c, *c, p, &p} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) {
				t.Errorf("%s of %T prints the password: %s", verb, v, out)
			}
		}
	}
	if b, _ := pw.MarshalText(); strings.Contains(string(b), secret) {
		t.Error("MarshalText")
	}
	// The password appears in no error, even one that quotes the body.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		w.WriteHeader(200)
		w.Write([]byte("<response><result-code>" + buf.String() + "</result-code></response>"))
	}))
	defer srv.Close()
	c2, _ := topup.NewClient("770001", topup.WithPassword(pw), topup.WithBaseURL(srv.URL))
	for _, call := range []func() error{
		func() error { _, _, err := c2.Ping(ctx); return err },
		func() error { _, _, err := c.Ping(ctx); return err }, // connection refused
	} {
		err := call()
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", err), secret) {
			t.Errorf("error leaks the password: %v", err)
		}
		if !topup.IsUnknown(err) {
			t.Errorf("not an unknown-outcome error: %v", err)
		}
	}
}

func TestNewClientValidation(t *testing.T) {
	pw := topup.WithPassword(topup.NewPassword("x"))
	for name, f := range map[string]func() (*topup.Client, error){
		"terminal":   func() (*topup.Client, error) { return topup.NewClient("abc", pw) },
		"zero":       func() (*topup.Client, error) { return topup.NewClient("0", pw) },
		"no auth":    func() (*topup.Client, error) { return topup.NewClient("1") },
		"base url":   func() (*topup.Client, error) { return topup.NewClient("1", pw, topup.WithBaseURL("ftp://x")) },
		"nil signer": func() (*topup.Client, error) { return topup.NewClient("1", topup.WithSigner(nil)) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c, _ := topup.NewClient("1", pw)
	if c.Endpoint() != topup.DefaultURL || c.Loopback() {
		t.Errorf("default endpoint %s", c.Endpoint())
	}
	c, _ = topup.NewClient("1", pw, topup.WithBaseURL(topup.PrivateURL))
	if c.Endpoint() != topup.PrivateURL {
		t.Errorf("private endpoint %s", c.Endpoint())
	}
	bad := []topup.Topup{
		{Number: "0", Account: "79001112233", Amount: rub(1)},
		{Number: "1", Account: "+79001112233", Amount: rub(1)},
		{Number: "1", Account: "79001112233", Amount: rub(0)},
		{Number: "1", Account: "79001112233", Amount: qiwiapi.Amount{Minor: 1, Currency: 392}},
		{Number: "1", Account: "79001112233", Amount: rub(1), Funds: 2},
		{Number: "1", Account: "79001112233", Amount: rub(1), Comment: strings.Repeat("я", 1001)},
		{Number: "1", Account: "79001112233", Amount: rub(1), Source: "-5"},
	}
	for _, tp := range bad {
		if err := tp.Validate(); err == nil {
			t.Errorf("accepted %+v", tp)
		}
		if _, _, err := c.Pay(ctx, tp); err == nil || topup.IsUnknown(err) {
			t.Errorf("pay of an invalid top-up: %v", err)
		}
	}
}

func TestRetryReadsOnly(t *testing.T) {
	e := setup(t, agent.Options{})
	e.sb.SetFaults(agent.Faults{Count: 2, HTTPStatus: 503})
	if _, _, err := e.c.Ping(ctx); err != nil {
		t.Fatalf("ping not retried: %v", err)
	}
	if n := len(e.sb.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	e.sb.SetFaults(agent.Faults{Count: 1, HTTPStatus: 503})
	_, _, err := e.c.Pay(ctx, topupFor(agent.WalletOK, rub(1_00), topup.Cash))
	var he *topup.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 503 || !topup.IsUnknown(err) {
		t.Fatalf("pay: %v", err)
	}
	if n := len(e.sb.Requests()); n != 4 {
		t.Errorf("pay was retried: %d requests", n)
	}
}

// countingTransport counts the requests it carries.
type countingTransport struct {
	base http.RoundTripper
	n    int
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n++
	return t.base.RoundTrip(r)
}
