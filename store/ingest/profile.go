package ingest

import (
	"context"
	"strings"

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
		lines = append(lines, p.Hook.Status())
	} else {
		lines = append(lines, "No wallet token in this profile: wallet webhooks are refused.")
	}
	switch {
	case !p.merchant:
		lines = append(lines, "No merchant credentials in this profile: bill callbacks are refused.")
	case p.notifyPassword == "":
		lines = append(lines, "Bill callbacks are refused: set "+EnvNotifyPassword+" to the shop's notification password.")
	default:
		lines = append(lines, "Bill callbacks checked with the notification password from "+EnvNotifyPassword+".")
	}
	lines = append(lines, "Verified notifications are saved once (a replay is recognised, also after a restart): bill statuses in the bill records, wallet payments recorded and the history synced.")
	return strings.Join(lines, "\n")
}
