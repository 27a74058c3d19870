package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi/sandbox/demo"
	"qiwidash/store"
)

// pipedLogin runs `qiwidash login` the way the binary does (the command
// line through cobra), its stdin a pipe holding input (as `printf ... | qiwidash login` gives it).
func pipedLogin(t *testing.T, input string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	r, w, perr := os.Pipe()
	if perr != nil {
		t.Fatal(perr)
	}
	defer r.Close()
	if _, perr := w.WriteString(input); perr != nil {
		t.Fatal(perr)
	}
	w.Close()
	var out, errOut bytes.Buffer
	err = newApp(r, &out, &errOut).run(append([]string{"login"}, args...))
	return out.String(), errOut.String(), err
}

func openDefaultStore(t *testing.T) *store.Store {
	t.Helper()
	path, err := store.DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestLoginPipedLineByLine: every answer, secret or not, is one line of
// the pipe (issue 10: the agent password was lost, read ahead by the
// buffered reader of the terminal id).
func TestLoginPipedLineByLine(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	sb, err := demo.Start("127.0.0.1:0", demo.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	cr := sb.Creds
	if cr.AgentTerminal != "770001" || cr.AgentPassword != "sandbox-agent-pass" {
		t.Fatalf("the demo's agent is %s/%s", cr.AgentTerminal, cr.AgentPassword)
	}
	out, errOut, err := pipedLogin(t, "\n770001\nsandbox-agent-pass\n\n", "--profile", "p1", "--agent-url", sb.URL)
	if err != nil || !strings.Contains(out, `Profile "p1" saved (modes: agent`) {
		t.Fatalf("agent login: %v\n%s%s", err, out, errOut)
	}
	// All three kinds in one go: token, agent, merchant.
	input := cr.WalletToken + "\n" + cr.AgentTerminal + "\n" + cr.AgentPassword + "\n" + cr.MerchantAPIID + "\n" + cr.MerchantPassword + "\n" + cr.MerchantShopID + "\n"
	out, errOut, err = pipedLogin(t, input, "--profile", "p2", "--base-url", sb.URL, "--agent-url", sb.URL, "--merchant-url", sb.URL)
	if err != nil || !strings.Contains(out, `Profile "p2" saved (modes: wallet+agent+merchant`) {
		t.Fatalf("full login: %v\n%s%s", err, out, errOut)
	}
	st := openDefaultStore(t)
	sess, err := st.Unlock(context.Background(), "p2")
	if err != nil {
		t.Fatal(err)
	}
	if c := sess.Credentials; c.AgentPassword != cr.AgentPassword || c.APIPassword != cr.MerchantPassword || c.ShopID != cr.MerchantShopID || c.Token != cr.WalletToken {
		t.Errorf("saved %v", c)
	}
	// A wrong merchant password is refused by the API itself.
	_, _, err = pipedLogin(t, "\n\n"+cr.MerchantAPIID+"\ntotally-wrong\n"+cr.MerchantShopID+"\n", "--profile", "p3", "--merchant-url", sb.URL)
	var le *store.LoginError
	if !errors.As(err, &le) || le.Mode != "merchant" {
		t.Errorf("wrong merchant password: %v", err)
	}
}

// TestLoginBadAnswerSavesNothing: an answer that is not the API's (a
// proxy's 502 HTML page, a captive portal's 200 HTML page) neither accepts
// nor refuses credentials: it is reported in words and nothing is saved,
// for wallet, agent and merchant credentials (issue 10: a merchant login
// against a 502 page was saved as valid).
func TestLoginBadAnswerSavesNothing(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	for _, status := range []int{http.StatusBadGateway, http.StatusOK} {
		page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			w.Write([]byte("<html><head><title>Bad Gateway</title></head><body><h1>nginx</h1></body></html>"))
		}))
		for kind, input := range map[string]string{
			"wallet":   "0123456789abcdef0123456789abcdef\n\n\n",
			"agent":    "\n770001\nsandbox-agent-pass\n\n",
			"merchant": "\n\n1\ntotally-wrong\n2042\n",
		} {
			name := kind + "-" + strconv.Itoa(status)
			_, _, err := pipedLogin(t, input, "--profile", name, "--base-url", page.URL, "--agent-url", page.URL, "--merchant-url", page.URL)
			var bad *store.BadAnswerError
			want := "QIWI did not answer properly (HTTP " + strconv.Itoa(status) + ") when checking the " + kind + " credentials; nothing was saved"
			if !errors.As(err, &bad) || bad.Status != status || err.Error() != want {
				t.Errorf("%s against HTTP %d HTML: %v, want %q", kind, status, err, want)
			}
			if _, err := openDefaultStore(t).Profile(context.Background(), name); !errors.Is(err, store.ErrNoProfile) {
				t.Errorf("%s against HTTP %d HTML: the profile was saved (%v)", kind, status, err)
			}
		}
		page.Close()
	}
}
