// Package notify receives QIWI's push notifications: wallet webhooks (JSON,
// HMAC-SHA256 "hash") and Pull REST API merchant callbacks (form POST with
// command=bill, Basic auth or HMAC-SHA1 X-Api-Signature, XML answer).
//
// One Receiver serves both; mount it on a mux under both paths:
//
//	r := notify.New(notify.Config{...})
//	mux.Handle("/qiwi/webhook", r)
//	mux.Handle("/qiwi/bill", r)
//
// What passes verification goes to a Sink once (repeats are acknowledged
// and dropped); every notification, accepted or not, is reported to the
// Observe callback with the reason. Repeats are recognised in memory by
// what QIWI signed (Event.Key, BillEvent.Key), not by the unsigned
// messageId; a Sink that remembers across restarts returns ErrDuplicate.
package notify

import (
	"context"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
)

// MaxBody is the largest notification body accepted (64 KiB).
const MaxBody = 64 << 10

// Default mount paths.
const (
	DefaultWebhookPath = "/qiwi/webhook"
	DefaultBillPath    = "/qiwi/bill"
)

// WalletNetworks are the documented sources of wallet webhooks.
var WalletNetworks = []netip.Prefix{
	netip.MustParsePrefix("79.142.16.0/20"),
	netip.MustParsePrefix("195.189.100.0/22"),
	netip.MustParsePrefix("91.232.230.0/23"),
	netip.MustParsePrefix("91.213.51.0/24"),
}

// MerchantNetworks are the documented sources of merchant callbacks.
var MerchantNetworks = []netip.Prefix{
	netip.MustParsePrefix("91.232.230.0/23"),
	netip.MustParsePrefix("79.142.16.0/20"),
}

// Event is a verified wallet payment notification.
type Event struct {
	MessageID  string
	HookID     string
	TxnID      string
	Date       time.Time
	Type       string // IN or OUT
	Status     string // WAITING, SUCCESS, ERROR
	ErrorCode  string
	PersonID   int64
	Account    string
	Comment    string
	Provider   int64
	Sum        qiwiapi.Amount
	Commission *qiwiapi.Amount // nil when QIWI sends null
	Total      qiwiapi.Amount
	SignFields string
	// Signed is the text the hash covers (the SignFields values joined by
	// "|"), read from the same parse as every field above; Hash is the
	// body's hash.
	Signed  string
	Hash    string
	Version string
	Raw     []byte // the body as received
}

// BillEvent is a verified merchant callback.
type BillEvent struct {
	BillID  string
	Status  pull.BillStatus
	Error   string
	Amount  qiwiapi.Amount
	User    string
	PrvName string
	Comment string
	// Fields holds every parameter received (the set is open).
	Fields map[string]string
	// Auth is "basic" or "hmac".
	Auth string
}

// Sink takes accepted notifications; the store implements it. A returned
// error makes the receiver answer so that QIWI repeats the notification,
// except ErrDuplicate (or an error wrapping it): the sink had already
// applied this notification, which is then acknowledged as a repeat.
type Sink interface {
	WalletPayment(ctx context.Context, e Event) error
	BillChanged(ctx context.Context, e BillEvent) error
}

// ErrDuplicate is what a Sink returns for a notification it applied before
// (say, before a restart): the receiver acknowledges it as a repeat.
var ErrDuplicate = errors.New("notify: already applied")

// Kind tells the two notification types apart.
type Kind string

// Notification kinds.
const (
	KindWallet Kind = "wallet"
	KindBill   Kind = "bill"
)

// Outcome is what the receiver did with a notification.
type Outcome string

// Outcomes.
const (
	Accepted  Outcome = "accepted"  // verified and handed to the sink
	Duplicate Outcome = "duplicate" // verified repeat, acknowledged, not handed on
	Test      Outcome = "test"      // wallet test notification, acknowledged, ignored
	Rejected  Outcome = "rejected"  // refused: reason says why
	Failed    Outcome = "failed"    // verified, but the sink failed; QIWI will repeat
)

