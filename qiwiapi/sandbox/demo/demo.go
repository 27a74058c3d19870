// Package demo runs the three QIWI sandboxes (Wallet API, Top-Up XML,
// Pull REST) behind one loopback listener, at the real services' paths, so
// one base URL serves every mode of the dashboard.
package demo

import (
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/sandbox/merchant"
)

// Options configure the three sandboxes together.
type Options struct {
	Seed int64
	// End and Now fix the data set and the clock (golden screens); zero = live.
	End time.Time
	Now func() time.Time
	// SettleDelay is how long new payments and top-ups stay unfinished.
	SettleDelay time.Duration
	// HistoryPerMinute is the wallet history budget (<0 = unlimited).
	HistoryPerMinute int
	// HistoryRows > 0 seeds the demo wallet with that many transactions
	// spread evenly over the 24 months before End (0 = the usual data set).
	HistoryRows int
	// Latency delays every answer of the three sandboxes.
	Latency time.Duration
	// CallbackURL receives merchant bill callbacks (empty = none).
	CallbackURL string
	// Live makes the demo world move on its own: every LivePeriod an
	// incoming transfer arrives in the demo wallet, and the demo payer pays
	// the bills the user issued (so notifications can be watched arriving).
	Live       bool
	LivePeriod time.Duration
	// Strict makes the three sandboxes answer only the documented shapes
	// (see sandbox.Options.Strict).
	Strict bool
}

// Credentials are what the demo profile logs in with.
type Credentials struct {
	WalletToken, Wallet              string
	AgentTerminal, AgentPassword     string
	MerchantAPIID, MerchantPassword  string
	MerchantShopID, MerchantNotifyPw string
}

// Running is a started demo backend.
type Running struct {
	URL      string
	Wallet   *sandbox.Server
	Agent    *agent.Server
	Merchant *merchant.Server
	Creds    Credentials

	srv  *http.Server
	stop chan struct{}
	now  func() time.Time
}

// Handler mounts the sandboxes on one mux at QIWI's paths.
func Handler(w *sandbox.Server, a *agent.Server, m *merchant.Server) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(agent.Path, a)
	mux.Handle("/api/v2/prv/", m)
	mux.Handle("/", w)
	return mux
}

// Start listens on addr ("" picks a free loopback port) and serves until Close.
func Start(addr string, opts Options) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	w := sandbox.New(sandbox.Options{Seed: opts.Seed, End: opts.End, Now: opts.Now, SettleDelay: opts.SettleDelay,
		HistoryPerMinute: opts.HistoryPerMinute, HistoryRows: opts.HistoryRows, Strict: opts.Strict})
	a := agent.New(agent.Options{Seed: opts.Seed, Now: opts.Now, SettleDelay: opts.SettleDelay, Strict: opts.Strict})
	m := merchant.New(merchant.Options{Seed: opts.Seed, Now: opts.Now, CallbackURL: opts.CallbackURL, Strict: opts.Strict})
	if opts.Latency > 0 {
		w.SetFaults(sandbox.Faults{Latency: opts.Latency})
		a.SetFaults(agent.Faults{Latency: opts.Latency})
		m.SetFaults(merchant.Faults{Latency: opts.Latency})
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &Running{
		URL: "http://" + ln.Addr().String(), Wallet: w, Agent: a, Merchant: m,
		Creds: Credentials{
			WalletToken: w.DemoToken(), Wallet: w.DemoWallet(),
			AgentTerminal: agent.DemoTerminalID(), AgentPassword: agent.DemoPassword(),
			MerchantAPIID: merchant.DemoAPIID(), MerchantPassword: merchant.DemoAPIPassword(),
			MerchantShopID: merchant.DemoShopID(), MerchantNotifyPw: merchant.DemoNotifyPassword(),
		},
		srv:  &http.Server{Handler: Handler(w, a, m), ReadHeaderTimeout: 10 * time.Second},
		stop: make(chan struct{}),
		now:  opts.Now,
	}
	if r.now == nil {
		r.now = time.Now
	}
	if opts.Live {
		period := opts.LivePeriod
		if period <= 0 {
			period = 15 * time.Second
		}
		go r.live(opts.Seed, period)
	}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			ln.Close()
		}
	}()
	return r, nil
}

// live is the demo's moving world: transfers in, and a payer for new bills.
func (r *Running) live(seed int64, period time.Duration) {
	rnd := rand.New(rand.NewPCG(uint64(seed), 7))
	others := r.Wallet.OtherWallets()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case now := <-t.C:
			from := others[rnd.IntN(len(others))]
			r.Wallet.AddIncoming(r.Creds.Wallet, int64(100+rnd.IntN(5000))*100, 643, from)
			for _, id := range r.Merchant.WaitingBills(r.Creds.MerchantShopID, now.Add(-period/2)) {
				if !strings.HasPrefix(id, "demo-") { // seeded bills stay as seeded
					_ = r.Merchant.PayBill(r.Creds.MerchantShopID, id)
				}
			}
		}
	}
}

// Close stops the listener, the moving world and the merchant's callback sender.
func (r *Running) Close() {
	close(r.stop)
	r.srv.Close()
	r.Merchant.Close()
}
