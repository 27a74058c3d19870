package overview

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/store/overview"
	"qiwidash/ui/common"
	"qiwidash/ui/uitest"
)

// world: the fixed sandbox's wallet, agent and shop as three profiles, a
// second wallet with a restriction, and a profile that cannot be opened,
// the screens in English.
func world(t *testing.T) (*uitest.Env, *overview.Engine) {
	t.Helper()
	return worldIn(t, i18n.EN)
}

// names are the world's profiles (family, restricted, agent, shop,
// offline) as a user speaking the language would name them.
var names = map[i18n.Lang][5]string{
	i18n.EN: {"family", "restricted", "agent", "shop", "offline"},
	i18n.RU: {"семья", "запрет", "агент", "магазин", "офлайн"},
}

// worldIn is world with the screens in lang. What QIWI and the network
// say (the restriction's description, the offline profile's error) and
// the profiles' names come in lang too, as a Russian user's QIWI, system
// and own naming would say them.
func worldIn(t *testing.T, lang i18n.Lang) (*uitest.Env, *overview.Engine) {
	t.Helper()
	env := uitest.New(t)
	env.Speak(lang)
	restriction, offline := "Outgoing payments are restricted", errors.New("no network")
	if lang == i18n.RU {
		restriction, offline = "Исходящие платежи запрещены", errors.New("нет сети")
	}
	sb := env.Demo
	second := sb.Wallet.OtherWallets()[1]
	sb.Wallet.SetRestrictions(second, sandbox.Restriction{Code: "OUTGOING_PAYMENTS", Description: restriction})
	tok := sb.Wallet.NewToken(second, sandbox.ScopeProfile, sandbox.ScopeBalance, sandbox.ScopeHistory)
	api2, err := qiwiapi.NewClient(tok, qiwiapi.WithBaseURL(sb.URL))
	if err != nil {
		t.Fatal(err)
	}
	c, n := env.Common, names[lang]
	profiles := []store.Profile{
		{Name: n[0], Wallet: c.Wallet, Has: store.Modes{Wallet: true}},
		{Name: n[1], Wallet: second, Has: store.Modes{Wallet: true}},
		{Name: n[2], Has: store.Modes{Agent: true}},
		{Name: n[3], Has: store.Modes{Merchant: true}},
		{Name: n[4], Has: store.Modes{Wallet: true}},
	}
	e := &overview.Engine{
		Store:    env.Store,
		Profiles: func(context.Context) ([]store.Profile, error) { return profiles, nil },
		Clients: func(_ context.Context, name string) (overview.Clients, error) {
			switch name {
			case n[0]:
				return overview.Clients{API: c.API, Wallet: c.Wallet}, nil
			case n[1]:
				return overview.Clients{API: api2, Wallet: second}, nil
			case n[2]:
				return overview.Clients{Agent: c.Agent, Terminal: c.Agent.TerminalID()}, nil
			case n[3]:
				return overview.Clients{Shop: c.MerchantShopID}, nil
			}
			return overview.Clients{}, offline
		},
		Thresholds: map[qiwiapi.Currency]qiwiapi.Amount{qiwiapi.USD: {Minor: 2_000_000, Currency: qiwiapi.USD}},
		Now:        c.Now,
	}
	return env, e
}

func TestGoldenOverview(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"120x40", 120, 40}, {"80x24", 80, 24}} {
		t.Run(size.name, func(t *testing.T) {
			env, e := world(t)
			m := New(env.Common, Deps{Engine: e, Active: "family"})
			uitest.GoldenAt(t, size.w, size.h, m, uitest.Step{WaitFor: "all read at"})
		})
	}
}

// The Overview in both languages, and in Russian at 80x24, where the
// longer words must leave the amounts and the state in view.
func TestGoldenOverviewLangs(t *testing.T) {
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		env, e := worldIn(t, lang)
		return New(env.Common, Deps{Engine: e, Active: names[lang][0]})
	}, func(tr *i18n.Tr) []uitest.Step {
		return []uitest.Step{{WaitFor: tr.T("overview.read_at", i18n.Args{"Time": "12"})}}
	})
}

func TestGoldenOverviewRussian(t *testing.T) {
	env, e := worldIn(t, i18n.RU)
	uitest.GoldenAt(t, 80, 24, New(env.Common, Deps{Engine: e, Active: names[i18n.RU][0]}), uitest.Step{WaitFor: env.Common.Tr.T("overview.read_at", i18n.Args{"Time": "12"})})
}

