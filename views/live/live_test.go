package live

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/store/ingest"
	"qiwidash/store/ingest/ingesttest"
	"qiwidash/ui/common"
	"qiwidash/ui/feed"
	"qiwidash/ui/uitest"
)

const (
	hookKey    = "JcyVhjHCvHQwufz+IHXolyqHgEc5MoayBfParl6Guoc="
	shopID     = "373712"
	notifyPass = "test"
)

func newCommon() *common.Common {
	lipgloss.SetColorProfile(termenv.Ascii)
	return &common.Common{
		Styles: common.NewStyles(common.DefaultTheme()), Keys: common.DefaultKeys(nil), Settings: &common.Settings{},
		Now: func() time.Time { return uitest.Now },
	}
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// TestReceiverVerifiesAndRefuses sends real HTTP notifications to the
// engine's receiver: good ones are verified and handed on once, replays
// are acknowledged as repeats, tampered or unauthenticated ones are
// refused; the Live screen shows each with its verdict and reason.
func TestReceiverVerifiesAndRefuses(t *testing.T) {
	c := newCommon()
	key := &ingest.WebhookKey{}
	rx := ingest.New(ingest.Options{Now: c.Now, Checks: notify.Config{
		VerifyWebhook: key.Verify, ShopID: shopID, NotifyPassword: notifyPass,
	}})
	defer rx.Close()
	f := feed.Subscribe(rx)
	t.Cleanup(f.Close)
	base, err := rx.Start("")
	if err != nil {
		t.Fatal(err)
	}
	hook, bill := base+notify.DefaultWebhookPath, base+notify.DefaultBillPath
	m := New(c, f)
	m.SetSize(uitest.Width, uitest.Height-6)

	in := ingesttest.WalletBody(t, hookKey, "m-1", "1001", "IN", "150.5")
	if got := ingesttest.Post(t, hook, in, nil); got != http.StatusForbidden {
		t.Errorf("webhook before the key is known: HTTP %d", got)
	}
	key.Set(hookKey)
	ingesttest.Post(t, hook, in, nil)                                                                         // verified
	ingesttest.Post(t, hook, in, nil)                                                                         // replay
	ingesttest.Post(t, hook, []byte(strings.Replace(string(in), `"amount":150.5`, `"amount":15050`, 1)), nil) // tampered sum
	ingesttest.Post(t, hook, ingesttest.WalletBody(t, hookKey, "m-2", "1002", "OUT", "70"), nil)              // verified, outgoing

	good := ingesttest.BillForm("qd-1", "paid", "100.00")
	sig := notify.SignBill(notifyPass, good)
	ingesttest.Post(t, bill, []byte(good.Encode()), map[string]string{"X-Api-Signature": sig}) // verified
	ingesttest.Post(t, bill, []byte(good.Encode()), map[string]string{"X-Api-Signature": sig}) // replay
	forged := ingesttest.BillForm("qd-1", "paid", "1000.00")
	ingesttest.Post(t, bill, []byte(forged.Encode()), map[string]string{"X-Api-Signature": sig}) // tampered
	ingesttest.Post(t, bill, []byte(ingesttest.BillForm("qd-2", "paid", "5.00").Encode()), map[string]string{"Authorization": basic(shopID, "guess")})
	ingesttest.Post(t, bill, []byte(ingesttest.BillForm("qd-3", "rejected", "5.00").Encode()), map[string]string{"Authorization": basic(shopID, notifyPass)})

	const notices = 10
	var wallets, bills []string
	for seen := 0; seen < notices; seen++ {
		msg := next(t, f)
		switch msg := msg.(type) {
		case feed.WalletPaymentMsg:
			wallets = append(wallets, msg.Event.MessageID)
		case feed.BillChangedMsg:
			bills = append(bills, msg.Event.BillID+"/"+string(msg.Event.Status)+"/"+msg.Event.Auth)
		}
		if _, cmd := m.Update(msg); cmd == nil {
			t.Fatal("the screen did not listen again")
		}
	}
	if strings.Join(wallets, ",") != "m-1,m-2" {
		t.Errorf("wallet payments handed on: %v", wallets)
	}
	if strings.Join(bills, ",") != "qd-1/paid/hmac,qd-3/rejected/basic" {
		t.Errorf("bill changes handed on: %v", bills)
	}
	if m.Entries() != notices {
		t.Fatalf("%d entries", m.Entries())
	}
	m.SetSize(uitest.Width, 40)
	v := m.View()
	for _, want := range []string{
		"6 verified · 4 rejected", // the 2 repeats were verified too
		"✓ verified, repeat ignored",
		"✗ rejected: X-Api-Signature mismatch",
		"✗ rejected: wrong Basic credentials",
		"✗ rejected: signature check failed",
		"wallet in", "wallet out", "-70.00 ₽", "+150.50 ₽",
		"SUCCESS?", // a webhook's status is not signed
	} {
		if !strings.Contains(v, want) {
			t.Errorf("feed lacks %q:\n%s", want, v)
		}
	}
	if strings.Count(v, "✓ verified, repeat ignored") != 2 {
		t.Errorf("want two repeats:\n%s", v)
	}
	// The full reasons, as the detail shows them.
	var reasons []string
	for _, e := range m.entries {
		if e.Outcome == notify.Rejected {
			reasons = append(reasons, e.Reason)
		}
	}
	got := strings.Join(reasons, "\n")
	for _, want := range []string{
		"signature check failed: the webhook key is not known yet",
		"signature check failed: " + qiwiapi.ErrBadSignature.Error(),
		"X-Api-Signature mismatch",
		`wrong Basic credentials for user "373712"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("reasons lack %q:\n%s", want, got)
		}
	}
}

func next(t *testing.T, f *feed.Feed) tea.Msg {
	t.Helper()
	ch := make(chan tea.Msg, 1)
	go func() { ch <- f.Listen()() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("nothing reached the feed within 5s")
		return nil
	}
}

// fill pushes a fixed set of notifications through the feed, as the
// engine would: the receiver's refusals as data, with their English.
func fill(ch chan<- ingest.Event) {
	badSignature := &notify.Refusal{Why: notify.WhySignature, Err: qiwiapi.ErrBadSignature}
	mismatch := &notify.Refusal{Why: notify.WhySignatureMismatch}
	wrongBasic := &notify.Refusal{Why: notify.WhyWrongBasic, Got: `"373712"`}
	at := func(s int) time.Time { return uitest.Now.Add(time.Duration(s) * time.Second) }
	rub := func(s string) *qiwiapi.Amount { a, _ := qiwiapi.ParseAmount(s, qiwiapi.RUB); return &a }
	from := "127.0.0.1:50123"
	w := &notify.Event{MessageID: "5a1c2e7e-0001", TxnID: "26011200001", Date: at(0), Type: "IN", Status: "SUCCESS",
		Account: "+79161112233", Comment: "for lunch", Sum: *rub("150.50"), Commission: rub("0"), Total: *rub("150.50"),
		SignFields: "sum.currency,sum.amount,type,account,txnId"}
	ch <- ingest.Event{Notice: notify.Notice{Time: at(1), Kind: notify.KindWallet, Outcome: notify.Accepted, Remote: from, ID: "5a1c2e7e-0001",
		Status: "SUCCESS", Amount: rub("150.50"), HTTPStatus: 200, ResultCode: -1, Wallet: w}}
	ch <- ingest.Event{Notice: notify.Notice{Time: at(2), Kind: notify.KindWallet, Outcome: notify.Duplicate, Remote: from, ID: "5a1c2e7e-0001",
		Status: "SUCCESS", Amount: rub("150.50"), HTTPStatus: 200, ResultCode: -1, Wallet: w}}
	ch <- ingest.Event{Notice: notify.Notice{Time: at(3), Kind: notify.KindWallet, Outcome: notify.Rejected, Remote: from, ID: "5a1c2e7e-0002",
		Status: "SUCCESS", Amount: rub("15050"), HTTPStatus: 403, ResultCode: -1, Refusal: badSignature, Reason: badSignature.Error()}}
	bill := &notify.BillEvent{BillID: "qd-1795165200000", Status: pull.BillPaid, Amount: *rub("1000"),
		User: "tel:+79161234567", PrvName: "Demo Shop", Comment: "Order 77", Auth: "hmac"}
	ch <- ingest.Event{Notice: notify.Notice{Time: at(4), Kind: notify.KindBill, Outcome: notify.Accepted, Remote: from, ID: "qd-1795165200000",
		Status: "paid", Amount: rub("1000"), HTTPStatus: 200, Bill: bill}, StatusConfirmed: true}
	ch <- ingest.Event{Notice: notify.Notice{Time: at(5), Kind: notify.KindBill, Outcome: notify.Rejected, Remote: from, ID: "qd-1795165200000",
		Status: "paid", Amount: rub("100000"), HTTPStatus: 200, ResultCode: 151, Refusal: mismatch, Reason: mismatch.Error()}}
	ch <- ingest.Event{Notice: notify.Notice{Time: at(6), Kind: notify.KindBill, Outcome: notify.Rejected, Remote: "10.1.2.3:4444",
		HTTPStatus: 200, ResultCode: 150, Refusal: wrongBasic, Reason: wrongBasic.Error()}}
}

// golden fills the feed once the screen runs, then presses keys.
func golden(t *testing.T, keys []string, waitFor string) {
	t.Helper()
	goldenAt(t, uitest.Width, uitest.Height, keys, waitFor)
}

func goldenAt(t *testing.T, width, height int, keys []string, waitFor string) {
	t.Helper()
	m, ch := filled(t, i18n.EN)
	uitest.GoldenAt(t, width, height, m, fillSteps(func() chan ingest.Event { return ch }, i18n.New(i18n.EN), keys, waitFor)...)
}

// filled is the screen in lang over a feed that fillSteps fills.
func filled(t *testing.T, lang i18n.Lang) (*Model, chan ingest.Event) {
	c := newCommon()
	c.Tr = i18n.New(lang)
	c.Keys = common.DefaultKeys(c.Tr)
	ch := make(chan ingest.Event, 16)
	f := feed.New(ch, nil)
	t.Cleanup(f.Close)
	m := New(c, f)
	m.URL = "http://127.0.0.1:8088"
	return m, ch
}

// fillSteps fill the feed (ch, once the screen runs), then press keys.
func fillSteps(ch func() chan ingest.Event, tr *i18n.Tr, keys []string, waitFor string) []uitest.Step {
	return []uitest.Step{
		{Send: func(*teatest.TestModel) { fill(ch()) }, WaitFor: tr.T("live.tally", i18n.Args{"Verified": 3, "Rejected": 3})},
		{Send: uitest.Press(keys...), WaitFor: waitFor}}
}

// goldenLangs draws the filled screen in every language, keys pressed.
func goldenLangs(t *testing.T, keys []string, waitFor func(tr *i18n.Tr) string) {
	var ch chan ingest.Event
	uitest.GoldenLangs(t, func(t *testing.T, lang i18n.Lang) uitest.Sized {
		var m *Model
		m, ch = filled(t, lang)
		return m
	}, func(tr *i18n.Tr) []uitest.Step {
		return fillSteps(func() chan ingest.Event { return ch }, tr, keys, waitFor(tr)) // made before the screen
	})
}

func TestGoldenFeedLangs(t *testing.T) {
	goldenLangs(t, []string{"j"}, func(*i18n.Tr) string { return "▶ 12:00:05" })
}

func TestGoldenWalletDetailLangs(t *testing.T) {
	goldenLangs(t, []string{"G", "enter"}, func(tr *i18n.Tr) string { return tr.T("live.signed_fields", nil) })
}

func TestGoldenBillDetailLangs(t *testing.T) {
	goldenLangs(t, []string{"j", "j", "enter"}, func(tr *i18n.Tr) string { return tr.T("live.signed_with", nil) })
}

// TestGoldenRejectedDetailLangs: why a notification was refused reads in
// the reader's language, from the receiver's refusal.
func TestGoldenRejectedDetailLangs(t *testing.T) {
	goldenLangs(t, []string{"enter"}, func(tr *i18n.Tr) string { return tr.T("live.received", nil) })
}

func TestGoldenFeed(t *testing.T) { golden(t, []string{"j"}, "▶ 12:00:05") }

// TestGoldenFeed80x24: at the smallest size status and amount stay; the
// check's words are cut first, then the id and the sender go.
func TestGoldenFeed80x24(t *testing.T) { goldenAt(t, 80, 24, []string{"j"}, "▶ 12:00:05") }

func TestGoldenBillDetail(t *testing.T) { golden(t, []string{"j", "j", "enter"}, "Signed with") }

func TestGoldenWalletDetail(t *testing.T) {
	golden(t, []string{"G", "enter"}, "Signed fields")
}

func TestGoldenEmpty(t *testing.T) {
	c := newCommon()
	f := feed.New(make(chan ingest.Event), nil)
	t.Cleanup(f.Close)
	uitest.Golden(t, New(c, f), uitest.Step{WaitFor: "No notifications yet"})
}

// TestEscapesNeverReachTheScreen: every field a notification carries is
// drawn sanitized, in the feed and in the detail, so a sender cannot set
// the terminal's title, write its clipboard or clear it.
func TestEscapesNeverReachTheScreen(t *testing.T) {
	c := newCommon()
	ch := make(chan ingest.Event, 4)
	f := feed.New(ch, nil)
	t.Cleanup(f.Close)
	m := New(c, f)
	m.SetSize(uitest.Width, 30)
	m.Status = func() string {
		return "Wallet webhooks checked with the key of the active webhook → http://x/\x1b]0;title\x07"
	}
	const evil = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\u009b31m\u202e\xff"
	rub, _ := qiwiapi.ParseAmount("1", qiwiapi.RUB)
	ch <- ingest.Event{Notice: notify.Notice{Time: uitest.Now, Kind: notify.KindWallet, Outcome: notify.Test, ID: "t" + evil, HTTPStatus: 200}}
	ch <- ingest.Event{Notice: notify.Notice{Time: uitest.Now, Kind: notify.KindBill, Outcome: notify.Rejected, ID: "b" + evil,
		Status: "paid" + evil, Remote: "1.2.3.4" + evil, Reason: "X-Api-Signature mismatch" + evil, HTTPStatus: 200}}
	ch <- ingest.Event{Notice: notify.Notice{Time: uitest.Now, Kind: notify.KindWallet, Outcome: notify.Accepted, ID: "w" + evil,
		Status: "SUCCESS" + evil, Amount: &rub, HTTPStatus: 200, Wallet: &notify.Event{TxnID: "1" + evil, Type: "IN", Status: "SUCCESS" + evil,
			Account: "+7916" + evil, Comment: "lunch" + evil, Sum: rub, Total: rub, SignFields: "sum" + evil, ErrorCode: "5" + evil}}}
	for range 3 {
		m.Update(next(t, f))
	}
	views := []string{m.View()}
	for i := range 3 {
		m.cursor, m.detail = i, true
		views = append(views, m.View())
	}
	for _, v := range views {
		if strings.ContainsAny(v, "\x1b\x07\u009b\u202e") || !utf8.ValidString(v) {
			t.Fatalf("raw control characters on screen:\n%q", v)
		}
	}
	if !strings.Contains(views[0], "␛]52;c;cHduZWQ=␇") {
		t.Errorf("the escape is not shown as text:\n%s", views[0])
	}
}

// The API's word on a webhook's status (a FollowUp) lands in the row of
// the notification it confirms: one payment, one row, its arrival time
// kept, the "?" gone; counts unchanged.
func TestFollowUpConfirmsTheSameRow(t *testing.T) {
	m := New(newCommon(), nil)
	rub, _ := qiwiapi.ParseAmount("150.50", qiwiapi.RUB)
	w := &notify.Event{MessageID: "m-1", TxnID: "1", Type: "IN", Status: "SUCCESS", Sum: rub}
	first := ingest.Event{Notice: notify.Notice{Time: uitest.Now, Kind: notify.KindWallet, Outcome: notify.Accepted, ID: "m-1",
		Status: "SUCCESS", Amount: &rub, Wallet: w}}
	other := first
	other.ID, other.Time = "m-2", uitest.Now.Add(time.Second)
	m.Update(feed.WalletPaymentMsg{Notice: first})
	m.Update(feed.WalletPaymentMsg{Notice: other})
	if got := status(m.entries[1]); got != "SUCCESS?" {
		t.Fatalf("before the API answers: %q", got)
	}
	confirmed := first
	confirmed.FollowUp, confirmed.StatusConfirmed, confirmed.Confirmation = true, true, ingest.Confirmed
	confirmed.Time = uitest.Now.Add(time.Minute)
	m.Update(feed.WalletPaymentMsg{Notice: confirmed})
	if len(m.entries) != 2 || m.verified != 2 {
		t.Fatalf("%d rows, %d verified; want 2 and 2", len(m.entries), m.verified)
	}
	row := m.entries[1]
	if row.ID != "m-1" || !row.FollowUp || status(row) != "SUCCESS" || !row.Time.Equal(uitest.Now) {
		t.Errorf("the confirmed row: id %s, follow-up %v, status %q, time %v", row.ID, row.FollowUp, status(row), row.Time)
	}
}
