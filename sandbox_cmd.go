package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"qiwidash/i18n"
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
	tr             *i18n.Tr // the language of what it says (nil: English)
}

// newSandboxCmd is `qiwidash sandbox`, its help and messages in tr's
// language (nil: English); what it serves and the credentials' labels are
// the same in both.
func newSandboxCmd(tr *i18n.Tr) *cobra.Command {
	o := sandboxOptions{tr: tr}
	c := &cobra.Command{
		Use:     "sandbox",
		Short:   tr.T("cli.sandbox.short", nil),
		Long:    tr.T("cli.sandbox.long", nil),
		Example: tr.T("cli.sandbox.example", nil),
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSandbox(o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fs := c.Flags()
	fs.SortFlags = false
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", tr.T("cli.flag.addr", nil))
	fs.Int64Var(&o.seed, "seed", 1, tr.T("cli.flag.seed", nil))
	fs.StringVar(&o.callback, "callback-url", "", tr.T("cli.flag.callback_url", nil))
	fs.IntVar(&o.rows, "history-rows", 0, tr.T("cli.flag.history_rows", nil))
	fs.DurationVar(&o.latency, "latency", 0, tr.T("cli.flag.latency", nil))
	fs.BoolVar(&o.strict, "strict", false, tr.T("cli.flag.strict", nil))
	return c
}

// runSandbox serves the embedded QIWI sandboxes (Wallet, Top-Up, Pull REST)
// until interrupted and prints the demo credentials, one per line, labelled.
func runSandbox(o sandboxOptions, stdout, stderr io.Writer) error {
	if o.rows < 0 || o.latency < 0 || o.latency > time.Minute {
		return i18n.Errorf("cli.sandbox.bad_flags", nil, nil)
	}
	sb, err := demo.Start(o.addr, demo.Options{Seed: o.seed, CallbackURL: o.callback, HistoryRows: o.rows, Latency: o.latency, Strict: o.strict})
	if err != nil {
		return i18n.Errorf("cli.sandbox.failed", nil, err)
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
	serving := o.tr.T("cli.sandbox.serving", nil)
	if o.strict {
		serving = o.tr.T("cli.sandbox.serving_strict", nil)
	}
	fmt.Fprintln(stderr, serving)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}
