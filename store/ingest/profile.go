package ingest

import (
	"context"
	"strings"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/notify"
)

// EnvNotifyPassword names the variable holding the merchant notification
// password (the shop's "notification password"), which bill callbacks are
// checked with. It is read from the environment only, never from a flag
// (flags show in ps), and never logged.
const EnvNotifyPassword = "QIWI_NOTIFY_PASSWORD"

// Profile is what a real profile's receiver checks with: wallet webhooks
// with the key of the wallet's active hook, bill callbacks with the
// notification password.
type Profile struct {
	// Hook checks wallet webhooks; nil when the profile has no wallet token.
	Hook *ActiveHookKey
	// Tr is the language of Status (nil: English), read when it is
	// called, so the shared Tr's live switch shows at once.
	Tr *i18n.Tr

	shopID, notifyPassword string
	merchant               bool
}

// NewProfile wires the checks of a profile: hooks reads its wallet's active
// hook (nil: no wallet token, webhooks are refused); merchant says whether
// it has merchant credentials, for shop shopID.
func NewProfile(hooks HookAPI, merchant bool, shopID, notifyPassword string) *Profile {
	p := &Profile{notifyPassword: notifyPassword, merchant: merchant}
	if hooks != nil {
		p.Hook = NewActiveHookKey(hooks)
	}
	if merchant {
		p.shopID = shopID
	}
	return p
}

// Learn reads the active hook's key (nothing to do without a wallet).
// The error is also kept for Status; webhooks retry on their own.
func (p *Profile) Learn(ctx context.Context) error {
	if p.Hook == nil {
		return nil
	}
	return p.Hook.Learn(ctx)
}

// Checks returns cfg with the profile's checks set (for Options.Checks).
func (p *Profile) Checks(cfg notify.Config) notify.Config {
	if p.Hook != nil {
		cfg.VerifyWebhook = p.Hook.Verify
	}
	cfg.ShopID, cfg.NotifyPassword = p.shopID, p.notifyPassword
	return cfg
}

// Status says, one line each, what is checked and with what.
func (p *Profile) Status() string {
	var lines []string
	if p.Hook != nil {
		lines = append(lines, p.Hook.Status(p.Tr))
	} else {
		lines = append(lines, p.Tr.T("ingest.profile.no_wallet", nil))
	}
	env := i18n.Args{"Env": EnvNotifyPassword}
	switch {
	case !p.merchant:
		lines = append(lines, p.Tr.T("ingest.profile.no_merchant", nil))
	case p.notifyPassword == "":
		lines = append(lines, p.Tr.T("ingest.profile.no_password", env))
	default:
		lines = append(lines, p.Tr.T("ingest.profile.password", env))
	}
	lines = append(lines, p.Tr.T("ingest.profile.saved_once", nil))
	return strings.Join(lines, "\n")
}
