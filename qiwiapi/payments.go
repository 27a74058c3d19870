package qiwiapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// PaymentsService sends payments and reads what is needed to prepare them.
type PaymentsService service

// Provider ids from the docs.
const (
	ProviderWalletTransfer = 99
	ProviderNickname       = 99999
	ProviderConversion     = 1099
	ProviderRequisites     = 1717
	ProviderVisaRU         = 1963
	ProviderMasterCardRU   = 21013
	ProviderMIR            = 31652
	ProviderQVC            = 22351
	ProviderVisaForeign    = 1960
	ProviderMCForeign      = 21012
)

// sinapAmount is the payment sum as sinap wants it: currency as a string.
type sinapAmount struct {
	Amount   json.Number `json:"amount"`
	Currency string      `json:"currency"`
}

func toSinap(a Amount) sinapAmount {
	return sinapAmount{Amount: json.Number(a.Number()), Currency: strconv.Itoa(int(a.Currency))}
}

type paymentMethod struct {
	Type      string `json:"type"`
	AccountID string `json:"accountId"`
}

// accountMethod is the only payment method the API accepts: the RUB wallet account.
var accountMethod = paymentMethod{Type: "Account", AccountID: "643"}

// Commission is the online commission estimate for a payment.
type Commission struct {
	ProviderID               FlexInt `json:"providerId"`
	WithdrawSum              Amount  `json:"withdrawSum"`
	EnrollmentSum            Amount  `json:"enrollmentSum"`
	QWCommission             Amount  `json:"qwCommission"`
	FundingSourceCommission  Amount  `json:"fundingSourceCommission"`
	WithdrawToEnrollmentRate Decimal `json:"withdrawToEnrollmentRate"`
}

// Commission asks what a payment of sum to account would cost.
func (s *PaymentsService) Commission(ctx context.Context, providerID int, account string, sum Amount) (*Commission, *Response, error) {
	if providerID <= 0 {
		return nil, nil, invalid(SubjectCommission, RuleUnknownProvider, nil)
	}
	if sum.Minor <= 0 {
		return nil, nil, invalid(SubjectCommission, RuleAmountPositive, nil)
	}
	body := map[string]any{
		"account":        account,
		"paymentMethod":  accountMethod,
		"purchaseTotals": map[string]any{"total": toSinap(sum)},
	}
	r, err := s.client.newRequest(http.MethodPost, fmtPath("/sinap/providers/%s/onlineCommission", strconv.Itoa(providerID)), nil, body)
	if err != nil {
		return nil, nil, err
	}
	out := new(Commission)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Payment is one payment to send: the provider ("terms") id, the client id
// that makes it idempotent, the sum and the provider's fields.
type Payment struct {
	Provider int
	ID       string
	Sum      Amount
	Comment  string
	Fields   map[string]string
}

var paymentIDRe = regexp.MustCompile(`^[0-9]{1,20}$`)

// Validate checks a payment before it is sent.
func (p Payment) Validate() error {
	if p.Provider <= 0 {
		return invalid(SubjectPayment, RuleNoProvider, nil)
	}
	if !paymentIDRe.MatchString(p.ID) {
		return invalid(SubjectPayment, RuleClientID, nil)
	}
	if p.Sum.Minor <= 0 {
		return invalid(SubjectPayment, RuleAmountPositive, nil)
	}
	if p.Sum.Currency == 0 {
		return invalid(SubjectPayment, RuleAmountNoCurrency, nil)
	}
	if strings.TrimSpace(p.Fields["account"]) == "" && p.Provider != ProviderRequisites {
		return invalid(SubjectPayment, RuleRecipientRequired, nil)
	}
	return nil
}

type paymentWire struct {
	ID            string            `json:"id"`
	Sum           sinapAmount       `json:"sum"`
	PaymentMethod paymentMethod     `json:"paymentMethod"`
	Comment       string            `json:"comment,omitempty"`
	Fields        map[string]string `json:"fields"`
}

// PaymentInfo is QIWI's acceptance of a payment. Its state is always
// "Accepted"; the final status comes from history.
type PaymentInfo struct {
	ID          FlexString     `json:"id"`
	Terms       FlexString     `json:"terms"`
	Fields      map[string]any `json:"fields"`
	Sum         Amount         `json:"sum"`
	Transaction struct {
		ID    FlexString `json:"id"`
		State struct {
			Code string `json:"code"`
		} `json:"state"`
	} `json:"transaction"`
	Source  string `json:"source"`
	Comment string `json:"comment"`
}

// TxnID is the QIWI transaction id to follow in history.
func (p *PaymentInfo) TxnID() int64 {
	n, _ := strconv.ParseInt(string(p.Transaction.ID), 10, 64)
	return n
}

// Pay sends a payment. A retry (automatic or the caller's) reuses p.ID, so
// QIWI answers with the original payment instead of paying twice.
//
// A 2xx answer that cannot be read whole is an error (ErrBadResponse), but
// the payment may have been made: the PaymentInfo returned with it keeps
// the transaction id when that much can be read, so the caller follows the
// payment's status instead of guessing.
func (s *PaymentsService) Pay(ctx context.Context, p Payment) (*PaymentInfo, *Response, error) {
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	w := paymentWire{ID: p.ID, Sum: toSinap(p.Sum), PaymentMethod: accountMethod, Fields: p.Fields}
	if p.Provider == ProviderWalletTransfer || p.Provider == ProviderConversion {
		w.Comment = p.Comment
	}
	r, err := s.client.newRequest(http.MethodPost, fmtPath("/sinap/api/v2/terms/%s/payments", strconv.Itoa(p.Provider)), nil, w)
	if err != nil {
		return nil, nil, err
	}
	r.retry = retrySafe // idempotent by the client id
	body, resp, err := s.client.send(ctx, r, 0)
	if err != nil {
		return nil, resp, err
	}
	out := new(PaymentInfo)
	if derr := json.Unmarshal(body, out); derr != nil || len(bytes.TrimSpace(body)) == 0 {
		if derr == nil {
			derr = errors.New("empty body")
		}
		var txn struct {
			Transaction struct {
				ID FlexString `json:"id"`
			} `json:"transaction"`
		}
		partial := new(PaymentInfo)
		if json.Unmarshal(body, &txn) == nil {
			partial.Transaction.ID = txn.Transaction.ID
		}
		return partial, resp, &DecodeError{Method: r.method, Path: r.path, Err: derr}
	}
	return out, resp, nil
}

// CrossRate is one exchange rate between two currencies.
type CrossRate struct {
	Set  string   `json:"set"`
	From Currency `json:"from"`
	To   Currency `json:"to"`
	Rate Decimal  `json:"rate"`
}

// CrossRates fetches QIWI's exchange rates.
func (s *PaymentsService) CrossRates(ctx context.Context) ([]CrossRate, *Response, error) {
	r, _ := s.client.newRequest(http.MethodGet, "/sinap/crossRates", nil, nil)
	var out struct {
		Result []CrossRate `json:"result"`
	}
	resp, err := s.client.do(ctx, r, &out)
	return out.Result, resp, err
}

// SearchItem is one provider found by search.
type SearchItem struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri"`
	Data        struct {
		ID       FlexInt `json:"id"`
		LogoURL  string  `json:"logoUrl"`
		SiteURL  string  `json:"siteUrl"`
		Category struct {
			Name string `json:"name"`
		} `json:"category"`
		Type string `json:"type"`
	} `json:"data"`
}

