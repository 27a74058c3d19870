package sandbox

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// ---- commission, rates, search, resolver ----

type strMoneyJSON struct {
	Amount   amt    `json:"amount"`
	Currency string `json:"currency"`
}

// jsonString reads a JSON string or number as text.
func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	var s string
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return "", false
	}
	return n.String(), true
}

type moneyIn struct {
	Amount   json.RawMessage `json:"amount"`
	Currency json.RawMessage `json:"currency"`
}

// parse returns kopecks (rounded down) and the currency code.
func (m moneyIn) parse() (int64, int, bool) {
	a, ok1 := jsonString(m.Amount)
	c, ok2 := jsonString(m.Currency)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	k, err := parseKop(a)
	cur, err2 := strconv.Atoi(c)
	if err != nil || err2 != nil {
		return 0, 0, false
	}
	return k, cur, true
}

func (s *Server) hCommission(c *call) reply {
	id, err := strconv.Atoi(c.params[0])
	p := providers[id]
	if err != nil || p == nil || p.kind == kindInternal || p.kind == kindMerchant {
		return sinapErr(202, "Неизвестный провайдер "+c.params[0])
	}
	var b struct {
		Account       string `json:"account"`
		PaymentMethod struct {
			Type      string `json:"type"`
			AccountID string `json:"accountId"`
		} `json:"paymentMethod"`
		PurchaseTotals struct {
			Total moneyIn `json:"total"`
		} `json:"purchaseTotals"`
	}
	if err := decodeBody(c.body, &b); err != nil {
		return sinapErr(202, "Некорректный запрос: ожидается JSON")
	}
	if b.PaymentMethod.Type != "Account" || b.PaymentMethod.AccountID != "643" {
		return sinapErr(202, "paymentMethod должен быть {\"type\":\"Account\",\"accountId\":\"643\"}")
	}
	k, cur, ok := b.PurchaseTotals.Total.parse()
	if !ok || k <= 0 {
		return sinapErr(241, "purchaseTotals.total.amount должен быть больше 0")
	}
	if cur != 643 && !(p.kind == kindConvert && rubPer[cur] != 0) {
		return sinapErr(202, "purchaseTotals.total.currency должен быть \"643\"")
	}
	comm := commission(id, k)
	curS := strconv.Itoa(cur)
	return jsonReply(200, struct {
		ProviderID               int          `json:"providerId"`
		WithdrawSum              strMoneyJSON `json:"withdrawSum"`
		EnrollmentSum            strMoneyJSON `json:"enrollmentSum"`
		QwCommission             strMoneyJSON `json:"qwCommission"`
		FundingSourceCommission  strMoneyJSON `json:"fundingSourceCommission"`
		WithdrawToEnrollmentRate int          `json:"withdrawToEnrollmentRate"`
	}{id, strMoneyJSON{amt(k + comm), curS}, strMoneyJSON{amt(k), curS}, strMoneyJSON{amt(comm), curS},
		strMoneyJSON{0, curS}, 1})
}

type rateJSON struct {
	Set  string `json:"set"`
	From string `json:"from"`
	To   string `json:"to"`
	Rate lit    `json:"rate"`
}

func (s *Server) hCrossRates(c *call) reply {
	var out []rateJSON
	for _, from := range rateCurrencies {
		for _, to := range rateCurrencies {
			if from != to {
				out = append(out, rateJSON{"General", strconv.Itoa(from), strconv.Itoa(to), lit(fmtScaled(rate7(from, to), 7))})
			}
		}
	}
	return jsonReply(200, map[string][]rateJSON{"result": out})
}

type searchItemJSON struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	URI         *string `json:"uri"`
	Data        struct {
		ID       int     `json:"id"`
		LogoURL  string  `json:"logoUrl"`
		SiteURL  *string `json:"siteUrl"`
		Category struct {
			Name string `json:"name"`
		} `json:"category"`
		Type string `json:"type"`
	} `json:"data"`
}

func (s *Server) hSearch(c *call) reply {
	words := strings.Fields(strings.ToLower(c.q.Get("query")))
	if len(words) == 0 {
		return s.bad(c, "query is required")
	}
	items := []searchItemJSON{}
	for _, id := range sortedProviderIDs() {
		p := providers[id]
		if p.kind == kindInternal || p.kind == kindMerchant {
			continue
		}
		hay := strings.ToLower(p.short + " " + p.long + " " + p.keys + " " + p.latin + " " + strconv.Itoa(p.id))
		all := true
		for _, w := range words {
			all = all && strings.Contains(hay, w)
		}
		if !all {
			continue
		}
		var it searchItemJSON
		it.Name, it.Description = p.long, p.long
		it.Data.ID, it.Data.LogoURL, it.Data.SiteURL = p.id, p.logo(), strp(p.site)
		it.Data.Category.Name, it.Data.Type = p.category, "PROVIDER"
		items = append(items, it)
	}
	return jsonReply(200, map[string][]searchItemJSON{"items": items})
}

func (s *Server) hMobileResolver(c *call) reply {
	phone := c.q.Get("phoneNumber")
	if len(phone) != 11 || phone[0] != '7' || !allDigits(phone) {
		return s.bad(c, "phoneNumber must be 11 digits starting with 7")
	}
	type opJSON struct {
		ID        int    `json:"id"`
		ShortName string `json:"shortName"`
		LogoURL   string `json:"logoUrl"`
	}
	list := []opJSON{}
	if id, ok := mobileByPrefix[phone[1:4]]; ok {
		p := providers[id]
		list = append(list, opJSON{p.id, p.short, p.logo()})
	}
	return jsonReply(200, map[string][]opJSON{"mobileOperatorProviderList": list})
}

