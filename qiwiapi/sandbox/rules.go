package sandbox

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// plan validates one sinap payment against its provider's rules and decides
// how it will settle.
//
// Deterministic outcomes (applied at settle time, the balance is refunded):
//   - an account ending in "0000" fails: errorCode 522 for card numbers,
//     errorCode 5 ("No such number") for everything else;
//   - a bank card transfer with an exp_date (MMYY) already past fails with 548.
type plan struct {
	s      *Server
	w      *wallet
	p      *provider
	k      int64
	cur    int
	fields map[string]string
	now    time.Time
	byCard bool // bank transfer by card number
}

var (
	reWallet = regexp.MustCompile(`^\+(7\d{10}|[1-689]\d{9,14})$`) // +7: exactly 11 digits
	reExp    = regexp.MustCompile(`^(0[1-9]|1[0-2])\d\d$`)
)

// foreignCardFields are required by 1960/21012.
var foreignCardFields = []string{"account", "rem_name", "rem_name_f", "rec_address", "rec_city", "rec_country", "reg_name", "reg_name_f"}

// requisitesFields are required by 1717 (payment by bank requisites).
var requisitesFields = []string{"name", "extra_to_bik", "to_bik", "city", "info", "is_commercial", "to_name", "to_inn",
	"to_kpp", "nds", "goal", "urgent", "account", "from_name", "from_name_p", "from_name_f", "requestProtocol", "toServiceId"}

// missing refuses a required field that is absent or blank with code 202
// ("request parameters error") naming the field. from_name_p (patronymic)
// must be sent but may be empty: people without one pay by requisites too.
func (pl *plan) missing(names ...string) (reply, bool) {
	for _, n := range names {
		v, sent := pl.fields[n]
		if !sent || strings.TrimSpace(v) == "" && n != "from_name_p" {
			return sinapErr(202, "Не заполнено обязательное поле fields."+n), true
		}
	}
	return reply{}, false
}

func digitsLen(s string, lo, hi int) bool { return allDigits(s) && len(s) >= lo && len(s) <= hi }

func (pl *plan) validate() (reply, bool) {
	f := pl.fields
	acct := f["account"]
	if pl.p.kind == kindConvert {
		if rubPer[pl.cur] == 0 || pl.cur == 643 {
			return sinapErr(202, "sum.currency: валюта зачисления 840, 978 или 398"), true
		}
	} else if pl.cur != 643 {
		return sinapErr(202, "sum.currency должен быть \"643\""), true
	}
	if rp, bad := pl.missing("account"); bad {
		return rp, true
	}
	switch pl.p.kind {
	case kindWallet:
		if !reWallet.MatchString(acct) {
			return sinapErr(4, "fields.account: номер кошелька в формате +79121112233"), true
		}
		if acct == "+"+pl.w.number {
			return sinapErr(4, "Нельзя перевести на свой кошелек"), true
		}
	case kindConvert:
		if strings.TrimPrefix(acct, "+") != pl.w.number {
			return sinapErr(4, "fields.account: укажите номер своего кошелька"), true
		}
		if pl.w.account(pl.cur) == nil {
			return sinapErr(4, "Счет в валюте "+currencyCode(pl.cur)+" не открыт"), true
		}
	case kindMobile:
		if !digitsLen(acct, 10, 10) || acct[0] == '8' {
			return sinapErr(303, "Неверный номер телефона: введите 10 цифр без 8"), true
		}
	case kindCard:
		if !digitsLen(acct, 13, 19) {
			return sinapErr(4, "fields.account: номер карты без пробелов"), true
		}
		if b := pl.p.cardBrand; b != "" {
			ok := false
			for _, pre := range strings.Split(b, "|") {
				ok = ok || strings.HasPrefix(acct, pre)
			}
			if !ok {
				return sinapErr(4, "Номер карты не соответствует платежной системе провайдера"), true
			}
		}
	case kindCardForeign:
		if rp, bad := pl.missing(foreignCardFields...); bad {
			return rp, true
		}
		// Transfers to foreign cards are suspended (as the docs say).
		return sinapErr(131, "Перевод на карты зарубежных банков временно недоступен"), true
	case kindBank:
		return pl.validateBank()
	case kindService:
		if len(acct) > 40 {
			return sinapErr(4, "fields.account: слишком длинный номер"), true
		}
	case kindRequisites:
		return pl.validateRequisites()
	}
	return reply{}, false
}