// Notice describes one notification for a UI feed.
type Notice struct {
	Time    time.Time
	Kind    Kind
	Outcome Outcome
	Reason  string // why rejected or failed, in English; empty when accepted
	// Refusal is Reason as data, for words in the reader's language
	// (explain.Error(tr, n.Err())); nil when accepted.
	Refusal *Refusal
	Remote  string // source address
	ID      string // messageId or bill_id
	Status  string // payment or bill status
	Amount  *qiwiapi.Amount
	// HTTPStatus and ResultCode are what the receiver answered (ResultCode
	// only for merchant callbacks; -1 otherwise).
	HTTPStatus int
	ResultCode int
	// Wallet and Bill hold what a verified notification carried (accepted,
	// repeated or failed in the sink); both are nil when it was not
	// verified, or was a test.
	Wallet *Event
	Bill   *BillEvent
}

// MerchantAuth chooses which callback authentication is accepted.
type MerchantAuth int

const (
	// AuthAuto verifies X-Api-Signature when present, Basic auth otherwise.
	AuthAuto MerchantAuth = iota
	// AuthBasic accepts only Basic auth.
	AuthBasic
	// AuthHMAC accepts only X-Api-Signature.
	AuthHMAC
)

// Config configures a Receiver.
type Config struct {
	// VerifyWebhook checks a wallet webhook's hash against the text QIWI
	// signed (Event.Signed: the signFields values, read from the one parse
	// of the body the event is built from); usually VerifyWithKey(hookKey).
	// Nil refuses every wallet webhook except test ones.
	VerifyWebhook func(signed, hash string) error
	// ShopID is checked as the Basic auth user name when not empty.
	ShopID string
	// NotifyPassword is the merchant notification password (kassa
	// "notification password"), used for Basic and HMAC. Empty refuses
	// every merchant callback.
	NotifyPassword string
	MerchantAuth   MerchantAuth
	// Sink gets accepted notifications; nil only reports them.
	Sink Sink
	// Observe is told about every notification; it must not block.
	Observe func(Notice)
	// CheckSource refuses sources outside the documented QIWI networks.
	CheckSource bool
	// Networks replace the documented lists when CheckSource is on.
	WalletNetworks, MerchantNetworks []netip.Prefix
	// SourceAddr finds the caller (default: RemoteAddr). Behind a trusted
	// reverse proxy, read its header here.
	SourceAddr func(*http.Request) string
	// WebhookPath and BillPath select the handler by URL path suffix
	// (DefaultWebhookPath, DefaultBillPath).
	WebhookPath, BillPath string
	// SinkTimeout bounds a sink call (1.5s default: QIWI wants an answer in 1-2s).
	SinkTimeout time.Duration
	// DedupSize is how many keys are remembered for duplicate detection (10000).
	DedupSize int
	// Now is the clock for notices.
	Now func() time.Time
}

// VerifyWithKey binds qiwiapi.CheckHash to a hook key (base64, as
// GET /payment-notifier/v1/hooks/{hookId}/key returns it), for
// Config.VerifyWebhook.
func VerifyWithKey(base64Key string) func(signed, hash string) error {
	return func(signed, hash string) error { return qiwiapi.CheckHash(signed, hash, base64Key) }
}

// Receiver is the http.Handler for both notification kinds.
type Receiver struct {
	cfg     Config
	wallets *dedup
	bills   *dedup
}

