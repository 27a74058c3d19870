package qiwiapi

import (
	"errors"
	"os"
	"strings"
	"testing"
)

const docHookKey = "JcyVhjHCvHQwufz+IHXolyqHgEc5MoayBfParl6Guoc="

func TestSignVector(t *testing.T) {
	got, err := Sign("643|1|IN|+79161112233|13353941550", docHookKey)
	if err != nil {
		t.Fatal(err)
	}
	if want := "f05c4e7bdf00620205d47696d77f924bfd3ba4d02b0398ac8a626e737dc27243"; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerifySignature(t *testing.T) {
	doc, err := os.ReadFile("testdata/webhook_doc_example.json")
	if err != nil {
		t.Fatal(err)
	}
	w, err := ParseWebhook(doc)
	if err != nil {
		t.Fatal(err)
	}
	sf, signed, err := w.Signed()
	if err != nil {
		t.Fatal(err)
	}
	if sf != SignedFields || signed != "643|1|IN|+79161112233|13353941550" {
		t.Fatalf("signed string = %q", signed)
	}
	// The docs' example carries a hash that matches nothing: it must be refused.
	if err := VerifySignature(doc, docHookKey); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("doc example verified: %v", err)
	}
	good := strings.Replace(string(doc), "76687ffe5c516c793faa46fafba0994e7ca7a6d735966e0e0c0b65eaa43bdca0", "f05c4e7bdf00620205d47696d77f924bfd3ba4d02b0398ac8a626e737dc27243", 1)
	if err := VerifySignature([]byte(good), docHookKey); err != nil {
		t.Fatalf("correct hash refused: %v", err)
	}
	tampered := strings.Replace(good, `"amount":1,"currency":643},"commission"`, `"amount":1000,"currency":643},"commission"`, 1)
	if err := VerifySignature([]byte(tampered), docHookKey); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered amount verified: %v", err)
	}
	// 1.00 is another literal than 1: the value is signed as written.
	reformatted := strings.Replace(good, `"sum":{"amount":1,`, `"sum":{"amount":1.00,`, 1)
	if err := VerifySignature([]byte(reformatted), docHookKey); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("re-formatted amount verified: %v", err)
	}
	if err := VerifySignature([]byte(good), "bm90IHRoZSBrZXk="); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong key verified: %v", err)
	}
	for _, bad := range []string{"", "{", `{"payment":{}}`, `{"payment":{"signFields":"nope"},"hash":"00"}`, `{"payment":{"signFields":"a.b","a":1},"hash":"00"}`} {
		if err := VerifySignature([]byte(bad), docHookKey); err == nil {
			t.Errorf("VerifySignature(%q) = nil", bad)
		}
	}
}

func TestParseWebhook(t *testing.T) {
	doc, _ := os.ReadFile("testdata/webhook_doc_example.json")
	w, err := ParseWebhook(doc)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]WebhookValue{
		"payment.txnId":          {JSONString, "13353941550"},
		"payment.errorCode":      {JSONString, "0"},
		"payment.sum.amount":     {JSONNumber, "1"},
		"payment.personId":       {JSONNumber, "78000008000"},
		"payment.commission":     {JSONObject, ""},
		"test":                   {JSONBool, "false"},
		"payment.sum.amount.x":   {},
		"payment.nothing":        {},
		"payment.Sum.amount":     {},
		"payment.signFields.sub": {},
	} {
		got, ok := w.Value(path)
		if got != want || ok != (want != WebhookValue{}) {
			t.Errorf("Value(%s) = %+v %v, want %+v", path, got, ok, want)
		}
	}
	// The docs print commission as Python's None: not JSON, refused in words.
	if _, err := ParseWebhook([]byte(strings.Replace(string(doc), `"commission":{"amount":0,"currency":643}`, `"commission": None`, 1))); err == nil {
		t.Fatal("Python None accepted as JSON")
	}
	for _, bad := range []string{"", "[]", `"x"`, "{} {}", `{"a":1}x`, `{"a":[1,{"b":1,"B":2}]}`} {
		if _, err := ParseWebhook([]byte(bad)); err == nil {
			t.Errorf("ParseWebhook(%q) = nil error", bad)
		}
	}
}

