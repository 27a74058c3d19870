package topup

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qiwidash/qiwiapi"
)

// DateLayout is the documented txn-date format, dd.MM.yyyy HH:mm:ss.
const DateLayout = "02.01.2006 15:04:05"

// ServiceWallet is the constant to/service-id of a wallet top-up.
const ServiceWallet = 99

// TxnNumber is the agent's transaction number: a positive integer of up to
// 20 digits, unique per terminal, reused unchanged for retries and status.
type TxnNumber string

// ParseTxnNumber validates a transaction number (1-20 digits, no leading zero).
func ParseTxnNumber(s string) (TxnNumber, error) {
	if s == "" || len(s) > 20 || s[0] == '0' {
		return "", problem(ProblemTxnNumber, s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", problem(ProblemTxnNumber, s)
		}
	}
	return TxnNumber(s), nil
}

// Funds is the kind of money the agent took from the client
// (income_wire_transfer).
type Funds int

// The two kinds of funds.
const (
	Cash    Funds = 0
	NonCash Funds = 1
)

func (f Funds) String() string {
	if f == Cash {
		return "cash"
	}
	return "non-cash"
}

// Leg is the <from> or <to> block of a payment in a response.
type Leg struct {
	Amount    qiwiapi.Amount // exact; Currency is the leg's ccy
	ServiceID string         // to/service-id (99) or from/service-id
	Account   string         // to/account-number
}

// Payment is one <payment> of a pay or status response.
type Payment struct {
	Status  Status
	TxnID   string    // QIWI's id; empty means the payment was not registered
	Number  TxnNumber // echo of the agent's transaction-number
	Result  ResultCode
	Message string // message / msg attribute (RU docs), may be empty
	Final   bool   // final-status
	Fatal   bool   // fatal-error
	Date    time.Time
	From    *Leg
	To      *Leg
	// Missing lists required attributes that were absent. A payment with
	// missing attributes is a broken answer: its outcome is unknown.
	Missing []string
}

// Complete reports that every required attribute was present.
func (p *Payment) Complete() bool { return len(p.Missing) == 0 }

// Registered reports that QIWI registered the payment (a txn_id and a
// status other than -1).
func (p *Payment) Registered() bool {
	return p.TxnID != "" && p.Status != StatusNotRegistered
}

// RequestResult is the request-level <result-code fatal=".."> element.
type RequestResult struct {
	Code    RequestCode
	Fatal   bool
	Message string
}

// Document is a decoded Top-Up API response, whatever the request type.
type Document struct {
	Result   *RequestResult // nil when the response has no <result-code> element
	Payments []Payment
	Balances []qiwiapi.Amount
	// UnreadBalances says why a <balance> was left out (e.g. a currency
	// with another number of decimals than its value has). One unreadable
	// balance never makes the rest of the answer, the <payment> above all,
	// unreadable.
	UnreadBalances  []string
	Exist           *bool
	DepositPossible *bool
}

// Payment finds the payment with the given transaction number.
func (d *Document) Payment(n TxnNumber) (*Payment, bool) {
	for i := range d.Payments {
		if d.Payments[i].Number == n {
			return &d.Payments[i], true
		}
	}
	return nil, false
}

// DecodeError is a response body that is not a usable Top-Up XML document
// (broken XML, wrong root, unparsable values). Its outcome is unknown.
type DecodeError struct {
	Err  error
	Body []byte // at most the first 4 KiB
}

