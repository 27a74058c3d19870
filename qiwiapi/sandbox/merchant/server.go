// Package merchant is an embedded QIWI Pull REST API 2.1 sandbox: an
// http.Handler serving /api/v2/prv/{prv_id}/bills/{bill_id}[/refund/{refund_id}]
// with the real wire format (form bodies in, {"response":{...}} JSON or XML
// out), Basic auth, bill and refund life cycles on an injected clock,
// injectable faults, and the merchant callback (command=bill) with retries.
//
// It is written independently of the qiwiapi/pull client so that each checks
// the other.
//
// Demo accounts (all share the password DemoAPIPassword()):
//
//	API_ID 23244123 -> shop 373712 (DemoShopID), currencies RUB, USD, EUR
//	API_ID 23244124 -> shop 373713, a blocked merchant: every call answers 316
//	API_ID 23244125 -> blocked API_ID: every call answers 155
//
// Payer phones +7999000NNNN make create answer result code NNNN when NNNN is
// one of 78, 298, 700, 774, 934, 1003, 1018 (e.g. +79990000298 -> 298).
package merchant

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

const (
	demoAPIID       = "23244123"
	demoPassword    = "453Fdgd443"
	demoShopID      = "373712"
	blockedShopAPI  = "23244124"
	blockedShopID   = "373713"
	blockedAPIID    = "23244125"
	blockedAPIShop  = "373714"
	demoNotifyPass  = "test"
	demoPayer       = "tel:+79161234567"
	maxLifetime     = 45 * 24 * time.Hour
	minAmountMinor  = 100       // 1.00
	maxAmountMinor  = 500000_00 // 500 000.00 per invoice
	maxRequestBody  = 64 << 10  // form bodies are tiny
	maxLoggedRecord = 10000
	lifetimeLayout  = "2006-01-02T15:04:05"
)

// msk is Moscow time: the API's lifetimes carry no zone.
var msk = time.FixedZone("MSK", 3*60*60)

// DemoAPIID is the demo shop's API_ID.
func DemoAPIID() string { return demoAPIID }

// DemoAPIPassword is the demo shop's API_PASSWORD.
func DemoAPIPassword() string { return demoPassword }

// DemoShopID is the demo shop's prv_id.
func DemoShopID() string { return demoShopID }

// DemoNotifyPassword is the default notification password (the spec's HMAC
// test vector uses it).
func DemoNotifyPassword() string { return demoNotifyPass }

// DemoPayer is the seeded payer wallet ("tel:+79161234567").
func DemoPayer() string { return demoPayer }

// DemoBlockedAPIID answers 155 (API_ID blocked) to everything.
func DemoBlockedAPIID() string { return blockedAPIID }

// DemoBlockedMerchantAPIID belongs to a blocked shop: everything answers 316.
func DemoBlockedMerchantAPIID() string { return blockedShopAPI }

// Bill statuses.
const (
	StatusWaiting  = "waiting"
	StatusPaid     = "paid"
	StatusRejected = "rejected"
	StatusUnpaid   = "unpaid"
	StatusExpired  = "expired"
)

// Refund statuses.
const (
	RefundProcessing = "processing"
	RefundSuccess    = "success"
	RefundFail       = "fail"
)

// CallbackAuth chooses how callbacks are signed.
type CallbackAuth int

const (
	// CallbackBasic sends Authorization: Basic base64(prv_id:password).
	CallbackBasic CallbackAuth = iota
	// CallbackHMAC sends X-Api-Signature: base64(HMAC-SHA1(password,
	// values of all parameters sorted by name, joined by "|")).
	CallbackHMAC
)

// Options configure a Server. The zero value works (real clock, no callbacks).
type Options struct {
	// Seed makes the seeded bills' amounts and comments deterministic.
	Seed int64
	// Now is the clock for lifetimes, expiry and refund completion.
	Now func() time.Time
	// CallbackURL receives the merchant notifications; empty disables them.
	CallbackURL  string
	CallbackAuth CallbackAuth
	// CallbackPassword is the notification password (DemoNotifyPassword()
	// when empty). It is not the API password.
	CallbackPassword string
	// CallbackClient sends callbacks (a 10s-timeout client when nil).
	CallbackClient *http.Client
	// CallbackRetryDelay is the wait before repeat n (n >= 1). The default
	// grows from 1 minute to 1 hour, as QIWI's "growing intervals".
	CallbackRetryDelay func(n int) time.Duration
	// CallbackMaxAttempts caps deliveries per notification (50 by default);
	// QIWI also gives up after 24 hours of waiting, which is kept.
	CallbackMaxAttempts int
	// RefundDelay is how long (on Now) a refund stays "processing"
	// (10 seconds by default; negative means it succeeds at once).
	RefundDelay time.Duration
	// Strict answers only the documented shapes: JSON as text/json,
	// originAmount/originCcy only once the bill is paid.
	Strict bool
}

