package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
	"qiwidash/store/ingest"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
)

// listenOptions are the listen command's flags.
type listenOptions struct {
	addr, profile string
	checkSource   bool
	log           *slog.Logger // the --debug log; nil: none
	tr            *i18n.Tr     // the language of what it prints (nil: English)
}

// listenCmd serves the notification receiver and prints one line per
// notification: verified or rejected, and why. Secrets come from the
// environment for this run only, never from flags (they would show in ps).
func (a *app) listenCmd() *cobra.Command {
	o := listenOptions{tr: a.tr}
	c := &cobra.Command{
		Use:     "listen",
		Short:   a.tr.T("cli.listen.short", nil),
		Long:    a.tr.T("cli.listen.long", nil),
		Example: a.tr.T("cli.listen.example", nil),
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			o.log = a.log.logger()
			return listen(ctx, o, os.Getenv, cmd.OutOrStdout())
		},
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8090", a.tr.T("cli.flag.addr", nil))
	fs.BoolVar(&o.checkSource, "check-source", false, a.tr.T("cli.flag.check_source", nil))
	fs.StringVar(&o.profile, "profile", "", a.tr.T("cli.flag.listen_profile", nil))
	return c
}

// listen serves until ctx ends. Without a profile it only prints; with
// one, what is accepted is also written into the profile's store (bill
// statuses, the payment and a history sync per wallet payment), the
// webhook key is read from the wallet's active hook and the shop id from
// the profile. The receiver is the engine's (store/ingest); every outside
// string printed passes sanitize.Text.
func listen(ctx context.Context, lo listenOptions, getenv func(string) string, stdout io.Writer) error {
	out := &lockedWriter{w: stdout}
	o := ingest.Options{Checks: notify.Config{
		ShopID:         getenv("QIWI_SHOP_ID"),
		NotifyPassword: getenv(ingest.EnvNotifyPassword),
		CheckSource:    lo.checkSource,
	}, Tr: lo.tr}
	if lo.profile != "" {
		stopSync, closeStore, err := openListenProfile(ctx, lo, getenv, out, &o)
		if err != nil {
			return err
		}
		defer closeStore()
		defer stopSync() // deferred calls run last-in first-out: before the store closes
	}
	if key := getenv("QIWI_HOOK_KEY"); key != "" {
		o.Checks.VerifyWebhook = notify.VerifyWithKey(key)
	}
	ln, err := ingest.Listen(lo.addr)
	if err != nil {
		return i18n.Errorf("cli.listen.failed", nil, err)
	}
	in := ingest.New(o)
	sub := in.Subscribe(1024)
	base := ingest.BaseURL(ln)
	fmt.Fprintln(out, lo.tr.T("cli.listen.listening", i18n.Args{"URL": base, "Webhooks": base + notify.DefaultWebhookPath, "Callbacks": base + notify.DefaultBillPath}))
	if o.Checks.VerifyWebhook == nil {
		fmt.Fprintln(out, lo.tr.T("cli.listen.no_hook_key", nil))
	}
	if o.Checks.NotifyPassword == "" {
		fmt.Fprintln(out, lo.tr.T("cli.listen.no_password", nil))
	}
	printed := make(chan struct{})
	go func() {
		defer close(printed)
		for e := range sub.Events() {
			fmt.Fprintln(out, ingest.Line(lo.tr, e))
		}
	}()
	serveErr := in.Serve(ctx, ln)
	in.Close() // ends the subscription: the printer drains it
	<-printed
	if n := sub.Dropped(); n > 0 {
		fmt.Fprintln(out, lo.tr.N("cli.listen.dropped", int(n), nil))
	}
	if serveErr != nil {
		return i18n.Errorf("cli.listen.failed", nil, serveErr)
	}
	return nil
}

