package sandbox

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// ---- the PaymentHistoryItem / Transaction shape ----

type moneyJSON struct {
	Amount   amt `json:"amount"`
	Currency int `json:"currency"`
}

type providerJSON struct {
	ID          int     `json:"id"`
	ShortName   string  `json:"shortName"`
	LongName    string  `json:"longName"`
	LogoURL     *string `json:"logoUrl"`
	Description *string `json:"description"`
	Keys        *string `json:"keys"`
	SiteURL     *string `json:"siteUrl"`
	Extras      []any   `json:"extras"`
}

type featuresJSON struct {
	ChequeReady            bool `json:"chequeReady"`
	BankDocumentReady      bool `json:"bankDocumentReady"`
	RegularPaymentEnabled  bool `json:"regularPaymentEnabled"`
	BankDocumentAvailable  bool `json:"bankDocumentAvailable"`
	RepeatPaymentEnabled   bool `json:"repeatPaymentEnabled"`
	FavoritePaymentEnabled bool `json:"favoritePaymentEnabled"`
	ChatAvailable          bool `json:"chatAvailable"`
	GreetingCardAttached   bool `json:"greetingCardAttached"`
}

type viewJSON struct {
	Title   string `json:"title"`
	Account string `json:"account"`
}

type itemJSON struct {
	TxnID         int64          `json:"txnId"`
	PersonID      int64          `json:"personId"`
	Date          string         `json:"date"`
	ErrorCode     int            `json:"errorCode"`
	Error         *string        `json:"error"`
	Status        string         `json:"status"`
	Type          string         `json:"type"`
	StatusText    string         `json:"statusText"`
	TrmTxnID      string         `json:"trmTxnId"`
	Account       string         `json:"account"`
	Sum           moneyJSON      `json:"sum"`
	Commission    moneyJSON      `json:"commission"`
	Total         moneyJSON      `json:"total"`
	Provider      providerJSON   `json:"provider"`
	Source        providerJSON   `json:"source"`
	Comment       string         `json:"comment"`
	CurrencyRate  lit            `json:"currencyRate"`
	PaymentExtras []any          `json:"paymentExtras"`
	Features      featuresJSON   `json:"features"`
	ServiceExtras map[string]any `json:"serviceExtras"`
	View          viewJSON       `json:"view"`
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func providerObj(id int) providerJSON {
	p := providers[id]
	if p == nil {
		return providerJSON{ID: id, ShortName: strconv.Itoa(id), LongName: strconv.Itoa(id), Extras: []any{}}
	}
	logo := p.logo()
	return providerJSON{ID: p.id, ShortName: p.short, LongName: p.long, LogoURL: &logo,
		Keys: strp(p.keys), SiteURL: strp(p.site), Extras: []any{}}
}

// sourceObj describes where the money of a transaction was taken from.
func sourceObj(src string) providerJSON {
	walletKeys := "мобильный кошелек, кошелек, перевести деньги, личный кабинет, отправить деньги, перевод между пользователями"
	var id int
	var short, long string
	switch src {
	case "QW_USD":
		id, short, long = 8, "QIWI Кошелек (USD)", "Долларовый счет QIWI Кошелька"
	case "QW_EUR":
		id, short, long = 9, "QIWI Кошелек (EUR)", "Евро-счет QIWI Кошелька"
	case "QW_KZT":
		id, short, long = 10, "QIWI Кошелек (KZT)", "Тенговый счет QIWI Кошелька"
	case "CARD":
		id, short, long, walletKeys = 1243, "Банковская карта", "Оплата банковской картой", "карта, visa, mastercard, мир"
	case "MK":
		id, short, long, walletKeys = 1244, "Счет телефона", "Оплата со счета мобильного телефона", "мобильный, телефон, баланс"
	default:
		id, short, long = 7, "QIWI Wallet", "QIWI Wallet"
	}
	return providerJSON{ID: id, ShortName: short, LongName: long, Keys: &walletKeys, Extras: []any{}}
}

var statusTexts = map[string]string{"SUCCESS": "Успешно", "WAITING": "Запрос обрабатывается", "ERROR": "Ошибка"}

func (t *txn) json(loc *time.Location) itemJSON {
	it := itemJSON{
		TxnID:         t.id,
		PersonID:      t.w.personID,
		Date:          t.date.In(loc).Format("2006-01-02T15:04:05-07:00"),
		ErrorCode:     t.errCode,
		Status:        t.status,
		Type:          t.typ,
		StatusText:    statusTexts[t.status],
		TrmTxnID:      t.trm,
		Account:       t.account,
		Sum:           moneyJSON{amt(t.sum), t.cur},
		Commission:    moneyJSON{amt(t.comm), t.cur},
		Total:         moneyJSON{amt(t.total()), t.cur},
		Provider:      providerObj(t.prov),
		Source:        sourceObj(t.source),
		Comment:       t.comment,
		CurrencyRate:  "1",
		PaymentExtras: []any{},
		ServiceExtras: map[string]any{},
		View:          viewJSON{Title: providerObj(t.prov).ShortName, Account: t.account},
	}
	if t.rate != "" {
		it.CurrencyRate = lit(t.rate)
	}
	if t.errCode != 0 {
		e := errorTexts[t.errCode]
		it.Error = &e
	}
	ok := t.status == "SUCCESS"
	bank := false
	if p := providers[t.prov]; p != nil {
		bank = p.kind == kindBank || p.kind == kindRequisites
	}
	out := t.typ != "IN"
	it.Features = featuresJSON{
		ChequeReady:            ok,
		BankDocumentReady:      ok && bank,
		BankDocumentAvailable:  bank,
		RepeatPaymentEnabled:   ok && out && t.prov != 1099,
		FavoritePaymentEnabled: out && t.prov != 1099,
	}
	return it
}

// ---- query parsing ----

const dateLayout = "2006-01-02T15:04:05Z07:00"

// indexed collects name[0], name[1], ... values in index order.
func indexed(q map[string][]string, name string) []string {
	type kv struct {
		i int
		v string
	}
	var got []kv
	for k, vs := range q {
		if !strings.HasPrefix(k, name+"[") || !strings.HasSuffix(k, "]") {
			continue
		}
		n, err := strconv.Atoi(k[len(name)+1 : len(k)-1])
		if err != nil || n < 0 {
			continue
		}
		for _, v := range vs {
			got = append(got, kv{n, v})
		}
	}
	sort.Slice(got, func(a, b int) bool { return got[a].i < got[b].i })
	out := make([]string, len(got))
	for i, g := range got {
		out[i] = g.v
	}
	return out
}

type histFilter struct {
	op         string
	sources    map[string]bool
	start, end time.Time
	hasRange   bool
	loc        *time.Location
}

func (f *histFilter) match(t *txn) bool {
	if f.op != "ALL" && t.typ != f.op {
		return false
	}
	if len(f.sources) > 0 && !f.sources[t.source] {
		return false
	}
	if f.hasRange && (t.date.Before(f.start) || t.date.After(f.end)) {
		return false
	}
	return true
}

// parseFilter reads operation, sources[n] and startDate/endDate.
func parseFilter(c *call, rangeRequired bool) (*histFilter, string) {
	f := &histFilter{op: "ALL", loc: msk}
	if v, ok := c.q["operation"]; ok {
		f.op = v[0]
		switch f.op {
		case "ALL", "IN", "OUT", "QIWI_CARD":
		default:
			return nil, "operation must be one of ALL, IN, OUT, QIWI_CARD"
		}
	}
	for _, src := range indexed(c.q, "sources") {
		switch src {
		case "QW_RUB", "QW_USD", "QW_EUR", "CARD", "MK":
		default:
			return nil, "unknown source " + strconv.Quote(src) + " (QW_RUB, QW_USD, QW_EUR, CARD, MK)"
		}
		if f.sources == nil {
			f.sources = map[string]bool{}
		}
		f.sources[src] = true
	}
	sd, hasS := c.q["startDate"]
	ed, hasE := c.q["endDate"]
	switch {
	case !hasS && !hasE:
		if rangeRequired {
			return nil, "startDate and endDate are required"
		}
		return f, ""
	case hasS != hasE:
		return nil, "startDate and endDate must be used together"
	}
	start, err1 := time.Parse(dateLayout, sd[0])
	end, err2 := time.Parse(dateLayout, ed[0])
	if err1 != nil || err2 != nil || c.strict && (strings.HasSuffix(sd[0], "Z") || strings.HasSuffix(ed[0], "Z")) {
		// Strict: the docs' TZD is +hh:mm or -hh:mm (their Python example's Z is not).
		return nil, "startDate/endDate must be YYYY-MM-DDThh:mm:ssTZD (URL-encoded), TZD +hh:mm or -hh:mm"
	}
	_, so := start.Zone()
	_, eo := end.Zone()
	if so != eo {
		return nil, "startDate and endDate must have the same time zone offset"
	}
	if end.Before(start) {
		return nil, "startDate is after endDate"
	}
	if calendarDays(start, end) > 90 {
		return nil, "the period between startDate and endDate must not exceed 90 calendar days"
	}
	f.start, f.end, f.hasRange = start, end, true
	f.loc = time.FixedZone("", so)
	return f, ""
}

// calendarDays counts the dates from start's to end's in start's zone, the
// way the docs' example reads "90 days": 2019-04-12T00:00:00 to
// 2019-07-11T23:59:59 is 90.
func calendarDays(start, end time.Time) int {
	sy, sm, sd := start.Date()
	ey, em, ed := end.In(start.Location()).Date()
	return int(time.Date(ey, em, ed, 0, 0, 0, 0, time.UTC).Sub(time.Date(sy, sm, sd, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// ---- handlers ----

type historyJSON struct {
	Data        []itemJSON `json:"data"`
	NextTxnID   *int64     `json:"nextTxnId"`
	NextTxnDate *string    `json:"nextTxnDate"`
}

func (s *Server) hHistory(c *call) reply {
	rows, err := strconv.Atoi(c.q.Get("rows"))
	if err != nil || rows < 1 || rows > 50 {
		return s.bad(c, "rows is required and must be an integer from 1 to 50")
	}
	f, msg := parseFilter(c, false)
	if f == nil {
		return s.bad(c, msg)
	}
	w := c.w
	pos := 0
	nid, hasID := c.q["nextTxnId"]
	nd, hasD := c.q["nextTxnDate"]
	if hasID != hasD {
		return s.bad(c, "nextTxnId and nextTxnDate must be used together")
	}
	if hasID {
		id, err := strconv.ParseInt(nid[0], 10, 64)
		if err != nil {
			return s.bad(c, "nextTxnId must be a number")
		}
		d, err := time.Parse(dateLayout, nd[0])
		if err != nil {
			return s.bad(c, "nextTxnDate must be YYYY-MM-DDThh:mm:ssTZD (URL-encoded)")
		}
		pos = sort.Search(len(w.txns), func(i int) bool {
			t := w.txns[i]
			return t.date.Before(d) || t.date.Equal(d) && t.id <= id
		})
	}
	if f.hasRange {
		p := sort.Search(len(w.txns), func(i int) bool { return !w.txns[i].date.After(f.end) })
		pos = max(pos, p)
	}
	res := historyJSON{Data: []itemJSON{}}
	for i := pos; i < len(w.txns); i++ {
		t := w.txns[i]
		if f.hasRange && t.date.Before(f.start) {
			break
		}
		if !f.match(t) {
			continue
		}
		if len(res.Data) == rows {
			id := t.id
			d := fmtMSK(t.date) // "Moscow time", whatever the request's offset
			res.NextTxnID, res.NextTxnDate = &id, &d
			break
		}
		res.Data = append(res.Data, t.json(f.loc))
	}
	return jsonReply(200, res)
}

type totalsJSON struct {
	IncomingTotal []moneyJSON `json:"incomingTotal"`
	OutgoingTotal []moneyJSON `json:"outgoingTotal"`
}

func (s *Server) hTotal(c *call) reply {
	f, msg := parseFilter(c, true)
	if f == nil {
		return s.bad(c, msg)
	}
	in, out := map[int]int64{}, map[int]int64{}
	w := c.w
	p := sort.Search(len(w.txns), func(i int) bool { return !w.txns[i].date.After(f.end) })
	for _, t := range w.txns[p:] {
		if t.date.Before(f.start) {
			break
		}
		if t.status != "SUCCESS" || !f.match(t) {
			continue
		}
		if t.typ == "IN" {
			in[t.cur] += t.sum
		} else {
			out[t.cur] += t.total()
		}
	}
	return jsonReply(200, totalsJSON{IncomingTotal: sums(in), OutgoingTotal: sums(out)})
}

func sums(m map[int]int64) []moneyJSON {
	out := []moneyJSON{}
	for _, cur := range []int{643, 840, 978, 398} {
		if v, ok := m[cur]; ok {
			out = append(out, moneyJSON{amt(v), cur})
		}
	}
	return out
}

// leg finds the token wallet's transaction {id} of the optional type.
func (s *Server) leg(c *call, typeRequired bool) (*txn, *reply) {
	typ, hasType := c.q["type"]
	if typeRequired && (!hasType || typ[0] == "") {
		rp := s.bad(c, "type is required (IN or OUT)")
		return nil, &rp
	}
	if hasType {
		switch typ[0] {
		case "IN", "OUT":
		default:
			rp := s.bad(c, "type must be IN or OUT")
			return nil, &rp
		}
	}
	id, err := strconv.ParseInt(c.params[0], 10, 64)
	if err == nil {
		for _, t := range c.w.byID[id] {
			// A QIWI_CARD payment is an outgoing one: asked as OUT.
			if !hasType || t.typ == typ[0] || typ[0] == "OUT" && t.typ == "QIWI_CARD" {
				return t, nil
			}
		}
	}
	rp := s.notFound(c, "transaction.not.found", "Transaction not found or no payments with such data")
	return nil, &rp
}

func (s *Server) hDetails(c *call) reply {
	t, rp := s.leg(c, false)
	if rp != nil {
		return *rp
	}
	return jsonReply(200, t.json(msk))
}

func (s *Server) hChequeFile(c *call) reply {
	format := c.q.Get("format")
	if _, ok := c.q["type"]; !ok || format == "" {
		return s.bad(c, "type and format are required")
	}
	if format != "PDF" && format != "JPEG" {
		return s.bad(c, "format must be PDF or JPEG")
	}
	t, rp := s.leg(c, true)
	if rp != nil {
		return *rp
	}
	if t.status != "SUCCESS" {
		return s.notFound(c, "cheque.not.found", "No receipt: the transaction is not successful")
	}
	if format == "JPEG" {
		return reply{status: 200, ctype: "image/jpeg", body: chequeJPEG(t)}
	}
	return reply{status: 200, ctype: "application/pdf", body: chequePDF(t)}
}

func (s *Server) hChequeSend(c *call) reply {
	var body struct {
		Email string `json:"email"`
	}
	if err := decodeBody(c.body, &body); err != nil {
		return s.bad(c, "body must be JSON {\"email\": ...}")
	}
	if i := strings.Index(body.Email, "@"); i < 1 || i == len(body.Email)-1 {
		return s.bad(c, "email is required and must contain @")
	}
	t, rp := s.leg(c, true)
	if rp != nil {
		return *rp
	}
	if t.status != "SUCCESS" {
		return s.notFound(c, "cheque.not.found", "No receipt: the transaction is not successful")
	}
	return emptyReply(201)
}
