package explain

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
)

var (
	ru       = i18n.New(i18n.RU)
	cyrillic = regexp.MustCompile(`\p{Cyrillic}`)
)

// russian fails unless s reads in Russian, with every value filled in.
func russian(t *testing.T, what, s string) {
	t.Helper()
	if !cyrillic.MatchString(s) || strings.Contains(s, "<no value>") || strings.Contains(s, "{{") || strings.HasPrefix(s, "explain.") {
		t.Errorf("%s: Russian %q", what, s)
	}
}

func english(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want || strings.Contains(got, "<no value>") {
		t.Errorf("%s: English %q, want %q (the error's own text)", what, got, want)
	}
}

// sample fills every value a rule's sentence names.
var sample = map[string]any{"Currency": "JPY", "Digits": 2, "Max": 90, "Days": 120, "Got": 70,
	"Provider": 99, "Bank": 464, "Email": `"me@"`, "URL": `"ftp://x"`, "Len": 130}

func TestRules(t *testing.T) {
	for _, r := range qiwiapi.Rules() {
		if _, ok := ruleIDs[r]; !ok {
			t.Errorf("rule %s has no message", r)
			continue
		}
		for _, s := range []qiwiapi.Subject{qiwiapi.SubjectAmount, qiwiapi.SubjectCard} {
			e := &qiwiapi.InvalidError{Subject: s, Rules: []qiwiapi.Rule{r}, Field: "to_inn", Values: sample}
			english(t, string(r), Error(nil, e), e.Error())
			russian(t, string(r), Error(ru, e))
		}
	}
}

