package agent

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	smoves "qiwidash/store/moves"
	"qiwidash/ui/uitest"
)

func TestGoldenBalance(t *testing.T) {
	uitest.Golden(t, balanceScreen(uitest.New(t)), uitest.Step{WaitFor: "updated"})
}

// TestGoldenBalance80x24: currency, balance and threshold at the smallest size.
func TestGoldenBalance80x24(t *testing.T) {
	uitest.GoldenAt(t, 80, 24, balanceScreen(uitest.New(t)), uitest.Step{WaitFor: "updated"})
}

// TestGoldenLangsBalance: the balance, one currency low, in each language.
func TestGoldenLangsBalance(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return balanceScreen(env)
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: tr.T("agent.balance_trend_note", nil)}}
	})
}

// balanceScreen is the agent balance with a trend of samples and two thresholds.
func balanceScreen(env *uitest.Env) *BalanceModel {
	samples := NewMemorySamples()
	ctx := context.Background()
	rub := env.Demo.Agent.Balance(int(qiwiapi.RUB))
	for i, d := range []int64{9, 8, 8, 6, 7, 5, 4, 2, 1} {
		at := uitest.Now.Add(time.Duration(i-9) * time.Minute)
		samples.Add(ctx, qiwiapi.Amount{Minor: rub + d*50_000_00, Currency: qiwiapi.RUB}, at)
		samples.Add(ctx, qiwiapi.Amount{Minor: 10_000_00 + int64(i%3)*100_00, Currency: qiwiapi.USD}, at)
	}
	return NewBalance(env.Common, Deps{
		Samples: samples,
		Refresh: DefaultRefresh,
		Thresholds: map[qiwiapi.Currency]qiwiapi.Amount{
			qiwiapi.RUB: {Minor: 1_200_000_00, Currency: qiwiapi.RUB},
			qiwiapi.USD: {Minor: 1_000_00, Currency: qiwiapi.USD},
		},
	})
}

func TestGoldenTopupForm(t *testing.T) {
	uitest.GoldenSizes(t, func(t *testing.T) uitest.Sized { return NewTopup(uitest.New(t).Common, Deps{}) },
		uitest.Step{Send: uitest.Press("enter")}, uitest.Step{Send: uitest.Type("+" + agent.WalletNoCash)},
		uitest.Step{Send: uitest.Press("tab")}, uitest.Step{Send: uitest.Type("100.5")},
		uitest.Step{Send: uitest.Press("enter"), WaitFor: "identification level"})
}

// topupFormSteps fill the form for a wallet that takes no cash and ask
// QIWI: the answer says why, and what to take instead.
func topupFormSteps(tr *i18n.Tr) []uitest.Step {
	return []uitest.Step{{Send: uitest.Press("enter")}, {Send: uitest.Type("+" + agent.WalletNoCash)},
		{Send: uitest.Press("tab")}, {Send: uitest.Type("100.5")},
		{Send: uitest.Press("enter"), WaitFor: tr.T("agent.topup_answer_no", i18n.Args{"Answer": ""})}}
}

func topupForm(t *testing.T, lang i18n.Lang) uitest.Sized {
	env := uitest.New(t)
	env.Speak(lang)
	return NewTopup(env.Common, Deps{})
}

func TestGoldenLangsTopupForm(t *testing.T) {
	uitest.GoldenLangs(t, topupForm, topupFormSteps)
}

// TestGoldenTopupFormRussian: the Russian form at the smallest size, its
// longer labels and QIWI's answer wrapped.
func TestGoldenTopupFormRussian(t *testing.T) {
	uitest.GoldenAt(t, 80, 24, topupForm(t, i18n.RU), topupFormSteps(i18n.New(i18n.RU))...)
}

func TestGoldenTopups(t *testing.T) {
	env := uitest.New(t)
	seedTopups(t, env)
	m := NewTopups(env.Common, Deps{})
	uitest.Golden(t, m, uitest.Step{WaitFor: "6 in the journal"})
}

// TestGoldenLangsTopups: a top-up in each phase, in each language.
func TestGoldenLangsTopups(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		seedTopups(t, env)
		return NewTopups(env.Common, Deps{})
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: tr.T("agent.topups_summary", i18n.Args{"Total": 6, "Followed": 2, "Held": 1, "Refund": 2})}}
	})
}

// TestGoldenTopups80x24: number, phone, amount and phase at the smallest size.
func TestGoldenTopups80x24(t *testing.T) {
	env := uitest.New(t)
	seedTopups(t, env)
	uitest.GoldenAt(t, 80, 24, NewTopups(env.Common, Deps{}), uitest.Step{WaitFor: "6 in the journal"})
}

