package sandbox

import "strings"

// Restriction is one restriction of a wallet, as the restrictions
// endpoint lists it.
type Restriction struct {
	Code        string `json:"restrictionCode"`
	Description string `json:"restrictionDescription"`
}

// SetRestrictions replaces the restrictions the wallet's profile reports
// (none by default); it reports false for an unknown wallet.
func (s *Server) SetRestrictions(wallet string, rs ...Restriction) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wallets[strings.TrimPrefix(wallet, "+")]
	if w == nil {
		return false
	}
	w.restrictions = append([]Restriction(nil), rs...)
	return true
}

// RestrictOutgoing is the restriction code under which QIWI refuses every
// payment from the wallet.
const RestrictOutgoing = "OUTGOING_PAYMENTS"

// outgoingRestricted reports whether w's restrictions forbid payments.
func (w *wallet) outgoingRestricted() bool {
	for _, r := range w.restrictions {
		if r.Code == RestrictOutgoing {
			return true
		}
	}
	return false
}