// SearchProviders finds providers by space-separated keywords.
func (s *PaymentsService) SearchProviders(ctx context.Context, query string) ([]SearchItem, *Response, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil, invalid(SubjectSearch, RuleSearchEmpty, nil)
	}
	r, _ := s.client.newRequest(http.MethodGet, "/search/v1/search", url.Values{"query": {query}}, nil)
	var out struct {
		Items []SearchItem `json:"items"`
	}
	resp, err := s.client.do(ctx, r, &out)
	return out.Items, resp, err
}

// MobileOperator is the provider serving a phone number.
type MobileOperator struct {
	ID        FlexInt `json:"id"`
	ShortName string  `json:"shortName"`
	LogoURL   string  `json:"logoUrl"`
}

// MobileOperators resolves the provider id for an 11-digit phone starting with 7.
func (s *PaymentsService) MobileOperators(ctx context.Context, phone string) ([]MobileOperator, *Response, error) {
	p, err := NormalizeWallet(phone)
	if err != nil || len(p) != 11 || p[0] != '7' {
		return nil, nil, invalid(SubjectMobile, RulePhone11, nil)
	}
	r, _ := s.client.newRequest(http.MethodGet, "/qw-mobile-providers-resolver/v1/providers", url.Values{"phoneNumber": {p}}, nil)
	var out struct {
		List []MobileOperator `json:"mobileOperatorProviderList"`
	}
	resp, err := s.client.do(ctx, r, &out)
	return out.List, resp, err
}

// PaymentFormOptions fills the qiwi.com payment form link.
type PaymentFormOptions struct {
	Account     string
	Sum         *Amount
	Comment     string
	AccountType string   // "phone" or "nickname", only for provider 99999
	Blocked     []string // fields the payer cannot edit: "sum", "account", "comment"
}

// PaymentFormURL builds the browser link to QIWI's payment form (not an API
// call): https://qiwi.com/payment/form/{ID}?account=...&sum=...&currency=643.
func PaymentFormURL(providerID int, o PaymentFormOptions) string {
	q := url.Values{}
	if o.Account != "" {
		q.Set("account", o.Account)
	}
	if o.Sum != nil {
		q.Set("sum", o.Sum.Number())
		q.Set("currency", strconv.Itoa(int(o.Sum.Currency)))
	}
	if o.Comment != "" {
		q.Set("comment", o.Comment)
	}
	if o.AccountType != "" {
		q.Set("accountType", o.AccountType)
	}
	for i, b := range o.Blocked {
		q.Set(fmt.Sprintf("blocked[%d]", i), b)
	}
	u := "https://qiwi.com/payment/form/" + strconv.Itoa(providerID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// IDGenerator makes client payment ids that are unique and increasing, as
// QIWI requires: 1000 x Unix seconds, or one more than the last id.
type IDGenerator struct {
	mu   sync.Mutex
	last int64
	now  func() time.Time
}

// NewIDGenerator starts after last (the newest id already used, 0 if none).
func NewIDGenerator(last int64, now func() time.Time) *IDGenerator {
	if now == nil {
		now = time.Now
	}
	return &IDGenerator{last: last, now: now}
}

// Next returns a fresh id.
func (g *IDGenerator) Next() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := g.now().Unix() * 1000
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return strconv.FormatInt(id, 10)
}
