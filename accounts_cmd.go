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

	"golang.org/x/term"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
	"qiwidash/store"
	"qiwidash/store/reader"
)

// The login, logout and export subcommands. The logic lives in store.CLI;
// this file only wires the terminal and the agent and merchant checks.

func accountsCLI() *store.CLI { return newAccountsCLI(os.Stdin, os.Stdout, os.Stderr) }

// newAccountsCLI wires a CLI to stdin. From a terminal a secret is read
// without echo; from a pipe every answer, secret or not, is one line of
// the same reader, so nothing is read ahead and lost between two answers.
func newAccountsCLI(stdin *os.File, stdout, stderr io.Writer) *store.CLI {
	c := &store.CLI{
		Stdin:    stdin,
		Stdout:   stdout,
		Stderr:   stderr,
		Getenv:   os.Getenv,
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

func withInterrupt(f func(ctx context.Context, args []string) error, args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return f(ctx, args)
}

func runLogin(args []string) error  { return withInterrupt(accountsCLI().Login, args) }
func runLogout(args []string) error { return withInterrupt(accountsCLI().Logout, args) }
func runExport(args []string) error { return withInterrupt(accountsCLI().Export, args) }
