package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/notify"
)

// Verdicts and status words read in the reader's language; the sender's
// reason and QIWI's status stay as they came.
func TestWordsInRussian(t *testing.T) {
	ru := i18n.New(i18n.RU)
	for _, c := range []struct {
		n      notify.Notice
		en, ru string
	}{
		{notify.Notice{Outcome: notify.Accepted}, "verified", "проверено"},
		{notify.Notice{Outcome: notify.Duplicate}, "verified, repeat ignored", "проверено, повтор пропущен"},
		{notify.Notice{Outcome: notify.Rejected, Reason: "bad hash"}, "rejected: bad hash", "отклонено: bad hash"},
	} {
		if got := Verdict(nil, c.n); got != c.en {
			t.Errorf("English %q, want %q", got, c.en)
		}
		if got := Verdict(ru, c.n); got != c.ru {
			t.Errorf("Russian %q, want %q", got, c.ru)
		}
	}
	e := Event{Notice: notify.Notice{Wallet: &notify.Event{}}, Confirmation: Contradicted, APIStatus: "WAITING"}
	if got := StatusWords(nil, e); got != "signature ok, QIWI says WAITING" {
		t.Errorf("English %q", got)
	}
	if got := StatusWords(ru, e); got != "подпись верна, QIWI сообщает WAITING" {
		t.Errorf("Russian %q", got)
	}
}

// A profile's status follows the shared Tr as it is switched; no hook is
// errors.Is ErrNoActiveHook and reads in Russian.
func TestProfileStatusInRussian(t *testing.T) {
	tr := i18n.New(i18n.RU)
	pr := NewProfile(&fakeHooks{}, false, "", "")
	pr.Tr = tr
	err := pr.Learn(context.Background())
	if !errors.Is(err, ErrNoActiveHook) || tr.Error(err) != "у кошелька нет активного вебхука" {
		t.Fatalf("learn: %v (%q)", err, tr.Error(err))
	}
	got := pr.Status()
	if !strings.HasPrefix(got, "У кошелька нет активного вебхука: зарегистрируйте") || !strings.Contains(got, "В этом профиле нет данных магазина") {
		t.Errorf("Russian status:\n%s", got)
	}
	tr.Set(i18n.EN)
	if got := pr.Status(); !strings.HasPrefix(got, "No wallet webhook is active: register your public URL") {
		t.Errorf("after the switch:\n%s", got)
	}
}
