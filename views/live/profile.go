package live

import (
	"context"
	"strings"

	"qiwidash/qiwiapi/notify"
	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
)

// EnvNotifyPassword names the variable holding the merchant notification
// password (the shop's "notification password"), which bill callbacks are
// checked with. It is read from the environment only, never from a flag
// (flags show in ps), and never logged.
const EnvNotifyPassword = "QIWI_NOTIFY_PASSWORD"

// ProfileReceiver is what a receiver needs for a real profile: wallet
// webhooks checked with the key of the wallet's active hook, bill callbacks
// with the notification password, and what is accepted written into the
// profile's store (see StoreSink).
type ProfileReceiver struct {
	// Hook checks wallet webhooks; nil when the profile has no wallet token.
	Hook *ActiveHookKey
	// Sink writes into the store.
	Sink *StoreSink

	shopID, notifyPassword string
	wallet, merchant       bool
}

// NewProfileReceiver wires a receiver for the profile whose clients are in
// c, over its store st. recordBill writes bill callbacks into the bill
// records (nil: not recorded); onSync (may be nil) hears of each
// background sync.
func NewProfileReceiver(st *store.Store, c *common.Common, notifyPassword string, recordBill func(context.Context, notify.BillEvent) error, onSync func(changed bool, err error)) *ProfileReceiver {
	p := &ProfileReceiver{notifyPassword: notifyPassword, wallet: c.API != nil, merchant: c.Merchant != nil}
	o := StoreSinkOptions{OnSync: onSync, Now: c.Now}
	if c.API != nil {
		p.Hook = NewActiveHookKey(c.API.Webhooks)
		o.Refresh = reader.New(reader.Options{Store: st, API: c.API.History, Wallet: c.Wallet}).Refresh
	}
	if c.Merchant != nil {
		p.shopID = c.MerchantShopID
		o.RecordBill = recordBill
	}
	p.Sink = NewStoreSink(o)
	return p
}

// Learn reads the active hook's key (nothing to do without a wallet).
// The error is also kept for Status; webhooks retry on their own.
func (p *ProfileReceiver) Learn(ctx context.Context) error {
	if p.Hook == nil {
		return nil
	}
	return p.Hook.Learn(ctx)
}

// Config returns cfg with the checks and the store sink set; wrap it in
// Feed.Config to see the notifications in the program too.
func (p *ProfileReceiver) Config(cfg notify.Config) notify.Config {
	if p.Hook != nil {
		cfg.VerifyWebhook = p.Hook.Verify
	}
	cfg.ShopID, cfg.NotifyPassword = p.shopID, p.notifyPassword
	cfg.Sink = p.Sink
	return cfg
}

// Status says, one line each, what is checked and with what.
func (p *ProfileReceiver) Status() string {
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
	lines = append(lines, "Accepted notifications are saved: bill statuses in the bill records, wallet payments by a history sync.")
	return strings.Join(lines, "\n")
}

// Close stops a running sync and waits for it (before the store closes).
func (p *ProfileReceiver) Close() { p.Sink.Close() }
