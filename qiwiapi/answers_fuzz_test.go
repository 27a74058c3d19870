package qiwiapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Seed corpora: testdata/fuzz/FuzzAnswers, testdata/fuzz/FuzzErrorBody,
// testdata/fuzz/FuzzAmountText (plus the f.Add seeds below).

const fuzzToken = "fuzz-token-0123456789abcdef0123"

// cannedTransport answers every request with one status and body, in memory.
type cannedTransport struct {
	status int
	body   []byte
	header http.Header
}

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := c.header.Clone()
	if h == nil {
		h = http.Header{"Content-Type": {"application/json"}}
	}
	return &http.Response{StatusCode: c.status, Status: fmt.Sprint(c.status), Header: h, Request: r,
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body))}, nil
}

// openGate admits every request at once (no budget in a fuzz loop).
type openGate struct{}

func (openGate) Admit(context.Context) (func(int, time.Duration), error) {
	return func(int, time.Duration) {}, nil
}

func cannedClient(t *testing.T, status int, body []byte, header http.Header) *Client {
	c, err := NewClient(fuzzToken, WithHTTPClient(&http.Client{Transport: cannedTransport{status, body, header}}),
		WithRetry(RetryPolicy{}), WithGate(openGate{}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// everyRead calls every read of the Wallet API once and renders what comes
// back (the String and Format methods of each answer type run too). It
// returns the errors.
func everyRead(c *Client) []error {
	ctx := context.Background()
	var errs []error
	keep := func(v any, err error) {
		_ = fmt.Sprintf("%v %+v", v, v)
		if err != nil {
			errs = append(errs, err)
		}
	}
	accounts, _, err := c.Balances.List(ctx, "79991234567")
	for _, a := range accounts {
		if a.Balance != nil {
			_ = a.Balance.Format()
		}
	}
	keep(accounts, err)
	offers, _, err := c.Balances.Offers(ctx, "79991234567")
	keep(offers, err)
	page, _, err := c.History.List(ctx, "79991234567", HistoryOptions{Rows: 50})
	if page != nil {
		for _, tx := range page.Transactions {
			_, _, _ = tx.Sum.Format(), tx.ErrorText(), tx.Signed()
		}
	}
	keep(page, err)
	totals, _, err := c.History.Totals(ctx, "79991234567", TotalsOptions{Start: time.Unix(1e9, 0), End: time.Unix(1e9+86400, 0)})
	keep(totals, err)
	tx, _, err := c.History.Transaction(ctx, 1, TypeIn)
	if tx != nil {
		_, _ = tx.ErrorText(), tx.Signed()
	}
	keep(tx, err)
	id, _, err := c.Identification.Get(ctx, "79991234567")
	keep(id, err)
	inv, _, err := c.Invoices.Unpaid(ctx, InvoiceOptions{Rows: 50})
	keep(inv, err)
	limits, _, err := c.Limits.Actual(ctx, "79991234567", AllLimitTypes...)
	keep(limits, err)
	n, _, err := c.Limits.P2PPaymentCount(ctx, "79991234567")
	keep(n, err)
	com, _, err := c.Payments.Commission(ctx, 99, "79991234567", Amount{Minor: 100, Currency: RUB})
	keep(com, err)
	rates, _, err := c.Payments.CrossRates(ctx)
	keep(rates, err)
	items, _, err := c.Payments.SearchProviders(ctx, "mts")
	keep(items, err)
	ops, _, err := c.Payments.MobileOperators(ctx, "79991234567")
	keep(ops, err)
	prof, _, err := c.Profile.Current(ctx, ProfileOptions{})
	if prof != nil {
		_ = prof.Wallet()
	}
	keep(prof, err)
	rs, _, err := c.Profile.Restrictions(ctx, "79991234567")
	keep(rs, err)
	nick, _, err := c.Profile.Nickname(ctx, "79991234567")
	keep(nick, err)
	hook, _, err := c.Webhooks.Active(ctx)
	keep(hook, err)
	key, _, err := c.Webhooks.Key(ctx, "h")
	keep(key != "", err)
	return errs
}

// FuzzAnswers sends any body as a 200 answer to every read of the Wallet
// API: nothing panics, and no error quotes the token.
func FuzzAnswers(f *testing.F) {
	for _, name := range []string{"balances.json", "history.json", "totals.json", "profile.json", "limits.json", "invoices.json",
		"commission.json", "crossrates.json", "hook.json", "payment_info.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"accounts":[{"balance":{"amount":"1e400","currency":"x"}}],"data":[{"sum":null,"date":"x"}],"result":[{"rate":"nan"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, err := range everyRead(cannedClient(t, http.StatusOK, body, nil)) {
			if strings.Contains(err.Error(), fuzzToken) {
				t.Fatalf("an error quotes the token: %v", err)
			}
		}
	})
}

// FuzzErrorBody sends any body with an error status: every read fails
// with a *Error (or a decode error) whose text names no token and which
// says something in words.
func FuzzErrorBody(f *testing.F) {
	f.Add(uint16(400), []byte(`{"serviceName":"payment-history","errorCode":"validation.error","userMessage":"Bad rows","description":"rows","traceId":"t"}`))
	f.Add(uint16(401), []byte(``))
	f.Add(uint16(423), []byte(`{"errorCode":"QWPRC-220","message":"x"}`))
	f.Add(uint16(502), []byte(`<html><body>Bad Gateway</body></html>`))
	f.Add(uint16(404), []byte(`{"code":{"value":"1"},"message":null}`))
	f.Add(uint16(400), []byte(`{"code":"not.enough.funds","errorCode":12}`))
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		code := 400 + int(status)%200 // 400..599
		hdr := http.Header{"Content-Type": {"application/json"}, "Retry-After": {string(body[:min(len(body), 6)])}}
		errs := everyRead(cannedClient(t, code, body, hdr))
		if len(errs) == 0 {
			t.Fatal("an error status was taken as an answer")
		}
		for _, err := range errs {
			msg := err.Error()
			if strings.Contains(msg, fuzzToken) {
				t.Fatalf("an error quotes the token: %v", err)
			}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				if apiErr.StatusCode != code || apiErr.Message() == "" {
					t.Fatalf("HTTP %d read as %+v (%q)", code, apiErr, apiErr.Message())
				}
				_, _ = apiErr.PaymentCode()
				_ = errors.Is(err, ErrServer) || errors.Is(err, ErrRateLimited) || errors.Is(err, ErrValidation)
			}
		}
	})
}