// Faults make the API misbehave. Counters apply to the next N API requests
// (controls and callbacks are not affected) and count down.
type Faults struct {
	// Latency delays every API request (real time).
	Latency time.Duration
	// Status5xx answers 503 with an HTML body, without processing.
	Status5xx int
	// ResultCode answers this result code (13, 152, 300, 339 ...) for the
	// next ResultCodeCount requests, without processing.
	ResultCode      int
	ResultCodeCount int
	// BrokenJSON processes the request, then sends half of the body.
	BrokenJSON int
	// DropAfterCommit processes the request, then closes the connection
	// without an answer.
	DropAfterCommit int
}

// Request is one API request as received.
type Request struct {
	Time   time.Time
	Method string
	Path   string // escaped path
	Query  string
	Header http.Header
	Body   []byte
}

// CallbackAttempt is one delivery of a merchant notification.
type CallbackAttempt struct {
	BillID     string
	Status     string
	Attempt    int
	Body       string
	Header     http.Header
	HTTPStatus int
	ResultCode int // -1 when the answer had none
	Err        string
	Delivered  bool
}

type account struct {
	apiID, password, prv string
	blockedAPI           bool
}

type shop struct {
	prv        string
	name       string
	blocked    bool
	currencies map[string]bool
	bills      map[string]*bill
}

type bill struct {
	id, user, ccy, comment, prvName, paySource string
	minor                                      int64
	created, lifetime                          time.Time
	status                                     string
	paying                                     bool
	originMinor                                int64
	originCcy                                  string
	refunds                                    map[string]*refund
}

type refund struct {
	id      string
	minor   int64 // actually refunded (0 for one refused with 242)
	asked   int64 // the amount asked for (a repeat must ask the same)
	status  string
	err     int // refund.error: 242 when it would exceed the remaining amount
	created time.Time
}

