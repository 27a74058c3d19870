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

// targetFlags declares the flags login, logout and export share.
func targetFlags(fs *pflag.FlagSet, t *store.Target) {
	fs.SortFlags = false
	fs.StringVar(&t.Profile, "profile", "", "profile `NAME` (default: default_profile from the config, else \"default\")")
	fs.StringVar(&t.Config, "config", "", "config file at `PATH` (default: $XDG_CONFIG_HOME/qiwidash/config.toml or .yaml)")
	fs.StringVar(&t.Store, "store", "", "store file at `PATH` (default: $XDG_DATA_HOME/qiwidash/qiwidash.db)")
	fs.StringVar(&t.BaseURL, "base-url", "", "Wallet API base `URL` (default: the profile's, else "+qiwiapi.DefaultBaseURL+")")
}

// accounts is the store's CLI on this app's terminal, its Wallet API
// requests in the --debug log.
func (a *app) accounts(cmd *cobra.Command) *store.CLI {
	c := newAccountsCLI(a.stdin, cmd.OutOrStdout(), cmd.ErrOrStderr())
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
		Short: "Save a profile's credentials to the OS keyring (checked with QIWI first)",
		Long: `Asks for the credentials you have (Wallet API token, Top-Up agent terminal id and
password, merchant API_ID, API_PASSWORD and shop id; Enter skips one), checks them
with the APIs and saves them to the OS keyring. Secrets are read without echo from
a terminal, or one line each from a pipe; never from flags.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			orDiscard(a.log.logger()).Info("profile", "name", o.Profile)
			return a.accounts(cmd).Login(ctx, o)
		},
	}
	targetFlags(c.Flags(), &o.Target)
	c.Flags().StringVar(&o.AgentURL, "agent-url", "", "Top-Up agent API `URL` (default: production; private-api.qiwi.com with --agent-cert)")
	c.Flags().StringVar(&o.AgentKey, "agent-key", "", "Top-Up agent: PEM RSA private key `FILE` (2048 bits or more): signs requests, or is --agent-cert's key")
	c.Flags().StringVar(&o.AgentCert, "agent-cert", "", "Top-Up agent: PEM client certificate `FILE` from QIWI (login by certificate; needs --agent-key)")
	c.Flags().StringVar(&o.AgentCA, "agent-ca", "", "Top-Up agent: PEM CA certificate `FILE` QIWI gave with the client certificate (optional)")
	c.Flags().StringVar(&o.AgentSignAlg, "agent-sign-alg", "", "Top-Up agent signature algorithm: SHA1withRSA (default) or MD5withRSA")
	c.Flags().StringVar(&o.MerchantURL, "merchant-url", "", "Pull REST API base `URL` (default: production)")
	return c
}

func (a *app) logoutCmd() *cobra.Command {
	var t store.Target
	c := &cobra.Command{
		Use:   "logout",
		Short: "Remove a profile's secrets from the keyring",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			orDiscard(a.log.logger()).Info("profile", "name", t.Profile)
			return a.accounts(cmd).Logout(ctx, t)
		},
	}
	targetFlags(c.Flags(), &t)
	return c
}

func (a *app) exportCmd() *cobra.Command {
	var o store.ExportOptions
	c := &cobra.Command{
		Use:   "export",
		Short: "Write the cached wallet history as CSV or JSON, for scripts",
		Long: `Brings the profile's cached history up to date for the range (unless --offline)
and writes it to stdout as CSV or JSON. On a terminal, text from QIWI is
sanitized; a file or a pipe gets it as it is.`,
		Example: "  qiwidash export --from 2024-05-01 --to 2024-05-31 --format json > may.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := interruptible(cmd)
			defer stop()
			orDiscard(a.log.logger()).Info("profile", "name", o.Profile)
			return a.accounts(cmd).Export(ctx, o)
		},
	}
	targetFlags(c.Flags(), &o.Target)
	c.Flags().StringVar(&o.From, "from", "", "first `DAY`, YYYY-MM-DD (Moscow time) or RFC 3339")
	c.Flags().StringVar(&o.To, "to", "", "last `DAY`, YYYY-MM-DD or RFC 3339 (default: now)")
	c.Flags().StringVar(&o.Format, "format", "csv", "csv or json")
	c.Flags().BoolVar(&o.Offline, "offline", false, "do not sync; export the cache as it is")
	return c
}
