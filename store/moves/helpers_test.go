package moves

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

// testNow is the sandboxes' frozen clock: payments stay WAITING until the
// test settles them.
var testNow = time.Date(2024, 6, 1, 12, 0, 0, 0, qiwiapi.Moscow)

// fastClock scales time: a Sleep of d takes d/scale of real time, and Now
// runs scale times faster than the wall clock. A 5-minute 423 block then
// lasts milliseconds while the engine still waits the full (scaled) block.
type fastClock struct {
	mu    sync.Mutex
	start time.Time
	real  time.Time
	scale time.Duration
	slept []time.Duration // every Sleep asked for, in engine time
}

func newFastClock(scale time.Duration) *fastClock {
	return &fastClock{start: testNow, real: time.Now(), scale: scale}
}

func (c *fastClock) Now() time.Time {
	return c.start.Add(time.Since(c.real) * c.scale)
}

func (c *fastClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return budget.RealClock().Sleep(ctx, d/c.scale)
}

// RealDuration is how long d of this clock lasts in real time (the
// scheduler compares a pause with a context's deadline by it).
func (c *fastClock) RealDuration(d time.Duration) time.Duration { return d / c.scale }

// slepts lists the sleeps of at least d.
func (c *fastClock) sleptAtLeast(d time.Duration) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, s := range c.slept {
		if s >= d {
			n++
		}
	}
	return n
}

type env struct {
	sb    *demo.Running
	st    *store.Store
	api   *qiwiapi.Client
	agent *topup.Client
	clock *fastClock
}

func startDemo(t testing.TB) *demo.Running {
	t.Helper()
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 3, End: testNow, Now: func() time.Time { return testNow },
		SettleDelay: time.Hour, HistoryPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

func openStore(t testing.TB, path string) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func walletClient(t testing.TB, url, token string, opts ...qiwiapi.Option) *qiwiapi.Client {
	t.Helper()
	noSleep := func(context.Context, time.Duration) error { return nil }
	opts = append([]qiwiapi.Option{qiwiapi.WithBaseURL(url), qiwiapi.WithRetry(qiwiapi.RetryPolicy{}), qiwiapi.WithSleep(noSleep),
		qiwiapi.WithGate(budget.New(budget.Options{PerMinute: 1 << 20, Concurrency: 64}))}, opts...)
	c, err := qiwiapi.NewClient(token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func agentClient(t testing.TB, sb *demo.Running, opts ...topup.Option) *topup.Client {
	t.Helper()
	noSleep := func(context.Context, time.Duration) error { return nil }
	opts = append([]topup.Option{topup.WithPassword(topup.NewPassword(sb.Creds.AgentPassword)), topup.WithBaseURL(sb.URL),
		topup.WithSleep(noSleep), topup.WithSandboxPolling(time.Millisecond)}, opts...)
	c, err := topup.NewClient(sb.Creds.AgentTerminal, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newEnv(t testing.TB) *env {
	t.Helper()
	sb := startDemo(t)
	clock := newFastClock(1000)
	return &env{sb: sb, st: openStore(t, filepath.Join(t.TempDir(), "qiwidash.db")),
		api: walletClient(t, sb.URL, sb.Creds.WalletToken, fastGate(clock)), agent: agentClient(t, sb), clock: clock}
}

// fastGate is a wallet scheduler without a practical rate limit, on the
// tests' fast clock: a 423 pauses the wallet for five minutes of that clock.
func fastGate(c *fastClock) qiwiapi.Option {
	return qiwiapi.WithGate(budget.New(budget.Options{PerMinute: 1 << 20, Concurrency: 64, Clock: c}))
}

func (e *env) wallet(t testing.TB) *Wallet {
	t.Helper()
	w, err := NewWallet(context.Background(), e.st, e.api, WalletOptions{Profile: "default", Wallet: e.sb.Creds.Wallet, Clock: e.clock,
		PollEvery: time.Second, RetryEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

func (e *env) topups(t testing.TB) *Topups {
	t.Helper()
	tp, err := NewTopups(e.st, e.agent, TopupOptions{Profile: "default", Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tp.Close)
	return tp
}

// awaitState waits (at most 20 s, a hang guard) until entry e is in one
// of states; it fails the test otherwise.
func awaitState(t testing.TB, aw func(context.Context, store.Entry) (store.Entry, error), e store.Entry, states ...store.State) store.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		for _, s := range states {
			if e.State == s {
				return e
			}
		}
		next, err := aw(ctx, e)
		if err != nil {
			t.Fatalf("entry %s never reached %v: %s (%s): %v", e.ClientID, states, e.State, e.LastError, err)
		}
		if !moved(e, next) {
			t.Fatalf("entry %s stopped at %s (%s), want %v", e.ClientID, next.State, next.LastError, states)
		}
		e = next
	}
}

func transfer(to string, minor int64) qiwiapi.Payment {
	return qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, Sum: qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB},
		Fields: map[string]string{"account": "+" + to}}
}
