package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"qiwidash/qiwiapi/sandbox"
	"qiwidash/qiwiapi/sandbox/demo"
)

// sandboxOptions are the sandbox command's flags.
type sandboxOptions struct {
	addr, callback string
	seed           int64
	rows           int
	latency        time.Duration
	strict         bool
}

func newSandboxCmd() *cobra.Command {
	var o sandboxOptions
	c := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the QIWI sandbox (Wallet, Top-Up, Pull REST; curl-able) until interrupted",
		Long: `Serves the embedded QIWI-compatible sandboxes on one address, seeded with the
demo's deterministic data set, and prints the demo credentials, one per line,
labelled. Any QIWI client, curl included, can talk to it.`,
		Example: "  qiwidash sandbox --addr 127.0.0.1:8080 --latency 50ms",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address (host:port)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the deterministic data set")
	fs.StringVar(&o.callback, "callback-url", "", "where to POST merchant bill callbacks (optional)")
	fs.IntVar(&o.rows, "history-rows", 0, "seed the demo wallet with N transactions spread evenly over the last 24 months (0: the usual data set)")
	fs.DurationVar(&o.latency, "latency", 0, "delay every answer by this long (e.g. 50ms)")
	fs.BoolVar(&o.strict, "strict", false, "answer exactly the documented shapes (no field, type or content type beyond QIWI's docs)")
	return c
}

// runSandbox serves the embedded QIWI sandboxes (Wallet, Top-Up, Pull REST)
// until interrupted and prints the demo credentials, one per line, labelled.
func runSandbox(o sandboxOptions, stdout, stderr io.Writer) error {
	if o.rows < 0 || o.latency < 0 || o.latency > time.Minute {
		return fmt.Errorf("sandbox: --history-rows must be >= 0 and --latency between 0 and 1m")
	}
	sb, err := demo.Start(o.addr, demo.Options{Seed: o.seed, CallbackURL: o.callback, HistoryRows: o.rows, Latency: o.latency, Strict: o.strict})
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
	mode := "default mode (its few extras beyond the docs: README, Strict mode)"
	if o.strict {
		mode = "strict mode: only the documented shapes"
	}
	fmt.Fprintf(stderr, "serving the QIWI sandbox, %s; press Ctrl+C to stop\n", mode)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}
