package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/sandbox/demo"
)

// runSandbox serves the embedded QIWI sandboxes (Wallet, Top-Up, Pull REST)
// until interrupted and prints the demo credentials, one per line, labelled.
func runSandbox(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (host:port)")
	seed := fs.Int64("seed", 1, "seed of the deterministic data set")
	callback := fs.String("callback-url", "", "where to POST merchant bill callbacks (optional)")
	rows := fs.Int("history-rows", 0, "seed the demo wallet with N transactions spread evenly over the last 24 months (0: the usual data set)")
	latency := fs.Duration("latency", 0, "delay every answer by this long (e.g. 50ms)")
	strict := fs.Bool("strict", false, "answer exactly the documented shapes (no field, type or content type beyond QIWI's docs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rows < 0 || *latency < 0 || *latency > time.Minute {
		return fmt.Errorf("sandbox: --history-rows must be >= 0 and --latency between 0 and 1m")
	}
	sb, err := demo.Start(*addr, demo.Options{Seed: *seed, CallbackURL: *callback, HistoryRows: *rows, Latency: *latency, Strict: *strict})
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer sb.Close()
	c := sb.Creds
	for _, kv := range [][2]string{
		{"url", sb.URL},
		{"token", c.WalletToken},
		{"wallet", c.Wallet},
		{"agent terminal id", c.AgentTerminal},
		{"agent password", c.AgentPassword},
		{"merchant API_ID", c.MerchantAPIID},
		{"merchant API_PASSWORD", c.MerchantPassword},
		{"merchant shop id", c.MerchantShopID},
		{"stats", sb.URL + sandbox.StatsPath},
	} {
		fmt.Fprintf(stdout, "%s: %s\n", kv[0], kv[1])
	}
	fmt.Fprintln(stderr, "serving the QIWI sandbox; press Ctrl+C to stop")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}
