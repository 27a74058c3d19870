package pull

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"qiwidash/qiwiapi"
)

// BillStatus is an invoice status (bill.status).
type BillStatus string

// Invoice statuses.
const (
	BillWaiting  BillStatus = "waiting"
	BillPaid     BillStatus = "paid"
	BillRejected BillStatus = "rejected"
	BillUnpaid   BillStatus = "unpaid"
	BillExpired  BillStatus = "expired"
)

// Final reports a status that never changes again.
func (s BillStatus) Final() bool {
	switch s {
	case BillPaid, BillRejected, BillUnpaid, BillExpired:
		return true
	}
	return false
}

// Known reports a documented status.
func (s BillStatus) Known() bool { return s == BillWaiting || s.Final() }

// Meaning is the status in words.
func (s BillStatus) Meaning() string {
	switch s {
	case BillWaiting:
		return "issued, waiting for payment"
	case BillPaid:
		return "paid"
	case BillRejected:
		return "rejected"
	case BillUnpaid:
		return "payment processing error, not paid"
	case BillExpired:
		return "lifetime expired, not paid"
	}
	return "unknown status"
}

// RefundStatus is a refund status (refund.status).
type RefundStatus string

// Refund statuses.
const (
	RefundProcessing RefundStatus = "processing"
	RefundSuccess    RefundStatus = "success"
	RefundFail       RefundStatus = "fail"
)

// Final reports a status that never changes again.
func (s RefundStatus) Final() bool { return s == RefundSuccess || s == RefundFail }

// Bill is an invoice as QIWI reports it.
type Bill struct {
	BillID string
	Amount qiwiapi.Amount
	// OriginAmount is what was debited from the payer, in the currency of the
	// payer's balance. Nil until the payer starts paying.
	OriginAmount *qiwiapi.Amount
	Status       BillStatus
	Error        ResultCode
	User         string
	Comment      string
}

// Refund is a refund of a paid invoice.
type Refund struct {
	RefundID string
	// Amount is in the invoice currency (the refund object carries no ccy;
	// the client fills it from the call).
	Amount qiwiapi.Amount
	Status RefundStatus
	Error  ResultCode
}

// Envelope is the decoded {"response": {...}} wrapper.
type Envelope struct {
	ResultCode  ResultCode
	Description string
	Bill        *Bill
	Refund      *Refund
}

// ErrDecode wraps every failure to read a response body.
var ErrDecode = errors.New("pull: cannot decode response")

type wireEnvelope struct {
	Response *struct {
		ResultCode  *flexInt    `json:"result_code"`
		Description string      `json:"description"`
		Bill        *wireBill   `json:"bill"`
		Refund      *wireRefund `json:"refund"`
	} `json:"response"`
}

type wireBill struct {
	BillID       flexString `json:"bill_id"`
	Amount       flexString `json:"amount"`
	OriginAmount flexString `json:"originAmount"`
	Ccy          string     `json:"ccy"`
	OriginCcy    string     `json:"originCcy"`
	Status       string     `json:"status"`
	Error        flexInt    `json:"error"`
	User         string     `json:"user"`
	Comment      string     `json:"comment"`
}

type wireRefund struct {
	RefundID flexString `json:"refund_id"`
	Amount   flexString `json:"amount"`
	Status   string     `json:"status"`
	Error    flexInt    `json:"error"`
}

// DecodeEnvelope reads a JSON response body. refundCcy is the invoice
// currency to give a refund amount (the refund object has no ccy).
// Amounts are read exactly; more than the currency's decimals is an error.
func DecodeEnvelope(body []byte, refundCcy qiwiapi.Currency) (*Envelope, error) {
	var w wireEnvelope
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrDecode)
	}
	if w.Response == nil || w.Response.ResultCode == nil {
		return nil, fmt.Errorf("%w: no response.result_code", ErrDecode)
	}
	env := &Envelope{
		ResultCode:  ResultCode(*w.Response.ResultCode),
		Description: w.Response.Description,
	}
	if wb := w.Response.Bill; wb != nil {
		b, err := wb.bill()
		if err != nil {
			return nil, err
		}
		env.Bill = b
	}
	if wr := w.Response.Refund; wr != nil {
		r := &Refund{
			RefundID: string(wr.RefundID),
			Status:   RefundStatus(wr.Status),
			Error:    ResultCode(wr.Error),
		}
		if wr.Amount != "" {
			a, err := qiwiapi.ParseAmount(string(wr.Amount), refundCcy)
			if err != nil {
				return nil, fmt.Errorf("%w: refund.amount %q: %v", ErrDecode, string(wr.Amount), err)
			}
			r.Amount = a
		} else {
			r.Amount = qiwiapi.Amount{Currency: refundCcy}
		}
		env.Refund = r
	}
	return env, nil
}

func (wb *wireBill) bill() (*Bill, error) {
	b := &Bill{
		BillID:  string(wb.BillID),
		Status:  BillStatus(wb.Status),
		Error:   ResultCode(wb.Error),
		User:    wb.User,
		Comment: wb.Comment,
	}
	cur, err := qiwiapi.ParseCurrency(wb.Ccy)
	if err != nil {
		return nil, fmt.Errorf("%w: bill.ccy %q", ErrDecode, wb.Ccy)
	}
	b.Amount, err = qiwiapi.ParseAmount(string(wb.Amount), cur)
	if err != nil {
		return nil, fmt.Errorf("%w: bill.amount %q: %v", ErrDecode, string(wb.Amount), err)
	}
	if wb.OriginAmount != "" {
		ocur := cur
		if wb.OriginCcy != "" {
			if ocur, err = qiwiapi.ParseCurrency(wb.OriginCcy); err != nil {
				return nil, fmt.Errorf("%w: bill.originCcy %q", ErrDecode, wb.OriginCcy)
			}
		}
		oa, err := qiwiapi.ParseAmount(string(wb.OriginAmount), ocur)
		if err != nil {
			return nil, fmt.Errorf("%w: bill.originAmount %q: %v", ErrDecode, string(wb.OriginAmount), err)
		}
		b.OriginAmount = &oa
	}
	return b, nil
}

// flexInt accepts 0 and "0".
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	*n = flexInt(v)
	return nil
}

// flexString accepts a string or a bare number and keeps the literal text,
// so "10.00" and 10.00 both stay "10.00".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("expected a string or a number, got %s", b)
	}
	*f = flexString(n)
	return nil
}
