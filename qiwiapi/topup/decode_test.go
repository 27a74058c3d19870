package topup

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"qiwidash/qiwiapi"
)

var msk = time.FixedZone("MSK", 3*60*60)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rub(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
func amt(minor int64, c qiwiapi.Currency) qiwiapi.Amount {
	return qiwiapi.Amount{Minor: minor, Currency: c}
}
func ptr[T any](v T) *T { return &v }

func TestDecodeFixtures(t *testing.T) {
	payment := Payment{
		Status: StatusSuccess, TxnID: "6060", Number: "12345678", Result: ResultOK,
		Final: true, Fatal: false,
		Date: time.Date(2011, 3, 2, 14, 35, 46, 0, msk),
		From: &Leg{Amount: rub(1115_00)},
		To:   &Leg{Amount: rub(1000_00), ServiceID: "99", Account: "79181234567"},
	}
	payBalances := []qiwiapi.Amount{amt(0, 428), rub(200_00), amt(12_20, qiwiapi.USD)}
	ruPayment := payment
	ruPayment.Message = "Ok"
	statusPayment := Payment{
		Status: StatusSuccess, TxnID: "759640439", Number: "12345678", Result: ResultOK,
		Final: true, Date: time.Date(2012, 3, 12, 14, 24, 38, 0, msk),
	}
	statusBalances := []qiwiapi.Amount{rub(90_79), amt(0, qiwiapi.USD)}
	ok := &RequestResult{Code: RequestOK}

	tests := []struct {
		file string
		want *Document
	}{
		{"pay_success_en.xml", &Document{Payments: []Payment{payment}, Balances: payBalances}},
		// RU: <?xm typo in the declaration, a result-code element, message/msg.
		{"pay_success_ru.xml", &Document{Result: ok, Payments: []Payment{ruPayment}, Balances: payBalances}},
		{"error_300.xml", &Document{Result: &RequestResult{Code: RequestUnknown}}},
		{"error_300_ru.xml", &Document{Result: &RequestResult{Code: RequestUnknown, Message: "Неизвестная ошибка"}}},
		// The documented result-сode with a Cyrillic с.
		{"status_success.xml", &Document{Result: ok, Payments: []Payment{statusPayment}, Balances: statusBalances}},
		{"status_success_ru.xml", &Document{Result: ok, Payments: []Payment{statusPayment}, Balances: statusBalances}},
		{"check_deposit_ok.xml", &Document{Result: ok, Exist: ptr(true), DepositPossible: ptr(true)}},
		{"check_deposit_204.xml", &Document{
			Result: &RequestResult{Code: 204, Fatal: true, Message: "Недостаточный статус идентификации кошелька для проведения платежа"},
			Exist:  ptr(true), DepositPossible: ptr(false),
		}},
		{"check_user_ok.xml", &Document{Result: ok, Exist: ptr(true)}},
		{"check_user_error.xml", &Document{Result: &RequestResult{Code: RequestUnknown}}},
		{"ping.xml", &Document{Result: ok, Balances: []qiwiapi.Amount{amt(100_00, 428), rub(200_26), amt(300_00, qiwiapi.USD)}}},
		// Unknown tags (<provider>) are ignored.
		{"provider_ru.xml", &Document{Result: &RequestResult{Code: RequestOK, Message: "Ок"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := Decode(fixture(t, tt.file), msk)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Decode(%s)\n got %+v\nwant %+v", tt.file, dump(got), dump(tt.want))
			}
		})
	}
}

func dump(d *Document) string {
	var b strings.Builder
	if d.Result != nil {
		b.WriteString("result=" + d.Result.Code.String())
	}
	for _, p := range d.Payments {
		b.WriteString(" payment{" + p.Status.String() + " txn=" + p.TxnID + " n=" + string(p.Number) + " date=" + p.Date.String())
		if p.From != nil {
			b.WriteString(" from=" + p.From.Amount.String())
		}
		if p.To != nil {
			b.WriteString(" to=" + p.To.Amount.String() + " " + p.To.Account)
		}
		b.WriteString(" missing=" + strings.Join(p.Missing, ",") + "}")
	}
	for _, a := range d.Balances {
		b.WriteString(" bal=" + a.String())
	}
	return b.String()
}

func TestDecodeDefaultLocationIsMoscow(t *testing.T) {
	d, err := Decode(fixture(t, "pay_success_en.xml"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := d.Payments[0].Date
	if got.Day() != 2 || got.Month() != 3 || got.Hour() != 14 || got.Minute() != 35 {
		t.Errorf("wall clock changed: %v", got)
	}
	// 2 March 2011 was UTC+3 in Moscow, with or without a tz database.
	if want := time.Date(2011, 3, 2, 11, 35, 46, 0, time.UTC); !got.Equal(want) {
		t.Errorf("instant %v, want %v", got.UTC(), want)
	}
}

func TestDecodeTolerance(t *testing.T) {
	// Unknown attributes and elements, double quotes, a namespace, extra
	// whitespace, comments: all fine.
	body := `<?xml version="1.0"?>
<!-- hello -->
<response version="2">
  <server-time>now</server-time>
  <result-code fatal="FALSE" extra="1"> 0 </result-code>
  <payment status="50" txn_id="1" transaction-number="77" result-code="0" final-status="false" fatal-error="false" txn-date="" new-attr="x">
    <from><amount>1.5</amount><ccy>RUB</ccy><bonus/></from>
  </payment>
  <balances><balance code="643">-3.00</balance></balances>
</response>
<!-- trailing comment -->
`
	d, err := Decode([]byte(body), msk)
	if err != nil {
		t.Fatal(err)
	}
	p := d.Payments[0]
	if p.Status != StatusAccepted || p.TxnID != "1" || !p.Complete() || !p.Date.IsZero() {
		t.Errorf("payment %+v", p)
	}
	if p.From.Amount != rub(1_50) || d.Balances[0] != rub(-3_00) {
		t.Errorf("amounts %v %v", p.From.Amount, d.Balances)
	}
}

func TestDecodeMissingAttributesAreFlagged(t *testing.T) {
	d, err := Decode([]byte(`<response><payment status='50' transaction-number='7'/></response>`), msk)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"txn_id", "result-code", "final-status", "fatal-error"}
	if !reflect.DeepEqual(d.Payments[0].Missing, want) {
		t.Errorf("missing %v, want %v", d.Payments[0].Missing, want)
	}
}

func TestDecodeRejectsBrokenDocuments(t *testing.T) {
	for name, body := range map[string]string{
		"empty":            "",
		"spaces":           " \n ",
		"html":             "<html><body>502 Bad Gateway</body></html>",
		"truncated":        `<?xml version="1.0" encoding="utf-8"?><response><payment status='60' txn_`,
		"unclosed":         `<response><result-code fatal="false">0</result-code>`,
		"not a number":     `<response><result-code>zero</result-code></response>`,
		"bad fatal":        `<response><result-code fatal="maybe">0</result-code></response>`,
		"bad status":       `<response><payment status='x' txn_id='' transaction-number='1' result-code='0' final-status='false' fatal-error='false'/></response>`,
		"bad bool":         `<response><payment status='1' txn_id='' transaction-number='1' result-code='0' final-status='yes' fatal-error='false'/></response>`,
		"bad date":         `<response><payment status='1' txn_id='' transaction-number='1' result-code='0' final-status='true' fatal-error='false' txn-date='2011-03-02'/></response>`,
		"bad exist":        `<response><exist>2</exist></response>`,
		"two roots":        `<response/><response/>`,
		"text after root":  `<response/>garbage`,
		"wrong encoding":   `<?xml version="1.0" encoding="windows-1251"?><response/>`,
		"leg amount 3 dec": `<response><payment><to><amount>1.234</amount><ccy>643</ccy></to></payment></response>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(body), msk)
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(%q) = %v, want *DecodeError", body, err)
			}
			if !IsUnknown(err) {
				t.Errorf("a broken document must leave the outcome unknown")
			}
		})
	}
}

// Issue 11 item 11: one balance that cannot be read (another currency's
// decimals, junk, no code) is left out with its reason; the payment and the
// other balances are kept.
func TestDecodeKeepsTheRestOfAnUnreadableBalance(t *testing.T) {
	body := `<response><result-code fatal="false">0</result-code>
<payment status='60' txn_id='6060' transaction-number='12345678' result-code='0' final-status='true' fatal-error='false' txn-date='02.03.2011 14:35:46'/>
<balances><balance code="392">100.50</balance><balance code="643">200.26</balance><balance code="643">1.005</balance>
<balance code="643">NaN</balance><balance>1.00</balance><balance code="XYZ">1.00</balance><balance code="840">12.20</balance></balances></response>`
	d, err := Decode([]byte(body), msk)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := d.Payment("12345678"); !ok || p.Status != 60 {
		t.Fatalf("payment lost: %+v", d.Payments)
	}
	if len(d.Balances) != 2 || d.Balances[0].Decimal() != "200.26" || d.Balances[1].Decimal() != "12.20" {
		t.Fatalf("balances %v", d.Balances)
	}
	if len(d.UnreadBalances) != 5 || !strings.Contains(d.UnreadBalances[0], "JPY") {
		t.Fatalf("unread %q", d.UnreadBalances)
	}
}

func TestTxnNumber(t *testing.T) {
	for _, s := range []string{"1", "12345678", "99999999999999999999"} {
		if _, err := ParseTxnNumber(s); err != nil {
			t.Errorf("ParseTxnNumber(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "0", "01", "-1", "1.0", "123456789012345678901", "12a"} {
		if _, err := ParseTxnNumber(s); err == nil {
			t.Errorf("ParseTxnNumber(%q) accepted", s)
		}
	}
}

func TestTxnGenIsUniqueAndGrows(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clock := func() time.Time { return now } // a stuck clock
	g := NewTxnGen(clock, "", 7)
	seen := map[TxnNumber]bool{}
	var prev TxnNumber
	for i := 0; i < 1000; i++ {
		n := g.Next()
		if _, err := ParseTxnNumber(string(n)); err != nil {
			t.Fatal(err)
		}
		if seen[n] || (prev != "" && (len(n) < len(prev) || len(n) == len(prev) && n <= prev)) {
			t.Fatalf("number %s not new/greater than %s", n, prev)
		}
		if !strings.HasSuffix(string(n), "7") {
			t.Fatalf("node digit missing: %s", n)
		}
		seen[n], prev = true, n
	}
	// After a restart with the clock behind, numbers still grow.
	g2 := NewTxnGen(func() time.Time { return now.Add(-time.Hour) }, prev, 7)
	if n := g2.Next(); len(n) < len(prev) || len(n) == len(prev) && n <= prev {
		t.Errorf("after restart %s <= %s", n, prev)
	}
}

func TestCodes(t *testing.T) {
	tests := []struct {
		s                               Status
		final, success, failed, pending bool
	}{
		{StatusNotRegistered, false, false, false, false},
		{0, false, false, false, true},
		{49, false, false, false, true},
		{StatusAccepted, false, false, false, true},
		{StatusCrediting, false, false, false, true},
		{StatusSuccess, true, true, false, false},
		{75, false, false, false, false},
		{StatusDeclined, true, false, true, false},
		{StatusAuthError, true, false, true, false},
		{StatusCancelled, true, false, true, false},
	}
	for _, tt := range tests {
		if tt.s.Final() != tt.final || tt.s.Success() != tt.success || tt.s.Failed() != tt.failed || tt.s.Pending() != tt.pending {
			t.Errorf("status %d: final %v success %v failed %v pending %v", tt.s, tt.s.Final(), tt.s.Success(), tt.s.Failed(), tt.s.Pending())
		}
		if tt.s.Text() == "" {
			t.Errorf("status %d has no text", tt.s)
		}
	}
	for _, c := range []ResultCode{0, 155, 204, 215, 220, 241, 242, 298, 300, 316, 319, 700, 702} {
		if !c.Known() {
			t.Errorf("result %d unknown", c)
		}
	}
	if ResultCode(999).Known() || !strings.Contains(ResultCode(999).String(), "999") {
		t.Error("999")
	}
	for code, fatal := range map[RequestCode]bool{13: false, 150: true, 300: false, 339: true} {
		if f, known := code.FatalByDocs(); f != fatal || !known {
			t.Errorf("request code %d fatal=%v known=%v", code, f, known)
		}
	}
	if _, known := RequestCode(204).FatalByDocs(); known {
		t.Error("204 is not in the request table")
	}
	if RequestCode(204).Text() != ResultIdentLevelTooLow.Text() {
		t.Error("204 text should come from the payment table")
	}
	if RequestBusy.RetryAfter() != time.Minute {
		t.Error("13 means one minute")
	}
}