// Server is the sandbox. Use New.
type Server struct {
	opts     Options
	now      func() time.Time
	password string

	mu       sync.Mutex
	accounts map[string]*account
	shops    map[string]*shop
	faults   Faults
	requests []Request
	attempts []CallbackAttempt

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds a seeded sandbox.
func New(opts Options) *Server {
	s := &Server{opts: opts, now: opts.Now, password: opts.CallbackPassword}
	if s.now == nil {
		s.now = time.Now
	}
	if s.password == "" {
		s.password = demoNotifyPass
	}
	if s.opts.CallbackClient == nil {
		s.opts.CallbackClient = &http.Client{Timeout: 10 * time.Second}
	}
	if s.opts.CallbackRetryDelay == nil {
		s.opts.CallbackRetryDelay = defaultRetryDelay
	}
	if s.opts.CallbackMaxAttempts <= 0 {
		s.opts.CallbackMaxAttempts = 50
	}
	if s.opts.RefundDelay == 0 {
		s.opts.RefundDelay = 10 * time.Second
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.accounts = map[string]*account{
		demoAPIID:      {apiID: demoAPIID, password: demoPassword, prv: demoShopID},
		blockedShopAPI: {apiID: blockedShopAPI, password: demoPassword, prv: blockedShopID},
		blockedAPIID:   {apiID: blockedAPIID, password: demoPassword, prv: blockedAPIShop, blockedAPI: true},
	}
	cur := func() map[string]bool { return map[string]bool{"RUB": true, "USD": true, "EUR": true} }
	s.shops = map[string]*shop{
		demoShopID:     {prv: demoShopID, name: "Demo Shop", currencies: cur(), bills: map[string]*bill{}},
		blockedShopID:  {prv: blockedShopID, name: "Blocked Shop", blocked: true, currencies: cur(), bills: map[string]*bill{}},
		blockedAPIShop: {prv: blockedAPIShop, name: "Shop of a blocked API_ID", currencies: cur(), bills: map[string]*bill{}},
	}
	s.seed()
	return s
}

func defaultRetryDelay(n int) time.Duration {
	d := time.Minute << (n - 1)
	if n > 7 || d > time.Hour {
		d = time.Hour
	}
	return d
}

// Close stops callback deliveries and waits for them.
func (s *Server) Close() {
	s.cancel()
	s.wg.Wait()
}

// SeededBills lists the bill ids New puts in the demo shop.
func SeededBills() []string {
	return []string{"demo-waiting-1", "demo-waiting-2", "demo-paying-1", "demo-paid-1",
		"demo-paid-usd", "demo-rejected-1", "demo-expired-1", "demo-unpaid-1"}
}

func (s *Server) seed() {
	rng := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x51a1))
	now := s.now()
	sh := s.shops[demoShopID]
	comments := []string{"Order 1042", "Monthly subscription", "Gift card", "Delivery", "Consulting"}
	mk := func(id, status, ccy string, base int64, age time.Duration) *bill {
		b := &bill{
			id: id, user: demoPayer, ccy: ccy, minor: base + rng.Int64N(100)*100 + rng.Int64N(100),
			comment: comments[rng.IntN(len(comments))], prvName: "Demo Shop",
			created: now.Add(-age), status: status, refunds: map[string]*refund{},
		}
		b.lifetime = b.created.Add(7 * 24 * time.Hour)
		if status == StatusPaid {
			b.paying = true
			b.originCcy = "RUB"
			b.originMinor = toRUB(b.minor, ccy)
		}
		sh.bills[id] = b
		return b
	}
	mk("demo-waiting-1", StatusWaiting, "RUB", 1500_00, time.Hour)
	mk("demo-waiting-2", StatusWaiting, "EUR", 40_00, 2*time.Hour)
	p := mk("demo-paying-1", StatusWaiting, "RUB", 990_00, 10*time.Minute)
	p.paying, p.originCcy, p.originMinor = true, "RUB", p.minor
	paid := mk("demo-paid-1", StatusPaid, "RUB", 2490_00, 72*time.Hour)
	paid.refunds["R1"] = &refund{id: "R1", minor: 490_00, asked: 490_00, status: RefundSuccess, created: now.Add(-48 * time.Hour)}
	mk("demo-paid-usd", StatusPaid, "USD", 25_00, 30*time.Hour)
	mk("demo-rejected-1", StatusRejected, "RUB", 300_00, 96*time.Hour)
	e := mk("demo-expired-1", StatusExpired, "RUB", 750_00, 10*24*time.Hour)
	e.lifetime = e.created.Add(24 * time.Hour)
	mk("demo-unpaid-1", StatusUnpaid, "RUB", 120_00, 5*time.Hour)
}

// rates are kopecks per unit of the invoice currency, for originAmount.
var rates = map[string]int64{"RUB": 100, "USD": 9000, "EUR": 10000}

func toRUB(minor int64, ccy string) int64 { return minor * rates[ccy] / 100 }

// SetFaults replaces the fault settings.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// Faults returns what is left of the fault settings.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Requests returns a copy of the API requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	copy(out, s.requests)
	return out
}

// Callbacks returns a copy of the callback deliveries so far.
func (s *Server) Callbacks() []CallbackAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]CallbackAttempt, len(s.attempts))
	copy(out, s.attempts)
	return out
}

