package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sanitize"
	"qiwidash/store"
)

// CLI is `qiwidash find`: the query over the store, written as lines, as
// JSON, or as the case report of the first hit. Lines and the report are
// in Options.Tr's language (nil: English); JSON is the same in every
// language.
type CLI struct {
	Store   *store.Store
	Options Options
	JSON    bool           // one JSON document: the reading of the query and every hit
	Case    bool           // the case report (Markdown, personal data masked) of the first hit
	Zone    *time.Location // dates typed are days in it, and lines show it; nil: Moscow (QIWI's)
}

// jsonHit is a hit as `find --json` writes it.
type jsonHit struct {
	Source   Source    `json:"source"`
	Profiles []string  `json:"profiles"`
	Scope    string    `json:"scope"`
	Ref      string    `json:"ref"`
	TxnID    int64     `json:"txnId,omitempty"`
	Type     string    `json:"type,omitempty"`
	Date     time.Time `json:"date"`
	Amount   string    `json:"amount"`
	Currency string    `json:"currency"`
	Status   string    `json:"status"`
	Account  string    `json:"account"`
	Text     string    `json:"text"`
	Matched  []Kind    `json:"matched"`
}

// Run finds text and writes the answer to w.
func (c CLI) Run(ctx context.Context, w io.Writer, text string) error {
	zone := c.Zone
	if zone == nil {
		zone = qiwiapi.Moscow
	}
	tr := c.Options.Tr
	q, err := Parse(text, zone)
	if err != nil {
		return err
	}
	res, err := Find(ctx, c.Store, q, c.Options)
	if err != nil {
		return err
	}
	switch {
	case c.JSON:
		out := struct {
			Query string    `json:"query"`
			Read  string    `json:"readAs"`
			Count int       `json:"count"`
			More  bool      `json:"more"`
			Hits  []jsonHit `json:"hits"`
		}{Query: text, Read: q.Describe(nil), Count: len(res.Hits), More: res.More, Hits: []jsonHit{}}
		for _, h := range res.Hits {
			out.Hits = append(out.Hits, jsonHit{Source: h.Source, Profiles: orEmpty(h.Profiles), Scope: h.Scope, Ref: h.Ref, TxnID: h.TxnID,
				Type: string(h.Type), Date: h.Date, Amount: h.Amount.Decimal(), Currency: h.Amount.Currency.Code(), Status: h.Status,
				Account: h.Account, Text: h.Text, Matched: h.Matched})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case c.Case:
		if len(res.Hits) == 0 {
			return i18n.Errorf("search.err_none", i18n.Args{"Query": q.Describe(tr)}, nil)
		}
		cs, err := Open(ctx, c.Store, res.Hits[0], c.Options)
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, cs.Report())
		return err
	}
	found := tr.N("search.cli_found", len(res.Hits), i18n.Args{"Query": q.Describe(tr)})
	if res.More {
		found = tr.N("search.cli_found_more", len(res.Hits), i18n.Args{"Query": q.Describe(tr)})
	}
	fmt.Fprintln(w, found)
	for _, h := range res.Hits {
		who := strings.Join(h.Profiles, ",")
		if who == "" {
			who = "(" + h.Scope + ")"
		}
		line := fmt.Sprintf("%s  %-10s %-8s %-14s %16s  %-9s %-16s %s", h.Date.In(zone).Format("2006-01-02 15:04"), who, h.SourceIn(tr), h.Ref,
			h.Amount.FormatWith(tr.Separators()), h.StatusIn(tr), h.Account, h.TextIn(tr))
		fmt.Fprintln(w, sanitize.Text(strings.TrimRight(line, " ")))
	}
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
