package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"qiwidash/i18n"
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
		Use:           "statement",
		Short:         a.tr.T("cli.statement.short", nil),
		Long:          a.tr.T("cli.statement.long", nil),
		Args:          noArgs,
		SilenceUsage:  true, // main says the error once
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(statement.Formats, format) {
				return i18n.Errorf("cli.statement.format", i18n.Args{"Value": strconv.Quote(format)}, nil)
			}
			lo, hi, err := statementPeriod(from, to, time.Now().In(qiwiapi.Moscow))
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if output == "" && format == "pdf" {
				if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					return i18n.Errorf("cli.statement.pdf_terminal", nil, nil)
				}
			}
			ctx, stop := interruptible(cmd)
			defer stop()
			ws, err := a.accounts(cmd).OpenWallet(ctx, wf, lo, "statement")
			if err != nil {
				return err
			}
			defer ws.Store.Close()
			opts := statement.Options{Wallet: ws.Wallet, From: lo, To: hi, Tr: a.tr}
			if !wf.Offline {
				r := reader.New(reader.Options{Store: ws.Store, API: ws.API.History, Wallet: ws.Wallet})
				defer r.Close()
				opts.QIWI = r.QIWITotals
			}
			w := out
			var file *os.File
			if output != "" {
				if file, err = os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
					return i18n.Errorf("cli.statement.failed", nil, err)
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
			fmt.Fprintln(cmd.ErrOrStderr(), a.tr.N("cli.statement.done", s.Count, i18n.Args{
				"Wallet": ws.Wallet, "From": lo.Format("2006-01-02"), "To": hi.Format("2006-01-02"), "Check": s.CheckSummaryIn(a.tr), "Where": where,
			}))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&from, "from", "", a.tr.T("cli.flag.statement_from", nil))
	fl.StringVar(&to, "to", "", a.tr.T("cli.flag.statement_to", nil))
	fl.StringVar(&format, "format", "pdf", a.tr.T("cli.flag.statement_format", nil))
	fl.StringVarP(&output, "output", "o", "", a.tr.T("cli.flag.statement_output", nil))
	targetFlags(fl, &wf.Target, a.tr)
	fl.BoolVar(&wf.Offline, "offline", false, a.tr.T("cli.flag.statement_offline", nil))
	return cmd
}

// statementPeriod reads --from and --to: last month without either; the
// month of --from without --to.
func statementPeriod(from, to string, now time.Time) (time.Time, time.Time, error) {
	lo, err := store.ParseDay(from, qiwiapi.Moscow, false)
	if err != nil {
		return lo, lo, i18n.Errorf("cli.statement.from", nil, err)
	}
	hi, err := store.ParseDay(to, qiwiapi.Moscow, true)
	if err != nil {
		return lo, hi, i18n.Errorf("cli.statement.to", nil, err)
	}
	if lo.IsZero() {
		if !hi.IsZero() {
			return lo, hi, i18n.Errorf("cli.statement.to_needs_from", nil, nil)
		}
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, qiwiapi.Moscow)
		lo = first.AddDate(0, -1, 0)
	}
	if hi.IsZero() {
		hi = time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, lo.Location()).AddDate(0, 1, 0).Add(-time.Second)
	}
	if hi.Before(lo) {
		return lo, hi, i18n.Errorf("cli.statement.backwards", i18n.Args{"To": hi.Format("2006-01-02"), "From": lo.Format("2006-01-02")}, nil)
	}
	return lo, hi, nil
}
