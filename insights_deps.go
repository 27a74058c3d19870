package main

import (
	"context"
	"time"

	"qiwidash/store"
	"qiwidash/store/insights"
	"qiwidash/store/reader"
	"qiwidash/store/statement"
	"qiwidash/ui/common"
	insightsview "qiwidash/views/insights"
)

// insightsDeps are the Insights screen's engines over the profile's store
// and history reader; Statements saves a PDF statement under SaveDir.
func insightsDeps(st *store.Store, c *common.Common, r *reader.Reader) insightsview.Deps {
	return insightsview.Deps{
		Engine:  insights.New(st, c.Wallet),
		History: r,
		Statements: func(ctx context.Context, from, to time.Time) (string, error) {
			return statement.Save(ctx, c.SaveDir, st, statement.Options{Wallet: c.Wallet, From: from, To: to, Made: c.Now(), QIWI: r.QIWITotals, Tr: c.Tr}, "pdf")
		},
	}
}
