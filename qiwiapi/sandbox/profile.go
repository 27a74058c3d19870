package sandbox

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

type profileJSON struct {
	AuthInfo     *authInfoJSON     `json:"authInfo,omitempty"`
	ContractInfo *contractInfoJSON `json:"contractInfo,omitempty"`
	UserInfo     *userInfoJSON     `json:"userInfo,omitempty"`
}

type authInfoJSON struct {
	BoundEmail    *string `json:"boundEmail"`
	IP            string  `json:"ip"`
	LastLoginDate string  `json:"lastLoginDate"`
	MobilePinInfo struct {
		LastMobilePinChange string `json:"lastMobilePinChange"`
		MobilePinUsed       bool   `json:"mobilePinUsed"`
		NextMobilePinChange string `json:"nextMobilePinChange"`
	} `json:"mobilePinInfo"`
	PassInfo struct {
		LastPassChange string `json:"lastPassChange"`
		NextPassChange string `json:"nextPassChange"`
		PasswordUsed   bool   `json:"passwordUsed"`
	} `json:"passInfo"`
	PersonID int64 `json:"personId"`
	PinInfo  struct {
		PinUsed bool `json:"pinUsed"`
	} `json:"pinInfo"`
	RegistrationDate string `json:"registrationDate"`
}

type identInfoJSON struct {
	BankAlias           string `json:"bankAlias"`
	IdentificationLevel string `json:"identificationLevel"`
	PassportExpired     bool   `json:"passportExpired"`
}

type contractInfoJSON struct {
	Blocked            bool            `json:"blocked"`
	ContractID         int64           `json:"contractId"`
	CreationDate       string          `json:"creationDate"`
	Features           []any           `json:"features"`
	IdentificationInfo []identInfoJSON `json:"identificationInfo"`
}

type userInfoJSON struct {
	DefaultPayCurrency int     `json:"defaultPayCurrency"`
	DefaultPaySource   int     `json:"defaultPaySource"`
	Email              *string `json:"email"`
	FirstTxnID         int64   `json:"firstTxnId"`
	Language           string  `json:"language"`
	Operator           string  `json:"operator"`
	PhoneHash          string  `json:"phoneHash"`
	PromoEnabled       *bool   `json:"promoEnabled"`
}

// flag reads an optional boolean query parameter (default true).
func flag(c *call, name string) (bool, bool) {
	v, ok := c.q[name]
	if !ok {
		return true, true
	}
	b, err := strconv.ParseBool(v[0])
	return b, err == nil
}

func (s *Server) hProfile(c *call) reply {
	w := c.w
	var p profileJSON
	auth, ok1 := flag(c, "authInfoEnabled")
	contract, ok2 := flag(c, "contractInfoEnabled")
	user, ok3 := flag(c, "userInfoEnabled")
	if !ok1 || !ok2 || !ok3 {
		return s.bad(c, "authInfoEnabled, contractInfoEnabled and userInfoEnabled must be true or false")
	}
	if auth {
		a := &authInfoJSON{BoundEmail: strp(w.email), IP: w.ip, LastLoginDate: fmtUTCms(w.lastLogin),
			PersonID: w.personID, RegistrationDate: fmtUTCms(w.registered)}
		a.MobilePinInfo.LastMobilePinChange = fmtUTCms(w.pinChanged)
		a.MobilePinInfo.MobilePinUsed = true
		a.MobilePinInfo.NextMobilePinChange = fmtUTCms(w.pinChanged.Add(120 * 24 * time.Hour))
		a.PassInfo.LastPassChange = fmtUTCms(w.passChanged)
		a.PassInfo.NextPassChange = fmtUTCms(w.passChanged.Add(31 * 24 * time.Hour))
		a.PassInfo.PasswordUsed = true
		a.PinInfo.PinUsed = true
		p.AuthInfo = a
	}
	if contract {
		p.ContractInfo = &contractInfoJSON{ContractID: w.personID, CreationDate: fmtUTCms(w.registered),
			Features:           []any{},
			IdentificationInfo: []identInfoJSON{{BankAlias: "QIWI", IdentificationLevel: w.identLevel}}}
	}
	if user {
		var first int64
		if n := len(w.txns); n > 0 {
			first = w.txns[n-1].id
		}
		p.UserInfo = &userInfoJSON{DefaultPayCurrency: w.defaultCur, DefaultPaySource: 7, Email: strp(w.email),
			FirstTxnID: first, Language: "ru", Operator: w.operator, PhoneHash: randHexFrom(w.number)}
	}
	return jsonReply(200, p)
}

// randHexFrom is a stable pseudo hash for phoneHash.
func randHexFrom(s string) string {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return strconv.FormatUint(h, 36)
}

func (s *Server) hRestrictions(c *call) reply {
	if len(c.w.restrictions) > 0 {
		return jsonReply(200, c.w.restrictions)
	}
	return jsonReply(200, []any{})
}

// ---- identification ----

type identJSON struct {
	ID         int64   `json:"id"`
	Type       string  `json:"type"`
	BirthDate  *string `json:"birthDate"`
	FirstName  *string `json:"firstName"`
	MiddleName *string `json:"middleName"`
	LastName   *string `json:"lastName"`
	Passport   *string `json:"passport"`
	Inn        *string `json:"inn"`
	Snils      *string `json:"snils"`
	Oms        *string `json:"oms"`
}

// mask keeps the first and last two characters: "4400111222" -> "44***22".
func mask(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[:2] + "***" + s[len(s)-2:]
}

