package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
)

// HookAPI is the part of the Wallet API webhooks service ActiveHookKey
// reads; *qiwiapi.WebhooksService implements it.
type HookAPI interface {
	Active(ctx context.Context) (*qiwiapi.Hook, *qiwiapi.Response, error)
	Key(ctx context.Context, hookID string) (string, *qiwiapi.Response, error)
}

// ErrNoActiveHook means the wallet has no webhook registered.
var ErrNoActiveHook = i18n.Errorf("ingest.no_active_hook", nil, nil)

// DefaultRelearnInterval is the least time between two re-reads of the
// active hook caused by webhooks that failed the check of a known key.
// While no key is known (no hook yet: the user is registering one) the
// hook is read again sooner, every NoKeyRelearnInterval at most, so that
// the first notification of a newly registered hook already passes.
const (
	DefaultRelearnInterval = 30 * time.Second
	NoKeyRelearnInterval   = 2 * time.Second
)

// relearnTimeout bounds a re-read made while QIWI waits for an answer.
const relearnTimeout = time.Second

// ActiveHookKey verifies wallet webhooks with the signing key of the
// wallet's ACTIVE hook, for real profiles: it only reads (the active hook
// and its key) and never registers, replaces or deletes a hook; the user
// points the hook at a public URL on the Webhooks screen. When a webhook
// fails the check (no key yet, or the hook was registered again with a new
// key), the active hook is read again, at most once per RelearnInterval,
// so a hook registered while the dashboard runs is picked up.
type ActiveHookKey struct {
	api HookAPI
	key WebhookKey
	// RelearnInterval overrides DefaultRelearnInterval (tests).
	RelearnInterval time.Duration
	Now             func() time.Time

	learning sync.Mutex // one read of the active hook at a time
	mu       sync.Mutex
	checked  time.Time // last read, successful or not
	hookURL  string
	err      error
	known    bool // a read finished at least once
	haveKey  bool
}

// NewActiveHookKey reads keys through api (usually client.Webhooks).
func NewActiveHookKey(api HookAPI) *ActiveHookKey { return &ActiveHookKey{api: api} }

func (a *ActiveHookKey) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Learn reads the active hook and its key. ErrNoActiveHook when there is
// none (then webhooks are refused until one is registered).
func (a *ActiveHookKey) Learn(ctx context.Context) error {
	a.learning.Lock()
	defer a.learning.Unlock()
	return a.learn(ctx)
}

func (a *ActiveHookKey) learn(ctx context.Context) error {
	url, key, err := a.read(ctx)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checked, a.known, a.err = a.now(), true, err
	if err != nil {
		if errors.Is(err, ErrNoActiveHook) {
			a.hookURL, a.haveKey = "", false
			a.key.Set("") // a deleted hook's key no longer signs anything
		}
		return err
	}
	a.hookURL, a.haveKey = url, true
	a.key.Set(key)
	return nil
}

func (a *ActiveHookKey) read(ctx context.Context) (url, key string, err error) {
	h, _, err := a.api.Active(ctx)
	if errors.Is(err, qiwiapi.ErrNotFound) || (err == nil && h.HookID == "") {
		return "", "", ErrNoActiveHook
	}
	if err != nil {
		return "", "", fmt.Errorf("reading the active webhook: %w", err)
	}
	k, _, err := a.api.Key(ctx, h.HookID)
	if err != nil {
		return "", "", fmt.Errorf("reading the webhook key: %w", err)
	}
	return h.HookParameters.URL, k, nil
}

// Verify is for notify.Config.VerifyWebhook.
func (a *ActiveHookKey) Verify(signed, hash string) error {
	err := a.key.Verify(signed, hash)
	if err == nil || !a.due() {
		return a.explain(err)
	}
	if !a.learning.TryLock() {
		return a.explain(err) // another request is reading it right now
	}
	defer a.learning.Unlock()
	if !a.due() {
		return a.explain(a.key.Verify(signed, hash))
	}
	ctx, cancel := context.WithTimeout(context.Background(), relearnTimeout)
	defer cancel()
	if lerr := a.learn(ctx); lerr != nil {
		return a.explain(err)
	}
	return a.key.Verify(signed, hash)
}

// due says whether a failed check may read the active hook again.
func (a *ActiveHookKey) due() bool {
	every := a.RelearnInterval
	if every <= 0 {
		every = DefaultRelearnInterval
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.haveKey {
		every = min(every, NoKeyRelearnInterval)
	}
	return !a.known || a.now().Sub(a.checked) >= every
}

// explain replaces "key not known" by the reason it is not known.
func (a *ActiveHookKey) explain(err error) error {
	if err == nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.known && errors.Is(a.err, ErrNoActiveHook) {
		return i18n.Errorf("ingest.register_hook", nil, nil)
	}
	return err
}

// Status says in words, in tr's language (nil: English), what wallet
// webhooks are checked against.
func (a *ActiveHookKey) Status(tr *i18n.Tr) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case !a.known:
		return tr.T("ingest.hook.reading", nil)
	case errors.Is(a.err, ErrNoActiveHook):
		return tr.T("ingest.hook.none", i18n.Args{"Path": notify.DefaultWebhookPath})
	case a.err != nil:
		return tr.T("ingest.hook.unreadable", i18n.Args{"Why": explain.Error(tr, a.err)})
	}
	return tr.T("ingest.hook.checked", i18n.Args{"URL": a.hookURL})
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

// Verify checks a webhook's hash against the signed text (see
// notify.Config.VerifyWebhook) with the key.
func (k *WebhookKey) Verify(signed, hash string) error {
	k.mu.RLock()
	key := k.key
	k.mu.RUnlock()
	if key == "" {
		return i18n.Errorf("ingest.key_unknown", nil, nil)
	}
	return qiwiapi.CheckHash(signed, hash, key)
}

// RegisterWebhook points the wallet's webhook at hookURL (both directions),
// replacing an existing hook with another URL, learns its key into key and
// asks QIWI for a test notification, so subscribers see one at once. Only
// the demo registers a hook; real profiles use ActiveHookKey.
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