// WaitCallbacks blocks until every pending callback is delivered or given up.
func (s *Server) WaitCallbacks(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// BillStatus reports a bill's status ("" when unknown), after expiry.
func (s *Server) BillStatus(prv, billID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.billLocked(prv, billID)
	if b == nil {
		return ""
	}
	return b.status
}

// WaitingBills lists the bills of a shop still waiting for payment, created
// at or before the given time (the demo's payer uses it).
func (s *Server) WaitingBills(prv string, createdBefore time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[prv]
	if sh == nil {
		return nil
	}
	var out []string
	for id, b := range sh.bills {
		s.advanceLocked(sh, b)
		if b.status == StatusWaiting && !b.paying && !b.created.After(createdBefore) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// ControlError is returned by the control methods.
type ControlError struct{ Msg string }

func (e *ControlError) Error() string { return "merchant sandbox: " + e.Msg }

func (s *Server) billLocked(prv, billID string) *bill {
	sh := s.shops[prv]
	if sh == nil {
		return nil
	}
	b := sh.bills[billID]
	if b != nil {
		s.advanceLocked(sh, b)
	}
	return b
}

// advanceLocked applies the clock: expiry and refund completion.
func (s *Server) advanceLocked(sh *shop, b *bill) {
	now := s.now()
	if b.status == StatusWaiting && !b.paying {
		deadline := b.lifetime
		if limit := b.created.Add(maxLifetime); limit.Before(deadline) {
			deadline = limit
		}
		if !now.Before(deadline) {
			b.status = StatusExpired
			s.notifyLocked(sh, b)
		}
	}
	for _, r := range b.refunds {
		if r.status == RefundProcessing && (s.opts.RefundDelay < 0 || !now.Before(r.created.Add(s.opts.RefundDelay))) {
			r.status = RefundSuccess
		}
	}
}

// Sweep applies the clock to every bill (expiry, refunds) and sends the
// callbacks that result. Reads do the same lazily.
func (s *Server) Sweep() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range s.shops {
		for _, b := range sh.bills {
			s.advanceLocked(sh, b)
		}
	}
}

func (s *Server) transition(prv, billID, to string, allowPaying bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.billLocked(prv, billID)
	if b == nil {
		return &ControlError{"no bill " + billID + " in shop " + prv}
	}
	if b.status != StatusWaiting {
		return &ControlError{"bill " + billID + " is " + b.status + ", not waiting"}
	}
	if b.paying && !allowPaying {
		return &ControlError{"bill " + billID + " is being paid"}
	}
	b.status = to
	if to == StatusPaid && !b.paying {
		b.paying, b.originCcy, b.originMinor = true, "RUB", toRUB(b.minor, b.ccy)
	}
	s.notifyLocked(s.shops[prv], b)
	return nil
}

// PayBill makes the payer pay a waiting bill (-> paid, callback sent).
func (s *Server) PayBill(prv, billID string) error {
	return s.transition(prv, billID, StatusPaid, true)
}

// FailBill makes the payment fail (-> unpaid, callback sent).
func (s *Server) FailBill(prv, billID string) error {
	return s.transition(prv, billID, StatusUnpaid, true)
}

// RejectBill is the payer declining the bill (-> rejected, callback sent).
func (s *Server) RejectBill(prv, billID string) error {
	return s.transition(prv, billID, StatusRejected, false)
}

// BeginPayment marks a waiting bill as being paid: it stays "waiting" but
// gains originAmount, and cancelling it answers 1419.
func (s *Server) BeginPayment(prv, billID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.billLocked(prv, billID)
	if b == nil || b.status != StatusWaiting {
		return &ControlError{"no waiting bill " + billID}
	}
	b.paying, b.originCcy, b.originMinor = true, "RUB", toRUB(b.minor, b.ccy)
	return nil
}

// FailRefund makes a processing refund fail; its amount is free again.
func (s *Server) FailRefund(prv, billID, refundID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.billLocked(prv, billID)
	if b == nil || b.refunds[refundID] == nil || b.refunds[refundID].status != RefundProcessing {
		return &ControlError{"no processing refund " + refundID}
	}
	b.refunds[refundID].status = RefundFail
	return nil
}

// ---- HTTP ----

type wireBill struct {
	BillID       string `json:"bill_id" xml:"bill_id"`
	Amount       string `json:"amount" xml:"amount"`
	OriginAmount string `json:"originAmount,omitempty" xml:"originAmount,omitempty"`
	Ccy          string `json:"ccy" xml:"ccy"`
	OriginCcy    string `json:"originCcy,omitempty" xml:"originCcy,omitempty"`
	Status       string `json:"status" xml:"status"`
	Error        int    `json:"error" xml:"error"`
	User         string `json:"user" xml:"user"`
	Comment      string `json:"comment" xml:"comment"`
}

type wireRefund struct {
	RefundID string `json:"refund_id" xml:"refund_id"`
	Amount   string `json:"amount" xml:"amount"`
	Status   string `json:"status" xml:"status"`
	Error    int    `json:"error" xml:"error"`
}

type wireResponse struct {
	XMLName     xml.Name    `json:"-" xml:"response"`
	ResultCode  int         `json:"result_code" xml:"result_code"`
	Description string      `json:"description,omitempty" xml:"description,omitempty"`
	Bill        *wireBill   `json:"bill,omitempty" xml:"bill,omitempty"`
	Refund      *wireRefund `json:"refund,omitempty" xml:"refund,omitempty"`
}

// reply is what a handler decided; HTTP status 200 unless set.
type reply struct {
	status int
	resp   wireResponse
}

func fail(code int, desc string) reply {
	return reply{resp: wireResponse{ResultCode: code, Description: desc}}
}

func authFail(code int, desc string) reply {
	r := fail(code, desc)
	r.status = http.StatusUnauthorized
	return r
}

// ServeHTTP serves the Pull REST API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	if len(s.requests) >= maxLoggedRecord {
		s.requests = s.requests[1:]
	}
	s.requests = append(s.requests, Request{
		Time: s.now(), Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body,
	})
	f := &s.faults
	latency := f.Latency
	var do5xx, broken, drop bool
	injected := 0
	switch {
	case f.Status5xx > 0:
		f.Status5xx--
		do5xx = true
	case f.ResultCodeCount > 0:
		f.ResultCodeCount--
		injected = f.ResultCode
	}
	if !do5xx && injected == 0 {
		if f.DropAfterCommit > 0 {
			f.DropAfterCommit--
			drop = true
		} else if f.BrokenJSON > 0 {
			f.BrokenJSON--
			broken = true
		}
	}
	s.mu.Unlock()

	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if do5xx {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "<html><body>503 Service Temporarily Unavailable</body></html>")
		return
	}
	var rep reply
	if injected != 0 {
		rep = fail(injected, "injected fault")
	} else if len(body) > maxRequestBody {
		rep = fail(5, "request body too large")
	} else {
		rep = s.route(r, body)
	}
	if drop {
		panic(http.ErrAbortHandler) // committed, never answered
	}
	s.write(w, r, rep, broken)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, rep reply, broken bool) {
	accept := strings.ToLower(r.Header.Get("Accept"))
	var out []byte
	if strings.Contains(accept, "xml") && !strings.Contains(accept, "json") {
		b, _ := xml.Marshal(rep.resp)
		out = append([]byte(xml.Header), b...)
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	} else {
		resp := rep.resp
		ctype := "application/json; charset=utf-8"
		if s.opts.Strict {
			// The docs' JSON is text/json; originAmount/originCcy come only
			// with a paid bill (the 2017 text), not while it is being paid.
			ctype = "text/json"
			if resp.Bill != nil && resp.Bill.Status != StatusPaid {
				b := *resp.Bill
				b.OriginAmount, b.OriginCcy = "", ""
				resp.Bill = &b
			}
		}
		out, _ = json.Marshal(struct {
			Response wireResponse `json:"response"`
		}{resp})
		w.Header().Set("Content-Type", ctype)
	}
	if broken {
		out = out[:len(out)/2]
	}
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.Write(out)
}

