package ingest

import (
	"context"

	"qiwidash/qiwiapi"
)

// TransactionGetter is what ConfirmWithAPI asks: qiwiapi's
// HistoryService, whose Transaction waits its turn in the wallet's request
// budget (the client's Gate).
type TransactionGetter interface {
	Transaction(ctx context.Context, id int64, typ qiwiapi.TxnType) (*qiwiapi.Transaction, *qiwiapi.Response, error)
}

// ConfirmWithAPI is an Options.Confirm that reads the transaction from the
// wallet's history (one request inside the wallet's budget) and returns
// its status.
func ConfirmWithAPI(h TransactionGetter) func(ctx context.Context, wallet string, txnID int64, typ string) (string, error) {
	return func(ctx context.Context, _ string, txnID int64, typ string) (string, error) {
		t, _, err := h.Transaction(ctx, txnID, qiwiapi.TxnType(typ))
		if err != nil {
			return "", err
		}
		return string(t.Status), nil
	}
}