// Every signed field given a second time in another letter case (the
// forgery of issue 10: encoding/json reads "Sum" as "sum", the last one
// winning, while the signature read the first) is refused as ambiguous,
// as is a plain repeat, at every depth.
func TestParseWebhookRefusesCaseDuplicates(t *testing.T) {
	doc, _ := os.ReadFile("testdata/webhook_doc_example.json")
	good := string(doc)
	forgeries := map[string][2]string{
		"Sum before sum":        {`"sum":{`, `"Sum":{"amount":99999.99,"currency":643},"sum":{`},
		"Sum after commission":  {`"commission":{`, `"SUM":{"amount":99999.99,"currency":643},"commission":{`},
		"TXNID":                 {`"txnId":"13353941550"`, `"txnId":"13353941550","TXNID":"1"`},
		"Type":                  {`"type":"IN"`, `"type":"IN","Type":"OUT"`},
		"ACCOUNT":               {`"account":"+79161112233"`, `"account":"+79161112233","ACCOUNT":"+70000000000"`},
		"Amount inside sum":     {`"sum":{"amount":1,`, `"sum":{"amount":1,"Amount":99999,`},
		"Currency inside sum":   {`"currency":643},"commission"`, `"currency":643,"CURRENCY":840},"commission"`},
		"SignFields":            {`"signFields":`, `"SignFields":"comment","signFields":`},
		"Payment at the top":    {`"payment":{`, `"Payment":{"txnId":"1"},"payment":{`},
		"Hash at the top":       {`"hash":`, `"HASH":"00","hash":`},
		"long s folds like s":   {`"sum":{`, `"\u017fum":{"amount":5,"currency":643},"sum":{`},
		"kelvin folds like k":   {`"hookId"`, `"hoo\u212aId":"x","hookId"`},
		"plain repeat of sum":   {`"commission":{`, `"sum":{"amount":5,"currency":643},"commission":{`},
		"plain repeat of txnId": {`"date"`, `"txnId":"1","date"`},
	}
	for name, f := range forgeries {
		body := strings.Replace(good, f[0], f[1], 1)
		if body == good {
			t.Fatalf("%s: the forgery did not apply", name)
		}
		if _, err := ParseWebhook([]byte(body)); !errors.Is(err, ErrAmbiguous) {
			t.Errorf("%s: ParseWebhook = %v, want ErrAmbiguous", name, err)
		}
		if err := VerifySignature([]byte(body), docHookKey); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

// signFields must begin with the documented list: a body that signs only
// a comment carrying "643|1|IN|+79161112233|13353941550" keeps the hash
// valid while the amount changes, and fields moved around under the same
// hash (currency and amount swapped) would give another sum.
func TestSignedFieldsAreFixed(t *testing.T) {
	doc, _ := os.ReadFile("testdata/webhook_doc_example.json")
	good := strings.Replace(string(doc), "76687ffe5c516c793faa46fafba0994e7ca7a6d735966e0e0c0b65eaa43bdca0", "f05c4e7bdf00620205d47696d77f924bfd3ba4d02b0398ac8a626e737dc27243", 1)
	if err := VerifySignature([]byte(good), docHookKey); err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(good, `"comment":""`, `"comment":"643|1|IN|+79161112233|13353941550"`, 1)
	forged = strings.Replace(forged, `"sum":{"amount":1,`, `"sum":{"amount":99999,`, 1)
	forged = strings.Replace(forged, `"signFields":"sum.currency,sum.amount,type,account,txnId"`, `"signFields":"comment"`, 1)
	if err := VerifySignature([]byte(forged), docHookKey); !errors.Is(err, ErrNoSignature) {
		t.Errorf("comment-only signFields: %v", err)
	}
	swapped := strings.Replace(good, `"signFields":"sum.currency,sum.amount,type,account,txnId"`, `"signFields":"sum.amount,sum.currency,type,account,txnId"`, 1)
	swapped = strings.Replace(swapped, `"sum":{"amount":1,"currency":643}`, `"sum":{"amount":643,"currency":1}`, 1)
	if err := VerifySignature([]byte(swapped), docHookKey); !errors.Is(err, ErrNoSignature) {
		t.Errorf("reordered signFields: %v", err)
	}
	piped := strings.Replace(good, `"signFields":"sum.currency,sum.amount,type,account,txnId"`, `"signFields":"sum.currency,sum.amount,type,account,txnId,comment"`, 1)
	piped = strings.Replace(piped, `"comment":""`, `"comment":"a|b"`, 1)
	if err := VerifySignature([]byte(piped), docHookKey); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("| inside a signed value: %v", err)
	}
}

func FuzzVerifySignature(f *testing.F) {
	doc, _ := os.ReadFile("testdata/webhook_doc_example.json")
	f.Add(doc)
	f.Add([]byte(`{"payment":{"signFields":"a.b.c","a":{"b":{"c":"x"}}},"hash":"zz"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = VerifySignature(body, docHookKey) // must not panic
		if w, err := ParseWebhook(body); err == nil {
			_, _, _ = w.Signed()
			_ = w.Hash()
		}
	})
}
