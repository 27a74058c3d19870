package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"qiwidash/qiwiapi/notify"
	"qiwidash/views/live"
)

// runListen serves the notification receiver and prints one line per
// notification: verified or rejected, and why. Secrets come from the
// environment for this run only, never from flags (they would show in ps).
func runListen(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address (host:port)")
	checkSource := fs.Bool("check-source", false, "refuse requests from outside QIWI's documented networks")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: qiwidash listen [--addr 127.0.0.1:8090] [--check-source]")
		fmt.Fprintln(stderr, "Environment: QIWI_HOOK_KEY (wallet webhook key, base64), QIWI_SHOP_ID, QIWI_NOTIFY_PASSWORD")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := notify.Config{
		ShopID:         os.Getenv("QIWI_SHOP_ID"),
		NotifyPassword: os.Getenv("QIWI_NOTIFY_PASSWORD"),
		CheckSource:    *checkSource,
	}
	if key := os.Getenv("QIWI_HOOK_KEY"); key != "" {
		cfg.VerifyWebhook = notify.VerifyWithKey(key)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return live.Serve(ctx, *addr, cfg, stdout)
}
