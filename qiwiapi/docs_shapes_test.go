package qiwiapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

// Issue 11: what the docs promise, read the way the docs' own examples read.

// get sends a raw request with the demo token (for what the client refuses
// to send, to see the sandbox's own answer).
func (e *env) get(t *testing.T, path string, q url.Values) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.sb.URL+path+"?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+e.sb.Server.DemoToken())
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp, []byte(b.String())
}

// Item 1: a QIWI_CARD row's receipt is asked with type OUT (IN or OUT only).
func TestReceiptOfQIWICardRowUnderOUT(t *testing.T) {
	e := newEnv(t)
	page, _, err := e.c.History.List(e.ctx, e.wallet, qiwiapi.HistoryOptions{Rows: 50, Operation: qiwiapi.OperationQIWICard})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, tx := range page.Transactions {
		if tx.Status == qiwiapi.StatusSuccess && tx.Type == qiwiapi.TypeQIWICard {
			id = int64(tx.TxnID)
			break
		}
	}
	if id == 0 {
		t.Fatal("no successful QIWI_CARD row in the demo history")
	}
	ch, _, err := e.c.History.ChequeFile(e.ctx, id, qiwiapi.TypeOut, qiwiapi.ChequePDF)
	if err != nil || ch.ContentType != "application/pdf" {
		t.Fatalf("receipt of QIWI_CARD row %d under OUT: %v", id, err)
	}
	resp, body := e.get(t, "/payment-history/v1/transactions/"+itoa(id)+"/cheque/file", url.Values{"type": {"QIWI_CARD"}, "format": {"PDF"}})
	if resp.StatusCode != 400 || !strings.Contains(string(body), "IN or OUT") {
		t.Fatalf("type QIWI_CARD: %d %s, want 400 naming IN or OUT", resp.StatusCode, body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Item 2: the docs' totals example spans 2019-04-12T00:00:00 to
// 2019-07-11T23:59:59, "90 calendar days"; one more day is refused.
func TestNinetyCalendarDaysAsTheDocsExample(t *testing.T) {
	e := newEnv(t)
	start := time.Date(2026, 8, 22, 0, 0, 0, 0, qiwiapi.Moscow)
	end := time.Date(2026, 11, 20, 23, 59, 59, 0, qiwiapi.Moscow)
	if _, _, err := e.c.History.Totals(e.ctx, e.wallet, qiwiapi.TotalsOptions{Start: start, End: end}); err != nil {
		t.Fatalf("90 calendar days refused: %v", err)
	}
	if _, _, err := e.c.History.List(e.ctx, e.wallet, qiwiapi.HistoryOptions{Rows: 5, Start: start, End: end}); err != nil {
		t.Fatalf("90 calendar days refused by the list: %v", err)
	}
	n := e.count("GET", "/payment-history/v2/persons/")
	if _, _, err := e.c.History.Totals(e.ctx, e.wallet, qiwiapi.TotalsOptions{Start: start.AddDate(0, 0, -1), End: end}); err == nil {
		t.Fatal("91 calendar days accepted")
	}
	if e.count("GET", "/payment-history/v2/persons/") != n {
		t.Fatal("91 calendar days were sent")
	}
	q := url.Values{"startDate": {"2026-08-21T00:00:00+03:00"}, "endDate": {"2026-11-20T23:59:59+03:00"}}
	if resp, body := e.get(t, "/payment-history/v2/persons/"+e.wallet+"/payments/total", q); resp.StatusCode != 400 {
		t.Fatalf("sandbox took 91 calendar days: %d %s", resp.StatusCode, body)
	}
}

// Item 3: nextTxnDate is Moscow time whatever the request's offset.
func TestNextTxnDateIsMoscowTime(t *testing.T) {
	e := newEnv(t)
	yekt := time.FixedZone("", 5*3600)
	end := sbNow.In(yekt)
	page, _, err := e.c.History.List(e.ctx, e.wallet, qiwiapi.HistoryOptions{Rows: 3, Start: end.AddDate(0, 0, -60), End: end})
	if err != nil || page.Next == nil {
		t.Fatalf("page %v %v", page, err)
	}
	if _, off := page.Next.TxnDate.Zone(); off != 3*3600 {
		t.Fatalf("nextTxnDate offset %d s, want +03:00", off)
	}
}

// Item 4: next_id alone is a valid query (the docs list the two apart).
func TestInvoiceNextIDAlone(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get(t, "/checkout-api/api/bill/search", url.Values{"statuses": {"READY_FOR_PAY"}, "rows": {"2"}, "next_id": {"99999999999"}})
	if resp.StatusCode != 200 {
		t.Fatalf("next_id alone: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), "next_id") || strings.Contains(string(body), "next_creation") {
		t.Fatalf("undocumented paging fields in %s", body)
	}
}

// Item 5: a sender without a patronymic pays by requisites; the field is
// still sent (the docs mark none of 1717's fields optional).
func TestRequisitesWithoutPatronymic(t *testing.T) {
	e := newEnv(t)
	ids := qiwiapi.NewIDGenerator(0, func() time.Time { return sbNow })
	p, err := qiwiapi.RequisitesPayment(ids.Next(), qiwiapi.Requisites{BankName: "ПАО АКБ \"АВАНГАРД\"", BIK: "044525201", City: "МОСКВА",
		Account: "40702810000000012321", CompanyName: "ООО \"ДЕЛЬТА\"", INN: "7726111111", KPP: "772111001",
		Purpose: "Оплата", SenderFirst: "John", SenderLast: "Smith"}, rub("1000"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.c.Payments.Pay(e.ctx, p); err != nil {
		t.Fatalf("no patronymic: %v", err)
	}
	b := bodyJSON(t, e.last(t, "POST", "/sinap/api/v2/terms/1717/payments"))
	if f := b["fields"].(map[string]any); f["from_name_p"] != "" {
		t.Fatalf("from_name_p %v, want sent empty", f["from_name_p"])
	}
}

// Item 6: the user reads what was wrong, in QIWI's words, plus the code's meaning.
func TestPreciseValidationErrors(t *testing.T) {
	e := newEnv(t)
	ids := qiwiapi.NewIDGenerator(0, func() time.Time { return sbNow })
	p, _ := qiwiapi.BankAccountTransfer(ids.Next(), 816, "40817810000000000001", "044525187", false, qiwiapi.BankRecipient{FirstName: "Иван", LastName: "Петров"}, "", rub("500"))
	delete(p.Fields, "lname")
	_, _, err := e.c.Payments.Pay(e.ctx, p)
	var qe *qiwiapi.Error
	if !errors.As(err, &qe) {
		t.Fatalf("err %v", err)
	}
	if msg := qe.Message(); !strings.Contains(msg, "lname") {
		t.Fatalf("message %q does not say which field", msg)
	}
	p, _ = qiwiapi.WalletTransfer(ids.Next(), "+79990000000", rub("10"), "")
	p.Fields["account"] = "+7999"
	_, _, err = e.c.Payments.Pay(e.ctx, p)
	if !errors.As(err, &qe) {
		t.Fatalf("err %v", err)
	}
	if msg := qe.Message(); !strings.Contains(msg, "+79121112233") || !strings.Contains(msg, "Incorrect format of phone or account number") {
		t.Fatalf("message %q: want QIWI's own text and the code's explanation", msg)
	}
}

// Item 7: the docs' tables and examples disagree on types; both decode.
func TestTolerantReading(t *testing.T) {
	var ip qiwiapi.InvoicePayment
	for _, b := range []string{`{"invoice_status":"PAID_STATUS","is_sms_confirm":"false"}`, `{"invoice_status":"PAID_STATUS","is_sms_confirm":false}`} {
		if err := json.Unmarshal([]byte(b), &ip); err != nil || ip.IsSMSConfirm {
			t.Fatalf("%s: %v %v", b, ip.IsSMSConfirm, err)
		}
	}
	var prof qiwiapi.Profile
	if err := json.Unmarshal([]byte(`{"userInfo":{"promoEnabled":"true"}}`), &prof); err != nil || prof.UserInfo.PromoEnabled == nil || !*prof.UserInfo.PromoEnabled {
		t.Fatalf("promoEnabled as a string: %v", err)
	}
	var l qiwiapi.Limit
	if err := json.Unmarshal([]byte(`{"type":"TURNOVER","currency":"RUB","rest":true,"max":"40000.00","spent":"39800.00"}`), &l); err != nil {
		t.Fatalf("rest as a Boolean: %v", err)
	}
	if rest, _, _, err := l.Amounts(); err != nil || rest.Decimal() != "200.00" {
		t.Fatalf("rest from max-spent: %v %v", rest, err)
	}
	var a qiwiapi.Amount
	if err := json.Unmarshal([]byte(`{"amount":8.745,"currency":643}`), &a); err != nil {
		t.Fatalf("three decimals in an answer: %v", err)
	}
	if _, err := qiwiapi.WalletTransfer("1", "+79990000000", qiwiapi.Amount{Minor: 1, Currency: 643}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := qiwiapi.ParseAmount("8.745", qiwiapi.RUB); err == nil {
		t.Fatal("three decimals accepted for sending")
	}
}

// Item 8: a wrong wallet is an error, not an empty history.
func TestWrongWalletIsNotAnEmptyHistory(t *testing.T) {
	e := newEnv(t)
	_, _, err := e.c.History.List(e.ctx, "79000000001", qiwiapi.HistoryOptions{Rows: 5})
	if !errors.Is(err, qiwiapi.ErrNotFound) {
		t.Fatalf("wrong wallet: %v, want not found", err)
	}
}

// Item 9: dates leave with +hh:mm, never Z; foreign card labels are the docs'.
func TestDatesCarryAnOffsetAndForeignCardLabels(t *testing.T) {
	e := newEnv(t)
	end := sbNow.UTC()
	if _, _, err := e.c.History.List(e.ctx, e.wallet, qiwiapi.HistoryOptions{Rows: 5, Start: end.AddDate(0, 0, -5), End: end}); err != nil {
		t.Fatal(err)
	}
	r := e.last(t, "GET", "/payment-history/v2/persons/"+e.wallet+"/payments")
	if s := r.Query.Get("startDate"); !strings.HasSuffix(s, "+00:00") {
		t.Fatalf("startDate %q, want +00:00", s)
	}
	p, err := qiwiapi.ForeignCardTransfer("1", qiwiapi.ProviderVisaForeign, qiwiapi.ForeignCardFields{Card: "4111111111111111",
		SenderFirstName: "Ivan", SenderLastName: "Petrov", SenderAddress: "Lenina 1", SenderCity: "Moscow", SenderCountry: "Russia",
		RecipientFirstName: "John", RecipientLastName: "Smith"}, rub("10"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Fields["rem_name"] != "Ivan" || p.Fields["rem_name_f"] != "Petrov" || p.Fields["rec_city"] != "Moscow" || p.Fields["reg_name"] != "John" || p.Fields["reg_name_f"] != "Smith" {
		t.Fatalf("fields %v", p.Fields)
	}
}