// New builds a Receiver.
func New(cfg Config) *Receiver {
	if cfg.WebhookPath == "" {
		cfg.WebhookPath = DefaultWebhookPath
	}
	if cfg.BillPath == "" {
		cfg.BillPath = DefaultBillPath
	}
	if cfg.SinkTimeout <= 0 {
		cfg.SinkTimeout = 1500 * time.Millisecond
	}
	if cfg.DedupSize <= 0 {
		cfg.DedupSize = 10000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.WalletNetworks == nil {
		cfg.WalletNetworks = WalletNetworks
	}
	if cfg.MerchantNetworks == nil {
		cfg.MerchantNetworks = MerchantNetworks
	}
	if cfg.SourceAddr == nil {
		cfg.SourceAddr = func(r *http.Request) string { return r.RemoteAddr }
	}
	return &Receiver{cfg: cfg, wallets: newDedup(cfg.DedupSize), bills: newDedup(cfg.DedupSize)}
}

// ServeHTTP routes by path: a path ending in WebhookPath gets the wallet
// handler, one ending in BillPath the merchant handler.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case strings.HasSuffix(p, strings.TrimSuffix(rc.cfg.WebhookPath, "/")):
		rc.serveWallet(w, r)
	case strings.HasSuffix(p, strings.TrimSuffix(rc.cfg.BillPath, "/")):
		rc.serveBill(w, r)
	default:
		http.NotFound(w, r)
	}
}

// WalletHandler serves only wallet webhooks, whatever the path.
func (rc *Receiver) WalletHandler() http.Handler { return http.HandlerFunc(rc.serveWallet) }

// BillHandler serves only merchant callbacks, whatever the path.
func (rc *Receiver) BillHandler() http.Handler { return http.HandlerFunc(rc.serveBill) }

func (rc *Receiver) observe(n Notice) {
	if rc.cfg.Observe != nil {
		rc.cfg.Observe(n)
	}
}

// sourceAllowed reports whether the caller is in nets (always true when the
// check is off) and returns the address text for notices.
func (rc *Receiver) sourceAllowed(r *http.Request, nets []netip.Prefix) (string, bool) {
	addr := rc.cfg.SourceAddr(r)
	if !rc.cfg.CheckSource {
		return addr, true
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return addr, false
	}
	ip = ip.Unmap()
	for _, n := range nets {
		if n.Contains(ip) {
			return addr, true
		}
	}
	return addr, false
}

// Media types QIWI sends.
const (
	WebhookContentType = "application/json"
	BillContentType    = "application/x-www-form-urlencoded"
)

// contentTypeProblem says why a request's Content-Type is refused, or nil:
// the media type must be want, with no charset or UTF-8.
func contentTypeProblem(r *http.Request, want string) *Refusal {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return &Refusal{Why: WhyNoContentType, Want: want}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return &Refusal{Why: WhyContentTypeUnreadable, Got: strconv.Quote(ct), Want: want}
	}
	if mt != want {
		return &Refusal{Why: WhyContentType, Got: strconv.Quote(mt), Want: want}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return refuse(WhyCharset, cs, true)
	}
	return nil
}

// Err is why the notification was rejected or failed (nil when accepted):
// explain.Error(tr, n.Err()) words it.
func (n Notice) Err() error {
	if n.Refusal == nil {
		return nil
	}
	return n.Refusal
}

// errTooLarge marks a body over MaxBody.
var errTooLarge = errors.New("body larger than 64 KiB")

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errTooLarge
	}
	return body, err
}

// dedup remembers the last n keys; a key is "pending" while its sink call
// runs, so a concurrent repeat is answered as a duplicate only once the
// first one succeeded.
type dedup struct {
	mu    sync.Mutex
	max   int
	seen  map[string]bool // true = done, false = in flight
	order []string
}

func newDedup(n int) *dedup { return &dedup{max: n, seen: map[string]bool{}} }

// begin returns done=true for a finished key, busy=true for one in flight;
// otherwise it marks the key in flight.
func (d *dedup) begin(key string) (done, busy bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if v, ok := d.seen[key]; ok {
		return v, !v
	}
	d.seen[key] = false
	return false, false
}

func (d *dedup) finish(key string, success bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !success {
		delete(d.seen, key)
		return
	}
	d.seen[key] = true
	d.order = append(d.order, key)
	for len(d.order) > d.max {
		delete(d.seen, d.order[0])
		d.order = d.order[1:]
	}
}
