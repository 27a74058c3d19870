package qiwiapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"
)

// ProfileService reads the wallet owner's profile and restrictions.
type ProfileService service

// Profile is the answer of /person-profile/v1/profile/current.
type Profile struct {
	AuthInfo     *AuthInfo     `json:"authInfo,omitempty"`
	ContractInfo *ContractInfo `json:"contractInfo,omitempty"`
	UserInfo     *UserInfo     `json:"userInfo,omitempty"`
}

// AuthInfo is the login and security part of the profile.
type AuthInfo struct {
	BoundEmail       string    `json:"boundEmail"`
	IP               string    `json:"ip"`
	LastLoginDate    time.Time `json:"lastLoginDate"`
	PersonID         int64     `json:"personId"`
	RegistrationDate time.Time `json:"registrationDate"`
	MobilePinInfo    struct {
		LastMobilePinChange time.Time `json:"lastMobilePinChange"`
		MobilePinUsed       bool      `json:"mobilePinUsed"`
		NextMobilePinChange time.Time `json:"nextMobilePinChange"`
	} `json:"mobilePinInfo"`
	PassInfo struct {
		LastPassChange time.Time `json:"lastPassChange"`
		NextPassChange time.Time `json:"nextPassChange"`
		PasswordUsed   bool      `json:"passwordUsed"`
	} `json:"passInfo"`
	PinInfo struct {
		PinUsed bool `json:"pinUsed"`
	} `json:"pinInfo"`
}

// ContractInfo is the wallet contract: blocking and identification.
type ContractInfo struct {
	Blocked            bool                 `json:"blocked"`
	ContractID         int64                `json:"contractId"`
	CreationDate       time.Time            `json:"creationDate"`
	Features           []any                `json:"features"`
	IdentificationInfo []IdentificationInfo `json:"identificationInfo"`
}

// IdentificationInfo is the identification level at one bank.
type IdentificationInfo struct {
	BankAlias           string `json:"bankAlias"`
	IdentificationLevel string `json:"identificationLevel"` // ANONYMOUS, SIMPLE, VERIFIED, FULL
	PassportExpired     bool   `json:"passportExpired"`
}

// UserInfo is the user's preferences.
type UserInfo struct {
	DefaultPayCurrency Currency  `json:"defaultPayCurrency"`
	DefaultPaySource   int       `json:"defaultPaySource"`
	Email              *string   `json:"email"`
	FirstTxnID         int64     `json:"firstTxnId"`
	Language           string    `json:"language"`
	Operator           string    `json:"operator"`
	PhoneHash          string    `json:"phoneHash"`
	PromoEnabled       *FlexBool `json:"promoEnabled"` // String in the docs' table
}

// Wallet is the wallet number (person id) as the other endpoints want it.
func (p *Profile) Wallet() string {
	if p == nil {
		return ""
	}
	if p.AuthInfo != nil && p.AuthInfo.PersonID != 0 {
		return strconv.FormatInt(p.AuthInfo.PersonID, 10)
	}
	if p.ContractInfo != nil && p.ContractInfo.ContractID != 0 {
		return strconv.FormatInt(p.ContractInfo.ContractID, 10)
	}
	return ""
}

// IdentificationLevel is the QIWI-bank level, or "" when unknown.
func (p *Profile) IdentificationLevel() string {
	if p == nil || p.ContractInfo == nil {
		return ""
	}
	for _, i := range p.ContractInfo.IdentificationInfo {
		if i.BankAlias == "QIWI" {
			return i.IdentificationLevel
		}
	}
	if len(p.ContractInfo.IdentificationInfo) > 0 {
		return p.ContractInfo.IdentificationInfo[0].IdentificationLevel
	}
	return ""
}

// ProfileOptions drops parts of the profile; the zero value asks for all three.
type ProfileOptions struct {
	SkipAuthInfo     bool
	SkipContractInfo bool
	SkipUserInfo     bool
}

// Current fetches the profile of the token's owner.
func (s *ProfileService) Current(ctx context.Context, opts ProfileOptions) (*Profile, *Response, error) {
	q := url.Values{}
	q.Set("authInfoEnabled", strconv.FormatBool(!opts.SkipAuthInfo))
	q.Set("contractInfoEnabled", strconv.FormatBool(!opts.SkipContractInfo))
	q.Set("userInfoEnabled", strconv.FormatBool(!opts.SkipUserInfo))
	r, _ := s.client.newRequest(http.MethodGet, "/person-profile/v1/profile/current", q, nil)
	p := new(Profile)
	resp, err := s.client.do(ctx, r, p)
	if err != nil {
		return nil, resp, err
	}
	return p, resp, nil
}

// Restriction is one restriction on the wallet (RU docs only).
type Restriction struct {
	Code        string `json:"restrictionCode"`
	Description string `json:"restrictionDescription"`
}

// Restrictions lists the wallet's restrictions; empty means none.
func (s *ProfileService) Restrictions(ctx context.Context, wallet string) ([]Restriction, *Response, error) {
	path, err := walletPath("/person-profile/v1/persons/%s/status/restrictions", wallet)
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, nil, nil)
	var out []Restriction
	resp, err := s.client.do(ctx, r, &out)
	return out, resp, err
}

// Nickname is the wallet's QIWI nickname.
type Nickname struct {
	CanChange   bool   `json:"canChange"`
	CanUse      bool   `json:"canUse"`
	Description string `json:"description"`
	Nickname    string `json:"nickname"`
}

// Nickname fetches the wallet's nickname.
func (s *ProfileService) Nickname(ctx context.Context, wallet string) (*Nickname, *Response, error) {
	path, err := walletPath("/qw-nicknames/v1/persons/%s/nickname", wallet)
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, nil, nil)
	n := new(Nickname)
	resp, err := s.client.do(ctx, r, n)
	if err != nil {
		return nil, resp, err
	}
	return n, resp, nil
}

// walletRe is an E.164 number without "+": Russia and Kazakhstan (+7) have
// exactly 11 digits, other countries 10 to 15.
var walletRe = regexp.MustCompile(`^(7[0-9]{10}|[1-689][0-9]{9,14})$`)

// ErrBadWallet is returned for a wallet number that is not a phone number
// in international format.
var ErrBadWallet = errors.New("a wallet number is a phone in international format: +7 and 10 digits, or another country code and 9-14 digits")

// NormalizeWallet turns "+7 (999) 123-45-67" into "79991234567".
func NormalizeWallet(s string) (string, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			out = append(out, c)
		case c == '+' || c == ' ' || c == '-' || c == '(' || c == ')':
		default:
			return "", ErrBadWallet
		}
	}
	if !walletRe.Match(out) {
		return "", ErrBadWallet
	}
	return string(out), nil
}

// walletPath fills a path template with a validated wallet number, so
// nothing user-typed ever reaches the URL path unchecked.
func walletPath(format, wallet string) (string, error) {
	w, err := NormalizeWallet(wallet)
	if err != nil {
		return "", err
	}
	return fmtPath(format, w), nil
}
