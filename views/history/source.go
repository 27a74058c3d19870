package history

import (
	"context"
	"errors"
	"time"

	"qiwidash/qiwiapi"
	"qiwidash/ui/common"
)

// Query is what the screen asks its Source for: the server-side filters.
// The "/" text filter and the sort order are applied to loaded rows; the
// text reaches only a Source that searches it itself (TextSearcher).
type Query struct {
	Operation qiwiapi.Operation // "" or ALL means every direction
	Sources   []qiwiapi.Source  // empty means every source
	// Start and End bound the dates (both zero: the whole history). A range
	// longer than 90 days is walked window by window, newest first.
	Start, End time.Time
	// Text is the submitted "/" filter, set only for a Source that is a
	// TextSearcher (it searches everything it holds, not just loaded rows).
	Text string
}

// HasRange reports whether the query is limited to dates.
func (q Query) HasRange() bool { return !q.Start.IsZero() }

// Cursor points at the next page of a query. Window is the index of the
// 90-day window (qiwiapi.Windows order, newest first) and At the position
// inside it (nil: the window's first page). A store-backed Source may use
// At alone as a keyset cursor (date, txn id) and ignore Window.
type Cursor struct {
	Window int
	At     *qiwiapi.Cursor
}

// Page is one page of history and the cursor to the next (nil at the end).
type Page struct {
	Transactions []qiwiapi.Transaction
	Next         *Cursor
}

// Source is where the screen reads history from. The default reads the
// Wallet API; the offline SQLite cache can implement it too.
type Source interface {
	// Page returns the page at cursor (nil: the first page) of q.
	Page(ctx context.Context, q Query, cursor *Cursor) (Page, error)
	// Totals sums successful incoming and outgoing payments per currency
	// over q's date range, which is required (any length).
	Totals(ctx context.Context, q Query) (*qiwiapi.Totals, error)
	// Transaction returns one transaction by id.
	Transaction(ctx context.Context, id int64) (*qiwiapi.Transaction, error)
}

// apiSource reads the Wallet API.
type apiSource struct {
	api    *qiwiapi.Client
	wallet string
}

func newSource(c *common.Common) Source { return &apiSource{api: c.API, wallet: c.Wallet} }

var errNoAPI = errors.New("no QIWI connection is configured")

func (q Query) windows() [][2]time.Time {
	if !q.HasRange() {
		return [][2]time.Time{{}} // one unbounded "window"
	}
	return qiwiapi.Windows(q.Start, q.End)
}

func (q Query) options(w [2]time.Time) qiwiapi.HistoryOptions {
	op := q.Operation
	if op == qiwiapi.OperationAll {
		op = "" // the API's default; keeps the query short
	}
	return qiwiapi.HistoryOptions{Rows: pageSize, Operation: op, Sources: q.Sources, Start: w[0], End: w[1]}
}

// Page walks into the next window when a window's cursor ends, and skips
// windows without payments, so a page is empty only at the very end.
func (s *apiSource) Page(ctx context.Context, q Query, cur *Cursor) (Page, error) {
	if s.api == nil {
		return Page{}, errNoAPI
	}
	windows := q.windows()
	c := Cursor{}
	if cur != nil {
		c = *cur
	}
	for c.Window < len(windows) {
		opts := q.options(windows[c.Window])
		opts.Cursor = c.At
		p, _, err := s.api.History.List(ctx, s.wallet, opts)
		if err != nil {
			return Page{}, err
		}
		out := Page{Transactions: p.Transactions}
		switch {
		case p.Next != nil && len(p.Transactions) > 0:
			out.Next = &Cursor{Window: c.Window, At: p.Next}
		case c.Window+1 < len(windows):
			out.Next = &Cursor{Window: c.Window + 1}
		}
		if len(out.Transactions) > 0 || out.Next == nil {
			return out, nil
		}
		c = *out.Next // an empty window: go on to the next one
	}
	return Page{}, nil
}

// Totals asks the API once per 90-day window and adds the results up.
func (s *apiSource) Totals(ctx context.Context, q Query) (*qiwiapi.Totals, error) {
	if s.api == nil {
		return nil, errNoAPI
	}
	if !q.HasRange() {
		return nil, errors.New("totals need a date range")
	}
	sum := newTotals()
	op := q.Operation
	if op == qiwiapi.OperationAll {
		op = ""
	}
	for _, w := range q.windows() {
		t, _, err := s.api.History.Totals(ctx, s.wallet, qiwiapi.TotalsOptions{Start: w[0], End: w[1], Operation: op, Sources: q.Sources})
		if err != nil {
			return nil, err
		}
		for _, a := range t.Incoming {
			sum.add(a, true)
		}
		for _, a := range t.Outgoing {
			sum.add(a, false)
		}
	}
	return sum.result(), nil
}

func (s *apiSource) Transaction(ctx context.Context, id int64) (*qiwiapi.Transaction, error) {
	if s.api == nil {
		return nil, errNoAPI
	}
	t, _, err := s.api.History.Transaction(ctx, id, "")
	return t, err
}

// totals accumulates amounts per currency, in the order currencies appear.
type totals struct {
	order   []qiwiapi.Currency
	in, out map[qiwiapi.Currency]int64
}

func newTotals() *totals {
	return &totals{in: map[qiwiapi.Currency]int64{}, out: map[qiwiapi.Currency]int64{}}
}

func (t *totals) add(a qiwiapi.Amount, incoming bool) {
	_, seenIn := t.in[a.Currency]
	_, seenOut := t.out[a.Currency]
	if !seenIn && !seenOut {
		t.order = append(t.order, a.Currency)
	}
	if incoming {
		t.in[a.Currency] += a.Minor
		t.out[a.Currency] += 0
	} else {
		t.out[a.Currency] += a.Minor
		t.in[a.Currency] += 0
	}
}

func (t *totals) result() *qiwiapi.Totals {
	r := &qiwiapi.Totals{}
	for _, c := range t.order {
		if v := t.in[c]; v != 0 {
			r.Incoming = append(r.Incoming, qiwiapi.Amount{Minor: v, Currency: c})
		}
		if v := t.out[c]; v != 0 {
			r.Outgoing = append(r.Outgoing, qiwiapi.Amount{Minor: v, Currency: c})
		}
	}
	return r
}
