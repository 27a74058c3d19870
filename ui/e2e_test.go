package ui_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"
	"github.com/zalando/go-keyring"

	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/ui"
	"qiwidash/ui/uitest"
	"qiwidash/views/history"
	"qiwidash/views/payments"
)

// TestEndToEnd drives the real program as a user would: history paged by
// scrolling (the sandbox must see the cursor request), a transaction's
// details, then a wallet transfer through its confirmation until SUCCESS.
func TestEndToEnd(t *testing.T) {
	env := uitest.New(t)
	c := env.Common
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Nothing is read in the background, so that the cursor request below is the scroll's.
	hist := reader.New(reader.Options{Store: st, API: c.API.History, Wallet: c.Wallet, Now: c.Now, NoFill: true})
	t.Cleanup(hist.Close)
	root := ui.New(c, []ui.Screen{
		{Mode: "Wallet", Title: "History", View: history.New(c, hist)},
		{Mode: "Wallet", Title: "Payments", View: payments.New(c)},
	}, ui.Options{})
	tm := teatest.NewTestModel(t, root, teatest.WithInitialTermSize(120, 40))
	var out bytes.Buffer
	// wait polls until ok; the output seen so far is then dropped, so each
	// marker must appear in frames drawn after the previous step.
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
		out.Reset()
	}
	seen := func(marker string) func() bool {
		return func() bool {
			buf := make([]byte, 64<<10)
			n, _ := tm.Output().Read(buf)
			out.Write(buf[:n])
			return strings.Contains(out.String(), marker)
		}
	}
	keys := func(ks ...string) {
		for _, k := range ks {
			tm.Send(uitest.Key(k))
		}
	}
	cursorRequests := func() int {
		n := 0
		for _, r := range env.Sandbox.Server.Requests() {
			if strings.HasSuffix(r.Path, "/payments") && r.Query.Get("nextTxnId") != "" {
				n++
			}
		}
		return n
	}

	wait("the first history page", seen("row 1 of 50"))
	if cursorRequests() != 0 {
		for _, r := range env.Sandbox.Server.Requests() {
			t.Log(r.Path, r.RawQuery)
		}
		t.Fatal("a cursor request before scrolling")
	}
	keys("G") // to the bottom: the next page is fetched as the end nears
	wait("the second-page request", func() bool { return cursorRequests() >= 1 })
	wait("the second page on screen", seen("of 100"))

	keys("enter")
	wait("the detail pane", seen("Transaction id"))
	keys("esc")

	keys("tab") // Payments
	wait("the payments menu", seen("Wallet transfer"))
	keys("enter")
	wait("the transfer form", seen("Recipient wallet"))
	tm.Type("+79161112233")
	keys("tab")
	tm.Type("100")
	keys("tab")
	tm.Type("e2e")
	keys("enter")
	wait("the confirmation", seen("Send this payment?"))
	keys("y")
	wait("the payment in the sandbox", func() bool { return env.Sandbox.Server.PaymentCount(c.Wallet) == 1 })
	env.Sandbox.Server.SettleNow()
	wait("WAITING -> SUCCESS in the recent payments", seen("✓ SUCCESS"))
	if n := env.Sandbox.Server.PaymentCount(c.Wallet); n != 1 {
		t.Fatalf("%d payments, want exactly 1", n)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