// openListenProfile opens the store, unlocks the profile (keyring or QIWI_*
// variables) and sets o to check, save and sync for it; it prints what is
// checked with what. stopSync ends a history sync in flight.
func openListenProfile(ctx context.Context, lo listenOptions, getenv func(string) string, out io.Writer, o *ingest.Options) (stopSync, closeStore func(), err error) {
	path, err := store.DefaultPath()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(path, store.Options{Getenv: getenv})
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (func(), func(), error) {
		st.Close()
		return nil, nil, err
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	name, err := pickProfile(octx, st, lo.profile, store.Config{})
	if err != nil {
		return fail(err)
	}
	sess, err := st.Unlock(octx, name)
	if err != nil {
		return fail(err)
	}
	ps, cr := sess.Profile.Settings, sess.Credentials
	creds := credentials{token: cr.Token, wallet: sess.Profile.Wallet, apiID: cr.APIID, apiPassword: cr.APIPassword, shopID: cr.ShopID}
	f := dashboardFlags{baseURL: orDefault(ps.BaseURL, qiwiapi.DefaultBaseURL), log: lo.log, tr: lo.tr}
	c, err := newCommon(f, creds, "", "", orDefault(ps.MerchantURL, pull.DefaultBaseURL),
		budget.NewRegistry(budget.Options{})) // one scheduler for the wallet, for this process
	if err != nil {
		return fail(err)
	}
	if c.API == nil && c.Merchant == nil {
		return fail(i18n.Errorf("cli.listen.nothing", i18n.Args{"Name": strconv.Quote(name)}, nil))
	}
	pr := ingest.NewProfile(walletHooks(c), c.Merchant != nil, c.MerchantShopID, getenv(ingest.EnvNotifyPassword))
	pr.Tr = lo.tr
	status := pr.Status()
	if getenv("QIWI_HOOK_KEY") == "" {
		_ = pr.Learn(octx) // Status says what went wrong; a webhook retries
		status = pr.Status()
	} else if _, rest, ok := strings.Cut(status, "\n"); ok {
		status = lo.tr.T("cli.listen.env_hook_key", nil) + "\n" + rest
	}
	sctx, stop := context.WithCancel(context.Background())
	o.Checks = pr.Checks(o.Checks)
	o.Store, o.Wallet = st, c.Wallet
	if c.API != nil {
		o.Confirm = ingest.ConfirmWithAPI(c.API.History) // a webhook's status is confirmed inside the wallet's budget
		o.OnWalletPayment = historySync(sctx, newHistoryReader(st, c), func(changed bool, err error) {
			at := time.Now().Format("2006-01-02 15:04:05 -07:00")
			if err != nil {
				fmt.Fprintln(out, lo.tr.T("cli.listen.sync_failed", i18n.Args{"At": at, "Why": sanitize.Text(c.Explain(err))}))
				return
			}
			synced := lo.tr.T("cli.listen.synced_nothing", i18n.Args{"At": at})
			if changed {
				synced = lo.tr.T("cli.listen.synced_new", i18n.Args{"At": at})
			}
			fmt.Fprintln(out, synced)
		})
	}
	fmt.Fprintln(out, lo.tr.T("cli.listen.saving", i18n.Args{"Name": sanitize.Text(name), "Path": sanitize.Text(st.Path())}))
	for _, line := range strings.Split(status, "\n") {
		fmt.Fprintln(out, "  "+sanitize.Text(line)) // may quote QIWI: the hook's URL, an error
	}
	return stop, func() { st.Close() }, nil
}

// walletHooks is what reads the active webhook's key; nil without a
// wallet token.
func walletHooks(c *common.Common) ingest.HookAPI {
	if c.API == nil {
		return nil
	}
	return c.API.Webhooks
}

// historySyncTimeout bounds one history sync after a wallet payment.
const historySyncTimeout = 2 * time.Minute

// historySync is an OnWalletPayment that brings the wallet's history cache
// up to date, so the payment lands as QIWI's history reports it (never as
// a row built from the webhook, whose status is not signed). report (may
// be nil) hears of each sync. ctx ends the syncs.
func historySync(ctx context.Context, history *reader.Reader, report func(changed bool, err error)) func(string, int64) {
	return func(string, int64) {
		sctx, cancel := context.WithTimeout(ctx, historySyncTimeout)
		defer cancel()
		history.Stale()
		changed, err := history.Refresh(sctx)
		if report != nil {
			report(changed, err)
		}
	}
}

// lockedWriter lets the receiver and background syncs print whole lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