// route parses /api/v2/prv/{prv}/bills/{bill}[/refund/{refund}].
func (s *Server) route(r *http.Request, body []byte) reply {
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return reply{status: http.StatusNotFound, resp: wireResponse{ResultCode: 5, Description: "bad path"}}
		}
		parts[i] = u
	}
	isBill := len(parts) == 6 && parts[0] == "api" && parts[1] == "v2" && parts[2] == "prv" && parts[4] == "bills" && parts[5] != ""
	isRefund := len(parts) == 8 && parts[0] == "api" && parts[1] == "v2" && parts[2] == "prv" && parts[4] == "bills" && parts[6] == "refund"
	if !isBill && !isRefund {
		return reply{status: http.StatusNotFound, resp: wireResponse{ResultCode: 5, Description: "unknown method"}}
	}
	prv, billID := parts[3], parts[5]
	if rep, ok := s.authorize(r, prv); !ok {
		return rep
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return fail(5, "malformed form body")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[prv]
	if utf8.RuneCountInString(billID) > 200 || billID == "" {
		return fail(5, "bill_id must be 1-200 characters")
	}
	switch {
	case isBill && r.Method == http.MethodPut:
		return s.createLocked(sh, billID, form)
	case isBill && r.Method == http.MethodGet:
		return s.getLocked(sh, billID)
	case isBill && r.Method == http.MethodPatch:
		return s.cancelLocked(sh, billID, form)
	case isRefund && r.Method == http.MethodPut:
		return s.refundLocked(sh, billID, parts[7], form)
	case isRefund && r.Method == http.MethodGet:
		return s.refundStatusLocked(sh, billID, parts[7])
	}
	return reply{status: http.StatusMethodNotAllowed, resp: wireResponse{ResultCode: 5, Description: "method not allowed"}}
}

