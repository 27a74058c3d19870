//go:build unix

package moves

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
)

// The soak: randomized faults of the embedded sandboxes over wallet
// payments, invoice pays and agent top-ups through the engine, a child
// process SIGKILLed at a random request, then the engine's Resume in this
// process. Every intent the child journaled must reach a known final state
// (else it is lost) and be executed at most once at the sandbox (else it is
// duplicated). SOAK_RUNS sets the number of runs (default 6).

const soakChildEnv = "QIWIDASH_MOVES_SOAK_CHILD"

// soakIntent is one money move the child is asked to make.
type soakIntent struct {
	Kind    string // "pay", "invoice" or "topup"
	Minor   int64
	To      string
	Invoice int64
	Number  string
}

// soakPlan is what the child needs.
type soakPlan struct {
	DB, URL, Token, Wallet, AgentPassword string
	Intents                               []soakIntent
	KillAt                                int64 // the request number at which the child dies
	KillAfter                             bool  // after the request was answered (else before it leaves)
}

// killAt SIGKILLs the process at the plan's request.
type killAt struct {
	n     *atomic.Int64
	at    int64
	after bool
}

func (k killAt) RoundTrip(r *http.Request) (*http.Response, error) {
	n := k.n.Add(1)
	if n == k.at && !k.after {
		kill9()
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if n == k.at {
		kill9()
	}
	return resp, err
}

// TestSoakChild is the child role of TestSoak; it does nothing in a normal run.
func TestSoakChild(t *testing.T) {
	raw := os.Getenv(soakChildEnv)
	if raw == "" {
		t.Skip("child process role for TestSoak")
	}
	var plan soakPlan
	if err := json.Unmarshal([]byte(raw), &plan); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st := openStore(t, plan.DB)
	hc := &http.Client{Transport: killAt{n: &atomic.Int64{}, at: plan.KillAt, after: plan.KillAfter}, Timeout: 10 * time.Second}
	clock := newFastClock(1000)
	api := walletClient(t, plan.URL, plan.Token, qiwiapi.WithHTTPClient(hc), fastGate(clock))
	w, err := NewWallet(ctx, st, api, WalletOptions{Wallet: plan.Wallet, Clock: clock, PollEvery: time.Second, RetryEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ag, err := topup.NewClient(sbagent.DemoTerminalID(), topup.WithPassword(topup.NewPassword(plan.AgentPassword)), topup.WithBaseURL(plan.URL),
		topup.WithSandboxPolling(time.Millisecond), topup.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	tp, err := NewTopups(st, ag, TopupOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	var started []store.Entry
	for _, in := range plan.Intents {
		var e store.Entry
		switch in.Kind {
		case "pay":
			e, err = w.Pay(ctx, transfer(in.To, in.Minor), "wallet +"+in.To)
		case "invoice":
			e, err = w.PayInvoice(ctx, qiwiapi.Invoice{ID: qiwiapi.FlexInt(in.Invoice), Sum: qiwiapi.Amount{Minor: in.Minor, Currency: qiwiapi.RUB}}, "shop")
		case "topup":
			e, err = tp.Start(ctx, topup.Topup{Number: topup.TxnNumber(in.Number), Account: in.To, Amount: qiwiapi.Amount{Minor: in.Minor, Currency: qiwiapi.RUB}, Funds: topup.Cash})
		}
		if err != nil {
			t.Fatal(err)
		}
		started = append(started, e)
	}
	// Let the sagas run until the kill comes (or they all end first).
	deadline := time.Now().Add(5 * time.Second)
	for _, e := range started {
		aw := w.Await
		if e.Kind == store.KindAgentTopup {
			aw = tp.Await
		}
		for e.Open() && e.State != store.StateHeld && time.Now().Before(deadline) {
			actx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			e, _ = aw(actx, e)
			cancel()
		}
	}
	os.Exit(0) // every saga ended before the kill: a run without a crash
}

func soakRuns() int {
	if n, err := strconv.Atoi(os.Getenv("SOAK_RUNS")); err == nil && n > 0 {
		return n
	}
	return 6
}

func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	runs := soakRuns()
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("SOAK_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("SOAK_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 9))
	moves, duplicated, lost, killed := 0, 0, 0, 0
	for run := range runs {
		m, d, l, k := soakRun(t, rng, run)
		moves, duplicated, lost = moves+m, duplicated+d, lost+l
		if k {
			killed++
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("%d runs, %d children killed mid-way", runs, killed)
	fmt.Printf("soak: %d moves, %d duplicated, %d lost\n", moves, duplicated, lost)
	if duplicated != 0 || lost != 0 {
		t.Fatalf("soak: %d duplicated, %d lost (SOAK_SEED=%d)", duplicated, lost, seed)
	}
}

// soakRun makes one run on a fresh sandbox and reports its moves, the
// duplicated and lost ones, and whether the child was killed.
func soakRun(t *testing.T, rng *rand.Rand, run int) (moves, duplicated, lost int, killed bool) {
	t.Helper()
	ctx := context.Background()
	e := newEnv(t)
	srv, ag := e.sb.Wallet, e.sb.Agent
	wallet := e.sb.Creds.Wallet
	beforePays, beforeTopups := srv.PaymentCount(wallet), ag.PaymentCount()

	// The plan: a few moves of every kind.
	plan := soakPlan{DB: filepath.Join(t.TempDir(), fmt.Sprintf("soak%d.db", run)), URL: e.sb.URL, Token: e.sb.Creds.WalletToken,
		Wallet: wallet, AgentPassword: e.sb.Creds.AgentPassword, KillAt: 1 + rng.Int64N(14), KillAfter: rng.IntN(2) == 0}
	invs, _, err := e.api.Invoices.Unpaid(ctx, qiwiapi.InvoiceOptions{Rows: 50})
	if err != nil {
		t.Fatal(err)
	}
	gen := topup.NewTxnGen(func() time.Time { return testNow }, topup.TxnNumber(strconv.Itoa(run*1000+1)), 0)
	others := srv.OtherWallets()
	for i := range 2 + rng.IntN(4) {
		switch k := rng.IntN(3); {
		case k == 0:
			plan.Intents = append(plan.Intents, soakIntent{Kind: "pay", Minor: 100 + rng.Int64N(5000), To: others[rng.IntN(len(others))]})
		case k == 1 && i < len(invs.Invoices) && invs.Invoices[i].Sum.Currency == qiwiapi.RUB:
			inv := invs.Invoices[i]
			plan.Intents = append(plan.Intents, soakIntent{Kind: "invoice", Invoice: int64(inv.ID), Minor: inv.Sum.Minor})
		default:
			plan.Intents = append(plan.Intents, soakIntent{Kind: "topup", Number: string(gen.Next()), To: sbagent.WalletOK, Minor: 100 + rng.Int64N(2000)})
		}
	}
	setFaults(rng, e)

	raw, _ := json.Marshal(plan)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSoakChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), soakChildEnv+"="+string(raw))
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		killed = true
	default:
		t.Fatalf("run %d: the child failed: %v\n%s", run, err, out)
	}

	// The next run: the engine resumes what the child left, under more faults.
	st := openStore(t, plan.DB)
	setFaults(rng, e)
	w, err := NewWallet(ctx, st, e.api, WalletOptions{Wallet: wallet, Clock: e.clock, PollEvery: time.Second, RetryEvery: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tp, err := NewTopups(st, e.agent, TopupOptions{Clock: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Close()
	wrep, err := w.Resume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	trep, err := tp.Resume(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if lost > 0 {
			t.Logf("run %d: resume %+v %+v, killed %v", run, wrep, trep, killed)
		}
	}()
	entries, err := st.Journal().Recent(ctx, store.RecentOptions{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard, not a measurement
	for i, en := range entries {
		aw := w.Await
		if en.Kind == store.KindAgentTopup {
			aw = tp.Await
		}
		for en.Open() && en.State != store.StateHeld && time.Now().Before(deadline) {
			srv.SettleNow()
			ag.SettleNow()
			actx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			en, _ = aw(actx, en)
			cancel()
		}
		entries[i] = en
	}
	for i, en := range entries { // as the journal has them now
		cur, err := st.Journal().Get(ctx, en.ID)
		if err != nil {
			t.Fatal(err)
		}
		entries[i] = *cur
	}

	// Judge every journaled intent against the sandboxes.
	srv.SetFaults(sandbox.Faults{})
	ag.SetFaults(sbagent.Faults{})
	history, _, err := e.api.History.List(ctx, wallet, qiwiapi.HistoryOptions{Rows: 50, Operation: qiwiapi.OperationOut})
	if err != nil {
		t.Fatal(err)
	}
	executed := map[string]int{}
	for _, tx := range history.Transactions {
		executed[string(tx.TrmTxnID)]++
	}
	registered := 0
	for _, en := range entries {
		moves++
		_, known := ag.PaymentStatus(en.ClientID)
		if en.Kind == store.KindAgentTopup && known && en.Open() {
			registered++
		}
		if en.Open() {
			lost++
			detail := fmt.Sprintf(" id %d, running %v/%v", en.ID, w.running(en.ID), tp.running(en.ID))
			if p, err := TopupOf(en); err == nil {
				detail += fmt.Sprintf("; next %s at %s (now %s), phase %s", p.State.Next.Kind, p.State.Next.At.Format(time.TimeOnly), e.clock.Now().Format(time.TimeOnly), p.State.Phase)
			}
			t.Errorf("run %d: %s %s never reached a final state: %s (%s)%s", run, en.Kind, en.ClientID, en.State, en.LastError, detail)
			continue
		}
		var n int
		switch en.Kind {
		case store.KindWalletPayment:
			n = executed[en.ClientID]
		case store.KindInvoicePay:
			var req invoiceRequest
			_ = json.Unmarshal(en.Request, &req)
			n = executed[strconv.FormatInt(req.ID, 10)]
		case store.KindAgentTopup:
			if status, ok := ag.PaymentStatus(en.ClientID); ok {
				n = 1
				registered++
				if en.State == store.StateSucceeded && status != 60 {
					lost++
					t.Errorf("run %d: top-up %s succeeded in the journal, status %d at QIWI", run, en.ClientID, status)
				}
			}
		}
		switch {
		case n > 1:
			duplicated++
			t.Errorf("run %d: %s %s executed %d times", run, en.Kind, en.ClientID, n)
		case en.State == store.StateSucceeded && n == 0:
			lost++
			t.Errorf("run %d: %s %s succeeded in the journal but never ran at the sandbox", run, en.Kind, en.ClientID)
		case en.State == store.StateFailed && n == 1 && en.Kind != store.KindAgentTopup:
			lost++
			t.Errorf("run %d: %s %s failed in the journal but ran at the sandbox (%s)", run, en.Kind, en.ClientID, en.LastError)
		}
	}
	// Nothing ran that the journal does not know of.
	pays := 0
	for _, en := range entries {
		if en.Kind == store.KindWalletPayment {
			pays += executed[en.ClientID]
		}
	}
	if extra := srv.PaymentCount(wallet) - beforePays - pays; extra != 0 {
		duplicated += max(extra, 0)
		t.Errorf("run %d: %d sinap payments at the sandbox the journal does not account for", run, extra)
	}
	if extra := ag.PaymentCount() - beforeTopups - registered; extra > 0 {
		duplicated += extra
		t.Errorf("run %d: %d top-ups at the sandbox the journal does not account for", run, extra)
	}
	return moves, duplicated, lost, killed
}

// setFaults arms a random, finite set of faults in both sandboxes.
func setFaults(rng *rand.Rand, e *env) {
	e.sb.Wallet.SetFaults(sandbox.Faults{
		ErrorRate:      []float64{0, 0, 0.1, 0.25}[rng.IntN(4)],
		Burst423:       rng.IntN(3),
		TruncateJSON:   rng.IntN(2),
		InvalidJSON:    rng.IntN(2),
		EmptyBody:      rng.IntN(2),
		CommitThenDrop: rng.IntN(3),
	})
	f := sbagent.Faults{Count: 1 + rng.IntN(3)}
	switch rng.IntN(8) {
	case 0:
		f.Drop = true
	case 1:
		f.DropAfterCommit = true
	case 2:
		f.HTTPStatus = 500
	case 3:
		f.BrokenXML = true
	case 4:
		f.Only, f.EmptyTxnID = "pay", true
	case 5:
		f.Busy = true
	case 6:
		f.Unknown = true
	default:
		f = sbagent.Faults{}
	}
	e.sb.Agent.SetFaults(f)
}
