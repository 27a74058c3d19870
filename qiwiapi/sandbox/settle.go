package sandbox

import (
	"encoding/json"
	"time"
)

// settleLocked finalizes pending transactions due at now (or all of them).
func (s *Server) settleLocked(now time.Time, all bool, out *[]delivery) {
	if len(s.pending) == 0 {
		return
	}
	var due []*txn
	keep := s.pending[:0]
	for _, t := range s.pending {
		if all || !t.settleAt.After(now) {
			due = append(due, t)
		} else {
			keep = append(keep, t)
		}
	}
	for i := len(keep); i < len(s.pending); i++ {
		s.pending[i] = nil
	}
	s.pending = keep
	for _, t := range due {
		s.finalize(t, out)
	}
}

func (s *Server) finalize(t *txn, out *[]delivery) {
	t.status, t.errCode = t.finalStatus, t.finalErr
	if t.status == "ERROR" && t.refund > 0 {
		if a := t.w.account(t.refundCur); a != nil {
			a.balance += t.refund
		}
	}
	s.notify(t, out)
	if t.status == "SUCCESS" && t.credit != nil {
		cr := t.credit
		date := s.now().Truncate(time.Second)
		if !date.After(t.date) {
			date = t.date.Add(time.Second)
		}
		in := s.incoming(cr.to, t.id, date, cr.amt, cr.cur, cr.from, out)
		in.trm = t.trm
		if cr.rate != "" {
			in.prov, in.rate = 1099, cr.rate
		}
	}
}

// newTxnID allocates the next transaction id.
func (s *Server) newTxnID() int64 {
	s.nextTxnID += 7
	return s.nextTxnID
}

// incoming books a successful IN transaction (a transfer or conversion leg),
// credits the balance (opening the account if needed) and notifies.
func (s *Server) incoming(w *wallet, id int64, date time.Time, k int64, cur int, from string, out *[]delivery) *txn {
	t := &txn{id: id, date: date.Truncate(time.Second), typ: "IN", status: "SUCCESS", cur: cur, prov: 99,
		source: currencySource(cur), account: from, sum: k, trm: itoa64(id - 1)}
	a := w.account(cur)
	if a == nil {
		a = &account{cur: cur}
		w.accounts = append(w.accounts, a)
	}
	a.balance += k
	insertTxn(w, t)
	s.notify(t, out)
	return t
}

// decodeBody unmarshals a JSON request body keeping numbers as literals.
func decodeBody(b []byte, v any) error {
	dec := json.NewDecoder(bytesReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}
