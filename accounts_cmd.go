package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/ui/common"
)

// The login, logout and export subcommands. The logic lives in store.CLI;
// this file only declares their flags and wires the terminal and the agent
// and merchant checks.

// newAccountsCLI wires a CLI to stdin. From a terminal a secret is read
// without echo; from a pipe every answer, secret or not, is one line of
// the same reader, so nothing is read ahead and lost between two answers.
func newAccountsCLI(stdin *os.File, stdout, stderr io.Writer) *store.CLI {
	c := &store.CLI{
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
		Getenv:   os.Getenv,
		Keys:     common.DefaultKeys(nil), // the config is checked as the dashboard checks it
		Agent:    verifyAgent,
		Merchant: verifyMerchant,
		SyncHistory: func(ctx context.Context, st *store.Store, api *qiwiapi.HistoryService, wallet string, from time.Time) error {
			r := reader.New(reader.Options{Store: st, API: api, Wallet: wallet})
			defer r.Close()
			return r.Sync(ctx, from)
		},
	}
	if f, ok := stdout.(*os.File); ok {
		c.Terminal = term.IsTerminal(int(f.Fd()))
	}
	if fd := int(stdin.Fd()); term.IsTerminal(fd) {
		c.ReadSecret = func(prompt string) (string, error) {
			fmt.Fprint(stderr, prompt)
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(stderr)
			return string(b), err
		}
	}
	return c
}

// verifyAgent pings the Top-Up API with the terminal's login (password,
// signing key or client certificate, at the address the docs give for it
// unless baseURL says otherwise). Key and certificate files are read and
// checked here. An answer that is not the API's XML (HTML, a 5xx, an empty
// body) is a *store.BadAnswerError, never an acceptance or a refusal.
func verifyAgent(ctx context.Context, cr store.Credentials, baseURL string) error {
	auth := cr.TopupAuth()
	opts, err := auth.Options()
	if err != nil {
		return err
	}
	opts = append(opts, topup.WithBaseURL(orDefault(baseURL, auth.Endpoint())))
	c, err := topup.NewClient(cr.AgentID, opts...)
	if err != nil {
		return err
	}
	_, resp, err := c.Ping(ctx)
	var httpErr *topup.HTTPError
	var decErr *topup.DecodeError
	switch {
	case errors.As(err, &httpErr):
		return &store.BadAnswerError{Status: httpErr.StatusCode}
	case errors.As(err, &decErr):
		status := http.StatusOK
		if resp != nil && resp.Response != nil {
			status = resp.StatusCode
		}
		return &store.BadAnswerError{Status: status}
	}
	return err
}

// verifyMerchant asks for a bill that does not exist: the API's own "no
// such bill" proves the credentials, an authorisation failure refuses
// them, and an answer that is not the API's (HTML, a 5xx, a proxy's page)
// is a *store.BadAnswerError: neither.
func verifyMerchant(ctx context.Context, apiID, apiPassword, shopID, baseURL string) error {
	var opts []pull.Option
	if baseURL != "" {
		opts = append(opts, pull.WithBaseURL(baseURL))
	}
	c, err := pull.NewClient(pull.Credentials{APIID: apiID, APIPassword: apiPassword, ShopID: shopID}, opts...)
	if err != nil {
		return err
	}
	_, resp, err := c.Bills.Get(ctx, "qiwidash-login-check")
	if err == nil {
		return nil
	}
	var auth *pull.AuthError
	var busy *pull.RateLimitError
	var apiErr *pull.ErrorResponse
	switch {
	case errors.As(err, &auth), errors.As(err, &busy):
		return err
	case errors.As(err, &apiErr) && apiErr.Response != nil && apiErr.Response.StatusCode < 500 && resp != nil && resp.ResultCode == apiErr.Code:
		return nil // the API's own answer about the bill: the credentials work
	case resp != nil && resp.Response != nil:
		return &store.BadAnswerError{Status: resp.StatusCode}
	}
	return err
}

