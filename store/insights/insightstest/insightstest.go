// Package insightstest gives the tests of store/insights, store/statement
// and views/insights one wallet history to read: the sandbox's demo wallet,
// synced into a fresh store through the engine's history reader.
package insightstest

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/sandbox"
	"qiwidash/store"
	"qiwidash/store/reader"
)

// End is the sandbox's "now": its newest row is just before.
var End = time.Date(2026, 6, 15, 12, 0, 0, 0, qiwiapi.Moscow)

// Env is a synced wallet.
type Env struct {
	Server *sandbox.Server
	URL    string
	Token  string
	API    *qiwiapi.Client
	Store  *store.Store
	Wallet string
	Reader *reader.Reader
}

// Now is the tests' clock.
func Now() time.Time { return End }

// New starts the sandbox (no request limit: the tests sync its whole
// history) and opens an empty store in a temp dir; sync reads every row
// into it through a reader.
func New(t testing.TB, sync bool) *Env {
	t.Helper()
	keyring.MockInit()
	srv := sandbox.New(sandbox.Options{Seed: 7, End: End, Now: Now, HistoryPerMinute: -1, SettleDelay: time.Hour})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	api, err := qiwiapi.NewClient(srv.DemoToken(), qiwiapi.WithBaseURL(hs.URL))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "qiwidash.db"), store.Options{Now: Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &Env{Server: srv, URL: hs.URL, Token: srv.DemoToken(), API: api, Store: st, Wallet: srv.DemoWallet()}
	e.Reader = reader.New(reader.Options{Store: st, API: api.History, Wallet: e.Wallet, Now: Now, NoFill: true})
	t.Cleanup(e.Reader.Close)
	if sync {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.Reader.Sync(ctx, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// All is every cached transaction of the wallet, newest first, read
// through the store's pages (the rows' own JSON, not an aggregate).
func (e *Env) All(t testing.TB) []qiwiapi.Transaction {
	t.Helper()
	var out []qiwiapi.Transaction
	var after *store.Key
	for {
		p, err := e.Store.Page(context.Background(), e.Wallet, store.Filter{}, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Transactions...)
		if p.Next == nil {
			return out
		}
		after = p.Next
	}
}

// providers of the synthetic history: id, short name, type.
var synthProviders = []struct {
	id   int64
	name string
	typ  qiwiapi.TxnType
}{
	{99, "QIWI Кошелек", qiwiapi.TypeOut}, {1963, "Visa (карты РФ)", qiwiapi.TypeOut}, {31652, "МИР", qiwiapi.TypeOut},
	{870, "Сбербанк", qiwiapi.TypeOut}, {1, "МТС", qiwiapi.TypeOut}, {2, "Билайн", qiwiapi.TypeOut}, {674, "OnLime", qiwiapi.TypeOut},
	{34020, "Мосэнергосбыт", qiwiapi.TypeOut}, {1099, "Конвертация", qiwiapi.TypeOut}, {1239, "Подари жизнь", qiwiapi.TypeOut},
	{480706, "Интернет-магазин цветов", qiwiapi.TypeOut}, {0, "Покупка по карте", qiwiapi.TypeQIWICard},
	{99, "QIWI Кошелек", qiwiapi.TypeIn}, {1240, "Пополнение с карты", qiwiapi.TypeIn},
}

// Fill writes n synthetic transactions of wallet into st, spread evenly
// over the 24 months before end: every provider kind, four currencies,
// 5,000 counterparties, a few failed and waiting ones (benchmarks).
func Fill(ctx context.Context, st *store.Store, wallet string, n int, end time.Time) error {
	step := 730 * 24 * time.Hour / time.Duration(n)
	curs := []qiwiapi.Currency{qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.RUB, qiwiapi.USD, qiwiapi.EUR, qiwiapi.KZT}
	batch := make([]qiwiapi.Transaction, 0, 5000)
	for i := range n {
		p := synthProviders[i%len(synthProviders)]
		cur := curs[i%len(curs)]
		status := qiwiapi.StatusSuccess
		switch {
		case i%97 == 0:
			status = qiwiapi.StatusError
		case i%1000 == 1:
			status = qiwiapi.StatusWaiting
		}
		sum := int64((i*37)%100000 + 100)
		comm := int64(0)
		if p.typ != qiwiapi.TypeIn {
			comm = sum / 100
		}
		comment := []string{"обед в кафе", "аренда квартиры", "такси", "подарок маме", "", "долг"}[i%6]
		batch = append(batch, qiwiapi.Transaction{
			TxnID: qiwiapi.FlexInt(30000000000 + int64(i)), PersonID: 79991234567, Date: end.Add(-time.Duration(n-i) * step).In(qiwiapi.Moscow),
			Status: status, Type: p.typ, Account: "+7999" + strconv.Itoa(1000000+i%5000), Comment: comment,
			Sum: qiwiapi.Amount{Minor: sum, Currency: cur}, Commission: qiwiapi.Amount{Minor: comm, Currency: cur},
			Total:    qiwiapi.Amount{Minor: sum + comm, Currency: cur},
			Provider: &qiwiapi.Provider{ID: qiwiapi.FlexInt(p.id), ShortName: p.name, LongName: p.name},
		})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := st.Upsert(ctx, wallet, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return nil
}
