package sandbox

import (
	"encoding/json"
	"strconv"
	"time"
)

// invoice is an unpaid bill issued to a wallet.
type invoice struct {
	id         int64
	externalID string
	created    time.Time
	expires    time.Time
	amount     int64
	cur        int
	status     string // READY_FOR_PAY, PAID, REJECTED
	prov       int
	comment    string
	w          *wallet
}

func (i *invoice) newer(o *invoice) bool {
	if !i.created.Equal(o.created) {
		return i.created.After(o.created)
	}
	return i.id > o.id
}

type billJSON struct {
	ID                 int64    `json:"id"`
	ExternalID         string   `json:"external_id"`
	CreationDatetime   int64    `json:"creation_datetime"`
	ExpirationDatetime int64    `json:"expiration_datetime"`
	Sum                billSum  `json:"sum"`
	Status             string   `json:"status"`
	Type               string   `json:"type"`
	Repetitive         bool     `json:"repetitive"`
	Provider           billProv `json:"provider"`
	Comment            string   `json:"comment"`
	PayURL             string   `json:"pay_url"`
}

type billSum struct {
	Currency int `json:"currency"`
	Amount   amt `json:"amount"`
}

type billProv struct {
	ID        int    `json:"id"`
	ShortName string `json:"short_name"`
	LongName  string `json:"long_name"`
	LogoURL   string `json:"logo_url"`
}

func (i *invoice) json() billJSON {
	p := providers[i.prov]
	return billJSON{
		ID: i.id, ExternalID: i.externalID,
		CreationDatetime: i.created.UnixMilli(), ExpirationDatetime: i.expires.UnixMilli(),
		Sum: billSum{i.cur, amt(i.amount)}, Status: i.status, Type: "MERCHANT",
		Provider: billProv{p.id, p.short, p.long, p.logo()},
		Comment:  i.comment,
		PayURL:   "https://oplata.qiwi.com/form?shop=" + strconv.Itoa(p.id) + "&transaction=" + strconv.FormatInt(100_000_000_000+i.id, 10),
	}
}

// billsJSON is the documented answer: the bills only. The next page is
// asked from the last bill's id and creation time (next_id,
// next_creation_datetime; each may be used alone).
type billsJSON struct {
	Bills []billJSON `json:"bills"`
}

func msParam(c *call, name string) (int64, bool, bool) {
	v, ok := c.q[name]
	if !ok {
		return 0, false, true
	}
	n, err := strconv.ParseInt(v[0], 10, 64)
	return n, true, err == nil
}

func (s *Server) hBillSearch(c *call) reply {
	if c.q.Get("statuses") != "READY_FOR_PAY" {
		return s.bad(c, "statuses is required and must be READY_FOR_PAY")
	}
	rows := 50
	if v, ok := c.q["rows"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 50 {
			return s.bad(c, "rows must be an integer from 1 to 50")
		}
		rows = n
	}
	minC, hasMin, ok1 := msParam(c, "min_creation_datetime")
	maxC, hasMax, ok2 := msParam(c, "max_creation_datetime")
	// "equal or smaller" (docs): the page starts with the bill named.
	nextC, hasNC, ok3 := msParam(c, "next_creation_datetime")
	nextID, hasNID, ok4 := msParam(c, "next_id")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return s.bad(c, "datetimes are Unix time in milliseconds, next_id a number")
	}
	res := billsJSON{Bills: []billJSON{}}
	for _, inv := range c.w.invoices {
		ms := inv.created.UnixMilli()
		if inv.status != "READY_FOR_PAY" || !c.now.Before(inv.expires) ||
			(hasMin && ms < minC) || (hasMax && ms > maxC) ||
			(hasNC && hasNID && (ms > nextC || ms == nextC && inv.id > nextID)) ||
			(hasNC && !hasNID && ms > nextC) || (hasNID && !hasNC && inv.id > nextID) {
			continue
		}
		if len(res.Bills) == rows {
			break
		}
		res.Bills = append(res.Bills, inv.json())
	}
	return jsonReply(200, res)
}

