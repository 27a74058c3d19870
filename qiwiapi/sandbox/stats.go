package sandbox

import (
	"encoding/json"
	"maps"
	"net/http"
)

// StatsPath serves the request counts since start (see Stats); it needs no
// token and is not counted itself.
const StatsPath = "/sandbox/stats"

// Stats are the counts of requests since the server started.
type Stats struct {
	// Requests per endpoint, keyed by method and route template, e.g.
	// "GET /payment-history/v2/persons/{wallet}/payments". A path that is no
	// endpoint counts as "GET (unknown)".
	Requests map[string]int `json:"requests"`
	// Status counts the answers by HTTP status ("200", "423", ...); a
	// connection closed by the CommitThenDrop fault counts as "dropped".
	Status map[string]int `json:"status"`
}

type stats struct{ requests, status map[string]int }

// Stats returns a copy of the counts.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Requests: maps.Clone(s.stats.requests), Status: maps.Clone(s.stats.status)}
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b, _ := json.Marshal(s.Stats())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(append(b, '\n'))
}

// routeKey is the stats key of a request: its route's template, or
// "(unknown)" after the method for a path that is no endpoint.
func routeKey(r *http.Request) string {
	rt, _, ok := match(r.Method, r.URL.Path)
	if !ok || rt == nil {
		return r.Method + " (unknown)"
	}
	return rt.key
}
