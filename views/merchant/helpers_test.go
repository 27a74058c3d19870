package merchant

import (
	"qiwidash/store/bills"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sandbox/demo"
	msandbox "qiwidash/qiwiapi/sandbox/merchant"
	"qiwidash/store/ingest"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/ui/uitest"
)

// clock is a test clock that only moves when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// loop is a demo sandbox whose merchant callbacks go to an in-process
// receiver feeding a Feed, on a clock the test moves.
type loop struct {
	sb    *demo.Running
	feed  *feed.Feed
	clk   *clock
	c     *common.Common
	store *bills.Memory
	url   string
}

func startLoop(t *testing.T) *loop {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	clk := &clock{t: uitest.Now}
	rx := ingest.New(ingest.Options{Now: clk.Now, Checks: notify.Config{
		ShopID: msandbox.DemoShopID(), NotifyPassword: msandbox.DemoNotifyPassword(),
	}})
	t.Cleanup(func() { rx.Close() })
	f := feed.Subscribe(rx)
	t.Cleanup(f.Close)
	url, err := rx.Start("")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := demo.Start("127.0.0.1:0", demo.Options{
		Seed: 1, End: uitest.Now, Now: clk.Now, SettleDelay: time.Millisecond, HistoryPerMinute: -1,
		CallbackURL: url + notify.DefaultBillPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close) // runs before stop: callbacks end first
	client, err := pull.NewClient(pull.Credentials{APIID: sb.Creds.MerchantAPIID, APIPassword: sb.Creds.MerchantPassword, ShopID: sb.Creds.MerchantShopID},
		pull.WithBaseURL(sb.URL), pull.WithClock(clk.Now), pull.WithRetry(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	c := &common.Common{
		Merchant: client, MerchantShopID: sb.Creds.MerchantShopID,
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(nil), Settings: &common.Settings{},
		Now: clk.Now, IDs: qiwiapi.NewIDGenerator(0, clk.Now),
	}
	return &loop{sb: sb, feed: f, clk: clk, c: c, store: bills.NewMemory(), url: url}
}

// driver runs the screen like the shell (uitest.Driver) with the typed
// model at hand. Ticks never run: PollInterval is 0.
type driver struct {
	*uitest.Driver
	m *Model
}

func newDriver(t *testing.T, c *common.Common, store bills.Store) *driver {
	t.Helper()
	m := New(c, Deps{Bills: store})
	m.PollInterval = 0
	m.SetSize(uitest.Width, uitest.Height-6)
	return &driver{Driver: uitest.NewDriver(t, m), m: m}
}

// clear empties the focused text field (ctrl+u deletes before the cursor).
func (d *driver) clear() { d.Send(tea.KeyMsg{Type: tea.KeyCtrlU}) }

// confirm returns the last confirmation asked and forgets it.
func (d *driver) confirm() common.ConfirmMsg {
	d.T.Helper()
	if len(d.Confirms) == 0 {
		d.T.Fatal("no confirmation was asked")
	}
	c := d.Confirms[len(d.Confirms)-1]
	d.Confirms = nil
	return c
}

// yes answers the last confirmation with "y" (older ones are forgotten).
func (d *driver) yes() common.ConfirmMsg {
	d.T.Helper()
	if n := len(d.Confirms); n > 1 {
		d.Confirms = d.Confirms[n-1:]
	}
	return d.Yes()
}

// fillBill opens the create form and fills it; it does not submit.
func (d *driver) fillBill(payer, amount, comment string) {
	d.T.Helper()
	d.Press("n")
	if d.m.form == nil {
		d.T.Fatal("n did not open the form")
	}
	d.Type(payer)
	d.Press("tab")
	d.Type(amount)
	d.Press("tab", "tab") // currency stays RUB
	d.Type(comment)
	d.Press("tab") // lifetime: the default 24h
}

// issue fills, submits and confirms a bill; it returns its id.
func (d *driver) issue(payer, amount, comment string) string {
	d.T.Helper()
	d.fillBill(payer, amount, comment)
	id := d.m.form.id
	d.Press("enter")
	d.yes()
	if d.m.form != nil {
		d.T.Fatalf("form still open: %q", d.m.View())
	}
	return id
}

func (d *driver) bill(id string) bills.Bill {
	d.T.Helper()
	b := d.m.find(id)
	if b == nil {
		d.T.Fatalf("no bill %s on screen", id)
	}
	return b.Clone()
}

func mustContain(t *testing.T, haystack string, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if !strings.Contains(haystack, n) {
			t.Errorf("missing %q in:\n%s", n, haystack)
		}
	}
}

// next waits for the feed's next message (the callback crosses HTTP).
func next(t *testing.T, f *feed.Feed) tea.Msg {
	t.Helper()
	ch := make(chan tea.Msg, 1)
	go func() { ch <- f.Listen()() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("no notification reached the feed within 5s")
		return nil
	}
}
