package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"qiwidash/qiwiapi"
	"qiwidash/store"
	"qiwidash/store/reader"
	"qiwidash/store/statement"
)

// statementCmd is `qiwidash statement`: a wallet's statement for a
// period as PDF, CSV or JSON, the history synced first (like export).
func (a *app) statementCmd() *cobra.Command {
	var (
		wf               store.WalletFlags
		from, to, format string
		output           string
	)
	cmd := &cobra.Command{
		Use:   "statement",
		Short: "a statement of the wallet for a period: PDF, CSV or JSON",
		Long: `Writes the wallet's statement for a period: per currency the incoming,
outgoing and commission totals, outgoing money by category, each month
reconciled with QIWI's own totals, and every transaction. The history of
the period is synced first (within the wallet's request budget), unless
--offline. Without --from and --to: last month.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true, // main says the error once
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(statement.Formats, format) {
				return fmt.Errorf("statement: --format %q: use pdf, csv or json", format)
			}
			lo, hi, err := statementPeriod(from, to, time.Now().In(qiwiapi.Moscow))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if output == "" && format == "pdf" {
				if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return errors.New("statement: a PDF is not for the terminal: give -o FILE (or redirect)")
				}
			}
			ctx, stop := interruptible(cmd)
			defer stop()
			ws, err := a.accounts(cmd).OpenWallet(ctx, wf, lo, "statement")
			if err != nil {
				return err
			}
			defer ws.Store.Close()
			opts := statement.Options{Wallet: ws.Wallet, From: lo, To: hi}
			if !wf.Offline {
				r := reader.New(reader.Options{Store: ws.Store, API: ws.API.History, Wallet: ws.Wallet})
				defer r.Close()
				opts.QIWI = r.QIWITotals
			}
			w := out
			var file *os.File
			if output != "" {
				if file, err = os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
					return fmt.Errorf("statement: %w", err)
				}
				w = file
			}
			s, err := statement.Make(ctx, w, ws.Store, opts, format)
			if file != nil {
				if cerr := file.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				return err
			}
			where := "stdout"
			if output != "" {
				where = output
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "qiwidash: statement of +%s, %s to %s: %d transactions, reconciliation %s; written to %s\n",
				ws.Wallet, lo.Format("2006-01-02"), hi.Format("2006-01-02"), s.Count, s.CheckSummary(), where)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&from, "from", "", "first day, YYYY-MM-DD (Moscow time) or RFC 3339 (default: the first day of last month)")
	fl.StringVar(&to, "to", "", "last day, YYYY-MM-DD or RFC 3339 (default: the last day of --from's month)")
	fl.StringVar(&format, "format", "pdf", "pdf, csv or json")
	fl.StringVarP(&output, "output", "o", "", "write to FILE (default: stdout)")
	targetFlags(fl, &wf.Target)
	fl.BoolVar(&wf.Offline, "offline", false, "do not sync nor reconcile; use the cache as it is")
	return cmd
}

// statementPeriod reads --from and --to: last month without either; the
// month of --from without --to.
func statementPeriod(from, to string, now time.Time) (time.Time, time.Time, error) {
	lo, err := store.ParseDay(from, qiwiapi.Moscow, false)
	if err != nil {
		return lo, lo, fmt.Errorf("statement: --from %w", err)
	}
	hi, err := store.ParseDay(to, qiwiapi.Moscow, true)
	if err != nil {
		return lo, hi, fmt.Errorf("statement: --to %w", err)
	}
	if lo.IsZero() {
		if !hi.IsZero() {
			return lo, hi, errors.New("statement: --to needs --from")
		}
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, qiwiapi.Moscow)
		lo = first.AddDate(0, -1, 0)
	}
	if hi.IsZero() {
		hi = time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, lo.Location()).AddDate(0, 1, 0).Add(-time.Second)
	}
	if hi.Before(lo) {
		return lo, hi, fmt.Errorf("statement: --to %s is before --from %s", hi.Format("2006-01-02"), lo.Format("2006-01-02"))
	}
	return lo, hi, nil
}
