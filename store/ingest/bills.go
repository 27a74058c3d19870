package ingest

import (
	"encoding/json"
	"time"

	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/store"
	"qiwidash/store/bills"
)

// billUpdate sets the bill's new status in its record (store/bills), marked as brought
// by a callback, keeping every other field as it is. A bill already final
// keeps its status (QIWI's statuses after paid, rejected or expired never
// change; a late callback does not undo a refund's bookkeeping). A bill the
// records do not know is recorded from the callback's fields.
func billUpdate(shopID string, e notify.BillEvent, now time.Time) *store.RecordUpdate {
	return &store.RecordUpdate{Kind: bills.Kind(shopID), Key: e.BillID, Apply: func(old json.RawMessage) (json.RawMessage, error) {
		if old == nil { // the fields a callback shares with the Bills screen's record
			return json.Marshal(bills.Bill{ID: e.BillID, Payer: e.User, Amount: e.Amount, Comment: e.Comment,
				Created: now, Status: e.Status, Updated: now, ViaCallback: true})
		}
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(old, &rec); err != nil {
			return nil, err
		}
		var status pull.BillStatus
		if raw, ok := rec["Status"]; ok {
			if err := json.Unmarshal(raw, &status); err != nil {
				return nil, err
			}
		}
		if status == e.Status || status.Final() {
			return nil, nil
		}
		set := func(k string, v any) error {
			b, err := json.Marshal(v)
			rec[k] = b
			return err
		}
		if err := set("Status", e.Status); err != nil {
			return nil, err
		}
		if err := set("Updated", now); err != nil {
			return nil, err
		}
		if err := set("ViaCallback", true); err != nil {
			return nil, err
		}
		return json.Marshal(rec)
	}}
}
