//go:build unix

package agent

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	sbagent "qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	smoves "qiwidash/store/moves"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// The child process of TestKill9BetweenJournalAndSend reads its role and
// everything it needs from these variables.
const (
	kill9RoleEnv     = "QIWIDASH_AGENT_KILL9_CHILD" // "journaled" or "sent"
	kill9DBEnv       = "QIWIDASH_AGENT_KILL9_DB"
	kill9URLEnv      = "QIWIDASH_AGENT_KILL9_URL"
	kill9TerminalEnv = "QIWIDASH_AGENT_KILL9_TERMINAL"
	kill9PasswordEnv = "QIWIDASH_AGENT_KILL9_PASSWORD"
)

// kill9 ends the process the hard way: no deferred calls, no flushing, as
// when the machine loses power or the OOM killer strikes.
func kill9() {
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// killBeforeSending SIGKILLs the process at the first request once armed
// (after the confirmation): journaled, nothing sent.
type killBeforeSending struct{ armed *atomic.Bool }

func (k killBeforeSending) RoundTrip(r *http.Request) (*http.Response, error) {
	if k.armed.Load() {
		kill9()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// killAfterPay passes every request on; once a pay request has been written
// and its answer has arrived, it SIGKILLs the process before the answer is
// read, so the payment is made but the app never learns it.
type killAfterPay struct{}

func (killAfterPay) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	out := r.Clone(r.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err == nil && isPayRequest(body) {
		kill9()
	}
	return resp, err
}

// isPayRequest tells a pay request (request-type pay with an auth list)
// from a status request (request-type pay with a status list) and the rest.
func isPayRequest(body []byte) bool {
	var req struct {
		Type string    `xml:"request-type"`
		Auth *struct{} `xml:"auth"`
	}
	return xml.Unmarshal(body, &req) == nil && req.Type == "pay" && req.Auth != nil
}

// TestKill9Child is the child role of TestKill9BetweenJournalAndSend; it
// does nothing in a normal run.
func TestKill9Child(t *testing.T) {
	role := os.Getenv(kill9RoleEnv)
	if role == "" {
		t.Skip("child process role for TestKill9BetweenJournalAndSend")
	}
	st := openStore(t, os.Getenv(kill9DBEnv))
	hc := &http.Client{Timeout: 30 * time.Second}
	armed := &atomic.Bool{}
	switch role {
	case "sent":
		hc.Transport = killAfterPay{}
	case "journaled":
		hc.Transport = killBeforeSending{armed: armed}
	}
	now := func() time.Time { return uitest.Now }
	client, err := topup.NewClient(os.Getenv(kill9TerminalEnv), topup.WithPassword(topup.NewPassword(os.Getenv(kill9PasswordEnv))),
		topup.WithBaseURL(os.Getenv(kill9URLEnv)), topup.WithClock(now), topup.WithSandboxPolling(time.Millisecond), topup.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	topups, err := smoves.NewTopups(st, client, smoves.TopupOptions{Clock: uitest.Clock{}})
	if err != nil {
		t.Fatal(err)
	}
	c := &common.Common{Agent: client, Topups: topups, Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(nil), Settings: &common.Settings{}, Now: now}
	deps := Deps{}
	form := NewTopup(c, deps)
	list := NewTopups(c, deps)
	sh := newShell(t, form, list)
	sh.run(100, nil)
	// The Top-up screen checks the wallet, shows the confirmation with the
	// number it drew, and its yes command journals the top-up.
	fill(sh, "+"+sbagent.WalletOK, "100.50", "")
	sh.Press("enter")
	sh.Press("enter")
	if role == "journaled" {
		if len(sh.Confirms) != 1 {
			t.Fatalf("confirmations = %d, want 1; toasts: %s", len(sh.Confirms), sh.toastTexts())
		}
		// Yes hands the top-up to the engine, which journals it; the
		// process dies at its first request, before anything leaves.
		armed.Store(true)
		if msg, ok := sh.Confirms[0].Yes().(TopupQueuedMsg); !ok {
			t.Fatalf("the top-up was not journaled: %#v", msg)
		}
		select {}
	}
	sh.yes()
	// The engine checks the deposit and sends the pay; the transport kills
	// the process once the pay's answer is there.
	sh.run(5000, nil)
	t.Fatalf("the child survived its top-up: %+v", list.Entries())
}

// A top-up whose process is killed (SIGKILL, no clean-up) right after it was
// journaled, or right after its pay went out but before the answer was
// read, is finished by the next run over the same store file: paid exactly
// once, under the number journaled first.
func TestKill9BetweenJournalAndSend(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes that SIGKILL themselves")
	}
	for _, tc := range []struct {
		role     string
		paid     int              // payments in the sandbox when the child dies
		inFlight topup.ActionKind // what the journal says was in flight
		phase    topup.Phase      // the journaled phase at the crash
		next     topup.ActionKind // the journaled next action at the crash
	}{
		{role: "journaled", paid: 0, inFlight: topup.ActCheckDeposit, phase: topup.PhaseChecking, next: topup.ActCheckDeposit},
		{role: "sent", paid: 1, inFlight: topup.ActPay, phase: topup.PhaseSending, next: topup.ActPay},
	} {
		t.Run(tc.role, func(t *testing.T) {
			ctx := context.Background()
			env := uitest.New(t)
			terminal := env.Demo.Creds.AgentTerminal
			db := filepath.Join(t.TempDir(), "qiwidash.db")

			cmd := exec.Command(os.Args[0], "-test.run=^TestKill9Child$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), kill9RoleEnv+"="+tc.role, kill9DBEnv+"="+db, kill9URLEnv+"="+env.Demo.URL,
				kill9TerminalEnv+"="+terminal, kill9PasswordEnv+"="+env.Demo.Creds.AgentPassword)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("child did not die: %v\n%s", err, out)
			}
			if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
			}
			if n := requestsOf(env, "pay"); n != tc.paid {
				t.Fatalf("pay requests before the restart = %d, want %d", n, tc.paid)
			}
			if n := env.Demo.Agent.PaymentCount(); n != tc.paid {
				t.Fatalf("PaymentCount before the restart = %d, want %d", n, tc.paid)
			}

			st := openStore(t, db)
			defer st.Close()
			j, err := smoves.NewTopups(st, env.Common.Agent, smoves.TopupOptions{Clock: uitest.Clock{}})
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			crashed, err := j.List(ctx)
			if err != nil || len(crashed) != 1 {
				t.Fatalf("journal after the crash: %+v, %v; want one entry", crashed, err)
			}
			e := crashed[0]
			p, err := smoves.TopupOf(e)
			if err != nil {
				t.Fatal(err)
			}
			if p.State.Phase != tc.phase || p.State.Next.Kind != tc.next || p.InFlight != tc.inFlight || p.State.Sent {
				t.Fatalf("journaled entry at the crash: %+v", p)
			}
			// The attempt is journaled before its request leaves.
			if tc.role == "journaled" && (e.Attempts != 1 || !e.CreatedAt.Equal(uitest.Now) || !e.UpdatedAt.Equal(uitest.Now)) {
				t.Fatalf("the entry is not as the engine journals it before sending: %+v", e)
			}

			// The next run: the engine resumes what the crash left open.
			env.Common.Topups = j
			if _, err := j.Resume(ctx); err != nil {
				t.Fatal(err)
			}
			list := NewTopups(env.Common, Deps{})
			sh := newShell(t, list)
			settleOnce(t, env, sh, list)
			if pays := paysOf(t, env, topup.TxnNumber(e.ClientID)); pays != 1 {
				t.Errorf("pay requests = %d, want 1", pays)
			}
			if tc.role == "sent" && requestsOf(env, "status") == 0 {
				t.Error("the pay in flight at the crash was not asked by status")
			}
			after, err := j.List(ctx)
			if err != nil || len(after) != 1 {
				t.Fatalf("journal after the restart: %+v, %v; want one entry", after, err)
			}
			got, err := smoves.TopupOf(after[0])
			if err != nil || after[0].ID != e.ID || got.State.Topup != p.State.Topup || got.State.Phase != topup.PhaseSucceeded || got.InFlight != topup.ActNone ||
				after[0].State != store.StateSucceeded {
				t.Errorf("journaled entry after the restart = %+v, want success under %s", got, e.ClientID)
			}
		})
	}
}
