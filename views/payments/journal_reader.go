package payments

import (
	"context"

	"qiwidash/store"
	"qiwidash/ui/common"
)

// NewJournalReader lists the payments a store.UIJournal holds in the
// screens' terms (common.JournalReader). The Payments screen uses it by
// itself when Common.Journal is a *store.UIJournal; a Journal that
// implements common.JournalReader itself is used as it is.
func NewJournalReader(u *store.UIJournal) common.JournalReader { return storeReader{u} }

type storeReader struct{ u *store.UIJournal }

func (r storeReader) Recent(ctx context.Context, n int) ([]common.JournalEntry, error) {
	es, err := r.u.Recent(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]common.JournalEntry, len(es))
	for i, e := range es {
		out[i] = common.JournalEntry{
			ClientID: e.ClientID, Kind: e.Kind, Provider: e.Provider, Recipient: e.Recipient, Amount: e.Amount,
			State: e.State, LastError: e.LastError, TxnID: e.TxnID, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		}
		if e.Kind != store.UIKindInvoice {
			if p, err := store.DecodePayment(e.Request); err == nil && p.ID == e.ClientID {
				out[i].Payment = p
			}
		}
	}
	return out, nil
}

// readerOf is the journal's reader, or nil when it cannot list.
func readerOf(j common.Journal) common.JournalReader {
	switch j := j.(type) {
	case common.JournalReader:
		return j
	case *store.UIJournal:
		if j != nil {
			return NewJournalReader(j)
		}
	}
	return nil
}
