package statement

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/store"
)

// The CSV is sections separated by an empty line, each with its header:
// the statement, the totals per currency, the categories, the
// reconciliation, then the transactions exactly as `qiwidash export` writes them.
func writeCSV(ctx context.Context, w io.Writer, st *store.Store, s *Statement) error {
	cw := csv.NewWriter(w)
	section := func(rows ...[]string) {
		for _, r := range rows {
			_ = cw.Write(r) // the error is kept by cw and read below
		}
		cw.Flush()
		_, _ = io.WriteString(w, "\n")
	}
	section([]string{"wallet", "from", "to", "made", "transactions", "reconciliation"},
		[]string{s.Wallet, s.From.Format(time.RFC3339), s.To.Format(time.RFC3339), s.Made.Format(time.RFC3339), strconv.Itoa(s.Count), s.CheckSummary()})
	rows := [][]string{{"currency", "incoming", "outgoing", "commission", "incoming_count", "outgoing_count"}}
	for _, t := range s.Totals {
		rows = append(rows, []string{t.Currency.Code(), t.In.Decimal(), t.OutSum.Decimal(), t.Commission.Decimal(), strconv.Itoa(t.InCount), strconv.Itoa(t.OutCount)})
	}
	section(rows...)
	rows = [][]string{{"category", "title", "currency", "outgoing_total", "count"}}
	for _, c := range s.Categories {
		rows = append(rows, []string{string(c.Category), c.Category.Title(), c.Currency.Code(), c.Out.Decimal(), strconv.Itoa(c.Count)})
	}
	section(rows...)
	rows = [][]string{{"from", "to", "currency", "cache_incoming", "qiwi_incoming", "cache_outgoing_total", "qiwi_outgoing_total", "agree"}}
	for _, k := range s.Checks {
		rows = append(rows, []string{k.Start.Format(time.RFC3339), k.End.Format(time.RFC3339), k.Currency.Code(),
			k.CacheIn.Decimal(), k.QIWIIn.Decimal(), k.CacheOut.Decimal(), k.QIWIOut.Decimal(), strconv.FormatBool(k.Agree())})
	}
	section(rows...)
	if err := cw.Error(); err != nil {
		return err
	}
	rw, err := store.NewRowWriter(w, "csv")
	if err != nil {
		return err
	}
	if _, err := st.ExportRows(ctx, s.Wallet, s.filter(), rw.Write); err != nil {
		return err
	}
	return rw.Close()
}

type jsonTotal struct {
	Currency      string `json:"currency"`
	Incoming      string `json:"incoming"`
	Outgoing      string `json:"outgoing"`
	Commission    string `json:"commission"`
	IncomingCount int    `json:"incomingCount"`
	OutgoingCount int    `json:"outgoingCount"`
}

type jsonCategory struct {
	Category string `json:"category"`
	Title    string `json:"title"`
	Currency string `json:"currency"`
	Outgoing string `json:"outgoingTotal"`
	Count    int    `json:"count"`
}

type jsonCheck struct {
	From         string `json:"from"`
	To           string `json:"to"`
	Currency     string `json:"currency"`
	CacheIn      string `json:"cacheIncoming"`
	QIWIIn       string `json:"qiwiIncoming"`
	CacheOut     string `json:"cacheOutgoingTotal"`
	QIWIOut      string `json:"qiwiOutgoingTotal"`
	Agree        bool   `json:"agree"`
	DiffIncoming string `json:"differenceIncoming,omitempty"`
	DiffOutgoing string `json:"differenceOutgoing,omitempty"`
}

type jsonHead struct {
	Wallet         string         `json:"wallet"`
	From           string         `json:"from"`
	To             string         `json:"to"`
	Made           string         `json:"made"`
	Count          int            `json:"transactionCount"`
	Totals         []jsonTotal    `json:"totals"`
	Categories     []jsonCategory `json:"categories"`
	Reconciliation []jsonCheck    `json:"reconciliation"`
	CheckNote      string         `json:"reconciliationNote,omitempty"`
}

// The JSON is one object: the statement's fields, then "transactions",
// the export's array of rows.
func writeJSON(ctx context.Context, w io.Writer, st *store.Store, s *Statement) error {
	h := jsonHead{Wallet: s.Wallet, From: s.From.Format(time.RFC3339), To: s.To.Format(time.RFC3339), Made: s.Made.Format(time.RFC3339),
		Count: s.Count, Totals: []jsonTotal{}, Categories: []jsonCategory{}, Reconciliation: []jsonCheck{}, CheckNote: s.CheckErr}
	for _, t := range s.Totals {
		h.Totals = append(h.Totals, jsonTotal{t.Currency.Code(), t.In.Decimal(), t.OutSum.Decimal(), t.Commission.Decimal(), t.InCount, t.OutCount})
	}
	for _, c := range s.Categories {
		h.Categories = append(h.Categories, jsonCategory{string(c.Category), c.Category.Title(), c.Currency.Code(), c.Out.Decimal(), c.Count})
	}
	for _, k := range s.Checks {
		j := jsonCheck{From: k.Start.Format(time.RFC3339), To: k.End.Format(time.RFC3339), Currency: k.Currency.Code(),
			CacheIn: k.CacheIn.Decimal(), QIWIIn: k.QIWIIn.Decimal(), CacheOut: k.CacheOut.Decimal(), QIWIOut: k.QIWIOut.Decimal(), Agree: k.Agree()}
		if !j.Agree {
			j.DiffIncoming, j.DiffOutgoing = k.DiffIn().Decimal(), k.DiffOut().Decimal()
		}
		h.Reconciliation = append(h.Reconciliation, j)
	}
	b, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	// The head's closing brace gives way to the rows.
	b = b[:len(b)-2]
	if _, err := io.WriteString(w, string(b)+",\n  \"transactions\": "); err != nil {
		return err
	}
	rw, err := store.NewRowWriter(w, "json")
	if err != nil {
		return err
	}
	if _, err := st.ExportRows(ctx, s.Wallet, s.filter(), rw.Write); err != nil {
		return err
	}
	if err := rw.Close(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "}\n")
	return err
}

// CheckSummary is the reconciliation in a few words.
func (s *Statement) CheckSummary() string {
	if s.CheckErr != "" {
		return s.CheckErr
	}
	bad := 0
	for _, k := range s.Checks {
		if !k.Agree() {
			bad++
		}
	}
	if bad == 0 {
		return "agrees with QIWI's totals"
	}
	return strconv.Itoa(bad) + " differences with QIWI's totals"
}

// CheckSummaryIn is CheckSummary for a person, in tr's language (nil:
// English), as a CLI says it after "reconciliation". CheckSummary stays
// the CSV's value, the same in every language.
func (s *Statement) CheckSummaryIn(tr *i18n.Tr) string {
	switch {
	case s.offline:
		return tr.T("statement.summary_offline", nil)
	case s.checkErr != nil:
		return tr.T("statement.summary_incomplete", i18n.Args{"Why": explain.Error(tr, s.checkErr)})
	}
	bad := 0
	for _, k := range s.Checks {
		if !k.Agree() {
			bad++
		}
	}
	if bad == 0 {
		return tr.T("statement.summary_agrees", nil)
	}
	return tr.N("statement.summary_differs", bad, nil)
}