// findInvoice returns the wallet's payable invoice, or nil.
func (s *Server) findInvoice(c *call, id int64) *invoice {
	inv := s.invoices[id]
	if inv == nil || inv.w != c.w || inv.status != "READY_FOR_PAY" || !c.now.Before(inv.expires) {
		return nil
	}
	return inv
}

// hInvoicePay pays an invoice from the RUB account. An unknown, rejected,
// expired or ALREADY PAID invoice is 404 "Invoice not found" (the docs'
// 404 for pay/cancel invoice); not enough money is 400 not.enough.funds.
func (s *Server) hInvoicePay(c *call) reply {
	var b struct {
		InvoiceUID json.RawMessage `json:"invoice_uid"`
		Currency   json.RawMessage `json:"currency"`
	}
	if err := decodeBody(c.body, &b); err != nil {
		return s.bad(c, "body must be JSON {\"invoice_uid\":..., \"currency\":\"643\"}")
	}
	uid, ok1 := jsonString(b.InvoiceUID)
	cur, ok2 := jsonString(b.Currency)
	id, err := strconv.ParseInt(uid, 10, 64)
	if !ok1 || !ok2 || err != nil {
		return s.bad(c, "invoice_uid and currency are required")
	}
	inv := s.findInvoice(c, id)
	if inv == nil {
		return s.notFound(c, "invoice.not.found", "Invoice not found")
	}
	if cur != strconv.Itoa(inv.cur) {
		return s.bad(c, "currency must be the invoice currency "+strconv.Itoa(inv.cur))
	}
	a := c.w.account(inv.cur)
	if a == nil || a.balance < inv.amount {
		return s.qerr(c, c.rt.svc, 400, "not.enough.funds", "Недостаточно средств, пополните кошелек", "Not enough funds on the wallet to pay the invoice")
	}
	a.balance -= inv.amount
	inv.status = "PAID"
	t := &txn{id: s.newTxnID(), date: c.now.Truncate(time.Second), typ: "OUT", status: "SUCCESS", cur: inv.cur,
		prov: inv.prov, source: currencySource(inv.cur), account: inv.externalID, sum: inv.amount,
		comment: inv.comment, trm: strconv.FormatInt(inv.id, 10)}
	insertTxn(c.w, t)
	s.notify(t, &c.out)
	return jsonReply(200, struct {
		InvoiceStatus string   `json:"invoice_status"`
		IsSMSConfirm  bool     `json:"is_sms_confirm"`
		Result        struct{} `json:"WALLET_ACCEPT_PAY_RESULT"`
	}{InvoiceStatus: "PAID_STATUS"})
}

// hBillReject rejects an unpaid invoice: 200 with an empty body.
func (s *Server) hBillReject(c *call) reply {
	var b struct {
		ID json.RawMessage `json:"id"`
	}
	if err := decodeBody(c.body, &b); err != nil {
		return s.bad(c, "body must be JSON {\"id\": ...}")
	}
	v, ok := jsonString(b.ID)
	id, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil {
		return s.bad(c, "id is required")
	}
	inv := s.findInvoice(c, id)
	if inv == nil {
		return s.notFound(c, "invoice.not.found", "Invoice not found")
	}
	inv.status = "REJECTED"
	return emptyReply(200)
}

// hP2PKeys issues a P2P key pair (the real service has stopped doing so;
// the sandbox still answers like the RU doc).
func (s *Server) hP2PKeys(c *call) reply {
	var b struct {
		KeysPairName           string `json:"keysPairName"`
		ServerNotificationsURL string `json:"serverNotificationsUrl"`
	}
	if err := decodeBody(c.body, &b); err != nil || b.KeysPairName == "" {
		return s.bad(c, "keysPairName is required")
	}
	return jsonReply(200, struct {
		PublicKey string `json:"PublicKey"`
		SecretKey string `json:"SecretKey"`
	}{"48e7qUxn9T7RyYE1MVZswX1FRSbE6iyCj2gCRwwF3Dnh5XrasNTx3BGPiMsyXQFNKQhvukniQG8RTVhYm3iP" + randHex(s.idRng, 8),
		"eyJ2ZXJzaW9uIjoiUDJQIiwiZGF0YSI6eyJwYXlpbl9tZXJjaGFudF9zaXRlX3VpZCI6I" + randHex(s.idRng, 24)})
}
