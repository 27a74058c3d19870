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
	_, signed, err := SignedString(doc)
	if err != nil {
		t.Fatal(err)
	}
	if signed != "643|1|IN|+79161112233|13353941550" {
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

func TestParseNotification(t *testing.T) {
	doc, _ := os.ReadFile("testdata/webhook_doc_example.json")
	n, err := ParseNotification(doc)
	if err != nil {
		t.Fatal(err)
	}
	if n.Payment.TxnID != "13353941550" || n.Payment.ErrorCode != 0 || n.Payment.Sum.Minor != 100 || n.Payment.Type != TypeIn || n.Test {
		t.Fatalf("decoded %+v", n.Payment)
	}
	// The docs print commission as Python's None: not JSON, refused in words.
	if _, err := ParseNotification([]byte(strings.Replace(string(doc), `"commission":{"amount":0,"currency":643}`, `"commission": None`, 1))); err == nil {
		t.Fatal("Python None accepted as JSON")
	}
}

func FuzzVerifySignature(f *testing.F) {
	doc, _ := os.ReadFile("testdata/webhook_doc_example.json")
	f.Add(doc)
	f.Add([]byte(`{"payment":{"signFields":"a.b.c","a":{"b":{"c":"x"}}},"hash":"zz"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = VerifySignature(body, docHookKey) // must not panic
		_, _ = ParseNotification(body)
	})
}