// ---- sinap payments ----

type paymentIn struct {
	ID            json.RawMessage `json:"id"`
	Sum           moneyIn         `json:"sum"`
	PaymentMethod *struct {
		Type      string `json:"type"`
		AccountID string `json:"accountId"`
	} `json:"paymentMethod"`
	Comment string                     `json:"comment"`
	Fields  map[string]json.RawMessage `json:"fields"`
}

type paymentInfoJSON struct {
	ID          string            `json:"id"`
	Terms       string            `json:"terms"`
	Fields      map[string]string `json:"fields"`
	Sum         strMoneyJSON      `json:"sum"`
	Transaction struct {
		ID    string `json:"id"`
		State struct {
			Code string `json:"code"`
		} `json:"state"`
	} `json:"transaction"`
	Source  string `json:"source"`
	Comment string `json:"comment,omitempty"`
}

const maxPayment = 600_000_00 // QWPRC-242 above this

// hPayment is POST /sinap/api/v2/terms/{ID}/payments.
func (s *Server) hPayment(c *call) reply {
	w := c.w
	var b paymentIn
	if err := decodeBody(c.body, &b); err != nil {
		return sinapErr(202, "Некорректный запрос: ожидается JSON-объект Payment")
	}
	id, ok := jsonString(b.ID)
	if !ok || id == "" {
		return sinapErr(202, "Не указан id платежа")
	}
	if len(id) > 20 || !allDigits(id) {
		return sinapErr(202, "id платежа: не более 20 цифр")
	}
	if prev := w.payments[id]; prev != nil {
		return reply{status: 200, ctype: "application/json;charset=UTF-8", body: prev.body}
	}
	terms, err := strconv.Atoi(c.params[0])
	p := providers[terms]
	if err != nil || p == nil || p.kind == kindInternal || p.kind == kindMerchant {
		return sinapErr(202, "Неизвестный провайдер "+c.params[0])
	}
	if b.PaymentMethod == nil || b.PaymentMethod.Type != "Account" || b.PaymentMethod.AccountID != "643" {
		return sinapErr(202, "paymentMethod должен быть {\"type\":\"Account\",\"accountId\":\"643\"}")
	}
	k, cur, ok := b.Sum.parse()
	if !ok {
		return sinapErr(202, "sum: нужны amount (число) и currency (\"643\")")
	}
	if k <= 0 {
		return sinapErr(241, "Сумма платежа должна быть больше 0")
	}
	fields := map[string]string{}
	for name, raw := range b.Fields {
		v, ok := jsonString(raw)
		if !ok {
			return sinapErr(202, "fields."+name+": ожидается строка")
		}
		fields[name] = v
	}
	pl := &plan{s: s, w: w, p: p, k: k, cur: cur, fields: fields, now: c.now}
	if rp, bad := pl.validate(); bad {
		return rp
	}
	if w.outgoingRestricted() {
		return sinapErr(319, "Платеж невозможен: исходящие платежи с кошелька ограничены")
	}
	if k > maxPayment || (cur != 643 && convertDebit(k, cur) > maxPayment) {
		return sinapErr(242, "Сумма платежа больше максимально допустимой")
	}
	comm := commission(terms, k)
	debit := k + comm
	if p.kind == kindConvert {
		comm, debit = 0, convertDebit(k, cur)
	}
	rub := w.account(643)
	if rub == nil || rub.balance < debit {
		return sinapErr(220, "Недостаточно средств, пополните кошелек")
	}
	rub.balance -= debit

	// Book the transaction: WAITING now, final after SettleDelay.
	date := c.now.Truncate(time.Second)
	t := &txn{id: s.newTxnID(), date: date, typ: "OUT", status: "WAITING", cur: 643, prov: terms,
		source: "QW_RUB", account: pl.histAccount(), sum: k, comm: comm, trm: id,
		settleAt: c.now.Add(s.settleDelay), finalStatus: "SUCCESS", refund: debit, refundCur: 643}
	if p.kind == kindWallet || p.kind == kindConvert {
		t.comment = b.Comment
	}
	if p.kind == kindConvert {
		t.sum, t.rate = debit, fmtScaled(rate7(643, cur), 7)
		t.credit = &credit{to: w, cur: cur, amt: k, from: "+" + w.number, rate: t.rate}
	}
	if code := pl.outcome(); code != 0 {
		t.finalStatus, t.finalErr = "ERROR", code
	} else if p.kind == kindWallet {
		if to := s.wallets[strings.TrimPrefix(fields["account"], "+")]; to != nil {
			t.credit = &credit{to: to, cur: 643, amt: k, from: "+" + w.number}
		}
	}
	insertTxn(w, t)
	s.pending = append(s.pending, t)
	s.scheduleLocked(s.settleDelay)
	s.notify(t, &c.out)
	w.paymentCount++

	info := paymentInfoJSON{ID: id, Terms: strconv.Itoa(terms), Fields: pl.maskedFields(),
		Sum: strMoneyJSON{amt(k), strconv.Itoa(cur)}, Source: "account_643"}
	if p.kind == kindWallet || p.kind == kindConvert {
		info.Comment = b.Comment
	}
	info.Transaction.ID = itoa64(t.id)
	info.Transaction.State.Code = "Accepted"
	body := mustJSON(info)
	w.payments[id] = &payment{body: body}
	return reply{status: 200, ctype: "application/json;charset=UTF-8", body: body}
}
