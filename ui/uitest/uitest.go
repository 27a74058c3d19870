// Package uitest builds what screen tests need: a sandbox with a fixed seed
// and clock on loopback, a client for it, and a Common for the screens.
package uitest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/store/moves"
	"qiwidash/ui/common"
)

// Now is the fixed moment every golden screen is drawn at.
var Now = time.Date(2026, 11, 20, 12, 0, 0, 0, qiwiapi.Moscow)

// Width and Height are the golden screens' terminal size.
const (
	Width  = 120
	Height = 40
)

// Env is the demo sandboxes (wallet, agent, merchant) and a Common wired to
// them. Sandbox is the wallet sandbox; Demo has all three.
type Env struct {
	Sandbox *sandbox.Running
	Demo    *demo.Running
	Common  *common.Common
	// Store is the SQLite store (in t.TempDir()) behind the engines; its
	// clock is StoreClock (Now unless a test sets it).
	Store      *store.Store
	StoreClock *StoreClock
}

// StoreClock is the store's clock in screen tests: journal entries made
// "in an earlier run" get an earlier time.
type StoreClock struct {
	mu sync.Mutex
	t  time.Time
}

// Set moves the clock to t.
func (c *StoreClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Now reads the clock.
func (c *StoreClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Clock is the engines' clock in screen tests: the fixed Now, with real
// (short) sleeps.
type Clock struct{}

// Now is the fixed moment.
func (Clock) Now() time.Time { return Now }

// Sleep waits d for real, or until ctx ends.
func (Clock) Sleep(ctx context.Context, d time.Duration) error {
	return budget.RealClock().Sleep(ctx, d)
}

// New starts a deterministic sandbox (seed 1, fixed end date and clock)
// and returns a Common for it. ASCII colour profile keeps goldens stable.
func New(t testing.TB) *Env {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	sb, err := demo.Start("127.0.0.1:0", demo.Options{
		Seed:             1,
		End:              Now,
		Now:              func() time.Time { return Now },
		SettleDelay:      time.Millisecond,
		HistoryPerMinute: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	noSleep := func(context.Context, time.Duration) error { return nil }
	// The sandbox here has no history budget, so neither has the client.
	api, err := qiwiapi.NewClient(sb.Creds.WalletToken, qiwiapi.WithBaseURL(sb.URL), qiwiapi.WithSleep(noSleep),
		qiwiapi.WithGate(budget.New(budget.Options{PerMinute: 1 << 20})))
	if err != nil {
		t.Fatal(err)
	}
	agentClient, err := topup.NewClient(sb.Creds.AgentTerminal, topup.WithPassword(topup.NewPassword(sb.Creds.AgentPassword)),
		topup.WithBaseURL(sb.URL), topup.WithClock(func() time.Time { return Now }), topup.WithSleep(noSleep), topup.WithSandboxPolling(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	merchantClient, err := pull.NewClient(pull.Credentials{APIID: sb.Creds.MerchantAPIID, APIPassword: sb.Creds.MerchantPassword, ShopID: sb.Creds.MerchantShopID},
		pull.WithBaseURL(sb.URL), pull.WithClock(func() time.Time { return Now }))
	if err != nil {
		t.Fatal(err)
	}
	c := &common.Common{
		API:            api,
		Wallet:         sb.Creds.Wallet,
		Agent:          agentClient,
		Merchant:       merchantClient,
		MerchantShopID: sb.Creds.MerchantShopID,
		Styles:         common.NewStyles(common.DefaultTheme()),
		Tr:             i18n.New(i18n.EN),
		Keys:           common.DefaultKeys(nil),
		Settings:       &common.Settings{},
		Now:            func() time.Time { return Now },
		SaveDir:        t.TempDir(),
		IDs:            qiwiapi.NewIDGenerator(0, func() time.Time { return Now }),
	}
	keyring.MockInit()
	clock := &StoreClock{t: Now}
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{Getenv: func(string) string { return "" }, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c.Moves, err = moves.NewWallet(context.Background(), st, api, moves.WalletOptions{Profile: "default", Wallet: c.Wallet, Clock: Clock{}, Tr: c.Tr,
		PollEvery: 50 * time.Millisecond, RetryEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Moves.Close)
	c.Topups, err = moves.NewTopups(st, agentClient, moves.TopupOptions{Profile: "default", Clock: Clock{}, Tr: c.Tr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Topups.Close)
	return &Env{Store: st, StoreClock: clock, Sandbox: &sandbox.Running{URL: sb.URL, Server: sb.Wallet, Close: sb.Close}, Demo: sb, Common: c}
}

// Run executes cmd and feeds every message it yields (batches included)
// back into m, confirmations and toasts too (the shell's own tests need
// them), until no command is left or limit commands were run. It is how
// plain Update tests drive a model through its I/O.
func Run(m tea.Model, cmd tea.Cmd, limit int) tea.Model {
	d := &Driver{Model: m, Limit: limit, DeliverAll: true, Queue: []tea.Cmd{cmd}}
	d.Run(nil)
	return d.Model
}

// keyTypes are the named keys tests press; anything else is typed as runes.
var keyTypes = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "tab": tea.KeyTab,
	"up": tea.KeyUp, "down": tea.KeyDown, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp,
	"ctrl+d": tea.KeyCtrlD, "ctrl+c": tea.KeyCtrlC, "backspace": tea.KeyBackspace,
}

// Key makes a key message from a string like "j", "enter", "ctrl+d".
func Key(s string) tea.KeyMsg {
	if t, ok := keyTypes[s]; ok {
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}