func (s *Server) authorize(r *http.Request, prv string) (reply, bool) {
	h := r.Header.Get("Authorization")
	scheme, enc, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return authFail(341, "Authorization is failed"), false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return authFail(341, "Authorization is failed"), false
	}
	id, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return authFail(341, "Authorization is failed"), false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	acc := s.accounts[id]
	if acc == nil || subtle.ConstantTimeCompare([]byte(pass), []byte(acc.password)) != 1 {
		return authFail(150, "Authorization failed"), false
	}
	if acc.blockedAPI {
		return authFail(155, "API_ID is blocked"), false
	}
	if acc.prv != prv || s.shops[prv] == nil {
		return authFail(319, "No rights for this operation"), false
	}
	if s.shops[prv].blocked {
		return authFail(316, "Merchant is blocked"), false
	}
	return reply{}, true
}

var (
	userRe     = regexp.MustCompile(`^tel:\+[0-9]{10,15}$`)
	magicRe    = regexp.MustCompile(`^tel:\+7999000([0-9]{4})$`)
	amountRe   = regexp.MustCompile(`^[0-9]{1,9}(\.[0-9]+)?$`)
	ccyRe      = regexp.MustCompile(`^[A-Z]{3}$`)
	refundIDRe = regexp.MustCompile(`^[0-9A-Za-z]{1,9}$`)
	magicCodes = map[int]string{
		78: "operation forbidden", 298: "user not registered", 700: "monthly limit exceeded",
		774: "payer wallet temporarily blocked", 934: "region not supported",
		1003: "no conversion rate", 1018: "country not supported",
	}
)

// parseMinor reads "10", "10.5", "10.00" into kopecks, rounding more
// decimals down ("10.009" is 10.00), as the docs say; ok=false otherwise.
func parseMinor(s string) (int64, bool) {
	if !amountRe.MatchString(s) {
		return 0, false
	}
	ip, fp, _ := strings.Cut(s, ".")
	if len(fp) > 2 {
		fp = fp[:2]
	}
	for len(fp) < 2 {
		fp += "0"
	}
	n, err := strconv.ParseInt(ip+fp, 10, 64)
	return n, err == nil
}

func formatMinor(m int64) string {
	return fmt.Sprintf("%d.%02d", m/100, m%100)
}

func (b *bill) wire() *wireBill {
	w := &wireBill{BillID: b.id, Amount: formatMinor(b.minor), Ccy: b.ccy, Status: b.status, User: b.user, Comment: b.comment}
	if b.paying {
		w.OriginAmount, w.OriginCcy = formatMinor(b.originMinor), b.originCcy
	}
	return w
}

func okBill(b *bill) reply { return reply{resp: wireResponse{Bill: b.wire()}} }

