package topup

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// encodeDoc writes a Document back as a response, the way the service
// would; the fuzz test checks Decode(encodeDoc(Decode(x))) == Decode(x).
func encodeDoc(d *Document) []byte {
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<response>\n")
	if r := d.Result; r != nil {
		b.WriteString(`<result-code fatal="` + strconv.FormatBool(r.Fatal) + `"`)
		if r.Message != "" {
			b.WriteString(` message="` + esc(r.Message) + `"`)
		}
		b.WriteString(">" + strconv.Itoa(int(r.Code)) + "</result-code>\n")
	}
	for _, p := range d.Payments {
		missing := map[string]bool{}
		for _, m := range p.Missing {
			missing[m] = true
		}
		attr := func(name, v string) {
			if !missing[name] {
				b.WriteString(" " + name + "='" + esc(v) + "'")
			}
		}
		b.WriteString("<payment")
		attr("status", strconv.Itoa(int(p.Status)))
		attr("txn_id", p.TxnID)
		attr("transaction-number", string(p.Number))
		attr("result-code", strconv.Itoa(int(p.Result)))
		attr("final-status", strconv.FormatBool(p.Final))
		attr("fatal-error", strconv.FormatBool(p.Fatal))
		if !p.Date.IsZero() {
			attr("txn-date", p.Date.Format(DateLayout))
		}
		if p.Message != "" {
			attr("msg", p.Message)
		}
		b.WriteString(">\n")
		leg := func(tag string, l *Leg) {
			if l == nil {
				return
			}
			b.WriteString("<" + tag + "><amount>" + l.Amount.Decimal() + "</amount>")
			if l.Amount.Currency != 0 {
				b.WriteString("<ccy>" + strconv.Itoa(int(l.Amount.Currency)) + "</ccy>")
			}
			b.WriteString("<service-id>" + esc(l.ServiceID) + "</service-id><account-number>" + esc(l.Account) + "</account-number></" + tag + ">\n")
		}
		leg("from", p.From)
		leg("to", p.To)
		b.WriteString("</payment>\n")
	}
	if len(d.Balances) > 0 {
		b.WriteString("<balances>\n")
		for _, a := range d.Balances {
			b.WriteString(`<balance code="` + strconv.Itoa(int(a.Currency)) + `">` + a.Decimal() + "</balance>\n")
		}
		b.WriteString("</balances>\n")
	}
	bit := func(tag string, v *bool) {
		if v == nil {
			return
		}
		s := "0"
		if *v {
			s = "1"
		}
		b.WriteString("<" + tag + ">" + s + "</" + tag + ">\n")
	}
	bit("exist", d.Exist)
	bit("deposit-possible", d.DepositPossible)
	b.WriteString("</response>\n")
	return b.Bytes()
}

func FuzzDecode(f *testing.F) {
	// The fixtures seed the fuzzer too (testdata/fuzz/FuzzDecode holds
	// the committed corpus, including broken forms).
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode(data, msk)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || doc != nil {
				t.Fatalf("error %T %v with doc %v", err, err, doc)
			}
			return
		}
		for _, a := range doc.Balances {
			if a.Currency == 0 {
				t.Fatalf("balance without a currency: %+v", a)
			}
		}
		for _, p := range doc.Payments {
			if p.Complete() != (len(p.Missing) == 0) {
				t.Fatal("Complete disagrees with Missing")
			}
			if p.Status.Success() && p.Status.Failed() {
				t.Fatal("success and failure at once")
			}
		}
		again, err := Decode(encodeDoc(doc), msk)
		if err != nil {
			t.Fatalf("re-encoded document does not decode: %v\n%s", err, encodeDoc(doc))
		}
		read := *doc
		read.UnreadBalances = nil // the encoder writes only what was read
		if !reflect.DeepEqual(&read, again) {
			t.Fatalf("round trip changed the document\nfirst:  %s\nsecond: %s\nencoded:\n%s", dump(doc), dump(again), encodeDoc(doc))
		}
	})
}