// TestValidationFamilies words real refusals of each family in both
// languages; the English is the error's Error, unchanged.
func TestValidationFamilies(t *testing.T) {
	rub := func(minor int64) qiwiapi.Amount { return qiwiapi.Amount{Minor: minor, Currency: qiwiapi.RUB} }
	must := func(_ any, err error) error { return err }
	must3 := func(_, _ any, err error) error { return err }
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	client, _ := qiwiapi.NewClient("token")
	hist := qiwiapi.HistoryOptions{Start: day, End: day.AddDate(0, 0, 120)}
	cases := []struct {
		name    string
		err     error
		ru      string // the Russian says this
		problem string // the English form-field sentence (Problem; other errors read as Error)
	}{
		{"amount empty", must(qiwiapi.ParseAmountInput("", qiwiapi.RUB)), "Введите сумму, например 1 500,50", "Enter the amount, e.g. 1 500.50"},
		{"amount precise", must(qiwiapi.ParseAmountInput("1.234", qiwiapi.RUB)), "Для RUB цифр после запятой — не больше 2", "At most 2 digits after the point for RUB"},
		{"amount sign", must(qiwiapi.ParseAmountInput("-5", qiwiapi.RUB)), "без знака", "Enter the amount without a sign"},
		{"amount large", must(qiwiapi.ParseAmountInput("1234567890123456", qiwiapi.RUB)), "цифр до запятой — не больше 15", "Too large: at most 15 digits before the point"},
		{"card luhn", must(qiwiapi.NormalizeCard("4111 1111 1111 1112")), "карта: в номере опечатка", "The number has a typo (check digit does not match)"},
		{"card length", must(qiwiapi.NormalizeCard("4111")), "карта: в номере карты от 13 до 19 цифр", "A card number has 13 to 19 digits"},
		{"card network", must(qiwiapi.CardProvider("6011")), "МИР", "Only Visa, MasterCard and MIR cards can be paid to"},
		{"phone", must(qiwiapi.NormalizeRUPhone10("+7 812 000 00 00")), "телефон: в российском мобильном номере 10 цифр", "A Russian mobile number has 10 digits after +7 and starts with 9"},
		{"wallet transfer", must(qiwiapi.WalletTransfer("1", "12", rub(100), "")), "перевод на кошелёк: получатель", "The recipient is a wallet number in international format, like +79991234567 (+7 and 10 digits)"},
		{"conversion wallet", must(qiwiapi.Conversion("1", "x", qiwiapi.Amount{Minor: 1, Currency: qiwiapi.USD}, "")), "обмен валюты: номер кошелька", "A wallet number is a phone in international format: +7 and 10 digits, or another country code and 9-14 digits"},
		{"bank by card", must(qiwiapi.BankCardTransfer("1", 1, "4111111111111111", "", qiwiapi.BankRecipient{}, rub(100))), "банк 1 не принимает переводы по номеру карты", "Bank 1 does not take transfers by card number"},
		{"bank BIK", must(qiwiapi.BankAccountTransfer("1", 464, strings.Repeat("1", 20), "12", false, qiwiapi.BankRecipient{FirstName: "A", LastName: "B"}, "", rub(100))), "перевод в банк: в БИК 9 цифр", "A BIK has 9 digits"},
		{"requisites", must(qiwiapi.RequisitesPayment("1", qiwiapi.Requisites{BIK: "1", INN: "2"}, rub(100))), "реквизиты: в БИК 9 цифр; в номере счёта 20 цифр; в ИНН 10 или 12 цифр; в КПП 9 цифр", "BIK has 9 digits; account has 20 digits; INN has 10 or 12 digits; KPP has 9 digits"},
		{"foreign card field", must(qiwiapi.ForeignCardTransfer("1", qiwiapi.ProviderVisaForeign, qiwiapi.ForeignCardFields{Card: "4111111111111111"}, rub(100))), "нужно заполнить поле rec_address", "Rec_address is required"},
		{"payment", qiwiapi.Payment{Provider: 99, ID: "x"}.Validate(), "платёж: идентификатор платежа — от 1 до 20 цифр", "The client id must be 1 to 20 digits"},
		{"history range", must3(client.History.List(t.Context(), "79991234567", hist)), "история: период — не больше 90 календарных дней, а в этом 120", "A range may span at most 90 calendar days, this one spans 120"},
		{"history rows", must3(client.History.List(t.Context(), "79991234567", qiwiapi.HistoryOptions{Rows: 70})), "строк на странице — от 1 до 50, а не 70", "Rows must be 1..50, got 70"},
		{"receipt email", must(client.History.SendCheque(t.Context(), 1, qiwiapi.TypeOut, "me@")), `квитанция: "me@" — не адрес электронной почты`, `"me@" is not an e-mail address`},
		{"identification", qiwiapi.IdentificationRequest{BirthDate: "1990-01-01", Passport: "1", INN: "x", OMS: "y"}.Validate(), "идентификация: нужно имя; нужна фамилия; ИНН — только цифры; полис ОМС — только цифры", "First name is required; last name is required; INN must be digits only; OMS must be digits only"},
		{"invoices", must3(client.Invoices.Pay(t.Context(), " ", qiwiapi.RUB)), "счета: не указан номер счёта", "No invoice id"},
		{"webhook url", must3(client.Webhooks.Register(t.Context(), "ftp://x", 0)), `вебхук: "ftp://x" — не адрес http(s)`, `"ftp://x" is not an http(s) URL`},
		{"webhook long", must3(client.Webhooks.Register(t.Context(), "https://"+strings.Repeat("a", 120), 0)), "длина адреса — 128, а QIWI принимает адрес не длиннее 100 символов", "The URL is 128 characters long, QIWI accepts at most 100"},
		{"limits", must3(client.Limits.Actual(t.Context(), "79991234567")), "лимиты: укажите хотя бы один вид лимита", "Name at least one limit type"},
		{"bad wallet", qiwiapi.ErrBadWallet, "номер кошелька — это телефон", "a wallet number is a phone in international format: +7 and 10 digits, or another country code and 9-14 digits"},
		{"no token", must(qiwiapi.NewClient(" ")), "Токен API не указан", "qiwi: empty API token"},
		{"not paid", &qiwiapi.NotPaidError{Status: "EXPIRED"}, `счёт не оплачен: QIWI ответил "EXPIRED"`, `the invoice was not paid: QIWI answered "EXPIRED"`},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		english(t, c.name, Error(nil, c.err), c.err.Error())
		english(t, c.name+" (en)", Error(i18n.New(i18n.EN), c.err), c.err.Error())
		got := Error(ru, c.err)
		russian(t, c.name, got)
		if !strings.Contains(got, c.ru) {
			t.Errorf("%s: Russian %q, want …%q…", c.name, got, c.ru)
		}
		if p := Problem(nil, c.err); p != c.problem {
			t.Errorf("%s: Problem %q, want %q", c.name, p, c.problem)
		}
		russian(t, c.name+" problem", Problem(ru, c.err))
	}
}

