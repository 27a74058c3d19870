package qiwiapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
)

// LimitsService reads the wallet's limits.
type LimitsService service

// LimitType names one kind of limit.
type LimitType string

// The limit types the API knows.
const (
	LimitRefill                 LimitType = "REFILL"
	LimitTurnover               LimitType = "TURNOVER"
	LimitPaymentsP2P            LimitType = "PAYMENTS_P2P"
	LimitPaymentsInternationals LimitType = "PAYMENTS_PROVIDER_INTERNATIONALS"
	LimitPaymentsPayout         LimitType = "PAYMENTS_PROVIDER_PAYOUT"
	LimitWithdrawCash           LimitType = "WITHDRAW_CASH"
)

// AllLimitTypes is every documented limit type, in the docs' order.
var AllLimitTypes = []LimitType{LimitTurnover, LimitRefill, LimitPaymentsP2P, LimitPaymentsInternationals, LimitPaymentsPayout, LimitWithdrawCash}

// Limit is one limit with what is spent and what is left in its period.
// QIWI sends numbers here, with the currency as a code ("RUB").
type Limit struct {
	Type     LimitType `json:"type"`
	Currency string    `json:"currency"`
	Rest     Decimal   `json:"rest"`
	Max      Decimal   `json:"max"`
	Spent    Decimal   `json:"spent"`
	Interval struct {
		DateFrom FlexTime `json:"dateFrom"`
		DateTill FlexTime `json:"dateTill"`
	} `json:"interval"`
}

// UnmarshalJSON reads the docs' example (numbers) and table (max and
// spent as String, rest as Boolean): a rest that is not a number is left
// empty and Amounts computes it as max - spent.
func (l *Limit) UnmarshalJSON(b []byte) error {
	type plain Limit
	var w struct {
		plain
		Rest json.RawMessage `json:"rest"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = Limit(w.plain)
	l.Rest = ""
	if r := bytes.TrimSpace(w.Rest); len(r) > 0 && r[0] != 't' && r[0] != 'f' {
		if err := l.Rest.UnmarshalJSON(r); err != nil {
			return err
		}
	}
	return nil
}

// Amounts converts rest, max and spent to exact money in the limit's currency.
func (l Limit) Amounts() (rest, max, spent Amount, err error) {
	cur, err := ParseCurrency(l.Currency)
	if err != nil {
		return rest, max, spent, err
	}
	parse := func(d Decimal) (Amount, error) {
		if d == "" {
			return Amount{Currency: cur}, nil
		}
		return ParseAmountFloor(string(d), cur)
	}
	if max, err = parse(l.Max); err != nil {
		return
	}
	if spent, err = parse(l.Spent); err != nil {
		return
	}
	if l.Rest == "" {
		rest = Amount{Minor: max.Minor - spent.Minor, Currency: cur}
		if rest.Minor < 0 {
			rest.Minor = 0
		}
		return
	}
	rest, err = parse(l.Rest)
	return
}

// Limits maps a country code ("RU") to its limits.
type Limits struct {
	Limits map[string][]Limit `json:"limits"`
}

// Actual fetches the limits of the given types (at least one).
func (s *LimitsService) Actual(ctx context.Context, wallet string, types ...LimitType) (*Limits, *Response, error) {
	if len(types) == 0 {
		return nil, nil, invalid(SubjectLimits, RuleLimitTypes, nil)
	}
	path, err := walletPath("/qw-limits/v1/persons/%s/actual-limits", wallet)
	if err != nil {
		return nil, nil, err
	}
	q := url.Values{}
	for i, t := range types {
		q.Set(fmt.Sprintf("types[%d]", i), string(t))
	}
	r, _ := s.client.newRequest(http.MethodGet, path, q, nil)
	out := new(Limits)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// P2PPaymentCount is how many person-to-person payments are allowed this month.
func (s *LimitsService) P2PPaymentCount(ctx context.Context, wallet string) (int, *Response, error) {
	path, err := walletPath("/qw-limits/v1/persons/%s/p2p-payment-count-limit", wallet)
	if err != nil {
		return 0, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, nil, nil)
	var out struct {
		Limit FlexInt `json:"p2pPaymentCountLimit"`
	}
	resp, err := s.client.do(ctx, r, &out)
	return int(out.Limit), resp, err
}
