package search

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/i18n/explain"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/pull"
	"qiwidash/store"
	"qiwidash/store/bills"
)

var msk = time.FixedZone("MSK", 3*3600)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	keyring.MockInit()
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func txn(id int64, typ qiwiapi.TxnType, status qiwiapi.TxnStatus, date time.Time, minor int64, cur qiwiapi.Currency, account, provider, comment string) qiwiapi.Transaction {
	return qiwiapi.Transaction{
		TxnID: qiwiapi.FlexInt(id), Type: typ, Status: status, Date: date, Account: account, Comment: comment,
		Sum:      qiwiapi.Amount{Minor: minor, Currency: cur},
		Provider: &qiwiapi.Provider{ID: 99, ShortName: provider},
	}
}

// fixture: two wallets of two profiles, a top-up and a merchant bill.
func fixture(t *testing.T) (*store.Store, Options) {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	w1 := []qiwiapi.Transaction{
		txn(11111111111, qiwiapi.TypeOut, qiwiapi.StatusSuccess, time.Date(2026, 11, 22, 12, 32, 0, 0, msk), 150000, qiwiapi.RUB, "+79161112233", "Билайн", "за кофе на работе"),
		txn(11111111112, qiwiapi.TypeIn, qiwiapi.StatusSuccess, time.Date(2026, 9, 3, 9, 0, 0, 0, msk), 70000, qiwiapi.RUB, "+79035550000", "QIWI Кошелек", "rent"),
	}
	bad := txn(33333333333, qiwiapi.TypeOut, qiwiapi.StatusError, time.Date(2026, 10, 1, 18, 0, 0, 0, msk), 25050, qiwiapi.RUB, "+79035554433", "МТС", "Подарок маме")
	bad.ErrorCode = 5
	w2 := []qiwiapi.Transaction{
		txn(22222222222, qiwiapi.TypeIn, qiwiapi.StatusSuccess, time.Date(2026, 11, 20, 10, 0, 0, 0, msk), 150000, qiwiapi.USD, "2201****0580", "МИР", "Refund"),
		bad,
	}
	if _, err := st.Upsert(ctx, "79990000001", w1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Upsert(ctx, "79990000002", w2); err != nil {
		t.Fatal(err)
	}
	j := st.Journal()
	e, err := j.Begin(ctx, store.Intent{Kind: store.KindAgentTopup, ClientID: "900100", Account: "T-1", Recipient: "+79167770011",
		Amount: qiwiapi.Amount{Minor: 30000, Currency: qiwiapi.RUB}, Request: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.Advance(ctx, e.ID, store.Update{State: store.StateSent}); err != nil {
		t.Fatal(err)
	}
	b := bills.Bill{ID: "order-42", Payer: "tel:+79260001122", Amount: qiwiapi.Amount{Minor: 99000, Currency: qiwiapi.RUB}, Comment: "Заказ 42 для Иванова",
		Created: time.Date(2026, 11, 21, 15, 0, 0, 0, msk), Status: pull.BillWaiting, Updated: time.Date(2026, 11, 21, 15, 0, 1, 0, msk)}
	if err := bills.NewStoreFor(st, "shop-1").SaveBill(ctx, b); err != nil {
		t.Fatal(err)
	}
	return st, Options{
		Profiles:  []store.Profile{{Name: "family", Wallet: "79990000001"}, {Name: "second", Wallet: "79990000002"}, {Name: "agent"}, {Name: "shop"}},
		Terminals: map[string]string{"agent": "T-1"},
		Shops:     map[string]string{"shop": "shop-1"},
	}
}

func TestParseReadings(t *testing.T) {
	for _, c := range []struct {
		in    string
		kinds []Kind
	}{
		{"11111111111", []Kind{KindAmount, KindTxnID, KindAccount, KindTopup, KindBill}},
		{"+7 916 111-22-33", []Kind{KindAccount}},
		{"2201****0580", []Kind{KindAccount}},
		{"1 500", []Kind{KindAmount}},
		{"1500.00 ₽", []Kind{KindAmount}},
		{"1 500,50", []Kind{KindAmount}},
		{"2026-11-22", []Kind{KindDate}},
		{"22.11.2026", []Kind{KindDate}},
		{"2026-11-01..2026-11-22", []Kind{KindDate}},
		{"кофе на работе", []Kind{KindWords}},
		{"order-42", []Kind{KindWords, KindBill, KindTopup, KindAccount}},
		{"id: 42", []Kind{KindTxnID}},
		{"amount: 1500", []Kind{KindAmount}},
		{"text: 2026-11-22", []Kind{KindWords}},
	} {
		q, err := Parse(c.in, msk)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !slices.Equal(q.Kinds, c.kinds) {
			t.Errorf("%q read as %v, want %v", c.in, q.Kinds, c.kinds)
		}
	}
	q, _ := Parse("1 500", msk)
	if q.Amount.Minor != 150000 || q.Amount.Currency != 0 {
		t.Errorf("1 500 = %+v, want 150000 minor in any currency", q.Amount)
	}
	q, _ = Parse("1500 $", msk)
	if q.Amount.Minor != 150000 || q.Amount.Currency != qiwiapi.USD {
		t.Errorf("1500 $ = %+v", q.Amount)
	}
	q, _ = Parse("2026-11-01..2026-11-22", msk)
	if !q.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, msk)) || !q.To.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, msk)) {
		t.Errorf("range %v..%v", q.From, q.To)
	}
	for _, bad := range []string{"", "   ", "id: x", "date: 2026-13-45", "amount: abc", "!!"} {
		if _, err := Parse(bad, msk); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// find returns the refs of the hits and the profile of each.
func find(t *testing.T, st *store.Store, o Options, text string) ([]string, []Hit) {
	t.Helper()
	q, err := Parse(text, msk)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	res, err := Find(context.Background(), st, q, o)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	var refs []string
	for _, h := range res.Hits {
		refs = append(refs, h.Ref)
	}
	return refs, res.Hits
}

func TestFindEachKind(t *testing.T) {
	st, o := fixture(t)
	for _, c := range []struct {
		query string
		refs  []string
	}{
		{"11111111111", []string{"11111111111"}},                                       // txn id
		{"+7 916 111-22-33", []string{"11111111111"}},                                  // a phone, as pasted
		{"9161112233", []string{"11111111111"}},                                        // the phone's digits
		{"2201****0580", []string{"22222222222"}},                                      // a masked card
		{"0580", []string{"22222222222"}},                                              // its last digits
		{"1 500", []string{"11111111111", "22222222222"}},                              // any currency
		{"1500 $", []string{"22222222222"}},                                            // only dollars
		{"250.50", []string{"33333333333"}},                                            // kopecks
		{"2026-11-22", []string{"11111111111"}},                                        // a day
		{"2026-11-01..2026-11-30", []string{"11111111111", "order-42", "22222222222"}}, // a range: history and the bill
		{"кофе", []string{"11111111111"}},                                              // Cyrillic word
		{"КОФЕ работ", []string{"11111111111"}},                                        // any case, prefixes, every word
		{"подарок", []string{"33333333333"}},                                           // Cyrillic, other wallet
		{"order-42", []string{"order-42"}},                                             // bill id
		{"заказ", []string{"order-42"}},                                                // bill comment, Cyrillic
		{"900100", []string{"900100"}},                                                 // top-up number
		{"topup: 900100", []string{"900100"}},                                          // forced
		{"77700", []string{"900100"}},                                                  // the top-up's phone
	} {
		refs, _ := find(t, st, o, c.query)
		if !slices.Equal(refs, c.refs) {
			t.Errorf("%q found %v, want %v", c.query, refs, c.refs)
		}
	}
	_, hits := find(t, st, o, "0580")
	if hits[0].Profile() != "second" || hits[0].Source != FromHistory || !slices.Contains(hits[0].Matched, KindAccount) {
		t.Errorf("card hit %+v", hits[0])
	}
	_, hits = find(t, st, o, "900100")
	if hits[0].Profile() != "agent" || hits[0].Source != FromJournal {
		t.Errorf("top-up hit %+v", hits[0])
	}
	_, hits = find(t, st, o, "order-42")
	if hits[0].Profile() != "shop" || hits[0].Status != "waiting" {
		t.Errorf("bill hit %+v", hits[0])
	}
}

func TestFindNoHits(t *testing.T) {
	st, o := fixture(t)
	for _, q := range []string{"zzzqqq", "ничего такого", "99999999999", "2020-01-01", "7 777.77"} {
		if refs, _ := find(t, st, o, q); len(refs) != 0 {
			t.Errorf("%q found %v", q, refs)
		}
	}
}

// A history row found by several readings is listed once, with each.
func TestFindMergesReadings(t *testing.T) {
	st, o := fixture(t)
	_, hits := find(t, st, o, "1500")
	n := 0
	for _, h := range hits {
		if h.Ref == "11111111111" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("listed %d times", n)
	}
}

func TestCaseReportMasksPersonalData(t *testing.T) {
	st, o := fixture(t)
	ctx := context.Background()
	_, hits := find(t, st, o, "11111111111")
	c, err := Open(ctx, st, hits[0], o)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Report()
	for _, secret := range []string{"+79161112233", "9161112233", "за кофе на работе", "79990000001"} {
		if strings.Contains(r, secret) {
			t.Errorf("the report shows %q:\n%s", secret, r)
		}
	}
	for _, want := range []string{"+79•••••••33", "+79•••••••01", "за•••••••••••••те", "| Txn id | 11111111111 |", "1 500.00 ₽", "Profile: family"} {
		if !strings.Contains(r, want) {
			t.Errorf("the report lacks %q:\n%s", want, r)
		}
	}
	// The error code is explained, in the case and the report.
	_, hits = find(t, st, o, "33333333333")
	c, err = Open(ctx, st, hits[0], o)
	if err != nil {
		t.Fatal(err)
	}
	if want := qiwiapi.PaymentErrorText(5); want == "" || !strings.Contains(c.Explanation, want) || !strings.Contains(c.Report(), want) {
		t.Errorf("explanation %q, want %q", c.Explanation, want)
	}
	// A bill: the payer and the comment are masked, the bill id is not.
	_, hits = find(t, st, o, "order-42")
	c, err = Open(ctx, st, hits[0], o)
	if err != nil {
		t.Fatal(err)
	}
	r = c.Report()
	if strings.Contains(r, "79260001122") || strings.Contains(r, "Иванова") || !strings.Contains(r, "order-42") {
		t.Errorf("bill report:\n%s", r)
	}
}

// A top-up number opens the top-up's own trail from the journal.
func TestCaseOfATopup(t *testing.T) {
	st, o := fixture(t)
	_, hits := find(t, st, o, "topup: 900100")
	c, err := Open(context.Background(), st, hits[0], o)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, e := range c.Events {
		texts = append(texts, e.Source+": "+e.Text)
	}
	all := strings.Join(texts, "\n")
	if !strings.Contains(all, "top-up: journaled before sending, client id 900100") || !strings.Contains(all, "top-up: sent (request 1)") {
		t.Errorf("timeline:\n%s", all)
	}
	if c.Title != "Agent top-up 900100" || c.Profiles[0] != "agent" || strings.Contains(c.Report(), "79167770011") {
		t.Errorf("case %q %v:\n%s", c.Title, c.Profiles, c.Report())
	}
}

// The grammar takes Russian words where it takes English ones: the
// prefixes, "с A по B" and "A до B", currency names; and says what it read
// in the reader's language.
func TestRussianQueries(t *testing.T) {
	ru := i18n.New(i18n.RU)
	for _, c := range []struct {
		in, en, ru string
	}{
		{"сумма: 1 500 руб", "amount 1 500.00 ₽", "сумма 1\u202f500,00 ₽"},
		{"1500", "amount 1500.00 (any currency), txn id 1500, account with 1500, top-up number 1500, bill id 1500",
			"сумма 1500,00 в любой валюте, номер транзакции 1500, реквизиты содержат 1500, номер пополнения 1500, номер счёта 1500"},
		{"с 2026-11-01 по 2026-11-22", "dates 2026-11-01 to 2026-11-22", "даты с 2026-11-01 по 2026-11-22"},
		{"2026-11-01 до 2026-11-22", "dates 2026-11-01 to 2026-11-22", "даты с 2026-11-01 по 2026-11-22"},
		{"Дата: 22.11.2026", "date 2026-11-22", "дата 2026-11-22"},
		{"карта: 2201****0580", "account with 2201 and 0580", "реквизиты содержат 2201 и 0580"},
		{"текст: кофе", `words "кофе"`, "слова «кофе»"},
		{"счёт: order-42", "bill id order-42", "номер счёта order-42"},
		{"пополнение: 900100", "top-up number 900100", "номер пополнения 900100"},
		{"ид: 42", "txn id 42", "номер транзакции 42"},
		{"15 долл", "amount 15.00 $", "сумма 15,00 $"},
	} {
		q, err := Parse(c.in, msk)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got := q.Describe(nil); got != c.en {
			t.Errorf("%q read as %q, want %q", c.in, got, c.en)
		}
		if got := q.Describe(ru); got != c.ru {
			t.Errorf("%q read as %q, want %q", c.in, got, c.ru)
		}
	}
	_, err := Parse("дата: 2026-13-45", msk)
	if got := ru.Error(err); got != "«2026-13-45» — не дата (2026-11-22, 22.11.2026) и не период (2026-11-01..2026-11-22)" {
		t.Errorf("in Russian: %q", got)
	}
	if got := ru.Error(ErrEmpty); !strings.HasPrefix(got, "введите, что искать") {
		t.Errorf("in Russian: %q", got)
	}
}

// A case opened in Russian is told in Russian, and so is its report, with
// personal data masked as in English.
func TestCaseInRussian(t *testing.T) {
	st, o := fixture(t)
	o.Tr = i18n.New(i18n.RU)
	_, hits := find(t, st, o, "33333333333")
	c, err := Open(context.Background(), st, hits[0], o)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Report()
	for _, want := range []string{"# Платёж 33333333333", "Профиль: second", "| Поле | Значение |", "| Номер транзакции | 33333333333 |",
		"## Что пошло не так", "- Ошибка 5: " + qiwiapi.PaymentErrorTextRU(5), "## Хронология", " · история · дата платежа в QIWI (OUT, транзакция 33333333333)"} {
		if !strings.Contains(r, want) {
			t.Errorf("the report lacks %q:\n%s", want, r)
		}
	}
	_, hits = find(t, st, o, "topup: 900100")
	if c, err = Open(context.Background(), st, hits[0], o); err != nil {
		t.Fatal(err)
	}
	if c.Title != "Пополнение через агента 900100" || strings.Contains(c.Report(), "79167770011") {
		t.Errorf("case %q:\n%s", c.Title, c.Report())
	}
	if h := hits[0]; h.StatusIn(o.Tr) == h.Status || h.TextIn(o.Tr) != "пополнение через агента" || h.SourceIn(o.Tr) != "журнал" {
		t.Errorf("hit in Russian: %q %q %q", h.StatusIn(o.Tr), h.TextIn(o.Tr), h.SourceIn(o.Tr))
	}
	// A bill's status: QIWI's value, its meaning in Russian.
	_, hits = find(t, st, o, "order-42")
	if c, err = Open(context.Background(), st, hits[0], o); err != nil {
		t.Fatal(err)
	}
	if r := c.Report(); !strings.Contains(r, "("+explain.PullBillStatus(o.Tr, pull.BillWaiting)+")") || strings.Contains(r, pull.BillWaiting.Meaning()) {
		t.Errorf("the bill's status in Russian:\n%s", r)
	}
}
