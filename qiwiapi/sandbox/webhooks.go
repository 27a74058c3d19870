package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// hook is a registered webhook (one per wallet, like QIWI).
type hook struct {
	id      string
	url     string
	txnType int // 0 incoming, 1 outgoing, 2 both
	key     string
}

var txnTypeNames = []string{"IN", "OUT", "BOTH"}

type hookJSON struct {
	HookID         string `json:"hookId"`
	HookParameters struct {
		URL string `json:"url"`
	} `json:"hookParameters"`
	HookType string `json:"hookType"`
	TxnType  string `json:"txnType"`
}

func (h *hook) json() hookJSON {
	j := hookJSON{HookID: h.id, HookType: "WEB", TxnType: txnTypeNames[h.txnType]}
	j.HookParameters.URL = h.url
	return j
}

func (s *Server) newKey() string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(s.idRng.IntN(256))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (s *Server) hHookPut(c *call) reply {
	if c.q.Get("hookType") != "1" {
		return s.qerr(c, c.rt.svc, 422, "hook.type.invalid", "Неверный тип вебхука", "hookType must be 1 (WEB)")
	}
	tt := c.q.Get("txnType")
	txnType := strings.Index("012", tt)
	if len(tt) != 1 || txnType < 0 {
		return s.qerr(c, c.rt.svc, 422, "hook.txn.type.invalid", "Неверный тип транзакций", "txnType must be 0, 1 or 2")
	}
	raw := c.q.Get("param")
	if raw == "" {
		return s.bad(c, "param (the webhook URL) is required")
	}
	if len(raw) > 100 {
		// The docs list "webhook URL too long" under 500.
		return s.qerr(c, c.rt.svc, 500, "internal.error", "Внутренняя ошибка сервиса", "webhook URL is longer than 100 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return s.qerr(c, c.rt.svc, 422, "hook.url.invalid", "Неверный адрес вебхука", "Wrong domain/subnet/host in the webhook URL")
	}
	if c.w.hook != nil {
		return s.qerr(c, c.rt.svc, 422, "hook.already.exists", "Вебхук уже зарегистрирован", "An active webhook already exists; delete it first")
	}
	h := &hook{id: uuid(s.idRng), url: raw, txnType: txnType, key: s.newKey()}
	c.w.hook = h
	return jsonReply(200, h.json())
}

// ownHook returns the wallet's hook if its id is {hookId}.
func (s *Server) ownHook(c *call) (*hook, *reply) {
	if h := c.w.hook; h != nil && h.id == c.params[0] {
		return h, nil
	}
	rp := s.notFound(c, "hook.not.found", "Webhook not found")
	return nil, &rp
}

func (s *Server) hHookDelete(c *call) reply {
	if _, rp := s.ownHook(c); rp != nil {
		return *rp
	}
	c.w.hook = nil
	return jsonReply(200, map[string]string{"response": "Hook deleted"})
}

func (s *Server) hHookKey(c *call) reply {
	h, rp := s.ownHook(c)
	if rp != nil {
		return *rp
	}
	return jsonReply(201, map[string]string{"key": h.key})
}

func (s *Server) hHookNewKey(c *call) reply {
	h, rp := s.ownHook(c)
	if rp != nil {
		return *rp
	}
	h.key = s.newKey()
	return jsonReply(201, map[string]string{"key": h.key})
}

func (s *Server) hHookActive(c *call) reply {
	if c.w.hook == nil {
		return s.notFound(c, "hook.not.found", "Active webhook not found")
	}
	return jsonReply(200, c.w.hook.json())
}

func (s *Server) hHookTest(c *call) reply {
	h := c.w.hook
	if h == nil {
		return s.notFound(c, "hook.not.found", "Active webhook not found")
	}
	// A made-up transaction: test pings do not consume real txn ids.
	t := &txn{id: 90_000_000_000 + s.idRng.Int64N(1_000_000_000), w: c.w, date: c.now.Truncate(time.Second), typ: "IN", status: "SUCCESS",
		cur: 643, sum: 1_00, prov: 99, account: "+" + otherWalletNumbers[0], comment: "test"}
	if h.txnType == 1 {
		t.typ = "OUT"
	}
	c.out = append(c.out, s.notification(h, t, true))
	return jsonReply(200, map[string]string{"response": "Webhook sent"})
}

// ---- notifications ----

type hookPaymentJSON struct {
	TxnID      string     `json:"txnId"`
	Date       string     `json:"date"`
	Type       string     `json:"type"`
	Status     string     `json:"status"`
	ErrorCode  string     `json:"errorCode"`
	PersonID   int64      `json:"personId"`
	Account    string     `json:"account"`
	Comment    string     `json:"comment"`
	Provider   int        `json:"provider"`
	Sum        moneyJSON  `json:"sum"`
	Commission *moneyJSON `json:"commission"`
	Total      moneyJSON  `json:"total"`
	SignFields string     `json:"signFields"`
}

type notificationJSON struct {
	MessageID string          `json:"messageId"`
	HookID    string          `json:"hookId"`
	Payment   hookPaymentJSON `json:"payment"`
	Hash      string          `json:"hash"`
	Version   string          `json:"version"`
	Test      bool            `json:"test"`
}

const signFields = "sum.currency,sum.amount,type,account,txnId"

// delivery is a webhook POST to make once the lock is released.
type delivery struct {
	url  string
	body []byte
}

// notify queues a notification of t's current state if t's wallet has a
// hook for its direction.
func (s *Server) notify(t *txn, out *[]delivery) {
	h := t.w.hook
	if h == nil {
		return
	}
	in := t.typ == "IN"
	if (h.txnType == 0 && !in) || (h.txnType == 1 && in) {
		return
	}
	*out = append(*out, s.notification(h, t, false))
}

func (s *Server) notification(h *hook, t *txn, test bool) delivery {
	p := hookPaymentJSON{
		TxnID:      itoa64(t.id),
		Date:       fmtMSK(t.date),
		Type:       t.typ,
		Status:     t.status,
		ErrorCode:  itoa(t.errCode),
		PersonID:   t.w.personID,
		Account:    t.account,
		Comment:    t.comment,
		Provider:   t.prov,
		Sum:        moneyJSON{amt(t.sum), t.cur},
		Total:      moneyJSON{amt(t.total()), t.cur},
		SignFields: signFields,
	}
	if t.comm != 0 || t.status == "SUCCESS" {
		p.Commission = &moneyJSON{amt(t.comm), t.cur}
	}
	// The values exactly as their literals appear in the JSON we send.
	msg := strings.Join([]string{itoa(t.cur), fmtKop(t.sum), t.typ, t.account, p.TxnID}, "|")
	n := notificationJSON{
		MessageID: uuid(s.idRng),
		HookID:    h.id,
		Payment:   p,
		Hash:      signHook(h.key, msg),
		Version:   "1.0.0",
		Test:      test,
	}
	return delivery{url: h.url, body: mustJSON(n)}
}

// signHook is lowercase hex HMAC-SHA256 keyed with the base64-decoded key.
func signHook(key, msg string) string {
	k, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		k = []byte(key)
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// deliver POSTs the queued notifications in goroutines (2 s timeout).
func (s *Server) deliver(out []delivery) {
	if len(out) == 0 {
		return
	}
	s.mu.Lock()
	closed := s.closed
	if !closed {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if closed {
		return
	}
	go func() {
		defer s.wg.Done()
		for _, d := range out {
			req, err := http.NewRequest(http.MethodPost, d.url, bytes.NewReader(d.body))
			if err != nil {
				s.logf("sandbox: webhook %s: %v", d.url, err)
				continue
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			resp, err := s.hc.Do(req)
			if err != nil {
				s.logf("sandbox: webhook %s: %v", d.url, err)
				continue
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				s.logf("sandbox: webhook %s: HTTP %d", d.url, resp.StatusCode)
			}
		}
	}()
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
