package main

import (
	"context"
	"errors"
	"fmt"
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

func accountsCLI() *store.CLI {
	return &store.CLI{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		ReadSecret: readSecret,
		Getenv:     os.Getenv,
		Agent:      verifyAgent,
		Merchant:   verifyMerchant,
		SyncHistory: func(ctx context.Context, st *store.Store, api *qiwiapi.HistoryService, wallet string, from time.Time) error {
			r := reader.New(reader.Options{Store: st, API: api, Wallet: wallet})
			defer r.Close()
			return r.Sync(ctx, from)
		},
	}
}

// readSecret prompts on stderr and reads without echo from a terminal;
// from a pipe it reads a plain line (scripts, tests).
func readSecret(prompt string) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return lineFromStdin(prompt)
	}
	fmt.Fprint(os.Stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	return string(b), err
}

func lineFromStdin(prompt string) (string, error) {
	fmt.Fprint(os.Stderr, prompt)
	var b []byte
	one := make([]byte, 1)
	for {
		n, err := os.Stdin.Read(one)
		if n == 1 && one[0] != '\n' {
			b = append(b, one[0])
			continue
		}
		if n == 1 || err != nil {
			return string(b), nil
		}
	}
}

func verifyAgent(ctx context.Context, terminalID, password, baseURL string) error {
	opts := []topup.Option{topup.WithPassword(topup.NewPassword(password))}
	if baseURL != "" {
		opts = append(opts, topup.WithBaseURL(baseURL))
	}
	c, err := topup.NewClient(terminalID, opts...)
	if err != nil {
		return err
	}
	_, _, err = c.Ping(ctx)
	return err
}

func verifyMerchant(ctx context.Context, apiID, apiPassword, shopID, baseURL string) error {
	var opts []pull.Option
	if baseURL != "" {
		opts = append(opts, pull.WithBaseURL(baseURL))
	}
	c, err := pull.NewClient(pull.Credentials{APIID: apiID, APIPassword: apiPassword, ShopID: shopID}, opts...)
	if err != nil {
		return err
	}
	// Asking for a bill that does not exist proves the credentials: only an
	// authorisation failure or no answer at all refuses them.
	_, _, err = c.Bills.Get(ctx, "qiwidash-login-check")
	var auth *pull.AuthError
	var apiErr *pull.ErrorResponse
	if err == nil || (!errors.As(err, &auth) && errors.As(err, &apiErr)) {
		return nil
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
