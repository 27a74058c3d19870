package balances

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

func loaded(t *testing.T) (*Model, *uitest.Env) {
	env := uitest.New(t)
	m := New(env.Common)
	m.SetSize(120, 30)
	uitest.Run(m, m.Init(), 20)
	if m.state != common.StateReady {
		t.Fatalf("state %v err %v", m.state, m.err)
	}
	return m, env
}

func TestLoadShowsAccountsDefaultAndRates(t *testing.T) {
	m, _ := loaded(t)
	v := m.View()
	for _, want := range []string{"qw_wallet_rub", "qw_wallet_usd", "115 486.04 ₽", "* qw_wallet_rub", "Cross rates"} {
		if !strings.Contains(v, want) {
			t.Errorf("missing %q in\n%s", want, v)
		}
	}
	// The USD balance came back null first and was asked again: it must show.
	if strings.Contains(v, "pending") {
		t.Error("a balance is still pending after the re-ask")
	}
}

// confirmYes runs a command, expects a confirmation and runs its Yes.
func confirmYes(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command")
	}
	msg, ok := cmd().(common.ConfirmMsg)
	if !ok {
		t.Fatal("no confirmation asked")
	}
	uitest.Run(m, msg.Yes, 20)
}

func TestSetDefaultThroughConfirmation(t *testing.T) {
	m, _ := loaded(t)
	for i, a := range m.accounts {
		if a.Alias == "qw_wallet_eur" {
			m.cursor = i
		}
	}
	_, cmd := m.Update(uitest.Key("*"))
	confirmYes(t, m, cmd)
	for _, a := range m.accounts {
		if a.DefaultAccount != (a.Alias == "qw_wallet_eur") {
			t.Fatalf("after the change %s default=%v", a.Alias, a.DefaultAccount)
		}
	}
}

func TestReadOnlyOffersNoActions(t *testing.T) {
	m, env := loaded(t)
	for i, a := range m.accounts {
		if a.Alias == "qw_wallet_eur" {
			m.cursor = i
		}
	}
	env.Common.Settings.ReadOnly = true
	if _, cmd := m.Update(uitest.Key("*")); cmd != nil {
		t.Fatal("read-only mode still offers to change the default")
	}
	env.Common.Settings.ReadOnly = false
	if _, cmd := m.Update(uitest.Key("*")); cmd == nil {
		t.Fatal("the default cannot be changed outside read-only mode either")
	}
}

func TestStaleLoadIsDropped(t *testing.T) {
	m, _ := loaded(t)
	before := len(m.accounts)
	m.Update(loadedMsg{gen: m.gen - 1}) // an older load arriving late
	if len(m.accounts) != before || m.state != common.StateReady {
		t.Fatal("a stale result replaced the accounts")
	}
}

func TestReloadsWhenMoneyMoves(t *testing.T) {
	m, env := loaded(t)
	env.Sandbox.Server.AddIncoming(env.Common.Wallet, 50000, 643, env.Sandbox.Server.OtherWallets()[0])
	env.Sandbox.Server.SettleNow()
	_, cmd := m.Update(common.MoneyMovedMsg{})
	uitest.Run(m, cmd, 10)
	kop, _ := env.Sandbox.Server.Balance(env.Common.Wallet, 643)
	for _, a := range m.accounts {
		if a.Alias == "qw_wallet_rub" && a.Balance.Minor != kop {
			t.Fatalf("RUB shows %d kopecks, the sandbox has %d", a.Balance.Minor, kop)
		}
	}
}

func TestGoldenBalancesLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env := uitest.New(t)
		env.Speak(lang)
		return New(env.Common)
	}, func(tr *i18n.Tr) []uitest.Step { return []uitest.Step{{WaitFor: tr.T("balances.rates", nil)}} })
}
