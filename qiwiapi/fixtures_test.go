package qiwiapi

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

// The JSON examples from the docs (restored per spec/wallet-api-gaps.md)
// must decode without losing a field or a kopeck.

func readFixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestFixtureProfile(t *testing.T) {
	var p Profile
	readFixture(t, "profile.json", &p)
	if p.Wallet() != "79683851815" || p.IdentificationLevel() != "SIMPLE" || p.AuthInfo.BoundEmail != "m@ya.ru" {
		t.Fatalf("profile: %+v", p)
	}
	if !p.AuthInfo.MobilePinInfo.MobilePinUsed || p.UserInfo.DefaultPayCurrency != RUB || p.UserInfo.Email != nil {
		t.Fatalf("profile details lost: %+v %+v", p.AuthInfo, p.UserInfo)
	}
	if p.ContractInfo.CreationDate.UnixMilli() != time.Date(2017, 1, 7, 16, 51, 6, 100e6, time.UTC).UnixMilli() {
		t.Fatalf("creation date %v", p.ContractInfo.CreationDate)
	}
}

func TestFixtureLimitsWithMalformedDate(t *testing.T) {
	var l Limits
	readFixture(t, "limits.json", &l)
	lim := l.Limits["RU"][0]
	rest, max, spent, err := lim.Amounts()
	if err != nil {
		t.Fatal(err)
	}
	if rest.Minor != 20000 || max.Minor != 4000000 || spent.Minor != 3980000 || rest.Currency != RUB {
		t.Fatalf("limit amounts %v %v %v", rest, max, spent)
	}
	if lim.Interval.DateFrom.Raw != "2019-11-01T:00:00" || lim.Interval.DateTill.Time.Month() != time.December {
		t.Fatalf("interval %+v", lim.Interval)
	}
}

func TestFixtureHistory(t *testing.T) {
	var w historyWire
	readFixture(t, "history.json", &w)
	if len(w.Data) != 1 || *w.NextTxnID != 9001 {
		t.Fatalf("history: %+v", w)
	}
	tx := w.Data[0]
	if tx.TxnID != 9309 || tx.Sum.Minor != 7000 || tx.Sum.Currency != RUB || tx.Status != StatusSuccess || tx.Type != TypeOut {
		t.Fatalf("txn: %+v", tx)
	}
	if _, off := tx.Date.Zone(); off != 3*3600 {
		t.Fatalf("date lost its +03:00 offset: %v", tx.Date)
	}
	if tx.TrmTxnID != "1489826461807" || tx.Provider.ShortName != "Yandex.Money" || tx.CurrencyRate != "1" {
		t.Fatalf("txn details: %+v", tx)
	}
	if len(tx.Raw) == 0 || !json.Valid(tx.Raw) {
		t.Fatal("raw JSON not kept")
	}
	if tx.Signed().Minor != -7000 {
		t.Fatalf("outgoing sum not negative: %v", tx.Signed())
	}
}

func TestFixtureTotalsBalancesCommission(t *testing.T) {
	var tot Totals
	readFixture(t, "totals.json", &tot)
	if tot.Incoming[0].Minor != 350000 || tot.Outgoing[0].Minor != 349750 {
		t.Fatalf("totals %+v", tot)
	}
	var acc accountsWire
	readFixture(t, "balances.json", &acc)
	if acc.Accounts[0].Balance != nil || acc.Accounts[1].Balance.Minor != 874 || acc.Accounts[1].Type.ID != "WALLET" {
		t.Fatalf("accounts %+v", acc)
	}
	var c Commission
	readFixture(t, "commission.json", &c)
	if c.WithdrawSum.Minor != 101101 || c.QWCommission.Minor != 1001 || c.QWCommission.Currency != RUB || c.ProviderID != 99 {
		t.Fatalf("commission %+v", c)
	}
	var pi PaymentInfo
	readFixture(t, "payment_info.json", &pi)
	if pi.TxnID() != 11155897070 || pi.Transaction.State.Code != "Accepted" || pi.Sum.Minor != 10000 {
		t.Fatalf("payment info %+v", pi)
	}
	var rates struct {
		Result []CrossRate `json:"result"`
	}
	readFixture(t, "crossrates.json", &rates)
	if rates.Result[0].From != KZT || rates.Result[0].Rate != "6.22665" {
		t.Fatalf("rates %+v", rates)
	}
	var h Hook
	readFixture(t, "hook.json", &h)
	if h.HookParameters.URL != "http://example.com/callbacks/" || h.TxnType != "BOTH" {
		t.Fatalf("hook %+v", h)
	}
}

func TestFixtureInvoices(t *testing.T) {
	var w struct {
		Bills []Invoice `json:"bills"`
	}
	readFixture(t, "invoices.json", &w)
	inv := w.Bills[0]
	if inv.ID != 1063702405 || inv.Sum.Minor != 10000 || inv.Provider.ShortName != "Интернет-магазин цветов" {
		t.Fatalf("invoice %+v", inv)
	}
	if inv.CreationDatetime.UnixMilli() != 1523025585000 || inv.ExpirationDatetime.UnixMilli() != 1523026003808 {
		t.Fatalf("invoice dates %+v", inv)
	}
}

func FuzzDecodeTransaction(f *testing.F) {
	b, _ := os.ReadFile("testdata/history.json")
	f.Add(b)
	f.Add([]byte(`{"data":[{"sum":{"amount":"1e400","currency":"x"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var w historyWire
		if json.Unmarshal(body, &w) != nil {
			return
		}
		for _, tx := range w.Data {
			_ = tx.Sum.Format()
			_ = tx.ErrorText()
			_ = tx.Signed()
		}
	})
}
