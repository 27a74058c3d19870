package qiwiapi

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
)

// BalancesService manages the wallet's currency accounts.
type BalancesService service

// Account is one funding source of the wallet.
type Account struct {
	Alias     string `json:"alias"`
	FSAlias   string `json:"fsAlias"`
	BankAlias string `json:"bankAlias"`
	Title     string `json:"title"`
	Type      struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	} `json:"type"`
	HasBalance bool     `json:"hasBalance"`
	Balance    *Amount  `json:"balance"`
	Currency   Currency `json:"currency"`
	// DefaultAccount is undocumented but sent by the live service.
	DefaultAccount bool `json:"defaultAccount"`
}

// Pending reports an account whose balance QIWI has not computed yet.
func (a Account) Pending() bool { return a.HasBalance && a.Balance == nil }

type accountsWire struct {
	Accounts []Account `json:"accounts"`
}

// List fetches every account. An account that has a balance but came back
// without one is asked again with timeout=1000&alias=..., as the docs say.
func (s *BalancesService) List(ctx context.Context, wallet string) ([]Account, *Response, error) {
	path, err := walletPath("/funding-sources/v2/persons/%s/accounts", wallet)
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, nil, nil)
	var w accountsWire
	resp, err := s.client.do(ctx, r, &w)
	if err != nil {
		return nil, resp, err
	}
	for i, a := range w.Accounts {
		if !a.Pending() {
			continue
		}
		q := url.Values{"timeout": {"1000"}, "alias": {a.Alias}}
		rr, _ := s.client.newRequest(http.MethodGet, path, q, nil)
		var again accountsWire
		if resp, err = s.client.do(ctx, rr, &again); err != nil {
			return nil, resp, err
		}
		for _, b := range again.Accounts {
			if b.Alias == a.Alias && b.Balance != nil {
				w.Accounts[i].Balance = b.Balance
			}
		}
	}
	return w.Accounts, resp, nil
}

var aliasRe = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// Create opens a new account from an offer's alias ("qw_wallet_eur").
func (s *BalancesService) Create(ctx context.Context, wallet, alias string) (*Response, error) {
	if !aliasRe.MatchString(alias) {
		return nil, invalid(SubjectBalances, RuleAliasEUR, nil)
	}
	path, err := walletPath("/funding-sources/v2/persons/%s/accounts", wallet)
	if err != nil {
		return nil, err
	}
	r, _ := s.client.newRequest(http.MethodPost, path, nil, map[string]string{"alias": alias})
	r.retry = retryBlockedOnly
	return s.client.do(ctx, r, nil)
}

// Offer is an account the wallet may open.
type Offer struct {
	Alias    string   `json:"alias"`
	Currency Currency `json:"currency"`
}

// Offers lists the accounts the wallet may open.
func (s *BalancesService) Offers(ctx context.Context, wallet string) ([]Offer, *Response, error) {
	path, err := walletPath("/funding-sources/v2/persons/%s/accounts/offer", wallet)
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, nil, nil)
	var out []Offer
	resp, err := s.client.do(ctx, r, &out)
	return out, resp, err
}

// SetDefault makes an account the default for payments.
func (s *BalancesService) SetDefault(ctx context.Context, wallet, alias string) (*Response, error) {
	if !aliasRe.MatchString(alias) {
		return nil, invalid(SubjectBalances, RuleAliasRUB, nil)
	}
	w, err := NormalizeWallet(wallet)
	if err != nil {
		return nil, err
	}
	r, _ := s.client.newRequest(http.MethodPatch, fmtPath("/funding-sources/v2/persons/%s/accounts/%s", w, alias), nil, map[string]bool{"defaultAccount": true})
	return s.client.do(ctx, r, nil)
}
