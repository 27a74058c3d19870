package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"
)

// The deterministic data set. Everything is derived from Options.Seed via
// PCG and placed relative to End, so the same Seed and End give the same
// responses byte for byte.

const (
	demoWallet  = "79991234567"
	historySpan = 548 * 24 * time.Hour // ~18 months
	firstTxnID  = int64(20_000_000_000)
)

var otherWalletNumbers = []string{"79161112233", "79035550101", "79267773344"}

var (
	// names[gender] = {first names, middle names, last names}
	names = [2][3][]string{
		{{"Иван", "Дмитрий", "Сергей", "Алексей"}, {"Петрович", "Алексеевич", "Николаевич"}, {"Иванов", "Кузнецов", "Соколов", "Новиков"}},
		{{"Анна", "Мария", "Елена", "Ольга"}, {"Сергеевна", "Ивановна", "Андреевна"}, {"Смирнова", "Попова", "Лебедева", "Морозова"}},
	}
	comments = []string{
		"Спасибо!", "За обед", "Долг за \"пиццу\"", "На подарок маме", "Аренда за март", "Thanks for the tickets",
		"Rent share", "Coffee ☕", "Возврат долга", "Birthday gift 🎉", "Скидываемся на корпоратив", "For the book",
		"Оплата по договору №17/3", "Split dinner <3", "Перевод себе", "Taxi & tips",
	}
	merchants = []string{"YANDEX.TAXI", "OZON.RU", "STEAMGAMES.COM", "SPOTIFY", "WILDBERRIES", "PEREKRESTOK", "APTEKA 36,6", "AEROFLOT"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// money returns a random amount in [lo, hi] RUB-like units (minor units),
// rounded to step.
func money(r *rand.Rand, lo, hi, step int64) int64 {
	v := lo + r.Int64N(hi-lo+1)
	return v / step * step
}

func maskCard(pan string) string {
	if len(pan) < 10 {
		return pan
	}
	return pan[:4] + "********" + pan[len(pan)-4:]
}

func maskCardShort(pan string) string {
	if len(pan) < 10 {
		return pan
	}
	return pan[:4] + "****" + pan[len(pan)-4:]
}

func randDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

func (s *Server) newWallet(r *rand.Rand, number string, end time.Time) *wallet {
	pid, _ := strconv.ParseInt(number, 10, 64)
	nm := names[r.IntN(2)]
	w := &wallet{
		number:     number,
		personID:   pid,
		first:      pick(r, nm[0]),
		middle:     pick(r, nm[1]),
		last:       pick(r, nm[2]),
		ip:         fmt.Sprintf("81.210.%d.%d", r.IntN(256), 1+r.IntN(254)),
		registered: end.Add(-time.Duration(900+r.IntN(900))*24*time.Hour - time.Duration(r.IntN(86400))*time.Second - time.Duration(r.IntN(1000))*time.Millisecond),
		lastLogin:  end.Add(-time.Duration(60+r.IntN(3600))*time.Second - time.Duration(r.IntN(1000))*time.Millisecond),
		identLevel: "SIMPLE",
		byID:       map[int64][]*txn{},
		payments:   map[string]*payment{},
		defaultCur: 643,
	}
	w.passChanged = w.lastLogin.Add(-time.Duration(20+r.IntN(100)) * 24 * time.Hour)
	w.pinChanged = w.lastLogin.Add(-time.Duration(5+r.IntN(60)) * 24 * time.Hour)
	switch mobileByPrefix[number[1:4]] {
	case 1:
		w.operator, w.mcAlias = "MTS", "mc_mts_rub"
	case 2:
		w.operator, w.mcAlias = "Beeline", "mc_beeline_rub"
	case 42:
		w.operator, w.mcAlias = "Tele2", "mc_tele2_rub"
	default:
		w.operator, w.mcAlias = "MegaFon", "mc_megafon_rub"
	}
	w.nickname = fmt.Sprintf("%s%03d", translit(w.last), r.IntN(1000))
	w.email = fmt.Sprintf("%s.%s@example.com", lowerASCII(translit(w.first)), lowerASCII(translit(w.last)))
	s.wallets[number] = w
	return w
}

// generate builds wallets, histories and invoices.
func (s *Server) generate(end time.Time) {
	seed := uint64(s.opts.Seed)
	r := rand.New(rand.NewPCG(seed, 0xda7a5e7))
	end = end.Truncate(time.Second)

	s.demo = demoWallet
	demo := s.newWallet(r, demoWallet, end)
	demo.identLevel = "VERIFIED"
	demo.ident = &identData{
		firstName: demo.first, middleName: demo.middle, lastName: demo.last,
		birthDate: fmt.Sprintf("19%02d-%02d-%02d", 70+r.IntN(30), 1+r.IntN(12), 1+r.IntN(28)),
		passport:  "45" + randDigits(r, 8), inn: "77" + randDigits(r, 10),
	}
	demo.accounts = []*account{
		{cur: 643, balance: money(r, 60_000_00, 160_000_00, 1)},
		{cur: 840, balance: money(r, 150_00, 900_00, 1)},
		{cur: 978, balance: money(r, 50_00, 600_00, 1)},
		{cur: 398, balance: money(r, 10_000_00, 90_000_00, 1)},
	}
	demo.lazyCur = 840

	var others []*wallet
	for i, n := range otherWalletNumbers {
		o := s.newWallet(r, n, end)
		o.accounts = []*account{{cur: 643, balance: money(r, 5_000_00, 50_000_00, 1)}}
		if i == 0 {
			o.accounts = append(o.accounts, &account{cur: 840, balance: money(r, 10_00, 200_00, 1)})
		}
		others = append(others, o)
		s.others = append(s.others, n)
	}

	s.nextTxnID = firstTxnID + r.Int64N(1_000_000)
	errCycle := append([]int(nil), errorCodes...)
	r.Shuffle(len(errCycle), func(i, j int) { errCycle[i], errCycle[j] = errCycle[j], errCycle[i] })
	g := &gen{s: s, r: r, errCycle: errCycle, peers: others}
	if s.opts.HistoryRows > 0 {
		g.history(demo, s.opts.HistoryRows, end, true, evenOffsets(s.opts.HistoryRows, end))
	} else {
		g.history(demo, s.opts.Transactions, end, true, g.randomOffsets(s.opts.Transactions))
	}
	for _, o := range others {
		g.peers = append([]*wallet{demo}, others...)
		g.history(o, 40, end, false, g.randomOffsets(40))
	}
	s.seedInvoices(r, demo, end)
}

type gen struct {
	s        *Server
	r        *rand.Rand
	errCycle []int
	errNext  int
	peers    []*wallet
}

// randomOffsets places n items at random over ~18 months before End:
// seconds before End, ascending, at least 4 s apart.
func (g *gen) randomOffsets(n int) []int64 {
	if n <= 0 {
		return nil
	}
	r := g.r
	span := int64(historySpan / time.Second)
	offs := make([]int64, n)
	for i := range offs {
		offs[i] = 30 + r.Int64N(span)
	}
	slices.Sort(offs)
	offs[0] = 30 + r.Int64N(240) // the newest is just before End
	for i := 1; i < n; i++ {
		if offs[i] <= offs[i-1]+3 {
			offs[i] = offs[i-1] + 4
		}
	}
	return offs
}

// evenOffsets places n items evenly over the 24 months before end, the
// newest 30 s before it (--history-rows).
func evenOffsets(n int, end time.Time) []int64 {
	span := int64(end.Sub(end.AddDate(0, -24, 0)) / time.Second)
	step := max((span-30)/int64(n), 4) // a conversion's IN leg is 2 s after its OUT leg
	offs := make([]int64, n)
	for i := range offs {
		offs[i] = 30 + int64(i)*step
	}
	return offs
}

// history seeds len(offs) items of w's history (offs: seconds before end,
// ascending), oldest first so ids grow with time.
func (g *gen) history(w *wallet, n int, end time.Time, rich bool, offs []int64) {
	if n <= 0 {
		return
	}
	r := g.r
	items := make([]*txn, 0, n)
	waitingLeft := 0
	if rich {
		waitingLeft = 3
	}
	for i := n - 1; i >= 0; i-- { // oldest first
		date := end.Add(-time.Duration(offs[i]) * time.Second)
		if rich && i >= 1 && r.IntN(100) < 3 {
			out, in := g.conversion(w, date)
			items = append(items, out, in)
			i-- // a conversion takes two slots
			continue
		}
		items = append(items, g.item(w, date, rich))
	}
	insertTxns(w, items)
	// The newest outgoing items are still WAITING and settle later.
	for _, t := range w.txns {
		if waitingLeft == 0 {
			break
		}
		if t.typ != "OUT" || t.prov == 1099 || t.cur != 643 {
			continue
		}
		waitingLeft--
		t.finalStatus, t.finalErr = t.status, t.errCode
		if waitingLeft == 0 {
			t.finalStatus, t.finalErr = "ERROR", 5
		} else if t.finalStatus == "ERROR" {
			t.finalStatus, t.finalErr = "SUCCESS", 0
		}
		if t.finalStatus == "ERROR" && t.source == "QW_RUB" {
			t.refund, t.refundCur = t.total(), t.cur
		}
		t.status, t.errCode = "WAITING", 0
		// They settle a few minutes after End (live in the demo, where End = now).
		t.settleAt = end.Add(time.Duration(3+4*waitingLeft+r.IntN(3)) * time.Minute)
		g.s.pending = append(g.s.pending, t)
	}
}

func (g *gen) id() int64 {
	g.s.nextTxnID += 1 + g.r.Int64N(1500)
	return g.s.nextTxnID
}

func (g *gen) status(t *txn) {
	if g.r.IntN(100) < 9 {
		t.status = "ERROR"
		t.errCode = g.errCycle[g.errNext%len(g.errCycle)]
		g.errNext++
		return
	}
	t.status = "SUCCESS"
}

func (g *gen) peer(w *wallet) string {
	for range 4 {
		p := pick(g.r, g.peers)
		if p != w {
			return "+" + p.number
		}
	}
	return "+7" + randDigits(g.r, 10)
}

func (g *gen) comment() string {
	if g.r.IntN(2) == 0 {
		return ""
	}
	return pick(g.r, comments)
}

func randomCard(r *rand.Rand, brand string) string {
	switch brand {
	case "4":
		return "4" + randDigits(r, 15)
	case "220":
		return "220" + strconv.Itoa(r.IntN(5)) + randDigits(r, 12)
	case "5|2":
		return "5" + strconv.Itoa(1+r.IntN(5)) + randDigits(r, 14)
	}
	return "4890" + randDigits(r, 12)
}

// item makes one seeded transaction.
func (g *gen) item(w *wallet, date time.Time, rich bool) *txn {
	r := g.r
	t := &txn{id: g.id(), date: date, cur: 643, source: "QW_RUB"}
	t.trm = strconv.FormatInt(date.UnixMilli()-int64(r.IntN(900)), 10)
	roll := r.IntN(100)
	switch {
	case roll < 24: // incoming
		t.typ = "IN"
		t.trm = strconv.FormatInt(t.id-1-int64(r.IntN(50)), 10)
		switch k := r.IntN(10); {
		case k < 4:
			t.prov, t.account, t.comment = 99, g.peer(w), g.comment()
			t.sum = money(r, 100_00, 25_000_00, 100)
		case k < 7:
			t.prov, t.source, t.account = 1240, "CARD", maskCardShort(randomCard(r, pick(r, []string{"4", "5|2", "220"})))
			t.sum = money(r, 1_000_00, 50_000_00, 100_00)
		case k < 9 || !rich:
			t.prov, t.account = 1245, "Терминал QIWI № "+randDigits(r, 5)
			t.sum = money(r, 100_00, 15_000_00, 10_00)
		default:
			t.prov, t.account, t.comment = 99, g.peer(w), g.comment()
			t.cur = pick(r, []int{840, 978})
			t.source = currencySource(t.cur)
			t.sum = money(r, 5_00, 300_00, 1)
		}
		t.status = "SUCCESS"
		if r.IntN(100) < 3 {
			g.status(t)
		}
		return t
	case roll < 32 && rich: // QIWI card purchase
		t.typ = "QIWI_CARD"
		t.prov = 22351
		t.account = pick(r, merchants)
		t.sum = money(r, 99_00, 6_000_00, 1)
		if r.IntN(10) == 0 {
			t.cur, t.source = 840, "QW_USD"
			t.sum = money(r, 1_00, 80_00, 1)
		}
		g.status(t)
		return t
	}
	t.typ = "OUT"
	switch s := r.IntN(100); {
	case s < 8 && rich:
		t.source = "CARD"
	case s < 13 && rich:
		t.source = "MK"
	}
	switch k := r.IntN(100); {
	case k < 26:
		t.prov, t.account, t.comment = 99, g.peer(w), g.comment()
		t.sum = money(r, 50_00, 5_000_00, 1_00)
		if t.source == "QW_RUB" && rich && r.IntN(12) == 0 {
			t.cur = pick(r, []int{840, 978})
			t.source = currencySource(t.cur)
			t.sum = money(r, 1_00, 200_00, 1)
		}
	case k < 50:
		t.prov = pick(r, []int{1, 2, 3, 42})
		t.account = pick(r, []string{"916", "903", "926", "977", "915", "965"}) + randDigits(r, 7)
		t.sum = money(r, 100_00, 1_500_00, 50_00)
	case k < 64:
		p := providers[pick(r, []int{1963, 21013, 31652})]
		t.prov, t.account = p.id, maskCardShort(randomCard(r, p.cardBrand))
		t.sum = money(r, 500_00, 15_000_00, 100)
	case k < 84:
		t.prov = pick(r, []int{674, 1239, 23729, 26211, 31212, 34020, 40197})
		t.account = randDigits(r, 8+r.IntN(5))
		t.sum = money(r, 300_00, 5_000_00, 1)
	case k < 95:
		t.prov = pick(r, []int{464, 816, 870, 1134, 868, 27324})
		if r.IntN(2) == 0 {
			t.account = maskCardShort(randomCard(r, "4"))
		} else {
			t.account = "40817810" + randDigits(r, 12)
		}
		t.sum = money(r, 1_000_00, 20_000_00, 100)
	default:
		t.prov, t.account = 1717, "40702810"+randDigits(r, 12)
		t.sum = money(r, 1_000_00, 30_000_00, 1)
	}
	t.comm = commission(t.prov, t.sum)
	if t.cur != 643 {
		t.comm = 0
	}
	g.status(t)
	return t
}

// conversion makes the OUT (RUB) and IN (target) legs of a 1099 conversion;
// both legs share one txnId, the IN leg is two seconds later.
func (g *gen) conversion(w *wallet, date time.Time) (*txn, *txn) {
	r := g.r
	to := pick(r, []int{840, 978, 398})
	var got int64
	if to == 398 {
		got = money(r, 1_000_00, 50_000_00, 100_00)
	} else {
		got = money(r, 10_00, 500_00, 1_00)
	}
	rate := fmtScaled(rate7(643, to), 7)
	id := g.id()
	acct := "+" + w.number
	out := &txn{id: id, date: date, typ: "OUT", status: "SUCCESS", cur: 643, source: "QW_RUB", prov: 1099,
		account: acct, sum: convertDebit(got, to), rate: rate, trm: strconv.FormatInt(date.UnixMilli(), 10)}
	in := &txn{id: id, date: date.Add(2 * time.Second), typ: "IN", status: "SUCCESS", cur: to, source: currencySource(to),
		prov: 1099, account: acct, sum: got, rate: rate, trm: out.trm}
	return out, in
}

// commission implements the sandbox tariff: 99/1099 free, card transfers
// 2% + 50 RUB, everything else 1% but at least 10 RUB (rounded up).
func commission(prov int, sum int64) int64 {
	p := providers[prov]
	if p == nil {
		return ceilDiv(sum, 100)
	}
	switch p.kind {
	case kindWallet, kindConvert, kindInternal:
		return 0
	case kindCard, kindCardForeign:
		return ceilDiv(sum*2, 100) + 50_00
	}
	return max(ceilDiv(sum, 100), 10_00)
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// seedInvoices gives the demo wallet ~8 unpaid invoices.
func (s *Server) seedInvoices(r *rand.Rand, w *wallet, end time.Time) {
	texts := []string{"Пополнение счета 13515573", "Букет «Весенний»", "Подписка на 3 месяца", "Билеты на 2 сеанса",
		"Курс английского, 4 занятия", "Order #5512 (books)", "Доставка", "Годовая подписка"}
	merch := []int{480706, 482217, 490155, 501003}
	id := int64(1_063_702_405)
	var invs []*invoice
	for i := range 8 {
		id += 1 + r.Int64N(40_000)
		created := end.Add(-time.Duration(1+r.IntN(20*24*60)) * time.Minute).Truncate(time.Millisecond)
		p := providers[merch[i%len(merch)]]
		inv := &invoice{
			id:         id,
			externalID: strconv.Itoa(150_000_000 + r.IntN(9_000_000)),
			created:    created,
			expires:    end.Add(time.Duration(3+r.IntN(40)) * 24 * time.Hour).Add(time.Duration(r.IntN(86_400_000)) * time.Millisecond),
			amount:     money(r, 100_00, 9_000_00, 10),
			cur:        643,
			status:     "READY_FOR_PAY",
			prov:       p.id,
			comment:    texts[i],
			w:          w,
		}
		if i == 5 {
			inv.amount = 1_500_000_00 // more than any seeded balance: pay fails
		}
		invs = append(invs, inv)
		s.invoices[inv.id] = inv
	}
	sort.Slice(invs, func(i, j int) bool { return invs[i].newer(invs[j]) })
	w.invoices = invs
}

// translit writes Cyrillic in Latin letters (receipts, nicknames, e-mails).
func translit(s string) string {
	tbl := map[rune]string{
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i", 'й': "y",
		'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
		'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
		'«': "\"", '»': "\"", '№': "No.", '—': "-", '–': "-",
	}
	var out []byte
	for _, c := range s {
		lower := c
		upper := false
		if c >= 'А' && c <= 'Я' || c == 'Ё' {
			upper = true
			lower = c + ('а' - 'А')
			if c == 'Ё' {
				lower = 'ё'
			}
		}
		if t, ok := tbl[lower]; ok {
			if upper && t != "" {
				t = string(t[0]-('a'-'A')) + t[1:]
			}
			out = append(out, t...)
			continue
		}
		if c < 128 {
			out = append(out, byte(c))
		} else {
			out = append(out, '?')
		}
	}
	return string(out)
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
