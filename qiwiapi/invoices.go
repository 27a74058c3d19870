package qiwiapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// InvoicesService lists, pays and rejects bills issued to the wallet.
type InvoicesService service

// Invoice is an unpaid bill issued to the wallet by a merchant.
type Invoice struct {
	ID                 FlexInt     `json:"id"`
	ExternalID         string      `json:"external_id"`
	CreationDatetime   EpochMillis `json:"creation_datetime"`
	ExpirationDatetime EpochMillis `json:"expiration_datetime"`
	Sum                Amount      `json:"sum"`
	Status             string      `json:"status"`
	Type               string      `json:"type"`
	Repetitive         bool        `json:"repetitive"`
	Provider           struct {
		ID        FlexInt `json:"id"`
		ShortName string  `json:"short_name"`
		LongName  string  `json:"long_name"`
		LogoURL   string  `json:"logo_url"`
	} `json:"provider"`
	Comment string `json:"comment"`
	PayURL  string `json:"pay_url"`
}

// InvoiceOptions pages the unpaid list. Rows is 1..50 (0 means 50).
type InvoiceOptions struct {
	Rows         int
	MinCreation  time.Time
	MaxCreation  time.Time
	NextID       int64
	NextCreation time.Time
}

// InvoicePage is one page of unpaid invoices and where the next one starts.
type InvoicePage struct {
	Invoices []Invoice
	// Next is set when there may be more; pass it back as the options.
	Next *InvoiceOptions
}

// Unpaid lists the bills waiting for payment (status READY_FOR_PAY).
func (s *InvoicesService) Unpaid(ctx context.Context, opts InvoiceOptions) (*InvoicePage, *Response, error) {
	rows := opts.Rows
	if rows == 0 {
		rows = 50
	}
	if rows < 1 || rows > 50 {
		return nil, nil, invalid(SubjectInvoices, RuleRows, map[string]any{"Got": rows})
	}
	ask := rows
	if opts.NextID != 0 && ask < 50 {
		ask++ // the page repeats the bill it starts at
	}
	q := url.Values{"statuses": {"READY_FOR_PAY"}, "rows": {strconv.Itoa(ask)}}
	setMillis := func(name string, t time.Time) {
		if !t.IsZero() {
			q.Set(name, strconv.FormatInt(t.UnixMilli(), 10))
		}
	}
	setMillis("min_creation_datetime", opts.MinCreation)
	setMillis("max_creation_datetime", opts.MaxCreation)
	if opts.NextID != 0 {
		q.Set("next_id", strconv.FormatInt(opts.NextID, 10))
		setMillis("next_creation_datetime", opts.NextCreation)
	}
	r, _ := s.client.newRequest(http.MethodGet, "/checkout-api/api/bill/search", q, nil)
	var w struct {
		Bills []Invoice `json:"bills"`
	}
	resp, err := s.client.do(ctx, r, &w)
	if err != nil {
		return nil, resp, err
	}
	// The answer is the bills only (docs). A full page may have more after
	// it: the next one starts at the last bill's id and creation time, and
	// "equal or smaller" repeats that bill first, so it is dropped here.
	bills := w.Bills
	if opts.NextID != 0 && len(bills) > 0 && int64(bills[0].ID) == opts.NextID {
		bills = bills[1:]
	}
	page := &InvoicePage{Invoices: bills}
	if len(w.Bills) == ask && len(bills) > 0 {
		last := bills[len(bills)-1]
		next := opts
		next.Rows = rows
		next.NextID = int64(last.ID)
		next.NextCreation = last.CreationDatetime.Time
		page.Next = &next
	}
	return page, resp, nil
}

// ErrInvoiceNotPaid is returned when QIWI answers a pay call with any status
// other than PAID_STATUS.
var ErrInvoiceNotPaid = errors.New("the invoice was not paid")

// NotPaidError is QIWI's answer to paying an invoice when it is not
// PAID_STATUS: Status is the invoice_status it sent. It is ErrInvoiceNotPaid
// for errors.Is.
type NotPaidError struct{ Status string }

func (e *NotPaidError) Error() string {
	return fmt.Sprintf("%v: QIWI answered %q", ErrInvoiceNotPaid, e.Status)
}

func (e *NotPaidError) Unwrap() error { return ErrInvoiceNotPaid }

// InvoicePayment is QIWI's answer to paying an invoice.
type InvoicePayment struct {
	InvoiceStatus string         `json:"invoice_status"`
	IsSMSConfirm  FlexBool       `json:"is_sms_confirm"` // String in the docs' table, Boolean in the example
	Result        map[string]any `json:"WALLET_ACCEPT_PAY_RESULT"`
}

// Pay pays an unpaid invoice from the wallet. It is never retried after the
// request may have reached QIWI: paying twice is refused by QIWI anyway, and
// the journal decides what to do with an unknown outcome.
func (s *InvoicesService) Pay(ctx context.Context, invoiceUID string, cur Currency) (*InvoicePayment, *Response, error) {
	invoiceUID = strings.TrimSpace(invoiceUID)
	if invoiceUID == "" {
		return nil, nil, invalid(SubjectInvoices, RuleInvoiceID, nil)
	}
	body := map[string]string{"invoice_uid": invoiceUID, "currency": strconv.Itoa(int(cur))}
	r, err := s.client.newRequest(http.MethodPost, "/checkout-api/invoice/pay/wallet", nil, body)
	if err != nil {
		return nil, nil, err
	}
	r.retry = retryBlockedOnly
	out := new(InvoicePayment)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	if out.InvoiceStatus != "PAID_STATUS" {
		return out, resp, &NotPaidError{Status: out.InvoiceStatus}
	}
	return out, resp, nil
}

// Reject declines an unpaid invoice.
func (s *InvoicesService) Reject(ctx context.Context, id int64) (*Response, error) {
	r, err := s.client.newRequest(http.MethodPost, "/checkout-api/api/bill/reject", nil, map[string]int64{"id": id})
	if err != nil {
		return nil, err
	}
	return s.client.do(ctx, r, nil)
}

// P2PKeys is a key pair for QIWI's P2P invoicing.
type P2PKeys struct {
	PublicKey string `json:"PublicKey"`
	SecretKey string `json:"SecretKey"`
}

// String never shows the secret key.
func (k P2PKeys) String() string {
	return fmt.Sprintf("P2PKeys{public=%s secret=%s}", k.PublicKey, MaskSecret(k.SecretKey))
}

// CreateP2PKeys issues a P2P key pair. notifyURL is optional.
func (s *InvoicesService) CreateP2PKeys(ctx context.Context, name, notifyURL string) (*P2PKeys, *Response, error) {
	if strings.TrimSpace(name) == "" {
		return nil, nil, invalid(SubjectP2PKeys, RuleKeysName, nil)
	}
	body := map[string]string{"keysPairName": name}
	if notifyURL != "" {
		body["serverNotificationsUrl"] = notifyURL
	}
	r, err := s.client.newRequest(http.MethodPost, "/widgets-api/api/p2p/protected/keys/create", nil, body)
	if err != nil {
		return nil, nil, err
	}
	r.retry = retryBlockedOnly
	out := new(P2PKeys)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}