// FuzzAmountText drives every amount reader with one literal: exact and
// floored parsing, the {"amount","currency"} JSON object (number or
// string), Decimal and ParseCurrency. Whatever is read prints back to the
// same value; the floor agrees with the exact value wherever that exists,
// and refuses only what the exact reader refuses for another reason than
// precision.
func FuzzAmountText(f *testing.F) {
	for _, s := range []string{"0.1", "8.74", "-70", "1e2", "99999.00", "1.005", "-0.001", "9223372036854775807", "92233720368547758.07",
		"1e-30", "1e30", "+5", ".5", "5.", "0x10", "١٢", "NaN", "Infinity", "\"3.50\"", "643", "RUB", "usd", "0", ""} {
		f.Add(s, uint16(643))
	}
	f.Add("100", uint16(392)) // JPY: no minor unit
	f.Fuzz(func(t *testing.T, s string, code uint16) {
		cur := Currency(int(code) % 1000)
		exact, errExact := ParseAmount(s, cur)
		floor, errFloor := ParseAmountFloor(s, cur)
		if errExact == nil {
			back, err := ParseAmount(exact.Decimal(), cur)
			if err != nil || back != exact {
				t.Fatalf("%q -> %q -> %+v (%v)", s, exact.Decimal(), back, err)
			}
			if errFloor != nil || floor != exact {
				t.Fatalf("%q: exact %+v, floor %+v (%v)", s, exact, floor, errFloor)
			}
			var js Amount
			if err := js.UnmarshalJSON(must(exact.MarshalJSON())); err != nil || js != exact {
				t.Fatalf("%q: JSON round trip %+v (%v)", s, js, err)
			}
			_, _ = exact.Format(), exact.Signed()
		}
		if errFloor == nil && errExact != nil && !errors.Is(errExact, ErrTooPrecise) {
			t.Fatalf("%q: floored to %+v but refused exactly for %v", s, floor, errExact)
		}
		for _, obj := range []string{`{"amount":` + s + `,"currency":` + fmt.Sprint(int(cur)) + `}`, `{"amount":"` + s + `","currency":"` + s + `"}`} {
			var a Amount
			if a.UnmarshalJSON([]byte(obj)) == nil {
				_ = a.Format()
			}
		}
		var d Decimal
		_ = d.UnmarshalJSON([]byte(s))
		if c, err := ParseCurrency(s); err == nil {
			_, _, _ = c.Code(), c.Symbol(), c.Digits()
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
