package qiwiapi

import (
	"context"
	"net/http"
	"regexp"
	"strings"
)

// IdentificationService reads and submits the owner's identification data.
type IdentificationService service

// Identification is the owner's identification record. GET returns the
// numbers masked by QIWI ("43***11").
type Identification struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"` // SIMPLE, VERIFIED, FULL
	BirthDate  string `json:"birthDate"`
	FirstName  string `json:"firstName"`
	MiddleName string `json:"middleName"`
	LastName   string `json:"lastName"`
	Passport   string `json:"passport"`
	INN        string `json:"inn"`
	SNILS      string `json:"snils"`
	OMS        string `json:"oms"`
}

// IdentificationRequest is what the owner submits. Name, birth date and
// passport are required; INN, SNILS and OMS are optional.
type IdentificationRequest struct {
	BirthDate  string `json:"birthDate"` // YYYY-MM-DD
	FirstName  string `json:"firstName"`
	MiddleName string `json:"middleName"`
	LastName   string `json:"lastName"`
	Passport   string `json:"passport"` // series and number, digits only
	INN        string `json:"inn,omitempty"`
	SNILS      string `json:"snils,omitempty"`
	OMS        string `json:"oms,omitempty"`
}

var (
	birthDateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	digitsRe    = regexp.MustCompile(`^\d+$`)
)

// Validate checks the request before it is sent.
func (r IdentificationRequest) Validate() error {
	var broken []Rule
	if strings.TrimSpace(r.FirstName) == "" {
		broken = append(broken, RuleIdentFirstName)
	}
	if strings.TrimSpace(r.LastName) == "" {
		broken = append(broken, RuleIdentLastName)
	}
	if !birthDateRe.MatchString(r.BirthDate) {
		broken = append(broken, RuleIdentBirthDate)
	}
	if !digitsRe.MatchString(r.Passport) {
		broken = append(broken, RuleIdentPassport)
	}
	for _, n := range []struct {
		v    string
		rule Rule
	}{{r.INN, RuleIdentINNDigits}, {r.SNILS, RuleIdentSNILSDigits}, {r.OMS, RuleIdentOMSDigits}} {
		if n.v != "" && !digitsRe.MatchString(n.v) {
			broken = append(broken, n.rule)
		}
	}
	if len(broken) > 0 {
		return &InvalidError{Subject: SubjectIdentification, Rules: broken}
	}
	return nil
}

// Get returns the stored identification data (masked).
func (s *IdentificationService) Get(ctx context.Context, wallet string) (*Identification, *Response, error) {
	path, err := walletPath("/identification/v1/persons/%s/identification", wallet)
	if err != nil {
		return nil, nil, err
	}
	r, _ := s.client.newRequest(http.MethodGet, path, nil, nil)
	out := new(Identification)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// Identify submits identification data. QIWI allows at most five identified
// wallets per person.
func (s *IdentificationService) Identify(ctx context.Context, wallet string, req IdentificationRequest) (*Identification, *Response, error) {
	if err := req.Validate(); err != nil {
		return nil, nil, err
	}
	path, err := walletPath("/identification/v1/persons/%s/identification", wallet)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.client.newRequest(http.MethodPost, path, nil, req)
	if err != nil {
		return nil, nil, err
	}
	r.retry = retryBlockedOnly
	out := new(Identification)
	resp, err := s.client.do(ctx, r, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}