func (s *Server) identReply(w *wallet, masked bool) reply {
	j := identJSON{ID: w.personID, Type: w.identLevel}
	if d := w.ident; d != nil {
		m := func(v string) *string {
			if masked {
				v = mask(v)
			}
			return &v
		}
		j.BirthDate, j.FirstName, j.MiddleName, j.LastName = &d.birthDate, &d.firstName, &d.middleName, &d.lastName
		j.Passport, j.Inn, j.Snils, j.Oms = m(d.passport), m(d.inn), m(d.snils), m(d.oms)
	}
	return jsonReply(200, j)
}

func (s *Server) hIdentGet(c *call) reply { return s.identReply(c.w, true) }

func (s *Server) hIdentPost(c *call) reply {
	var b struct {
		BirthDate  string `json:"birthDate"`
		FirstName  string `json:"firstName"`
		MiddleName string `json:"middleName"`
		LastName   string `json:"lastName"`
		Passport   string `json:"passport"`
		Inn        string `json:"inn"`
		Snils      string `json:"snils"`
		Oms        string `json:"oms"`
	}
	if err := decodeBody(c.body, &b); err != nil {
		return s.bad(c, "body must be a JSON object")
	}
	switch {
	case strings.TrimSpace(b.FirstName) == "" || strings.TrimSpace(b.LastName) == "":
		return s.bad(c, "firstName and lastName are required")
	case !validDate(b.BirthDate):
		return s.bad(c, "birthDate is required, YYYY-MM-DD")
	case !allDigits(b.Passport) || len(b.Passport) < 6 || len(b.Passport) > 12:
		return s.bad(c, "passport is required: series and number, digits only")
	case b.Inn != "" && !allDigits(b.Inn), b.Snils != "" && !allDigits(b.Snils), b.Oms != "" && !allDigits(b.Oms):
		return s.bad(c, "inn, snils and oms are digits only")
	}
	w := c.w
	w.ident = &identData{firstName: b.FirstName, middleName: b.MiddleName, lastName: b.LastName,
		birthDate: b.BirthDate, passport: b.Passport, inn: b.Inn, snils: b.Snils, oms: b.Oms}
	if w.identLevel == "SIMPLE" || w.identLevel == "ANONYMOUS" {
		w.identLevel = "VERIFIED"
	}
	if w.ident.inn == "" { // a verified person gets their TIN back
		w.ident.inn = "77" + strconv.FormatInt(w.personID%10_000_000_000, 10)
	}
	return s.identReply(w, false)
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ---- limits ----

// limitMax is the monthly maximum per limit type for a VERIFIED wallet, in kopecks.
var limitMax = map[string]int64{
	"REFILL":                           1_000_000_00,
	"TURNOVER":                         1_000_000_00,
	"PAYMENTS_P2P":                     600_000_00,
	"PAYMENTS_PROVIDER_INTERNATIONALS": 200_000_00,
	"PAYMENTS_PROVIDER_PAYOUT":         600_000_00,
	"WITHDRAW_CASH":                    300_000_00,
}

type limitJSON struct {
	Type     string `json:"type"`
	Currency string `json:"currency"`
	Rest     amt    `json:"rest"`
	Max      amt    `json:"max"`
	Spent    amt    `json:"spent"`
	Interval struct {
		DateFrom string `json:"dateFrom"`
		DateTill string `json:"dateTill"`
	} `json:"interval"`
}

// limitTypeOf says which limits a transaction counts towards.
func limitTypesOf(t *txn) []string {
	if t.typ == "IN" {
		if t.prov == 1099 {
			return nil
		}
		return []string{"REFILL"}
	}
	types := []string{"TURNOVER"}
	if p := providers[t.prov]; p != nil {
		switch p.kind {
		case kindWallet:
			types = append(types, "PAYMENTS_P2P")
		case kindCard, kindBank, kindRequisites:
			types = append(types, "PAYMENTS_PROVIDER_PAYOUT")
		case kindCardForeign:
			types = append(types, "PAYMENTS_PROVIDER_INTERNATIONALS")
		case kindConvert:
			return nil
		}
	}
	return types
}

func (s *Server) hLimits(c *call) reply {
	types := indexed(c.q, "types")
	if len(types) == 0 {
		return s.bad(c, "at least one types[N] is required")
	}
	for _, t := range types {
		if _, ok := limitMax[t]; !ok {
			return s.bad(c, "unknown limit type "+strconv.Quote(t))
		}
	}
	now := c.now.In(msk)
	from := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, msk)
	till := from.AddDate(0, 1, 0)
	spent := map[string]int64{}
	w := c.w
	p := sort.Search(len(w.txns), func(i int) bool { return w.txns[i].date.Before(till) })
	for _, t := range w.txns[p:] {
		if t.date.Before(from) {
			break
		}
		if t.status == "ERROR" {
			continue
		}
		for _, lt := range limitTypesOf(t) {
			if t.source == "CARD" || t.source == "MK" {
				if lt != "REFILL" {
					continue
				}
			}
			spent[lt] += rubEquivalent(t.total(), t.cur)
		}
	}
	var out []limitJSON
	for _, t := range types {
		l := limitJSON{Type: t, Currency: "RUB", Max: amt(limitMax[t]), Spent: amt(spent[t])}
		l.Rest = amt(max(limitMax[t]-spent[t], 0))
		l.Interval.DateFrom = fmtMSK(from)
		l.Interval.DateTill = fmtMSK(till)
		out = append(out, l)
	}
	return jsonReply(200, map[string]map[string][]limitJSON{"limits": {"RU": out}})
}

func (s *Server) hP2PCount(c *call) reply {
	return jsonReply(200, map[string]int{"p2pPaymentCountLimit": 1})
}

func (s *Server) hNickname(c *call) reply {
	return jsonReply(200, struct {
		CanChange   bool   `json:"canChange"`
		CanUse      bool   `json:"canUse"`
		Description string `json:"description"`
		Nickname    string `json:"nickname"`
	}{true, true, "", c.w.nickname})
}