func (e *DecodeError) Error() string { return "topup: broken XML response: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

type xmlDoc struct {
	XMLName  xml.Name      `xml:"response"`
	Result   []xmlText     `xml:"result-code"`
	Payments []xmlPayment  `xml:"payment"`
	Balances []xmlBalances `xml:"balances"`
	Exist    []string      `xml:"exist"`
	Deposit  []string      `xml:"deposit-possible"`
}

type xmlText struct {
	Attrs []xml.Attr `xml:",any,attr"`
	Text  string     `xml:",chardata"`
}

type xmlPayment struct {
	Attrs []xml.Attr `xml:",any,attr"`
	From  []xmlLeg   `xml:"from"`
	To    []xmlLeg   `xml:"to"`
}

type xmlLeg struct {
	Amount    []string `xml:"amount"`
	Ccy       string   `xml:"ccy"`
	ServiceID string   `xml:"service-id"`
	Account   string   `xml:"account-number"`
}

type xmlBalances struct {
	Balance []xmlText `xml:"balance"`
}

// lookalikes maps Cyrillic letters that look like Latin ones; the docs'
// status example spells the attribute result-сode with a Cyrillic с.
var lookalikes = strings.NewReplacer("с", "c", "о", "o", "е", "e", "а", "a", "р", "p", "х", "x", "у", "y")

func attrs(list []xml.Attr) map[string]string {
	m := make(map[string]string, len(list))
	for _, a := range list {
		if a.Name.Space != "" {
			continue
		}
		name := a.Name.Local
		if !isASCII(name) {
			name = lookalikes.Replace(name)
		}
		if _, dup := m[name]; !dup {
			m[name] = a.Value
		}
	}
	return m
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean", s)
}

func parseCurrency(s string) (qiwiapi.Currency, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return qiwiapi.ParseCurrency(s)
}

func parseAmount(s string, cur qiwiapi.Currency) (qiwiapi.Amount, error) {
	s = strings.TrimSpace(s)
	if cur.Digits() != 2 {
		// The wire always has two decimals; the sum is exact only in a
		// two-digit currency.
		return qiwiapi.Amount{}, fmt.Errorf("currency %s has %d decimals, the API uses 2", cur.Code(), cur.Digits())
	}
	return qiwiapi.ParseAmount(s, cur)
}

// Decode reads a Top-Up API response. loc is the time zone of txn-date
// (nil means Moscow, see Location). Unknown tags and attributes are ignored;
// both result-code spellings are accepted; the request-level <result-code>
// element is optional.
func Decode(body []byte, loc *time.Location) (*Document, error) {
	if loc == nil {
		loc = Location()
	}
	fail := func(err error) (*Document, error) {
		b := body
		if len(b) > 4096 {
			b = b[:4096]
		}
		return nil, &DecodeError{Err: err, Body: append([]byte(nil), b...)}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return fail(errors.New("empty body"))
	}
	var x xmlDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&x); err != nil {
		return fail(err)
	}
	// Anything but whitespace, comments or processing instructions after
	// the root element is a broken document.
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return fail(errors.New("text after the root element"))
			}
		case xml.Comment, xml.ProcInst, xml.Directive:
		default:
			return fail(errors.New("content after the root element"))
		}
	}
	doc := &Document{}
	if len(x.Result) > 0 {
		r := x.Result[0]
		n, err := strconv.Atoi(strings.TrimSpace(r.Text))
		if err != nil {
			return fail(fmt.Errorf("result-code %q: %w", r.Text, err))
		}
		rr := &RequestResult{Code: RequestCode(n)}
		a := attrs(r.Attrs)
		if f, ok := a["fatal"]; ok {
			if rr.Fatal, err = parseBool(f); err != nil {
				return fail(fmt.Errorf("result-code fatal: %w", err))
			}
		} else {
			rr.Fatal, _ = rr.Code.FatalByDocs()
		}
		rr.Message = messageOf(a)
		doc.Result = rr
	}
	for _, xp := range x.Payments {
		p, err := decodePayment(xp, loc)
		if err != nil {
			return fail(err)
		}
		doc.Payments = append(doc.Payments, p)
	}
	for _, bs := range x.Balances {
		for _, b := range bs.Balance {
			code, ok := attrs(b.Attrs)["code"]
			if !ok {
				doc.UnreadBalances = append(doc.UnreadBalances, fmt.Sprintf("balance %.20q without a code", b.Text))
				continue
			}
			cur, err := parseCurrency(code)
			if err != nil || cur == 0 {
				doc.UnreadBalances = append(doc.UnreadBalances, fmt.Sprintf("balance code %.10q: not a currency", code))
				continue
			}
			amt, err := parseAmount(b.Text, cur)
			if err != nil {
				doc.UnreadBalances = append(doc.UnreadBalances, fmt.Sprintf("balance %.20q in %s: %v", b.Text, cur.Code(), err))
				continue
			}
			doc.Balances = append(doc.Balances, amt)
		}
	}
	var err error
	if doc.Exist, err = flag(x.Exist, "exist"); err != nil {
		return fail(err)
	}
	if doc.DepositPossible, err = flag(x.Deposit, "deposit-possible"); err != nil {
		return fail(err)
	}
	return doc, nil
}

