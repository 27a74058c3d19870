package merchant

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/ui/uitest"
)

// harness turns window sizes into SetSize, as the shell does.
type harness struct{ m *Model }

func (h harness) Init() tea.Cmd { return h.m.Init() }
func (h harness) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		h.m.SetSize(ws.Width, ws.Height)
		return h, nil
	}
	_, cmd := h.m.Update(msg)
	return h, cmd
}
func (h harness) View() string { return h.m.View() }

// step sends input, then waits until the screen shows waitFor.
type step struct {
	send    func(*teatest.TestModel)
	waitFor string
}

func golden(t *testing.T, m *Model, steps ...step) {
	t.Helper()
	m.PollInterval = 0
	tm := teatest.NewTestModel(t, harness{m}, teatest.WithInitialTermSize(uitest.Width, uitest.Height))
	for _, s := range steps {
		if s.send != nil {
			s.send(tm)
		}
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), s.waitFor) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	teatest.RequireEqualOutput(t, []byte(fm.View()))
}

// loaded is the summary shown once every re-read has landed.
const loaded = "5 bills · 1 waiting · 1 paid"

// seedBills issues bills in the fixed sandbox and stores them as this
// screen would have: waiting, paid with a refund in flight, cancelled,
// failed, and one QIWI refused.
func seedBills(t *testing.T, env *uitest.Env) *MemoryBills {
	t.Helper()
	ctx := context.Background()
	api, sb, shop := env.Common.Merchant, env.Demo.Merchant, env.Demo.Creds.MerchantShopID
	store := NewMemoryBills()
	rub := func(s string, c qiwiapi.Currency) qiwiapi.Amount { a, _ := qiwiapi.ParseAmount(s, c); return a }
	mk := func(id, payer, amount string, ccy qiwiapi.Currency, comment string, age, life time.Duration) Bill {
		b := Bill{ID: id, Payer: payer, Amount: rub(amount, ccy), Comment: comment,
			Created: uitest.Now.Add(-age), Lifetime: uitest.Now.Add(life)}
		got, _, err := api.Bills.Create(ctx, id, &pull.CreateBill{User: b.Payer, Amount: b.Amount, Comment: b.Comment, Lifetime: b.Lifetime})
		if err != nil {
			t.Fatal(err)
		}
		b.Status = got.Status
		return b
	}
	waiting := mk("qd-1795000000001", "tel:+79161234567", "1500", qiwiapi.RUB, "Order 1042", time.Hour, 23*time.Hour+30*time.Minute)
	paid := mk("qd-1795000000002", "tel:+79031112233", "40", qiwiapi.EUR, "Consulting, 2 hours", 2*time.Hour, 3*24*time.Hour)
	if err := sb.PayBill(shop, paid.ID); err != nil {
		t.Fatal(err)
	}
	paid.Status, paid.ViaCallback, paid.Updated = pull.BillPaid, true, uitest.Now.Add(-time.Hour)
	r, _, err := api.Refunds.Create(ctx, paid.ID, "r1", rub("10", qiwiapi.EUR))
	if err != nil {
		t.Fatal(err)
	}
	paid.Refunds = []Refund{{ID: "r1", Amount: r.Amount, Status: pull.RefundProcessing, Created: uitest.Now}}
	cancelled := mk("qd-1795000000003", "tel:+79161234567", "990", qiwiapi.RUB, "Gift card", 3*time.Hour, 24*time.Hour)
	if _, _, err := api.Bills.Cancel(ctx, cancelled.ID); err != nil {
		t.Fatal(err)
	}
	cancelled.Status = pull.BillRejected
	failed := mk("qd-1795000000004", "tel:+79161234567", "120", qiwiapi.USD, "Delivery", 4*time.Hour, 24*time.Hour)
	if err := sb.FailBill(shop, failed.ID); err != nil {
		t.Fatal(err)
	}
	// Stored as waiting: the screen learns "payment failed" on its first read.
	refusedBill := Bill{ID: "qd-1795000000005", Payer: "tel:+79990000298", Amount: rub("5", qiwiapi.RUB), Comment: "Unknown payer",
		Created: uitest.Now.Add(-5 * time.Hour), Lifetime: uitest.Now.Add(24 * time.Hour), Refused: true,
		LastError: "QIWI: user (wallet) not registered (code 298)"}
	for _, b := range []Bill{waiting, paid, cancelled, failed, refusedBill} {
		if err := store.SaveBill(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

func TestGoldenBills(t *testing.T) {
	env := uitest.New(t)
	m := New(env.Common, Deps{Bills: seedBills(t, env)})
	golden(t, m, step{waitFor: loaded}, step{send: func(tm *teatest.TestModel) { tm.Send(uitest.Key("j")) }, waitFor: "Refund r1"})
}

func TestGoldenCreateForm(t *testing.T) {
	env := uitest.New(t)
	m := New(env.Common, Deps{Bills: NewMemoryBills()})
	golden(t, m, step{waitFor: "No bills yet"}, step{send: func(tm *teatest.TestModel) {
		tm.Send(uitest.Key("n"))
		tm.Type("+7916")
		tm.Send(uitest.Key("tab"))
		tm.Type("1.005")
	}, waitFor: "At most 2 digits"})
}

func TestGoldenRefundForm(t *testing.T) {
	env := uitest.New(t)
	m := New(env.Common, Deps{Bills: seedBills(t, env)})
	golden(t, m, step{waitFor: loaded}, step{send: func(tm *teatest.TestModel) {
		tm.Send(uitest.Key("j"))
		tm.Send(uitest.Key("f"))
		tm.Send(tea.KeyMsg{Type: tea.KeyCtrlU})
		tm.Type("35")
	}, waitFor: "At most 30.00 €"})
}