func (s *Server) createLocked(sh *shop, billID string, f url.Values) reply {
	for _, k := range []string{"user", "amount", "ccy", "comment", "lifetime"} {
		if _, present := f[k]; !present {
			return fail(341, "required parameter "+k+" is missing")
		}
	}
	user, amount, ccy := f.Get("user"), f.Get("amount"), f.Get("ccy")
	minor, okAmt := parseMinor(amount)
	if !okAmt {
		return fail(5, "amount must be a decimal number")
	}
	if !ccyRe.MatchString(ccy) {
		return fail(5, "ccy must be ISO 4217 alpha-3")
	}
	if old := sh.bills[billID]; old != nil {
		s.advanceLocked(sh, old)
		if old.minor == minor && old.ccy == ccy {
			return okBill(old) // idempotent repeat
		}
		return fail(215, "bill with this bill_id already exists")
	}
	if !userRe.MatchString(user) {
		return fail(303, "wrong phone number")
	}
	if utf8.RuneCountInString(f.Get("comment")) > 255 {
		return fail(5, "comment longer than 255 characters")
	}
	if utf8.RuneCountInString(f.Get("prv_name")) > 100 {
		return fail(5, "prv_name longer than 100 characters")
	}
	life, err := time.ParseInLocation(lifetimeLayout, f.Get("lifetime"), msk)
	if err != nil {
		return fail(5, "lifetime must be YYYY-MM-DDThh:mm:ss")
	}
	ps := f.Get("pay_source")
	if ps != "" && ps != "qw" && ps != "mobile" {
		return fail(5, "pay_source must be qw or mobile")
	}
	if !sh.currencies[ccy] {
		return fail(1001, "currency not allowed for this merchant")
	}
	if minor < minAmountMinor {
		return fail(241, "amount below the minimum of "+formatMinor(minAmountMinor))
	}
	if minor > maxAmountMinor {
		return fail(242, "amount above the maximum of "+formatMinor(maxAmountMinor))
	}
	if m := magicRe.FindStringSubmatch(user); m != nil {
		code, _ := strconv.Atoi(m[1])
		if desc, hit := magicCodes[code]; hit {
			return fail(code, desc)
		}
	}
	if ps == "mobile" && !strings.HasPrefix(user, "tel:+79") {
		return fail(1019, "cannot determine the mobile operator")
	}
	now := s.now()
	b := &bill{
		id: billID, user: user, ccy: ccy, minor: minor, comment: f.Get("comment"),
		prvName: f.Get("prv_name"), paySource: ps, created: now, lifetime: life,
		status: StatusWaiting, refunds: map[string]*refund{},
	}
	if b.prvName == "" {
		b.prvName = sh.name
	}
	sh.bills[billID] = b
	s.advanceLocked(sh, b) // a lifetime in the past expires at once
	return okBill(b)
}

func (s *Server) getLocked(sh *shop, billID string) reply {
	b := sh.bills[billID]
	if b == nil {
		return fail(210, "bill not found")
	}
	s.advanceLocked(sh, b)
	return okBill(b)
}

func (s *Server) cancelLocked(sh *shop, billID string, f url.Values) reply {
	if _, present := f["status"]; !present {
		return fail(341, "required parameter status is missing")
	}
	if f.Get("status") != StatusRejected {
		return fail(5, "status must be rejected")
	}
	b := sh.bills[billID]
	if b == nil {
		return fail(210, "bill not found")
	}
	s.advanceLocked(sh, b)
	switch {
	case b.status == StatusRejected:
		return okBill(b) // repeat of a cancel
	case b.status == StatusPaid || b.paying:
		return fail(1419, "bill already paid or being paid")
	case b.status != StatusWaiting:
		return fail(78, "bill is "+b.status)
	}
	b.status = StatusRejected
	s.notifyLocked(sh, b)
	return okBill(b)
}

func (r *refund) wire() *wireRefund {
	return &wireRefund{RefundID: r.id, Amount: formatMinor(r.minor), Status: r.status, Error: r.err}
}

func (s *Server) refundLocked(sh *shop, billID, refundID string, f url.Values) reply {
	if !refundIDRe.MatchString(refundID) {
		return fail(5, "refund_id must be 1-9 characters of [0-9A-Za-z]")
	}
	if _, present := f["amount"]; !present {
		return fail(341, "required parameter amount is missing")
	}
	minor, okAmt := parseMinor(f.Get("amount"))
	if !okAmt {
		return fail(5, "amount must be a decimal number")
	}
	b := sh.bills[billID]
	if b == nil {
		return fail(210, "bill not found")
	}
	s.advanceLocked(sh, b)
	if old := b.refunds[refundID]; old != nil {
		if old.asked == minor {
			rep := reply{resp: wireResponse{Refund: old.wire()}}
			if old.err != 0 {
				rep.resp.ResultCode, rep.resp.Description = old.err, "refund exceeds the remaining amount"
			}
			return rep
		}
		return fail(215, "refund with this refund_id already exists")
	}
	if b.status != StatusPaid {
		return fail(78, "only a paid bill can be refunded")
	}
	if minor <= 0 {
		return fail(241, "refund amount must be positive")
	}
	var used int64
	for _, r := range b.refunds {
		if r.status != RefundFail {
			used += r.minor
		}
	}
	if used+minor > b.minor {
		// Error 242 (docs): the refund is registered as failed, nothing
		// refunded (refund.amount is the amount actually refunded), and it
		// stays readable under its refund_id.
		r := &refund{id: refundID, asked: minor, status: RefundFail, err: 242, created: s.now()}
		b.refunds[refundID] = r
		rep := fail(242, "refund exceeds the remaining amount "+formatMinor(b.minor-used))
		rep.resp.Refund = r.wire()
		return rep
	}
	r := &refund{id: refundID, minor: minor, asked: minor, status: RefundProcessing, created: s.now()}
	b.refunds[refundID] = r
	s.advanceLocked(sh, b)
	return reply{resp: wireResponse{Refund: r.wire()}}
}