func (pl *plan) validateBank() (reply, bool) {
	f := pl.fields
	if rp, bad := pl.missing("account_type"); bad {
		return rp, true
	}
	at := f["account_type"]
	switch {
	case pl.p.cardType != "" && at == pl.p.cardType:
		pl.byCard = true
		if !digitsLen(f["account"], 16, 19) {
			return sinapErr(4, "fields.account: номер карты, 16-19 цифр"), true
		}
		if pl.p.expReq {
			if rp, bad := pl.missing("exp_date"); bad {
				return rp, true
			}
		}
		if e, ok := f["exp_date"]; ok && !reExp.MatchString(e) {
			return sinapErr(547, "fields.exp_date: срок действия карты в формате MMYY"), true
		}
	case pl.p.acctType != "" && at == pl.p.acctType:
		if rp, bad := pl.missing("mfo", "lname", "fname"); bad {
			return rp, true
		}
		if !digitsLen(f["account"], 20, 20) {
			return sinapErr(4, "fields.account: номер счета, 20 цифр"), true
		}
		if !digitsLen(f["mfo"], 9, 9) {
			return sinapErr(202, "fields.mfo: БИК банка, 9 цифр"), true
		}
		if u, ok := f["urgent"]; ok && u != "0" && u != "1" {
			return sinapErr(202, "fields.urgent: 0 или 1"), true
		}
		if pl.p.id == 313 {
			if rp, bad := pl.missing("agrnum"); bad {
				return rp, true
			}
		}
	default:
		want := []string{}
		if pl.p.cardType != "" {
			want = append(want, pl.p.cardType+" (по номеру карты)")
		}
		if pl.p.acctType != "" {
			want = append(want, pl.p.acctType+" (по номеру счета)")
		}
		return sinapErr(202, "fields.account_type для провайдера "+strconv.Itoa(pl.p.id)+": "+strings.Join(want, " или ")), true
	}
	return reply{}, false
}

func (pl *plan) validateRequisites() (reply, bool) {
	f := pl.fields
	if rp, bad := pl.missing(requisitesFields...); bad {
		return rp, true
	}
	switch {
	case !digitsLen(f["to_bik"], 9, 9) || !digitsLen(f["extra_to_bik"], 9, 9):
		return sinapErr(202, "fields.to_bik / extra_to_bik: БИК, 9 цифр"), true
	case !digitsLen(f["account"], 20, 20):
		return sinapErr(4, "fields.account: номер счета, 20 цифр"), true
	case !digitsLen(f["to_inn"], 10, 12) || len(f["to_inn"]) == 11:
		return sinapErr(202, "fields.to_inn: ИНН, 10 или 12 цифр"), true
	case !digitsLen(f["to_kpp"], 9, 9):
		return sinapErr(202, "fields.to_kpp: КПП, 9 цифр"), true
	case f["nds"] != "НДС не облагается" && f["nds"] != "В т.ч. НДС":
		return sinapErr(202, "fields.nds: «НДС не облагается» или «В т.ч. НДС»"), true
	case f["urgent"] != "0" && f["urgent"] != "1":
		return sinapErr(202, "fields.urgent: 0 или 1"), true
	case f["requestProtocol"] != "qw1" || f["toServiceId"] != "1717":
		return sinapErr(202, "fields.requestProtocol должен быть qw1, fields.toServiceId — 1717"), true
	case f["is_commercial"] != "1" || f["info"] != "Коммерческие организации":
		return sinapErr(4, "fields.info «Коммерческие организации», fields.is_commercial 1"), true
	}
	return reply{}, false
}

func (pl *plan) isCardNumber() bool { return pl.p.kind == kindCard || pl.byCard }

// histAccount is the account as history shows it (cards masked).
func (pl *plan) histAccount() string {
	if pl.isCardNumber() {
		return maskCardShort(pl.fields["account"])
	}
	return pl.fields["account"]
}

// maskedFields echoes the fields with card numbers masked.
func (pl *plan) maskedFields() map[string]string {
	out := make(map[string]string, len(pl.fields))
	for k, v := range pl.fields {
		out[k] = v
	}
	if pl.isCardNumber() {
		out["account"] = maskCard(pl.fields["account"])
	}
	return out
}

// outcome is the errorCode the payment will settle with (0 = SUCCESS).
func (pl *plan) outcome() int {
	acct := pl.fields["account"]
	if strings.HasSuffix(acct, "0000") {
		if pl.isCardNumber() {
			return 522
		}
		return 5
	}
	if e := pl.fields["exp_date"]; pl.byCard && reExp.MatchString(e) {
		m, _ := strconv.Atoi(e[:2])
		y, _ := strconv.Atoi(e[2:])
		expEnd := time.Date(2000+y, time.Month(m)+1, 1, 0, 0, 0, 0, msk)
		if !pl.now.Before(expEnd) {
			return 548
		}
	}
	return 0
}
