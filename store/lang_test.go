package store

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
)

// The keyring's failure and its help read in the reader's language; in
// English as they always did, and errors.Is still finds ErrNoKeyring and
// the library's error.
func TestKeyringErrorInRussianAndEnglish(t *testing.T) {
	lib := errors.New("no secret service")
	err := &KeyringError{Op: "save", Err: lib}
	if want := "keyring save failed: no secret service\n" + KeyringHelp(nil); err.Error() != want {
		t.Errorf("English:\n%s\nwant\n%s", err.Error(), want)
	}
	if !strings.HasPrefix(KeyringHelp(nil), "qiwidash keeps secrets only in the OS keyring, and none is reachable.\nFix it") ||
		!strings.HasSuffix(KeyringHelp(nil), "    They are used for that run and never saved.") {
		t.Errorf("help %q", KeyringHelp(nil))
	}
	if !errors.Is(err, ErrNoKeyring) || !errors.Is(err, lib) {
		t.Error("errors.Is lost ErrNoKeyring or the library's error")
	}
	ru := i18n.New(i18n.RU)
	got := ru.Error(err)
	if !strings.HasPrefix(got, "не удалось сохранить в хранилище ключей: no secret service\nqiwidash хранит секреты только в хранилище ключей ОС") ||
		!strings.Contains(got, "QIWI_TOKEN (кошелёк)") {
		t.Errorf("Russian:\n%s", got)
	}
	if help := KeyringHelp(ru); !strings.HasPrefix(help, "qiwidash хранит секреты") {
		t.Errorf("Russian help %q", help)
	}
}

// A refused login's reason keeps QIWI's words and gives the advice in the
// reader's language; a bad answer and an unknown profile read in Russian.
func TestLoginAndProfileErrorsInRussian(t *testing.T) {
	ru := i18n.New(i18n.RU)
	le := loginRefused("wallet", &qiwiapi.Error{StatusCode: http.StatusUnauthorized}, Credentials{Token: "tok-secret-1234567890"})
	if !strings.Contains(le.Reason, "(HTTP 401: the token is wrong, expired or revoked") || le.Reason != le.Why(nil) {
		t.Errorf("English reason %q", le.Reason)
	}
	if why := le.Why(ru); !strings.Contains(why, "(HTTP 401: токен неверный, истёк или отозван") {
		t.Errorf("Russian reason %q", why)
	}
	bad := &BadAnswerError{Mode: "agent", Status: 502}
	if bad.Error() != "QIWI did not answer properly (HTTP 502) when checking the agent credentials; nothing was saved" {
		t.Errorf("English %q", bad.Error())
	}
	if got := ru.Error(bad); got != "QIWI ответил не так, как должен (HTTP 502), при проверке данных агента; ничего не сохранено" {
		t.Errorf("Russian %q", got)
	}

	st := openTest(t)
	_, err := st.Profile(context.Background(), "nobody")
	if !errors.Is(err, ErrNoProfile) || err.Error() != `no such profile: "nobody" (run: qiwidash login --profile nobody)` {
		t.Errorf("English: %v", err)
	}
	if got := ru.Error(err); got != `нет такого профиля: "nobody" (выполните: qiwidash login --profile nobody)` {
		t.Errorf("Russian %q", got)
	}
	if err := (Credentials{AgentID: "1"}).Check(); err == nil || ru.Error(err) != "для агента нужны номер терминала и пароль (или файл ключа подписи)" {
		t.Errorf("half an agent login: %v", err)
	}
}

// A client id journaled twice is refused with errors.Is ErrDuplicate, in
// the reader's language.
func TestJournalDuplicateInRussian(t *testing.T) {
	keyring.MockInit()
	st := openTest(t)
	ctx := context.Background()
	in := Intent{Kind: KindWalletPayment, ClientID: "42", Account: "79991112233", Recipient: "+79990000000",
		Amount: qiwiapi.Amount{Minor: 100_00, Currency: qiwiapi.RUB}, Request: []byte(`{}`)}
	if _, err := st.Journal().Begin(ctx, in); err != nil {
		t.Fatal(err)
	}
	in.Amount.Minor = 200_00
	_, err := st.Journal().BeginOrResume(ctx, in)
	if !errors.Is(err, ErrDuplicate) || err.Error() != "this client id is already in the journal: wallet.payment 42 is open for 100.00 to +79990000000" {
		t.Fatalf("English: %v", err)
	}
	if got := i18n.New(i18n.RU).Error(err); got != "этот клиентский id уже есть в журнале: wallet.payment 42 ещё не завершён: 100.00 получателю +79990000000" {
		t.Errorf("Russian %q", got)
	}
}

// A store file that is not qiwidash's is refused in the reader's language,
// errors.Is ErrCorrupt, in English as before.
func TestOpenRefusalInRussian(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, _ := sql.Open("sqlite", path)
	if _, err := db.Exec("CREATE TABLE notes (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrCorrupt) || err.Error() != "the store file is damaged or not a qiwidash store: "+path+" holds tables that are not qiwidash's (the file was not changed)" {
		t.Fatalf("English: %v", err)
	}
	if got := i18n.New(i18n.RU).Error(err); got != "файл хранилища повреждён или это не хранилище qiwidash: в "+path+" есть чужие таблицы (файл не изменён)" {
		t.Errorf("Russian %q", got)
	}
}
