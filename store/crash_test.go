//go:build unix

package store

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"qiwidash/qiwiapi"
)

const childEnv = "QIWIDASH_STORE_CRASH_CHILD"

// killTransport SIGKILLs the process before or after the request reaches the server.
type killTransport struct{ after bool }

func (k killTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !k.after {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		// The server has executed the payment; the answer is never read.
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	return resp, err
}

// TestCrashChild is the child role of TestCrashSafety; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	role := os.Getenv(childEnv)
	if role == "" {
		t.Skip("child process role for TestCrashSafety")
	}
	st, err := Open(os.Getenv("QD_DB"), Options{Keyring: failingKeyring{}})
	if err != nil {
		t.Fatal(err)
	}
	p := crashPayment(os.Getenv("QD_RECIPIENT"))
	j := st.Journal()
	if role == "journaled" {
		// Killed between journaling and sending.
		if _, err := j.Begin(context.Background(), Intent{Kind: KindWalletPayment, ClientID: p.ID, Account: os.Getenv("QD_WALLET"),
			Recipient: p.Fields["account"], Amount: p.Sum, ProviderID: p.Provider, Request: encodePayment(p)}); err != nil {
			t.Fatal(err)
		}
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	cl, err := qiwiapi.NewClient(os.Getenv("QD_TOKEN"), qiwiapi.WithBaseURL(os.Getenv("QD_URL")),
		qiwiapi.WithRetry(qiwiapi.RetryPolicy{}),
		qiwiapi.WithHTTPClient(&http.Client{Transport: killTransport{after: role == "after"}}))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = j.Pay(context.Background(), cl.Payments, "default", os.Getenv("QD_WALLET"), p)
	t.Fatalf("the child survived its payment: %v", err)
}

func crashPayment(to string) qiwiapi.Payment {
	return qiwiapi.Payment{Provider: qiwiapi.ProviderWalletTransfer, ID: "1717171717000",
		Sum: qiwiapi.Amount{Minor: 2500, Currency: qiwiapi.RUB}, Comment: "crash test", Fields: map[string]string{"account": "+" + to}}
}

type failingKeyring struct{}

func (failingKeyring) Get(string, string) (string, error) {
	return "", errors.New("no keyring in the child")
}
func (failingKeyring) Set(string, string, string) error { return errors.New("no keyring in the child") }
func (failingKeyring) Delete(string, string) error      { return errors.New("no keyring in the child") }

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	for _, role := range []string{"journaled", "before", "after"} {
		t.Run(role, func(t *testing.T) {
			ctx := context.Background()
			sb, _ := startSandbox(t, 200)
			srv := sb.Server
			wallet := srv.DemoWallet()
			before := srv.PaymentCount(wallet)
			db := filepath.Join(t.TempDir(), "qiwidash.db")

			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+role, "QD_DB="+db, "QD_URL="+sb.URL, "QD_TOKEN="+srv.DemoToken(),
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

			st, err := Open(db, Options{Keyring: failingKeyring{}})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			j := st.Journal()
			open, _ := j.Recent(ctx, RecentOptions{Open: true})
			if len(open) != 1 {
				t.Fatalf("%d open entries after the crash, want 1", len(open))
			}
			cl := newClient(t, sb.URL, srv.DemoToken())
			res := Resenders{KindWalletPayment: WalletResender{Payments: cl.Payments, History: cl.History}}
			for range 2 { // resuming twice must not pay twice
				if _, err := j.Resume(ctx, res); err != nil {
					t.Fatal(err)
				}
			}
			if got := srv.PaymentCount(wallet) - before; got != 1 {
				t.Errorf("%d payments in the sandbox after resume, want exactly 1", got)
			}
			e, err := j.Find(ctx, KindWalletPayment, crashPayment("").ID)
			if err != nil {
				t.Fatal(err)
			}
			if e.State != StateAccepted || e.RemoteID == "" {
				t.Errorf("entry after resume: state %s, remote id %q", e.State, e.RemoteID)
			}
			srv.SettleNow()
			if _, err := j.Resume(ctx, res); err != nil {
				t.Fatal(err)
			}
			e, _ = j.Find(ctx, KindWalletPayment, crashPayment("").ID)
			if e.State != StateFinal || e.Outcome != OutcomeSuccess {
				t.Errorf("after settle: %s/%s (%s), want final/success", e.State, e.Outcome, e.LastError)
			}
			if got := srv.PaymentCount(wallet) - before; got != 1 {
				t.Errorf("%d payments in the sandbox at the end, want exactly 1", got)
			}
		})
	}
}
