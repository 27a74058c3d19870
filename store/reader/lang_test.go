package reader

import (
	"testing"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi/budget"
	"qiwidash/store"
)

// The status line reads in the reader's language, with Russian plurals;
// in English as it always did.
func TestStatusLineInRussian(t *testing.T) {
	synced := time.Date(2026, 12, 1, 9, 32, 0, 0, time.UTC)
	cases := []struct {
		s      Status
		en, ru string
	}{
		{Status{Known: true, Sync: store.SyncStatus{LastSync: synced}, Busy: true, Budget: &budget.Status{Left: 87}},
			"from cache, last synced at 2026-12-01 09:32 · syncing… · 87 requests left",
			"из кэша, синхронизировано 2026-12-01 09:32 · синхронизация… · осталось 87 запросов"},
		{Status{Known: true, Sync: store.SyncStatus{LastError: "dial tcp: refused"}, Budget: &budget.Status{Left: 1}},
			"nothing cached yet (offline: dial tcp: refused) · 1 requests left",
			"в кэше пока ничего нет (нет связи: dial tcp: refused) · остался 1 запрос"},
		{Status{Budget: &budget.Status{Left: 3}}, "3 requests left", "осталось 3 запроса"},
	}
	ru := i18n.New(i18n.RU)
	for _, c := range cases {
		if got := c.s.Line(nil, time.UTC); got != c.en {
			t.Errorf("English %q, want %q", got, c.en)
		}
		if got := c.s.Line(ru, time.UTC); got != c.ru {
			t.Errorf("Russian %q, want %q", got, c.ru)
		}
	}
	if got := ru.Error(errNoAPI); got != "подключение к QIWI не настроено" {
		t.Errorf("no API: %q", got)
	}
}