func messageOf(a map[string]string) string {
	if m := strings.TrimSpace(a["message"]); m != "" {
		return m
	}
	return strings.TrimSpace(a["msg"])
}

func flag(vals []string, name string) (*bool, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	v, err := parseBool(vals[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &v, nil
}

func decodePayment(xp xmlPayment, loc *time.Location) (Payment, error) {
	a := attrs(xp.Attrs)
	var p Payment
	need := func(name string) (string, bool) {
		v, ok := a[name]
		if !ok {
			p.Missing = append(p.Missing, name)
		}
		return strings.TrimSpace(v), ok
	}
	if v, ok := need("status"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, fmt.Errorf("payment status %q: %w", v, err)
		}
		p.Status = Status(n)
	}
	p.TxnID, _ = need("txn_id")
	if v, ok := need("transaction-number"); ok {
		p.Number = TxnNumber(v)
	}
	if v, ok := need("result-code"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, fmt.Errorf("payment result-code %q: %w", v, err)
		}
		p.Result = ResultCode(n)
	}
	var err error
	if v, ok := need("final-status"); ok {
		if p.Final, err = parseBool(v); err != nil {
			return p, fmt.Errorf("payment final-status: %w", err)
		}
	}
	if v, ok := need("fatal-error"); ok {
		if p.Fatal, err = parseBool(v); err != nil {
			return p, fmt.Errorf("payment fatal-error: %w", err)
		}
	}
	if v, ok := a["txn-date"]; ok && strings.TrimSpace(v) != "" {
		t, err := time.ParseInLocation(DateLayout, strings.TrimSpace(v), loc)
		if err != nil {
			return p, fmt.Errorf("payment txn-date %q: %w", v, err)
		}
		p.Date = t
	}
	p.Message = messageOf(a)
	if len(xp.From) > 0 {
		if p.From, err = decodeLeg(xp.From[0]); err != nil {
			return p, fmt.Errorf("payment from: %w", err)
		}
	}
	if len(xp.To) > 0 {
		if p.To, err = decodeLeg(xp.To[0]); err != nil {
			return p, fmt.Errorf("payment to: %w", err)
		}
	}
	return p, nil
}

func decodeLeg(x xmlLeg) (*Leg, error) {
	cur, err := parseCurrency(x.Ccy)
	if err != nil {
		return nil, err
	}
	l := &Leg{
		Amount:    qiwiapi.Amount{Currency: cur},
		ServiceID: strings.TrimSpace(x.ServiceID),
		Account:   strings.TrimSpace(x.Account),
	}
	if len(x.Amount) > 0 {
		if l.Amount, err = parseAmount(x.Amount[0], cur); err != nil {
			return nil, fmt.Errorf("amount %q: %w", x.Amount[0], err)
		}
	}
	return l, nil
}

// --- requests ---

type xmlRequest struct {
	XMLName     xml.Name    `xml:"request"`
	RequestType string      `xml:"request-type"`
	TerminalID  string      `xml:"terminal-id"`
	Extras      []xmlExtra  `xml:"extra"`
	Auth        *xmlPayList `xml:"auth"`
	Status      *xmlPayList `xml:"status"`
}

type xmlExtra struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type xmlPayList struct {
	Payments []xmlReqPayment `xml:"payment"`
}

type xmlReqPayment struct {
	TransactionNumber string      `xml:"transaction-number"`
	From              *xmlReqFrom `xml:"from"`
	To                xmlReqTo    `xml:"to"`
}

type xmlReqFrom struct {
	Ccy       string `xml:"ccy"`
	ServiceID string `xml:"service-id,omitempty"`
}

type xmlReqTo struct {
	Amount    string     `xml:"amount,omitempty"`
	Ccy       string     `xml:"ccy,omitempty"`
	ServiceID string     `xml:"service-id,omitempty"`
	Account   string     `xml:"account-number"`
	Extras    []xmlExtra `xml:"extra"`
}

func encodeRequest(r *xmlRequest) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

// formatAmount writes an amount with exactly two decimals, as the API wants.
func formatAmount(a qiwiapi.Amount) (string, error) {
	if a.Currency.Digits() != 2 {
		return "", problem(ProblemCurrency, a.Currency.Code())
	}
	return a.Decimal(), nil
}
