package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/budget"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/store"
	"qiwidash/ui/common"
	"qiwidash/views/live"
)

// runListen serves the notification receiver and prints one line per
// notification: verified or rejected, and why. Secrets come from the
// environment for this run only, never from flags (they would show in ps).
func runListen(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return listen(ctx, args, os.Getenv, stdout, stderr)
}

// listen is runListen until ctx ends. Without --profile it only prints;
// with it, what is accepted is also written into the profile's store
// (bill statuses, and a history sync per wallet payment), the webhook key
// is read from the wallet's active hook and the shop id from the profile.
func listen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address (host:port)")
	checkSource := fs.Bool("check-source", false, "refuse requests from outside QIWI's documented networks")
	profile := fs.String("profile", "", "save what is accepted in this profile's store; its wallet's active webhook gives the key, its shop the id")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: qiwidash listen [--addr 127.0.0.1:8090] [--check-source] [--profile NAME]")
		fmt.Fprintln(stderr, "Environment: QIWI_NOTIFY_PASSWORD (merchant notification password),")
		fmt.Fprintln(stderr, "  QIWI_HOOK_KEY (wallet webhook key, base64; with --profile: read from the active hook when unset),")
		fmt.Fprintln(stderr, "  QIWI_SHOP_ID (without --profile)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("listen: unexpected argument %q", fs.Arg(0))
	}
	out := &lockedWriter{w: stdout}
	cfg := notify.Config{
		ShopID:         getenv("QIWI_SHOP_ID"),
		NotifyPassword: getenv(live.EnvNotifyPassword),
		CheckSource:    *checkSource,
	}
	if *profile != "" {
		pr, closeStore, err := openListenProfile(ctx, *profile, getenv, out)
		if err != nil {
			return err
		}
		defer closeStore()
		defer pr.Close() // before the store closes (deferred calls run last-in first-out)
		cfg = pr.Config(cfg)
	}
	if key := getenv("QIWI_HOOK_KEY"); key != "" {
		cfg.VerifyWebhook = notify.VerifyWithKey(key)
	}
	return live.Serve(ctx, *addr, cfg, out)
}

// openListenProfile opens the store, unlocks the profile (keyring or QIWI_*
// variables) and wires its receiver; it prints what is checked with what.
func openListenProfile(ctx context.Context, name string, getenv func(string) string, out io.Writer) (*live.ProfileReceiver, func(), error) {
	path, err := store.DefaultPath()
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(path, store.Options{Getenv: getenv})
	if err != nil {
		return nil, nil, err
	}
	fail := func(err error) (*live.ProfileReceiver, func(), error) {
		st.Close()
		return nil, nil, err
	}
	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if name, err = pickProfile(octx, st, name, store.Config{}); err != nil {
		return fail(err)
	}
	sess, err := st.Unlock(octx, name)
	if err != nil {
		return fail(err)
	}
	ps, cr := sess.Profile.Settings, sess.Credentials
	creds := credentials{token: cr.Token, wallet: sess.Profile.Wallet, apiID: cr.APIID, apiPassword: cr.APIPassword, shopID: cr.ShopID}
	c, err := newCommon(dashboardFlags{baseURL: orDefault(ps.BaseURL, qiwiapi.DefaultBaseURL)}, creds, "", "", orDefault(ps.MerchantURL, pull.DefaultBaseURL),
		budget.NewRegistry(budget.Options{})) // one scheduler for the wallet, for this process
	if err != nil {
		return fail(err)
	}
	if c.API == nil && c.Merchant == nil {
		return fail(fmt.Errorf("profile %q has neither a wallet token nor merchant credentials: nothing to listen for", name))
	}
	pr := live.NewProfileReceiver(st, c, getenv(live.EnvNotifyPassword), billRecorder(st, c), func(changed bool, err error) {
		if err != nil {
			fmt.Fprintf(out, "%s  history sync failed: %s\n", time.Now().Format("2006-01-02 15:04:05 -07:00"), common.Explain(err))
			return
		}
		what := "nothing new"
		if changed {
			what = "new or updated payments cached"
		}
		fmt.Fprintf(out, "%s  history synced: %s\n", time.Now().Format("2006-01-02 15:04:05 -07:00"), what)
	})
	status := pr.Status()
	if getenv("QIWI_HOOK_KEY") == "" {
		_ = pr.Learn(octx) // Status says what went wrong; a webhook retries
		status = pr.Status()
	} else if _, rest, ok := strings.Cut(status, "\n"); ok {
		status = "Wallet webhooks checked with the key in QIWI_HOOK_KEY.\n" + rest
	}
	fmt.Fprintf(out, "profile %s: saving accepted notifications in %s\n", name, st.Path())
	for _, line := range strings.Split(status, "\n") {
		fmt.Fprintln(out, "  "+line)
	}
	return pr, func() { st.Close() }, nil
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