func (s *Server) refundStatusLocked(sh *shop, billID, refundID string) reply {
	b := sh.bills[billID]
	if b == nil {
		return fail(210, "bill not found")
	}
	s.advanceLocked(sh, b)
	r := b.refunds[refundID]
	if r == nil {
		return fail(210, "refund not found")
	}
	return reply{resp: wireResponse{Refund: r.wire()}}
}

// ---- callbacks ----

// CallbackBody is the form body QIWI posts for a bill, in the documented order.
func callbackBody(sh *shop, b *bill) string {
	pairs := [][2]string{
		{"command", "bill"}, {"bill_id", b.id}, {"status", b.status}, {"error", "0"},
		{"amount", formatMinor(b.minor)}, {"user", b.user}, {"prv_name", b.prvName},
		{"ccy", b.ccy}, {"comment", b.comment},
	}
	var sb strings.Builder
	for i, p := range pairs {
		if i > 0 {
			sb.WriteByte('&')
		}
		sb.WriteString(url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1]))
	}
	return sb.String()
}

// SignHMAC computes X-Api-Signature for a form body: HMAC-SHA1 over the
// values sorted by parameter name and joined with "|", base64 of the digest.
func SignHMAC(password string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, 0, len(keys))
	for _, k := range keys {
		vals = append(vals, strings.Join(form[k], "|"))
	}
	return hmacSHA1Base64(password, strings.Join(vals, "|"))
}

func (s *Server) notifyLocked(sh *shop, b *bill) {
	if s.opts.CallbackURL == "" || s.ctx.Err() != nil {
		return
	}
	body := callbackBody(sh, b)
	hdr := http.Header{}
	hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	hdr.Set("Accept", "text/xml")
	switch s.opts.CallbackAuth {
	case CallbackHMAC:
		form, _ := url.ParseQuery(body)
		hdr.Set("X-Api-Signature", SignHMAC(s.password, form))
	default:
		hdr.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sh.prv+":"+s.password)))
	}
	s.wg.Add(1)
	go s.deliver(b.id, b.status, body, hdr)
}

type xmlResult struct {
	XMLName    xml.Name `xml:"result"`
	ResultCode *int     `xml:"result_code"`
}

func (s *Server) deliver(billID, status, body string, hdr http.Header) {
	defer s.wg.Done()
	var waited time.Duration
	for n := 1; n <= s.opts.CallbackMaxAttempts; n++ {
		if n > 1 {
			d := s.opts.CallbackRetryDelay(n - 1)
			waited += d
			if waited > 24*time.Hour {
				return
			}
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				return
			}
		}
		at := CallbackAttempt{BillID: billID, Status: status, Attempt: n, Body: body, Header: hdr.Clone(), ResultCode: -1}
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, s.opts.CallbackURL, strings.NewReader(body))
		if err != nil {
			at.Err = err.Error()
			s.record(at)
			return
		}
		req.Header = hdr.Clone()
		resp, err := s.opts.CallbackClient.Do(req)
		if err != nil {
			at.Err = err.Error()
		} else {
			raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			at.HTTPStatus = resp.StatusCode
			var res xmlResult
			if xml.Unmarshal(raw, &res) == nil && res.ResultCode != nil {
				at.ResultCode = *res.ResultCode
			}
			at.Delivered = resp.StatusCode == http.StatusOK && at.ResultCode == 0
		}
		s.record(at)
		if at.Delivered || s.ctx.Err() != nil {
			return
		}
	}
}

func (s *Server) record(a CallbackAttempt) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.attempts) >= maxLoggedRecord {
		s.attempts = s.attempts[1:]
	}
	s.attempts = append(s.attempts, a)
}

func hmacSHA1Base64(key, msg string) string {
	m := hmac.New(sha1.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
