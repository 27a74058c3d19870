//go:build unix

package moves

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/store"
)

const crashChildEnv = "QIWIDASH_MOVES_CRASH_CHILD"

// killTransport SIGKILLs the process before or after the request reaches the server.
type killTransport struct{ after bool }

func (k killTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !k.after {
		kill9()
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		// The server has executed the payment; the answer is never read.
		kill9()
	}
	return resp, err
}

// kill9 ends the process the hard way: no deferred calls, no flushing.
func kill9() {
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

func crashPayment(to string) qiwiapi.Payment {
	p := transfer(to, 2500)
	p.ID, p.Comment = "1717171717000", "crash test"
	return p
}

// TestCrashChild is the child role of TestCrashSafety; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	role := os.Getenv(crashChildEnv)
	if role == "" {
		t.Skip("child process role for TestCrashSafety")
	}
	ctx := context.Background()
	st := openStore(t, os.Getenv("QD_DB"))
	p := crashPayment(os.Getenv("QD_RECIPIENT"))
	if role == "journaled" {
		// Killed between journaling and sending.
		if _, err := st.Journal().Begin(ctx, store.Intent{Kind: store.KindWalletPayment, ClientID: p.ID, Account: os.Getenv("QD_WALLET"),
			Recipient: p.Fields["account"], Amount: p.Sum, ProviderID: p.Provider, Request: EncodePayment(p)}); err != nil {
			t.Fatal(err)
		}
		kill9()
	}
	cl := walletClient(t, os.Getenv("QD_URL"), os.Getenv("QD_TOKEN"), qiwiapi.WithHTTPClient(&http.Client{Transport: killTransport{after: role == "after"}}))
	w, err := NewWallet(ctx, st, cl, WalletOptions{Wallet: os.Getenv("QD_WALLET")})
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.Pay(ctx, p, p.Fields["account"])
	if err != nil {
		t.Fatal(err)
	}
	awaitState(t, w.Await, e, store.StateAccepted, store.StateFailed)
	t.Fatal("the child survived its payment")
}

// A payment whose process is SIGKILLed after journaling, before sending, or
// after QIWI executed it but before the answer was read is finished by the
// engine's Resume over the same store file: paid exactly once.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	for _, role := range []string{"journaled", "before", "after"} {
		t.Run(role, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			srv, wallet := e.sb.Wallet, e.sb.Creds.Wallet
			before := srv.PaymentCount(wallet)
			db := filepath.Join(t.TempDir(), "qiwidash.db")

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+role, "QD_DB="+db, "QD_URL="+e.sb.URL, "QD_TOKEN="+e.sb.Creds.WalletToken,
				"QD_WALLET="+wallet, "QD_RECIPIENT="+srv.OtherWallets()[0])
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
			}
			wantBefore := before
			if role == "after" {
				wantBefore = before + 1
			}
			if got := srv.PaymentCount(wallet); got != wantBefore {
				t.Fatalf("after the crash the sandbox has %d payments, want %d", got, wantBefore)
			}

			st := openStore(t, db)
			j := st.Journal()
			open, _ := j.Recent(ctx, store.RecentOptions{Open: true})
			if len(open) != 1 {
				t.Fatalf("%d open entries after the crash, want 1", len(open))
			}
			for range 2 { // resuming twice must not pay twice
				w, err := NewWallet(ctx, st, e.api, WalletOptions{Wallet: wallet, Clock: e.clock, PollEvery: time.Second, RetryEvery: time.Second})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Resume(ctx); err != nil {
					t.Fatal(err)
				}
				awaitState(t, w.Await, open[0], store.StateAccepted)
				w.Close()
			}
			if got := srv.PaymentCount(wallet) - before; got != 1 {
				t.Errorf("%d payments in the sandbox after resume, want exactly 1", got)
			}
			en, err := j.Find(ctx, store.KindWalletPayment, crashPayment("").ID)
			if err != nil {
				t.Fatal(err)
			}
			if en.State != store.StateAccepted || en.RemoteID == "" {
				t.Errorf("entry after resume: state %s, remote id %q", en.State, en.RemoteID)
			}
			srv.SettleNow()
			w, err := NewWallet(ctx, st, e.api, WalletOptions{Wallet: wallet, Clock: e.clock, PollEvery: time.Second, RetryEvery: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := w.Resume(ctx); err != nil {
				t.Fatal(err)
			}
			en2 := awaitState(t, w.Await, *en, store.StateSucceeded)
			if en2.State != store.StateSucceeded {
				t.Errorf("after settle: %s (%s), want succeeded", en2.State, en2.LastError)
			}
			if got := srv.PaymentCount(wallet) - before; got != 1 {
				t.Errorf("%d payments in the sandbox at the end, want exactly 1", got)
			}
		})
	}
}
