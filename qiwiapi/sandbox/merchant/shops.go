package merchant

import "time"

// ShopBill is a bill AddShop seeds: its id, status (StatusWaiting,
// StatusPaid...), currency and amount, how long ago it was issued and how
// long it lives from then.
type ShopBill struct {
	ID, Status, Currency string
	Minor                int64
	Age, Lifetime        time.Duration
	Comment, Payer       string
}

// AddShop opens another shop (prv_id) with its own API_ID and the demo
// API password, with the given bills, so several merchant profiles each
// have their own; it reports false when the shop or the API_ID is taken or
// empty.
func (s *Server) AddShop(prv, apiID, name string, bills ...ShopBill) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if prv == "" || apiID == "" || s.shops[prv] != nil || s.accounts[apiID] != nil {
		return false
	}
	s.accounts[apiID] = &account{apiID: apiID, password: demoPassword, prv: prv}
	sh := &shop{prv: prv, name: name, currencies: map[string]bool{"RUB": true, "USD": true, "EUR": true}, bills: map[string]*bill{}}
	s.shops[prv] = sh
	now := s.now()
	for _, sb := range bills {
		b := &bill{id: sb.ID, user: sb.Payer, ccy: sb.Currency, minor: sb.Minor, comment: sb.Comment, prvName: name,
			created: now.Add(-sb.Age), status: sb.Status, refunds: map[string]*refund{}}
		b.lifetime = b.created.Add(sb.Lifetime)
		if sb.Status == StatusPaid {
			b.paying, b.originCcy, b.originMinor = true, "RUB", toRUB(b.minor, sb.Currency)
		}
		sh.bills[sb.ID] = b
	}
	return true
}
