package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"qiwidash/i18n"
	"qiwidash/store"
	"qiwidash/store/search"
)

// newFindCmd is `qiwidash find QUERY`: the support console for scripts.
// It searches every profile's cache in the store (store/search) and never
// asks QIWI or moves money. Its help is in tr's language (nil: English).
func newFindCmd(tr *i18n.Tr) *cobra.Command {
	var asJSON, asCase bool
	var db string
	cmd := &cobra.Command{
		Use:   tr.T("cli.find.use", nil),
		Short: tr.T("cli.find.short", nil),
		Long:  tr.T("cli.find.long", nil),
		Args:  someArgs,
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
			cli := search.CLI{Store: st, Options: search.Options{Profiles: profiles, Tr: tr}, JSON: asJSON, Case: asCase, Zone: cfg.TimeZone}
			return cli.Run(ctx, cmd.OutOrStdout(), strings.Join(args, " "))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, tr.T("cli.flag.find_json", nil))
	cmd.Flags().BoolVar(&asCase, "case", false, tr.T("cli.flag.find_case", nil))
	cmd.Flags().StringVar(&db, "store", "", tr.T("cli.flag.find_store", nil))
	return cmd
}