// seedTopups journals six top-ups, one in each phase (the failed one of
// 60 000.01 ₽ put back on the agent balance).
func seedTopups(t *testing.T, env *uitest.Env) {
	jr := env.Store.Journal()
	gen := topup.NewTxnGen(env.Common.Now, "", 0)
	now := uitest.Now
	rub := func(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
	add := func(phone string, amount qiwiapi.Amount, funds topup.Funds, attempts int, code topup.RequestCode, edit func(*topup.State)) {
		st, _ := topup.Start(topup.Topup{Number: gen.Next(), Account: phone, Amount: amount, Funds: funds}, now.Add(-time.Hour))
		edit(&st)
		ctx := context.Background()
		env.StoreClock.Set(now.Add(-time.Hour))
		req, _ := json.Marshal(st.Topup)
		e, err := jr.Begin(ctx, store.Intent{Kind: store.KindAgentTopup, ClientID: string(st.Topup.Number), Account: env.Common.Agent.TerminalID(),
			Recipient: phone, Amount: amount, Request: req})
		if err != nil {
			t.Fatal(err)
		}
		env.StoreClock.Set(now.Add(-time.Minute))
		for i := range attempts {
			u := store.Update{State: store.StatePending, Attempt: true}
			if st.Sent && i == attempts-1 {
				u = store.Update{State: store.StateSent}
			}
			if e, err = jr.Advance(ctx, e.ID, u); err != nil {
				t.Fatal(err)
			}
		}
		prog, _ := json.Marshal(smoves.TopupProgress{State: st, LastCode: code})
		final := map[topup.Phase]store.State{topup.PhaseSucceeded: store.StateSucceeded, topup.PhaseFailed: store.StateFailed,
			topup.PhaseRefused: store.StateFailed, topup.PhaseUnknown: store.StateUnknown, topup.PhasePending: store.StateAccepted, topup.PhaseHeld: store.StateHeld}
		if _, err := jr.Advance(ctx, e.ID, store.Update{State: final[st.Phase], Progress: prog}); err != nil {
			t.Fatal(err)
		}
		env.StoreClock.Set(now)
	}
	add(agent.WalletOK, rub(150000), topup.Cash, 3, 0, func(s *topup.State) {
		s.Phase, s.Next, s.Sent, s.Registered = topup.PhaseSucceeded, topup.Action{}, true, true
		s.Status, s.TxnID, s.Note = topup.StatusSuccess, "10684101001", topup.StatusSuccess.Text()
		s.Said = &topup.Said{What: topup.SaidPayment, Status: topup.StatusSuccess}
	})
	add(agent.WalletOK, rub(6000001), topup.NonCash, 2, 0, func(s *topup.State) {
		s.Phase, s.Next, s.Sent, s.Registered = topup.PhaseFailed, topup.Action{}, true, true
		s.Status, s.Result, s.TxnID = topup.StatusCancelled, topup.ResultAmountTooLarge, "10684101002"
		s.Note = topup.StatusCancelled.Text() + ": " + topup.ResultAmountTooLarge.Text()
		s.Said = &topup.Said{What: topup.SaidPayment, Status: topup.StatusCancelled, Result: topup.ResultAmountTooLarge}
	})
	add(agent.WalletNoCash, rub(30000), topup.Cash, 1, 204, func(s *topup.State) {
		s.Phase, s.Next = topup.PhaseRefused, topup.Action{}
		s.Note = "the wallet cannot take this top-up; nothing was paid: " + topup.RequestCode(204).Text()
		s.Said = &topup.Said{What: topup.SaidCannotTake, Request: 204}
	})
	add(agent.WalletKZT, qiwiapi.Amount{Minor: 2500000, Currency: qiwiapi.KZT}, topup.NonCash, 2, 0, func(s *topup.State) {
		s.Phase, s.Sent, s.Next = topup.PhaseUnknown, true, topup.Action{Kind: topup.ActStatus, At: now.Add(9*time.Minute + 30*time.Second)}
		s.Note = "topup: network error: connection reset by peer"
		s.Said = &topup.Said{What: topup.SaidNetwork, Error: s.Note}
	})
	add(agent.WalletNearLimit, rub(50000), topup.NonCash, 3, 0, func(s *topup.State) {
		s.Phase, s.Sent, s.Registered = topup.PhasePending, true, true
		s.Status, s.TxnID, s.Note = topup.StatusCrediting, "10684101003", topup.StatusCrediting.Text()
		s.Said = &topup.Said{What: topup.SaidPayment, Status: topup.StatusCrediting}
		s.Next = topup.Action{Kind: topup.ActStatus, At: now.Add(4 * time.Minute)}
	})
	add(agent.WalletOK, rub(1000), topup.Cash, 2, topup.RequestIPBlocked, func(s *topup.State) {
		s.Phase, s.Next, s.Sent, s.Fatal = topup.PhaseHeld, topup.Action{}, true, true
		s.Note = "stopped until a person acts (contact bss@qiwi.com): topup: request error 339 the sender IP address is blocked"
		s.Said = &topup.Said{What: topup.SaidRequestError, Request: topup.RequestIPBlocked, Error: "topup: request error 339 the sender IP address is blocked", Held: true}
	})
}