// Alerts are told once in a run (a toast and one bell), also after a
// profile switch rebuilds the screen; Enter opens the profile.
func TestAlertsToldOnceAndEnterOpensTheProfile(t *testing.T) {
	env, e := world(t)
	bells := 0
	shared := NewShared()
	deps := Deps{Engine: e, Shared: shared, Bell: func() { bells++ }}
	d := uitest.NewDriver(t, New(env.Common, deps))
	d.Run(nil)
	m := d.Model.(*Model)
	if len(m.rows) != 5 || m.refreshing {
		t.Fatalf("%d rows, refreshing %v", len(m.rows), m.refreshing)
	}
	var alerts int
	for _, r := range m.rows {
		alerts += len(r.Alerts())
	}
	// Each row's new alerts ring once as the row arrives; each alert is told once.
	if alerts < 3 || bells < 1 || bells > alerts || len(shared.told) != alerts {
		t.Fatalf("%d alerts, %d told, %d bells", alerts, len(shared.told), bells)
	}
	first := bells
	// The screen built again (a profile switch): nothing is told again.
	d2 := uitest.NewDriver(t, New(env.Common, deps))
	d2.Run(nil)
	if bells != first {
		t.Errorf("%d bells after the rebuild, want %d", bells, first)
	}
	m.Update(uitest.Key("j"))
	_, cmd := m.Update(uitest.Key("enter"))
	if msg, ok := cmd().(common.SwitchProfileMsg); !ok || msg.Name != "restricted" {
		t.Errorf("enter sent %#v", msg)
	}
}

var _ tea.Model = (*Model)(nil)

// Privacy masks the Overview's alerts like every screen: no amount, no
// txn id in full, in the list and in the toast that tells them.
func TestPrivacyMasksTheAlerts(t *testing.T) {
	env, e := world(t)
	env.Common.Settings.Privacy = true
	d := uitest.NewDriver(t, New(env.Common, Deps{Engine: e, Shared: NewShared(), Bell: func() {}}))
	d.Run(nil)
	m := d.Model.(*Model)
	m.SetSize(120, 40)
	var toasts []string
	for _, toast := range d.Toasts {
		toasts = append(toasts, toast.Text)
	}
	screen := m.View()
	if !strings.Contains(screen, "agent balance ••• $ is below ••• $") {
		t.Errorf("the low-balance alert is not masked:\n%s", screen)
	}
	if len(toasts) == 0 {
		t.Fatal("no alert was told")
	}
	for _, text := range append(toasts, screen) {
		if strings.Contains(text, "20 000.00") || strings.Contains(text, ".00 $") {
			t.Errorf("an amount or a txn id in full with privacy on: %q", text)
		}
	}
}

// The refresh interval reaches the Overview: it reads every profile again
// (one refresh at a time), so it does not go stale while it is on screen.
func TestRefreshIntervalReadsAgain(t *testing.T) {
	env, e := world(t)
	d := uitest.NewDriver(t, New(env.Common, Deps{Engine: e, Shared: NewShared(), Bell: func() {}}))
	d.Run(nil)
	m := d.Model.(*Model)
	if m.refreshing {
		t.Fatal("the first refresh never ended")
	}
	_, cmd := m.Update(common.RefreshMsg{})
	if cmd == nil || !m.refreshing {
		t.Fatalf("a RefreshMsg started nothing (refreshing %v)", m.refreshing)
	}
	if _, again := m.Update(common.RefreshMsg{}); again != nil {
		t.Error("a second refresh started while one is in flight")
	}
	d.Queue = append(d.Queue, cmd)
	d.Run(nil)
	if m.refreshing {
		t.Error("the refresh never ended")
	}
}

// The sync and cache times are day.month in Russian, where 12-01 would
// read as 12 January; English keeps month-day.
func TestShortDatesReadAsTheReaderWritesThem(t *testing.T) {
	at := time.Date(2026, 12, 1, 14, 7, 0, 0, time.UTC) // 17:07 in Moscow
	for lang, want := range map[i18n.Lang][2]string{
		i18n.EN: {"synced 12-01 17:07", "from cache, read 12-01 17:07"},
		i18n.RU: {"синхр. 01.12 17:07", "из кэша, прочитан 01.12 17:07"},
	} {
		env := uitest.New(t)
		env.Speak(lang)
		m := New(env.Common, Deps{})
		synced := m.line(overview.Row{Has: store.Modes{Wallet: true}, LastSync: at, Fresh: true}, true)
		cached := m.status(overview.Row{Read: at})
		if !strings.Contains(synced, want[0]) || !strings.Contains(cached, want[1]) {
			t.Errorf("%s: %q / %q, want %q / %q", lang, synced, cached, want[0], want[1])
		}
	}
}
