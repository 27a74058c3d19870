package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/ui/feed"
)

// Feed is the receiver-to-program bridge (see package feed).
type Feed = feed.Feed

// The typed messages the feed sends into the program.
type (
	NoticeMsg        = feed.NoticeMsg
	WalletPaymentMsg = feed.WalletPaymentMsg
	BillChangedMsg   = feed.BillChangedMsg
)

// NewFeed makes a feed with the default buffer.
func NewFeed() *Feed { return feed.New(0) }

// DefaultAddr is where the in-process receiver listens: loopback, any port.
const DefaultAddr = "127.0.0.1:0"

// newServer mounts a receiver on both notification paths.
func newServer(cfg notify.Config) *http.Server {
	rc := notify.New(cfg)
	mux := http.NewServeMux()
	mux.Handle(notify.DefaultWebhookPath, rc)
	mux.Handle(notify.DefaultBillPath, rc)
	return &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
}

// StartReceiver serves notifications on addr (DefaultAddr when empty) in
// the background. url is the base, e.g. "http://127.0.0.1:43121": wallet
// webhooks go to url+notify.DefaultWebhookPath, merchant callbacks to
// url+notify.DefaultBillPath. stop ends it and waits for handlers.
// Pass feed.Config(cfg) to see the notifications in the program.
func StartReceiver(addr string, cfg notify.Config) (url string, stop func(), err error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("receiver: %w", err)
	}
	srv := newServer(cfg)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			if srv.Shutdown(ctx) != nil {
				srv.Close()
			}
			<-done
		})
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// Serve is `qiwidash listen`: it serves notifications on addr until ctx
// ends and prints one line per notification to out (verified or rejected,
// with the reason). cfg.Observe, when set, is still called.
func Serve(ctx context.Context, addr string, cfg notify.Config, out io.Writer) error {
	if addr == "" {
		addr = DefaultAddr
	}
	var mu sync.Mutex
	prev := cfg.Observe
	cfg.Observe = func(n notify.Notice) {
		if prev != nil {
			prev(n)
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(out, NoticeLine(n))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	mu.Lock()
	fmt.Fprintf(out, "listening on %s\n  wallet webhooks:    %s%s\n  merchant callbacks: %s%s\n",
		base, base, notify.DefaultWebhookPath, base, notify.DefaultBillPath)
	if cfg.VerifyWebhook == nil {
		fmt.Fprintln(out, "  (no webhook key: wallet webhooks will be rejected)")
	}
	if cfg.NotifyPassword == "" {
		fmt.Fprintln(out, "  (no notification password: merchant callbacks will be rejected)")
	}
	mu.Unlock()
	srv := newServer(cfg)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("listen: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("listen: %w", err)
	}
	return nil
}

// NoticeLine is one notification in one line, for logs and `listen`:
// time, kind, verdict (with the reason), id, status, amount, source host.
func NoticeLine(n notify.Notice) string {
	parts := []string{n.Time.Format("2006-01-02 15:04:05 -07:00"), fmt.Sprintf("%-6s", n.Kind), Verdict(n)}
	if n.ID != "" {
		parts = append(parts, "id="+n.ID)
	}
	if n.Status != "" {
		parts = append(parts, "status="+n.Status)
	}
	if n.Amount != nil {
		parts = append(parts, "amount="+n.Amount.String())
	}
	if h := host(n.Remote); h != "" {
		parts = append(parts, "from="+h)
	}
	parts = append(parts, fmt.Sprintf("answer=HTTP %d", n.HTTPStatus))
	if n.ResultCode >= 0 && n.Kind == notify.KindBill {
		parts[len(parts)-1] += fmt.Sprintf(" result_code %d", n.ResultCode)
	}
	return strings.Join(parts, "  ")
}

// Verdict says in words whether a notification was verified, and if not
// why: "verified", "verified, repeat ignored", "test, not signed",
// "rejected: <reason>", "verified, not saved: <reason>".
func Verdict(n notify.Notice) string {
	switch n.Outcome {
	case notify.Accepted:
		return "verified"
	case notify.Duplicate:
		if n.Reason != "" {
			return "verified, repeat while busy: " + n.Reason
		}
		return "verified, repeat ignored"
	case notify.Test:
		return "test, not signed"
	case notify.Rejected:
		return "rejected: " + n.Reason
	case notify.Failed:
		return "verified, not saved: " + n.Reason
	}
	return string(n.Outcome) + " " + n.Reason
}

// host drops the port of a remote address (it changes per connection).
func host(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// WebhookKey holds a wallet hook's signing key that is learnt after the
// receiver starts (the hook is registered with the receiver's URL). Its
// Verify is meant for notify.Config.VerifyWebhook; before Set it refuses.
type WebhookKey struct {
	mu  sync.RWMutex
	key string
}

// Set stores the base64 key (as GET .../hooks/{id}/key returns it).
func (k *WebhookKey) Set(base64Key string) {
	k.mu.Lock()
	k.key = base64Key
	k.mu.Unlock()
}

// Verify checks a webhook body against the key.
func (k *WebhookKey) Verify(body []byte) error {
	k.mu.RLock()
	key := k.key
	k.mu.RUnlock()
	if key == "" {
		return errors.New("the webhook key is not known yet")
	}
	return qiwiapi.VerifySignature(body, key)
}

// RegisterWebhook points the wallet's webhook at hookURL (both directions),
// replacing an existing hook with another URL, learns its key into key and
// asks QIWI for a test notification, so the feed shows one at once.
func RegisterWebhook(ctx context.Context, api *qiwiapi.Client, hookURL string, key *WebhookKey) error {
	if h, _, err := api.Webhooks.Active(ctx); err == nil && h.HookID != "" {
		if h.HookParameters.URL != hookURL {
			if _, err := api.Webhooks.Delete(ctx, h.HookID); err != nil {
				return fmt.Errorf("removing the old webhook: %w", err)
			}
		} else {
			return learnKey(ctx, api, h.HookID, key)
		}
	}
	h, _, err := api.Webhooks.Register(ctx, hookURL, qiwiapi.HookBoth)
	if err != nil {
		return fmt.Errorf("registering the webhook: %w", err)
	}
	return learnKey(ctx, api, h.HookID, key)
}

func learnKey(ctx context.Context, api *qiwiapi.Client, hookID string, key *WebhookKey) error {
	k, _, err := api.Webhooks.Key(ctx, hookID)
	if err != nil {
		return fmt.Errorf("reading the webhook key: %w", err)
	}
	key.Set(k)
	if _, _, err := api.Webhooks.Test(ctx); err != nil {
		return fmt.Errorf("asking for a test notification: %w", err)
	}
	return nil
}