func TestPaymentCodes(t *testing.T) {
	for _, code := range append(qiwiapi.KnownPaymentErrorCodes(), 12345) {
		english(t, "code", PaymentCode(nil, code), qiwiapi.PaymentErrorText(code))
		got := PaymentCode(ru, code)
		if code != 0 {
			russian(t, "code", got)
		}
		if doc := qiwiapi.PaymentErrorTextRU(code); doc != qiwiapi.PaymentErrorText(code) && got != doc {
			t.Errorf("code %d: Russian %q, the RU docs say %q", code, got, doc)
		}
	}
	if len(codeIDs) != len(qiwiapi.KnownPaymentErrorCodes()) {
		t.Errorf("%d codes worded, the table has %d", len(codeIDs), len(qiwiapi.KnownPaymentErrorCodes()))
	}
}

// TestCallFailures: a failed call reads as qiwiapi.Error.Message in English
// and in Russian otherwise, QIWI's own words kept as sent.
func TestCallFailures(t *testing.T) {
	cases := []struct {
		e  *qiwiapi.Error
		ru string
	}{
		{&qiwiapi.Error{StatusCode: 400}, "Неверный формат данных в запросе"},
		{&qiwiapi.Error{StatusCode: 404, Path: "/payment-history/v2/persons/1/payments"}, "Транзакция не найдена"},
		{&qiwiapi.Error{StatusCode: 404, Path: "/qw-limits/v1/persons/1/actual-limits"}, "Кошелёк не найден"},
		{&qiwiapi.Error{StatusCode: 404, Path: "/payment-notifier/v1/hooks/active"}, "Включённый вебхук не найден"},
		{&qiwiapi.Error{StatusCode: 404, Path: "/checkout-api/invoice/list"}, "Счёт не найден"},
		{&qiwiapi.Error{StatusCode: 404, Path: "/x"}, "Не найдено"},
		{&qiwiapi.Error{StatusCode: 422}, "вебхук уже включён"},
		{&qiwiapi.Error{StatusCode: 503}, "Внутренняя ошибка сервиса"},
		{&qiwiapi.Error{StatusCode: http.StatusTeapot}, "QIWI ответил HTTP-статусом 418"},
		{&qiwiapi.Error{StatusCode: 299}, "QIWI ответил HTTP-статусом 299"},
		{&qiwiapi.Error{StatusCode: 400, Code: "QWPRC-220"}, "Недостаточно средств"},
		{&qiwiapi.Error{StatusCode: 400, Code: "QWPRC-303", UserMessage: "Wrong phone number - enter 10 digits"}, "Неверный номер телефона — введите 10 цифр"},
		{&qiwiapi.Error{StatusCode: 400, Code: "not.enough.funds", UserMessage: "Недостаточно средств на балансе"}, "Недостаточно средств на балансе (Недостаточно средств)"},
		{&qiwiapi.Error{StatusCode: 400, Code: "validation.error", UserMessage: "Ошибка валидации"}, "Ошибка валидации"},
	}
	for _, c := range cases {
		english(t, c.e.Error(), Error(nil, c.e), c.e.Message())
		got := Error(ru, c.e)
		russian(t, c.e.Error(), got)
		if !strings.Contains(got, c.ru) {
			t.Errorf("%v: Russian %q, want …%q…", c.e, got, c.ru)
		}
	}
	for _, e := range []error{
		&qiwiapi.Error{StatusCode: 401}, &qiwiapi.Error{StatusCode: 403}, &qiwiapi.Error{StatusCode: 423},
		&qiwiapi.Error{StatusCode: 423, RetryAfter: 90 * time.Second}, &qiwiapi.NetworkError{Err: http.ErrHandlerTimeout},
		&qiwiapi.DecodeError{Err: http.ErrBodyNotAllowed}, t.Context().Err(),
	} {
		if e == nil {
			continue
		}
		russian(t, e.Error(), Error(ru, e))
	}
	if got := Error(ru, &qiwiapi.Error{StatusCode: 423, RetryAfter: 90 * time.Second}); got != "QIWI не принимает запросы ещё 2 мин (лимит запросов)" {
		t.Errorf("423 for 90s: %q", got)
	}
}

func TestTopUpCodes(t *testing.T) {
	for c := topup.ResultCode(-1); c < 1000; c++ {
		if c.Known() || c == 999 {
			english(t, c.String(), TopUpResult(nil, c), c.Text())
			russian(t, c.String(), TopUpResult(ru, c))
		}
		if rc := topup.RequestCode(c); rc.Known() || c.Known() || c == 999 {
			english(t, rc.String(), TopUpRequest(nil, rc), rc.Text())
			russian(t, rc.String(), TopUpRequest(ru, rc))
		}
	}
	for s := topup.Status(-2); s < 200; s++ {
		english(t, s.String(), TopUpStatus(nil, s), s.Text())
		russian(t, s.String(), TopUpStatus(ru, s))
	}
}

