package agent

import (
	"context"
	"qiwidash/ui/common"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	smoves "qiwidash/store/moves"
	"qiwidash/ui/uitest"
)

// setup makes the Top-up and Top-ups screens over one journal, with the
// Top-up screen in front.
func setup(t *testing.T) (*uitest.Env, *shell, *TopupModel, *TopupsModel, *journal) {
	t.Helper()
	env := uitest.New(t)
	deps := Deps{Samples: NewMemorySamples()}
	form := NewTopup(env.Common, deps)
	list := NewTopups(env.Common, deps)
	sh := newShell(t, form, list)
	sh.run(100, nil)
	return env, sh, form, list, &journal{t: t, st: env.Store}
}

// fill opens the form and types a phone and an amount; currency and funds
// keep their defaults (RUB, cash) unless funds is "non-cash".
func fill(sh *shell, phone, amount, funds string) {
	sh.Press("enter") // edit
	sh.Type(phone)
	sh.Press("tab")
	sh.Type(amount)
	if funds == "non-cash" {
		sh.Press("tab", "tab", "right")
	}
}

func TestFormRefusesBadPhoneAndThreeDecimals(t *testing.T) {
	env, sh, form, _, _ := setup(t)
	fill(sh, "+7900abc", "10.005", "")
	view := form.View()
	for _, want := range []string{"Only digits after an optional +", "At most 2 digits after the point for RUB"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	sh.Press("enter")
	if form.check != nil || len(env.Demo.Agent.Requests()) != 0 {
		t.Fatalf("a bad form was sent to QIWI: %d requests", len(env.Demo.Agent.Requests()))
	}
	if !form.InputFocused() || form.form.FocusKey() != "phone" {
		t.Errorf("enter on a bad form should focus the phone, focus=%s", form.form.FocusKey())
	}

	cases := map[string]string{
		"89001112233":       "write +7 instead of the leading 8",
		"+0123456789":       "not 0",
		"+7900":             "Too short: 4 digits",
		"+7900111223344556": "Too long: 16 digits",
	}
	for in, want := range cases {
		if got := phoneProblem(nil, in); !strings.Contains(got, want) {
			t.Errorf("phoneProblem(%q) = %q, want %q", in, got, want)
		}
	}
	if got := phoneProblem(nil, "+79001112233"); got != "" {
		t.Errorf("a good phone is refused: %q", got)
	}
	// The amount is the one amount rule of every form (qiwiapi.ParseAmountInput).
	amount := form.form.Get("amount")
	for in, want := range map[string]string{"1.2.3": "Only one decimal point", "0": "more than zero", "1e2": "not 1e3", "1.230": "At most 2 digits"} {
		amount.SetValue(in)
		if form.form.Check(); !strings.Contains(amount.Problem, want) {
			t.Errorf("amount %q: %q, want %q", in, amount.Problem, want)
		}
	}
	for in, minor := range map[string]int64{"150.5": 15050, "1,50": 150, "1 500": 150000} {
		amount.SetValue(in)
		form.form.Check()
		if a, ok := amount.Amount(); !ok || a.Minor != minor {
			t.Errorf("amount %q = %v (%q)", in, a, amount.Problem)
		}
	}
}

func TestNoCashWalletRefusalShownNothingPaid(t *testing.T) {
	env, sh, form, _, _ := setup(t)
	fill(sh, "+"+agent.WalletNoCash, "100", "")
	sh.Press("enter")                                      // check
	view := strings.Join(strings.Fields(form.View()), " ") // the answer wraps at the screen's width
	for _, want := range []string{"wallet exists", "can take cash: no", "use non-cash", "identification level is too low"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if requestsOf(env, "check-user") != 1 || requestsOf(env, "check-deposit-possible") != 2 {
		t.Errorf("requests: %d check-user, %d check-deposit-possible", requestsOf(env, "check-user"), requestsOf(env, "check-deposit-possible"))
	}
	sh.Press("enter") // refused: no confirmation
	if len(sh.Confirms) != 0 {
		t.Fatal("a refused top-up asked for confirmation")
	}
	if n := env.Demo.Agent.PaymentCount(); n != 0 || requestsOf(env, "pay") != 0 {
		t.Fatalf("payments %d, pay requests %d; want none", n, requestsOf(env, "pay"))
	}
	// Switching to non-cash forgets the old answer and asks again.
	sh.Press("tab", "tab", "right")
	if form.check != nil {
		t.Fatal("the answer survived a change of funds")
	}
	sh.Press("enter")
	if v := form.View(); !strings.Contains(v, "can take non-cash: yes") {
		t.Errorf("non-cash answer missing:\n%s", v)
	}
}

func TestTopupThroughConfirmationPaysOnceAndSucceeds(t *testing.T) {
	env, sh, form, list, j := setup(t)
	fill(sh, "+"+agent.WalletOK, "100.50", "")
	sh.Press("enter")
	if v := form.View(); !strings.Contains(v, "wallet exists, can take cash: yes") {
		t.Fatalf("answer missing:\n%s", v)
	}
	sh.Press("enter")
	c := sh.yes()
	lines := strings.Join(c.Lines, "\n")
	for _, want := range []string{"Top up wallet +79001112233 with 100.50 ₽ (RUB)", "cash", "100.50 ₽ will be debited from the agent's RUB account (terminal 770001)", "Transaction number"} {
		if !strings.Contains(lines, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, lines)
		}
	}
	if env.Demo.Agent.PaymentCount() != 0 {
		t.Fatal("paid before the confirmation was answered")
	}
	sh.mustRun("pending", func() bool { return phaseOf(list) == topup.PhasePending })
	e := list.Entries()[0]
	// Journaled before sending, with the number shown in the confirmation.
	if !strings.Contains(lines, e.ClientID) {
		t.Errorf("confirmation shows another number than %s", e.ClientID)
	}
	if _, saved, ok := j.Get(topup.TxnNumber(e.ClientID)); !ok || saved.State.Phase != topup.PhasePending {
		t.Errorf("journal has %+v", saved)
	}
	env.Demo.Agent.SettleNow()
	sh.mustRun("success", func() bool { return phaseOf(list) == topup.PhaseSucceeded })
	sh.run(50, nil)
	if n := env.Demo.Agent.PaymentCount(); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
	if n := requestsOf(env, "pay"); n != 1 {
		t.Errorf("pay requests = %d, want 1", n)
	}
	if v := list.View(); !strings.Contains(v, "success") || strings.Contains(v, "return the money") {
		t.Errorf("Top-ups view:\n%s", v)
	}
	if !strings.Contains(sh.toastTexts(), "succeeded") {
		t.Errorf("toasts: %s", sh.toastTexts())
	}
	if form.form.Value("phone") != "" || form.queued != topup.TxnNumber(e.ClientID) {
		t.Error("the form was not reset after the hand-over")
	}
	// Enter opens the next top-up at the phone, not where the last one ended.
	sh.Press("enter")
	if !form.InputFocused() || form.form.FocusKey() != "phone" {
		t.Errorf("after a top-up, enter focuses %q", form.form.FocusKey())
	}
	sh.run(50, nil)
	if len(sh.Queue) != 0 {
		t.Errorf("a final top-up still has %d commands queued", len(sh.Queue))
	}
}

func TestDroppedPayAnswerIsUnknownThenPaidOnce(t *testing.T) {
	env, sh, form, list, _ := setup(t)
	env.Demo.Agent.SetFaults(agent.Faults{Only: "pay", Count: 1, DropAfterCommit: true})
	fill(sh, "+"+agent.WalletOK, "200", "")
	sh.Press("enter", "enter")
	sh.yes()
	sh.mustRun("unknown", func() bool { return phaseOf(list) == topup.PhaseUnknown })
	v := list.View()
	if !strings.Contains(v, "unknown — still asking") || strings.Contains(v, "failed") || strings.Contains(v, "return the money") {
		t.Fatalf("an unknown outcome is shown as:\n%s", v)
	}
	if !strings.Contains(v, "do not refund") {
		t.Errorf("no advice for the unknown outcome:\n%s", v)
	}
	settleOnce(t, env, sh, list)
	if n := requestsOf(env, "pay"); n != 1 {
		t.Errorf("pay requests = %d, want 1 (the unknown outcome is asked by status)", n)
	}
	_ = form
}

func TestJournaledButUnsentIsResumedOnInitAndPaidOnce(t *testing.T) {
	env := uitest.New(t)
	j := &journal{t: t, st: env.Store}
	number := topup.NewTxnGen(env.Common.Now, "", 0).Next()
	j.seed(topup.Topup{Number: number, Account: agent.WalletOK, Amount: qiwiapi.Amount{Minor: 5000, Currency: qiwiapi.RUB}, Funds: topup.NonCash}, nil)
	resume(t, env) // what the app does at start
	list := NewTopups(env.Common, Deps{})
	sh := newShell(t, list)
	settleOnce(t, env, sh, list)
	if pays := paysOf(t, env, number); pays != 1 {
		t.Errorf("pay requests = %d, want 1", pays)
	}
	e, saved, _ := j.Get(number)
	if saved.State.Phase != topup.PhaseSucceeded || saved.InFlight != topup.ActNone || e.Attempts != list.Entries()[0].Attempts {
		t.Errorf("journal: %+v", saved)
	}
}

func TestPayInFlightAtRestartIsAskedByStatus(t *testing.T) {
	env := uitest.New(t)
	j := &journal{t: t, st: env.Store}
	number := topup.NewTxnGen(env.Common.Now, "", 0).Next()
	tp := topup.Topup{Number: number, Account: agent.WalletOK, Amount: qiwiapi.Amount{Minor: 7000, Currency: qiwiapi.RUB}, Funds: topup.Cash}
	// The pay went out (and was made) but the app stopped before the answer
	// was journaled: the entry still says "pay in flight".
	if _, _, err := env.Common.Agent.Pay(context.Background(), tp); err != nil {
		t.Fatal(err)
	}
	j.seed(tp, func(p *smoves.TopupProgress) {
		p.State.Phase, p.State.Next = topup.PhaseSending, topup.Action{Kind: topup.ActPay, At: uitest.Now}
		p.InFlight = topup.ActPay
	})
	resume(t, env)
	list := NewTopups(env.Common, Deps{})
	sh := newShell(t, list)
	sh.mustRun("pending", func() bool { return phaseOf(list) == topup.PhasePending })
	if n := requestsOf(env, "pay"); n != 1 {
		t.Fatalf("pay requests = %d, want 1 (only the one before the restart)", n)
	}
	if requestsOf(env, "status") == 0 {
		t.Fatal("the in-flight pay was not asked by status")
	}
	env.Demo.Agent.SettleNow()
	sh.mustRun("success", func() bool { return phaseOf(list) == topup.PhaseSucceeded })
	if n := env.Demo.Agent.PaymentCount(); n != 1 {
		t.Fatalf("PaymentCount = %d, want 1", n)
	}
}

func TestAmountAboveMaximumFailsWithRefundAdvice(t *testing.T) {
	env, sh, _, list, _ := setup(t)
	fill(sh, "+"+agent.WalletOK, "60000.01", "non-cash")
	sh.Press("enter", "enter")
	sh.yes()
	sh.mustRun("failed", func() bool { return phaseOf(list) == topup.PhaseFailed })
	sh.run(50, nil)
	v := list.View()
	for _, want := range []string{"failed", "242 amount above the allowed", "return the money to the customer"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	if !strings.Contains(sh.toastTexts(), "return the money to the customer") {
		t.Errorf("toasts: %s", sh.toastTexts())
	}
	if n := requestsOf(env, "pay"); n != 1 {
		t.Errorf("pay requests = %d, want 1", n)
	}
}

func TestHeldUntilResumedThenPaidOnce(t *testing.T) {
	env, sh, _, list, j := setup(t)
	env.Demo.Agent.SetFaults(agent.Faults{Only: "pay", BlockIP: true})
	fill(sh, "+"+agent.WalletOK, "10", "")
	sh.Press("enter", "enter")
	sh.yes()
	sh.mustRun("held", func() bool { return phaseOf(list) == topup.PhaseHeld })
	sh.run(100, nil)
	if len(sh.Queue) != 0 || requestsOf(env, "pay") != 1 {
		t.Fatalf("a held top-up keeps asking: %d queued, %d pays", len(sh.Queue), requestsOf(env, "pay"))
	}
	v := list.View()
	for _, want := range []string{"HELD — needs you", "339 the sender IP address is blocked", "ask bss@qiwi.com to allow it", "press enter to resume"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
	// A restart keeps it held.
	_ = j
	resume(t, env)
	again := NewTopups(env.Common, Deps{})
	sh2 := newShell(t, again)
	sh2.run(100, nil)
	if phaseOf(again) != topup.PhaseHeld || requestsOf(env, "pay") != 1 {
		t.Fatalf("restart: phase %v, pays %d", phaseOf(again), requestsOf(env, "pay"))
	}
	// The person fixed it; enter resumes with the same number.
	env.Demo.Agent.SetFaults(agent.Faults{})
	sh.screens.active = 1
	sh.Press("enter")
	settleOnce(t, env, sh, list)
}

func TestLowBalanceToastsOncePerCrossing(t *testing.T) {
	env := uitest.New(t)
	rub := env.Demo.Agent.Balance(int(qiwiapi.RUB))
	deps := Deps{
		Samples: NewMemorySamples(),
		Thresholds: map[qiwiapi.Currency]qiwiapi.Amount{
			qiwiapi.RUB: {Minor: rub + 1, Currency: qiwiapi.RUB},
			qiwiapi.USD: {Minor: 100, Currency: qiwiapi.USD},
		},
	}
	m := NewBalance(env.Common, deps)
	sh := newShell(t, m)
	sh.run(20, nil)
	sh.Press("r")
	sh.Press("r")
	lows := func() int {
		n := 0
		for _, t := range sh.Toasts {
			if strings.Contains(t.Text, "LOW") {
				n++
			}
		}
		return n
	}
	if n := lows(); n != 1 {
		t.Fatalf("low-balance toasts = %d after 3 loads, want 1: %s", n, sh.toastTexts())
	}
	if !strings.Contains(sh.Toasts[0].Text, "RUB") || strings.Contains(sh.Toasts[0].Text, "USD") {
		t.Errorf("toast: %s", sh.Toasts[0].Text)
	}
	v := m.View()
	if !strings.Contains(v, "LOW: RUB") || strings.Count(v, "LOW") != 2 || !strings.Contains(v, "ok") {
		t.Errorf("view:\n%s", v)
	}
	if a, ok := m.headerAlert()().(common.HeaderAlertMsg); !ok || a.Text != "LOW agent balance: RUB" {
		t.Errorf("header alert: %+v", a)
	}
	if n := len([]rune(Sparkline(m.trend[qiwiapi.RUB], 30))); n != 3 {
		t.Errorf("trend has %d samples, want 3", n)
	}
	// Back above, then below again: a second crossing, a second toast.
	deps.Thresholds[qiwiapi.RUB] = qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}
	sh.Press("r")
	deps.Thresholds[qiwiapi.RUB] = qiwiapi.Amount{Minor: rub + 1, Currency: qiwiapi.RUB}
	sh.Press("r")
	if n := lows(); n != 2 {
		t.Fatalf("low-balance toasts = %d after a second crossing, want 2", n)
	}
}

func TestBalanceRefreshTimerIsNeverStacked(t *testing.T) {
	env := uitest.New(t)
	m := NewBalance(env.Common, Deps{Refresh: time.Hour})
	m.Init()
	old := m.tickGen
	m.Init()
	if _, cmd := m.Update(balanceTickMsg{gen: old}); cmd != nil {
		t.Fatal("a tick of an older timer chain did something")
	}
	if _, cmd := m.Update(balanceTickMsg{gen: m.tickGen}); cmd == nil {
		t.Fatal("the current tick did not load and re-arm")
	}
	if !strings.Contains(m.refreshText(), "refresh every 1h") {
		t.Errorf("refresh text %q", m.refreshText())
	}
	if got := (&BalanceModel{c: env.Common, deps: Deps{Refresh: 30 * time.Second}}).refreshText(); got != "refresh every 30s" {
		t.Errorf("refresh text %q", got)
	}
}

func TestSparkline(t *testing.T) {
	a := func(v ...int64) []qiwiapi.Amount {
		out := make([]qiwiapi.Amount, len(v))
		for i, x := range v {
			out[i] = qiwiapi.Amount{Minor: x, Currency: qiwiapi.RUB}
		}
		return out
	}
	for _, c := range []struct {
		in    []qiwiapi.Amount
		width int
		want  string
	}{
		{a(0, 1, 2, 3, 4, 5, 6, 7), 8, "▁▂▃▄▅▆▇█"},
		{a(5, 5, 5), 8, "▁▁▁"},
		{a(9, 0, 1, 2), 3, "▁▅█"},
		{nil, 8, ""},
		{a(100, 0), 8, "█▁"},
	} {
		if got := Sparkline(c.in, c.width); got != c.want {
			t.Errorf("Sparkline(%v, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

func TestTopupsOrderNumerically(t *testing.T) {
	env := uitest.New(t)
	j := &journal{t: t, st: env.Store}
	ctx := context.Background()
	for _, n := range []topup.TxnNumber{"99", "100", "7"} {
		j.seed(topup.Topup{Number: n, Account: agent.WalletOK, Amount: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}}, nil)
	}
	if _, err := env.Common.Topups.Start(ctx, topup.Topup{Number: "5x"}); err == nil {
		t.Error("a top-up with a bad number was journaled")
	}
	max, _ := env.Common.Topups.MaxNumber(ctx)
	list, _ := env.Common.Topups.List(ctx)
	if max != "100" || len(list) != 3 || list[0].ClientID != "100" || list[2].ClientID != "7" {
		t.Fatalf("max %s, list %+v", max, list)
	}
	// The generator seeded with the maximum only goes up.
	if next := topup.NewTxnGen(func() time.Time { return time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC) }, max, 0).Next(); !lessNumber(max, next) {
		t.Errorf("next number %s is not above %s", next, max)
	}
}

func TestNewNumberIsAboveTheJournalsLargest(t *testing.T) {
	env := uitest.New(t)
	j := &journal{t: t, st: env.Store}
	big := topup.TxnNumber("9900000000000000005")
	j.seed(topup.Topup{Number: big, Account: agent.WalletOK, Amount: qiwiapi.Amount{Minor: 100, Currency: qiwiapi.RUB}}, func(p *smoves.TopupProgress) {
		p.State.Phase, p.State.Next = topup.PhaseSucceeded, topup.Action{}
	})
	form := NewTopup(env.Common, Deps{})
	sh := newShell(t, form)
	sh.run(20, nil)
	fill(sh, "+"+agent.WalletOK, "1", "")
	sh.Press("enter", "enter")
	sh.yes()
	sh.run(5, nil)
	list, _ := env.Common.Topups.List(context.Background())
	if len(list) != 2 || !lessNumber(big, topup.TxnNumber(list[0].ClientID)) {
		t.Fatalf("new number %s is not above %s", list[0].ClientID, big)
	}
}

// A top-up above the agent's balance is refused by the check, with the
// balance named, and never reaches the confirmation; nothing is paid.
func TestTopupAboveTheAgentBalanceRefusedBeforeConfirm(t *testing.T) {
	env, sh, form, _, _ := setup(t)
	usd := qiwiapi.Amount{Minor: env.Demo.Agent.Balance(840), Currency: qiwiapi.USD}
	sh.Press("enter")
	sh.Type("+" + agent.WalletOK)
	sh.Press("tab")
	sh.Type("50 000")
	sh.Press("tab", "right") // USD
	sh.Press("enter")        // check
	v := form.View()
	if !strings.Contains(v, "✗ QIWI: wallet exists, can take cash: yes — Not enough on the agent's USD account") || !strings.Contains(v, usd.Format()) {
		t.Fatalf("no refusal naming the agent balance %s:\n%s", usd.Format(), v)
	}
	sh.Press("enter")
	if len(sh.Confirms) != 0 || env.Demo.Agent.PaymentCount() != 0 || requestsOf(env, "pay") != 0 {
		t.Fatalf("a top-up above the agent balance went on: %d confirmations", len(sh.Confirms))
	}
}

// TestTopupConfirmationRussian: the answer, the confirmation and the toast
// in Russian, amounts with the Russian decimal comma.
func TestTopupConfirmationRussian(t *testing.T) {
	env := uitest.New(t)
	env.Speak(i18n.RU)
	form := NewTopup(env.Common, Deps{})
	sh := newShell(t, form, NewTopups(env.Common, Deps{}))
	sh.run(100, nil)
	fill(sh, "+"+agent.WalletOK, "100.50", "")
	sh.Press("enter")
	if v := form.View(); !strings.Contains(v, "кошелёк есть, принимает наличные: да") {
		t.Fatalf("answer missing:\n%s", v)
	}
	sh.Press("enter")
	c := sh.yes()
	lines := strings.Join(c.Lines, "\n")
	for _, want := range []string{"Пополнить кошелёк +79001112233 на 100,50 ₽ (RUB), деньги клиента: наличные.",
		"100,50 ₽ спишется со счёта агента в RUB (терминал 770001)", "Номер транзакции"} {
		if !strings.Contains(lines, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, lines)
		}
	}
	if c.Title != "Отправить это пополнение?" {
		t.Errorf("title %q", c.Title)
	}
	sh.mustRun("journaled", func() bool { return strings.Contains(sh.toastTexts(), "записано в журнал") })
}
