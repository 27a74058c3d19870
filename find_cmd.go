package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qiwidash/store"
	"qiwidash/store/search"
)

// newFindCmd is `qiwidash find QUERY`: the support console for scripts.
// It searches every profile's cache in the store (store/search) and never
// asks QIWI or moves money.
func newFindCmd() *cobra.Command {
	var asJSON, asCase bool
	var db string
	cmd := &cobra.Command{
		Use:   "find QUERY",
		Short: "find a payment in every profile's cache: a txn id, a phone or card fragment, an amount, a date, words, a bill id, a top-up number",
		Long: `Find a payment in every profile's cache at once, read-only.

  qiwidash find 12345678901            a txn id (also an amount, account fragment, top-up number, bill id)
  qiwidash find +7 916 111-22-33       a phone; 2201****0580 or 0580 a card
  qiwidash find "1 500"                1500.00 in any currency ("1500 $" in dollars only)
  qiwidash find 2026-11-22             a day; 2026-11-01..2026-11-22 a range
  qiwidash find кофе на работе         words of the comment, provider, status
  qiwidash find bill: order-42         force one reading (id: acc: amount: date: text: bill: topup:)`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := db
			if path == "" {
				var err error
				if path, err = store.DefaultPath(); err != nil {
					return err
				}
			}
			cfg, err := store.LoadConfig("", nil) // its time_zone: dates typed and shown
			if err != nil {
				return err
			}
			st, err := store.Open(path, store.Options{Getenv: os.Getenv})
			if err != nil {
				return err
			}
			defer st.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), time.Minute)
			defer cancel()
			profiles, err := st.Profiles(ctx)
			if err != nil {
				return err
			}
			cli := search.CLI{Store: st, Options: search.Options{Profiles: profiles}, JSON: asJSON, Case: asCase, Zone: cfg.TimeZone}
			return cli.Run(ctx, cmd.OutOrStdout(), strings.Join(args, " "))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write the hits as JSON")
	cmd.Flags().BoolVar(&asCase, "case", false, "write the case report (Markdown, personal data masked) of the first hit")
	cmd.Flags().StringVar(&db, "store", "", "store file (default: $XDG_DATA_HOME/qiwidash/qiwidash.db)")
	return cmd
}