func TestPullCodes(t *testing.T) {
	for _, c := range append(pull.ResultCodes(), 4242) {
		english(t, c.String(), PullCode(nil, c), c.Meaning())
		russian(t, c.String(), PullCode(ru, c))
	}
	for _, s := range []pull.BillStatus{pull.BillWaiting, pull.BillPaid, pull.BillRejected, pull.BillUnpaid, pull.BillExpired, "odd"} {
		english(t, string(s), PullBillStatus(nil, s), s.Meaning())
		russian(t, string(s), PullBillStatus(ru, s))
	}
}

// TestProtocolFailures: the Top-Up and Pull APIs' failures read as their
// own text in English (as always, password redacted) and by their codes in
// Russian.
func TestProtocolFailures(t *testing.T) {
	must := func(_ any, err error) error { return err }
	answer := &pull.ErrorResponse{Method: "PUT", Path: "/api/v2/prv/1/bills/2", Code: pull.CodeBillExists, Message: "Bill exists"}
	cases := []struct {
		err error
		ru  string
	}{
		{&topup.RequestError{RequestResult: topup.RequestResult{Code: topup.RequestIPBlocked, Fatal: true}}, "Пополнение: ошибка запроса 339 — IP-адрес отправителя заблокирован (неустранимая"},
		{&topup.RequestError{RequestResult: topup.RequestResult{Code: topup.RequestBusy, Message: "busy now"}}, "сервер занят, повторите запрос через минуту: busy now"},
		{&topup.HTTPError{StatusCode: 502}, "HTTP-статусом 502"},
		{&topup.HTTPError{StatusCode: 200}, "пустой ответ"},
		{&topup.NetworkError{Err: http.ErrServerClosed}, "Пополнение: нет связи с QIWI"},
		{&topup.DecodeError{Err: http.ErrBodyNotAllowed}, "не удалось прочитать"},
		{answer, "кодом 215 — счёт с таким bill_id уже есть (Bill exists)"},
		{&pull.AuthError{ErrorResponse: &pull.ErrorResponse{Code: pull.CodeAuthFailed}}, "не принял данные магазина — ошибка авторизации"},
		{&pull.RateLimitError{ErrorResponse: answer, RetryAfter: 3 * time.Minute}, "ещё 3 мин"},
		{pull.ErrDecode, "не удалось прочитать"},
		{pull.ErrInvalid, "не прошёл проверку"},
		{must(pull.NormalizeUser("12")), "запрос не прошёл проверку до отправки: получатель — телефон в международном формате, а не «+12»"},
		{pull.CheckRefundID("!"), "refund_id — от 1 до 9 символов [0-9A-Za-z], а не «!»"},
	}
	for _, c := range cases {
		english(t, c.err.Error(), Error(nil, c.err), c.err.Error())
		got := Error(ru, c.err)
		russian(t, c.err.Error(), got)
		if !strings.Contains(got, c.ru) {
			t.Errorf("%v: Russian %q, want …%q…", c.err, got, c.ru)
		}
	}
	for p := range topUpProblemIDs {
		e := &topup.ProblemError{Problem: p, Got: "x", N: 1024, Err: http.ErrMissingFile}
		english(t, string(p), Error(nil, e), e.Error())
		russian(t, string(p), Error(ru, e))
	}
	if _, err := topup.NewClient("0"); Error(ru, err) != "Пополнение: номер терминала «0» должен быть целым положительным числом" {
		t.Errorf("terminal 0: %q", Error(ru, err))
	}
	for check := range pullCheckIDs {
		e := &pull.InvalidError{Check: check, Got: "x"}
		english(t, string(check), Error(nil, e), e.Error())
		russian(t, string(check), Error(ru, e))
	}
}