// targetFlags declares the flags login, logout and export share, their
// help in tr's language.
func targetFlags(fs *pflag.FlagSet, t *store.Target, tr *i18n.Tr) {
	fs.SortFlags = false
	fs.StringVar(&t.Profile, "profile", "", tr.T("cli.flag.profile", nil))
	fs.StringVar(&t.Config, "config", "", tr.T("cli.flag.config", nil))
	fs.StringVar(&t.Store, "store", "", tr.T("cli.flag.store", nil))
	fs.StringVar(&t.BaseURL, "base-url", "", tr.T("cli.flag.base_url", i18n.Args{"URL": qiwiapi.DefaultBaseURL}))
}

// accounts is the store's CLI on this app's terminal, its Wallet API
// requests in the --debug log.
func (a *app) accounts(cmd *cobra.Command) *store.CLI {
	c := newAccountsCLI(a.stdin, cmd.OutOrStdout(), cmd.ErrOrStderr())
	c.Tr = a.tr
	c.HTTPClient = httpClient(a.log.logger(), 30*time.Second)
	return c
}

// interruptible is ctx that ends at Ctrl+C.
func interruptible(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(cmd.Context(), os.Interrupt)
}

func (a *app) loginCmd() *cobra.Command {
	var o store.LoginOptions
	c := &cobra.Command{
		Use:   "login",
		Short: a.tr.T("cli.login.short", nil),
		Long:  a.tr.T("cli.login.long", nil),
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			orDiscard(a.log.logger()).Info("profile", "name", o.Profile)
			return a.accounts(cmd).Login(ctx, o)
		},
	}
	targetFlags(c.Flags(), &o.Target, a.tr)
	c.Flags().StringVar(&o.AgentURL, "agent-url", "", a.tr.T("cli.flag.agent_url", nil))
	c.Flags().StringVar(&o.AgentKey, "agent-key", "", a.tr.T("cli.flag.agent_key", nil))
	c.Flags().StringVar(&o.AgentCert, "agent-cert", "", a.tr.T("cli.flag.agent_cert", nil))
	c.Flags().StringVar(&o.AgentCA, "agent-ca", "", a.tr.T("cli.flag.agent_ca", nil))
	c.Flags().StringVar(&o.AgentSignAlg, "agent-sign-alg", "", a.tr.T("cli.flag.agent_sign_alg", nil))
	c.Flags().StringVar(&o.MerchantURL, "merchant-url", "", a.tr.T("cli.flag.merchant_url", nil))
	return c
}

func (a *app) logoutCmd() *cobra.Command {
	var t store.Target
	c := &cobra.Command{
		Use:   "logout",
		Short: a.tr.T("cli.logout.short", nil),
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			orDiscard(a.log.logger()).Info("profile", "name", t.Profile)
			return a.accounts(cmd).Logout(ctx, t)
		},
	}
	targetFlags(c.Flags(), &t, a.tr)
	return c
}

func (a *app) exportCmd() *cobra.Command {
	var o store.ExportOptions
	c := &cobra.Command{
		Use:     "export",
		Short:   a.tr.T("cli.export.short", nil),
		Long:    a.tr.T("cli.export.long", nil),
		Example: a.tr.T("cli.export.example", nil),
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			orDiscard(a.log.logger()).Info("profile", "name", o.Profile)
			return a.accounts(cmd).Export(ctx, o)
		},
	}
	targetFlags(c.Flags(), &o.Target, a.tr)
	c.Flags().StringVar(&o.From, "from", "", a.tr.T("cli.flag.export_from", nil))
	c.Flags().StringVar(&o.To, "to", "", a.tr.T("cli.flag.export_to", nil))
	c.Flags().StringVar(&o.Format, "format", "csv", a.tr.T("cli.flag.export_format", nil))
	c.Flags().BoolVar(&o.Offline, "offline", false, a.tr.T("cli.flag.export_offline", nil))
	return c
}
