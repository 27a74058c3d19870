package agent

import "strings"

// AddTerminal opens another agent terminal with the demo password and the
// given balances (minor units by ISO 4217 code), so several agent profiles
// each have their own; it reports false when the id is taken or empty.
func (s *Server) AddTerminal(id string, balances map[int]int64) bool {
	id = strings.TrimSpace(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id == "" || s.terminals[id] != nil {
		return false
	}
	bal := map[int]int64{}
	for c, v := range balances {
		bal[c] = v
	}
	s.terminals[id] = &terminal{balances: bal}
	return true
}