// TestNotifyRefusals: a refused notification reads as its Reason in
// English and in Russian otherwise, its cause worded too.
func TestNotifyRefusals(t *testing.T) {
	for why := range notifyIDs {
		r := &notify.Refusal{Why: why, Got: `"x"`, Want: notify.WebhookContentType, Err: qiwiapi.ErrBadSignature}
		english(t, string(why), Error(nil, r), r.Error())
		russian(t, string(why), Error(ru, r))
	}
	n := notify.Notice{Refusal: &notify.Refusal{Why: notify.WhySignature, Err: fmt.Errorf("%w: signFields %q does not cover sum", qiwiapi.ErrNoSignature, "txnId")}}
	if got := Error(ru, n.Err()); got != "подпись не прошла проверку: в уведомлении нет hash или signFields" {
		t.Errorf("Russian %q", got)
	}
	if got := Error(nil, n.Err()); got != n.Refusal.Error() || !strings.HasPrefix(got, "signature check failed: webhook: the notification carries no hash") {
		t.Errorf("English %q", got)
	}
	if (notify.Notice{}).Err() != nil {
		t.Error("an accepted notice has a refusal")
	}
}

// TestTopUpNotes: every note the top-up algorithm writes reads as its Note
// in English and in Russian otherwise; an old state (no data) as saved.
func TestTopUpNotes(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	p := topup.DefaultPolicy()
	start, _ := topup.Start(topup.Topup{Number: "1"}, now)
	sent := start
	sent.Sent, sent.Phase = true, topup.PhaseUnknown
	reqErr := func(c topup.RequestCode, fatal bool, msg string) error {
		return &topup.RequestError{RequestResult: topup.RequestResult{Code: c, Fatal: fatal, Message: msg}}
	}
	pay := func(st topup.Status, r topup.ResultCode, final, fatal bool) topup.Event {
		return topup.Event{Kind: topup.ActPay, Pay: &topup.PayResult{Payment: topup.Payment{Status: st, TxnID: "9", Number: "1", Result: r, Final: final, Fatal: fatal}}}
	}
	cases := []struct {
		from topup.State
		ev   topup.Event
	}{
		{start, topup.Event{Kind: topup.ActCheckDeposit, Deposit: &topup.DepositCheck{Possible: true}}},
		{start, topup.Event{Kind: topup.ActCheckDeposit, Deposit: &topup.DepositCheck{Result: topup.RequestResult{Code: 204, Fatal: true}}}},
		{start, topup.Event{Kind: topup.ActCheckDeposit, Deposit: &topup.DepositCheck{}}},
		{start, topup.Event{Kind: topup.ActCheckDeposit, Err: reqErr(topup.RequestIPBlocked, true, "")}},
		{start, topup.Event{Kind: topup.ActCheckDeposit, Err: reqErr(topup.RequestBusy, false, "busy now")}},
		{sent, topup.Event{Kind: topup.ActPay, Err: &topup.NetworkError{Err: http.ErrServerClosed}}},
		{sent, topup.Event{Kind: topup.ActPay, Err: &topup.HTTPError{StatusCode: 503}}},
		{sent, topup.Event{Kind: topup.ActPay, Err: &topup.HTTPError{StatusCode: 200}}},
		{sent, topup.Event{Kind: topup.ActPay, Err: &topup.DecodeError{Err: http.ErrBodyNotAllowed}}},
		{sent, topup.Event{Kind: topup.ActPay, Err: &topup.ProblemError{Problem: topup.ProblemAccount, Got: "12"}}},
		{sent, topup.Event{Kind: topup.ActPay, Err: fmt.Errorf("topup: %w", context.DeadlineExceeded)}},
		{sent, topup.Event{Kind: topup.ActPay, Err: http.ErrAbortHandler}},
		{sent, topup.Event{Kind: topup.ActPay}},
		{sent, pay(topup.StatusSuccess, topup.ResultOK, true, false)},
		{sent, pay(topup.StatusDeclined, topup.ResultAmountTooLarge, true, false)},
		{sent, pay(topup.StatusNotRegistered, topup.ResultAgentNoMoney, false, true)},
		{sent, pay(topup.StatusAccepted, topup.ResultOK, false, false)},
		{sent, topup.Event{Kind: topup.ActStatus, Status: &topup.StatusResult{}}},
	}
	for _, c := range cases {
		s, _ := topup.Next(c.from, c.ev, now, p)
		if s.Said == nil {
			t.Errorf("%q: no data", s.Note)
			continue
		}
		english(t, s.Note, TopUpNote(nil, s), s.Note)
		russian(t, s.Note, TopUpNote(ru, s))
	}
	old := topup.State{Note: "top-up possible"}
	if got := TopUpNote(ru, old); got != old.Note {
		t.Errorf("a state saved before the data: %q", got)
	}
}
