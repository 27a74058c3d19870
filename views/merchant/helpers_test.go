package merchant

import (
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
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/ui/uitest"
	"qiwidash/views/live"
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
	store *MemoryBills
	url   string
}

func startLoop(t *testing.T) *loop {
	t.Helper()
	lipgloss.SetColorProfile(termenv.Ascii)
	clk := &clock{t: uitest.Now}
	f := feed.New(0)
	t.Cleanup(f.Close)
	url, stop, err := live.StartReceiver("", f.Config(notify.Config{
		ShopID: msandbox.DemoShopID(), NotifyPassword: msandbox.DemoNotifyPassword(), Now: clk.Now,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
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
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(), Settings: &common.Settings{},
		Now: clk.Now, IDs: qiwiapi.NewIDGenerator(0, clk.Now),
	}
	return &loop{sb: sb, feed: f, clk: clk, c: c, store: NewMemoryBills(), url: url}
}

// driver runs the screen like the shell would, recording what is meant
// for the shell (confirmations, toasts, copies) instead of showing it.
// Ticks never run: PollInterval is 0.
type driver struct {
	t        *testing.T
	m        *Model
	queue    []tea.Cmd
	confirms []common.ConfirmMsg
	toasts   []common.ToastMsg
	copies   []common.CopyMsg
}

func newDriver(t *testing.T, c *common.Common, store BillStore) *driver {
	t.Helper()
	m := New(c, Deps{Bills: store})
	m.PollInterval = 0
	m.SetSize(uitest.Width, uitest.Height-6)
	d := &driver{t: t, m: m}
	d.queue = append(d.queue, m.Init())
	d.run()
	return d
}

func (d *driver) run() {
	for n := 0; len(d.queue) > 0 && n < 200; n++ {
		c := d.queue[0]
		d.queue = d.queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			d.queue = append(d.queue, msg...)
		case common.ConfirmMsg:
			d.confirms = append(d.confirms, msg)
		case common.ToastMsg:
			d.toasts = append(d.toasts, msg)
		case common.CopyMsg:
			d.copies = append(d.copies, msg)
		default:
			d.send(msg)
		}
	}
}

func (d *driver) send(msg tea.Msg) {
	_, next := d.m.Update(msg)
	d.queue = append(d.queue, next)
	d.run()
}

func (d *driver) press(keys ...string) {
	for _, k := range keys {
		d.send(uitest.Key(k))
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.press(string(r))
	}
}

// clear empties the focused text field (ctrl+u deletes before the cursor).
func (d *driver) clear() { d.send(tea.KeyMsg{Type: tea.KeyCtrlU}) }

// confirm returns the last confirmation asked and forgets it.
func (d *driver) confirm() common.ConfirmMsg {
	d.t.Helper()
	if len(d.confirms) == 0 {
		d.t.Fatal("no confirmation was asked")
	}
	c := d.confirms[len(d.confirms)-1]
	d.confirms = nil
	return c
}

// yes answers the last confirmation with "y".
func (d *driver) yes() common.ConfirmMsg {
	d.t.Helper()
	c := d.confirm()
	d.queue = append(d.queue, c.Yes)
	d.run()
	return c
}

func (d *driver) lastToast() string {
	if len(d.toasts) == 0 {
		return ""
	}
	return d.toasts[len(d.toasts)-1].Text
}

// fillBill opens the create form and fills it; it does not submit.
func (d *driver) fillBill(payer, amount, comment string) {
	d.t.Helper()
	d.press("n")
	if d.m.form == nil {
		d.t.Fatal("n did not open the form")
	}
	d.typeText(payer)
	d.press("tab")
	d.typeText(amount)
	d.press("tab", "tab") // currency stays RUB
	d.typeText(comment)
	d.press("tab") // lifetime: the default 24h
}

// issue fills, submits and confirms a bill; it returns its id.
func (d *driver) issue(payer, amount, comment string) string {
	d.t.Helper()
	d.fillBill(payer, amount, comment)
	id := d.m.form.id
	d.press("enter")
	d.yes()
	if d.m.form != nil {
		d.t.Fatalf("form still open: %q", d.m.View())
	}
	return id
}

func (d *driver) bill(id string) Bill {
	d.t.Helper()
	b := d.m.find(id)
	if b == nil {
		d.t.Fatalf("no bill %s on screen", id)
	}
	return b.clone()
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
