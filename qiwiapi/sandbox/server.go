package sandbox

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Options configure a sandbox server.
type Options struct {
	Seed         int64            // deterministic data set; 0 means 1
	End          time.Time        // newest seeded transaction is just before End; zero = time.Now()
	Now          func() time.Time // server clock; nil = time.Now
	Transactions int              // seeded history size for the demo wallet; 0 = 3000
	// HistoryRows > 0 seeds the demo wallet with exactly that many
	// transactions spread evenly over the 24 months before End, instead of
	// Transactions spread at random over ~18 months.
	HistoryRows      int
	SettleDelay      time.Duration // WAITING -> SUCCESS/ERROR delay for new payments; 0 = 2s
	HistoryPerMinute int           // history budget per wallet per minute; 0 = 100; <0 = unlimited
	Logf             func(format string, args ...any)
	// Strict answers exactly the documented shapes: no field the docs do
	// not name, the documented content type, the types of the docs' tables
	// where they differ from the examples, and documented optional fields
	// absent for every other id (deterministic, so tests are stable).
	Strict bool
}

// Faults are injected into the next responses (see SetFaults).
//
// Burst423 and ErrorRate answer before the request is handled (nothing is
// executed). InvalidJSON, EmptyBody and TruncateJSON replace the response of
// a request that WAS executed (like a body broken in transit), so a payment
// behind such a response exists and a retry with the same id returns it.
type Faults struct {
	Latency        time.Duration // added to every response
	ErrorRate      float64       // fraction of requests answered 500 (deterministic PRNG from Seed)
	Burst423       int           // the next N requests get 423
	TruncateJSON   int           // the next N JSON responses are cut in half
	InvalidJSON    int           // the next N responses are `{"not json`
	EmptyBody      int           // the next N responses are 200 with an empty body
	CommitThenDrop int           // the next N payment POSTs are executed, then the connection is closed
}

// Request is one request as the sandbox saw it.
type Request struct {
	Method, Path, RawQuery string
	Query                  url.Values
	Header                 http.Header
	Body                   []byte
}

// Scope is a token permission.
type Scope string

// Token scopes. ScopePayments also covers invoices and webhooks.
const (
	ScopeProfile  Scope = "profile"
	ScopeBalance  Scope = "balance"
	ScopeHistory  Scope = "history"
	ScopePayments Scope = "payments"
)

type token struct {
	wallet string
	scopes map[Scope]bool
}

// Server is the sandbox; it implements http.Handler.
type Server struct {
	opts        Options
	now         func() time.Time
	logf        func(string, ...any)
	settleDelay time.Duration
	histLimit   int

	mu        sync.Mutex
	faults    Faults
	faultRng  *rand.Rand
	idRng     *rand.Rand // trace ids, uuids, hook keys
	tokRng    *rand.Rand
	reqs      []Request
	tokens    map[string]*token
	wallets   map[string]*wallet
	others    []string
	demo      string
	demoToken string
	nextTxnID int64
	pending   []*txn
	invoices  map[int64]*invoice
	closed    bool
	timers    map[*time.Timer]bool
	stats     stats
	hc        *http.Client
	wg        sync.WaitGroup
}

// New builds a server with a deterministic data set.
func New(opts Options) *Server {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Transactions == 0 {
		opts.Transactions = 3000
	}
	s := &Server{
		opts:        opts,
		now:         opts.Now,
		logf:        opts.Logf,
		settleDelay: opts.SettleDelay,
		histLimit:   opts.HistoryPerMinute,
		tokens:      map[string]*token{},
		wallets:     map[string]*wallet{},
		invoices:    map[int64]*invoice{},
		timers:      map[*time.Timer]bool{},
		stats:       stats{requests: map[string]int{}, status: map[string]int{}},
		hc:          &http.Client{Timeout: 2 * time.Second},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logf == nil {
		s.logf = func(string, ...any) {}
	}
	if s.settleDelay == 0 {
		s.settleDelay = 2 * time.Second
	}
	if s.histLimit == 0 {
		s.histLimit = 100
	}
	seed := uint64(opts.Seed)
	s.faultRng = rand.New(rand.NewPCG(seed, 0xfa0175))
	s.idRng = rand.New(rand.NewPCG(seed, 0x1d5))
	s.tokRng = rand.New(rand.NewPCG(seed, 0x70c3))
	end := opts.End
	if end.IsZero() {
		end = time.Now()
	}
	s.generate(end)
	s.demoToken = s.newTokenLocked(s.demo, ScopeProfile, ScopeBalance, ScopeHistory, ScopePayments)
	now := s.now()
	for _, t := range s.pending {
		s.scheduleLocked(t.settleAt.Sub(now))
	}
	return s
}

// SetFaults replaces the fault configuration.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// Requests returns a copy of every request seen, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// ResetRequests forgets the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

// DemoToken is the token of the demo wallet with every scope.
func (s *Server) DemoToken() string { return s.demoToken }

// DemoWallet is the demo wallet number without "+".
func (s *Server) DemoWallet() string { return s.demo }

// OtherWallets are the other seeded wallets (transfer recipients).
func (s *Server) OtherWallets() []string { return append([]string(nil), s.others...) }

// NewToken issues a token for wallet with exactly the given scopes. The
// wallet need not exist (requests then get 404 wallet not found).
func (s *Server) NewToken(wallet string, scopes ...Scope) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newTokenLocked(strings.TrimPrefix(wallet, "+"), scopes...)
}

func (s *Server) newTokenLocked(wallet string, scopes ...Scope) string {
	tok := randHex(s.tokRng, 16)
	t := &token{wallet: wallet, scopes: map[Scope]bool{}}
	for _, sc := range scopes {
		t.scopes[sc] = true
	}
	s.tokens[tok] = t
	return tok
}

// PaymentCount is the number of payments created through the sinap API.
func (s *Server) PaymentCount(wallet string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w := s.wallets[strings.TrimPrefix(wallet, "+")]; w != nil {
		return w.paymentCount
	}
	return 0
}

// Balance returns the balance of the wallet's account in currency.
func (s *Server) Balance(wallet string, currency int) (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wallets[strings.TrimPrefix(wallet, "+")]
	if w == nil {
		return 0, false
	}
	a := w.account(currency)
	if a == nil {
		return 0, false
	}
	return a.balance, true
}

// SettleNow finalizes every WAITING transaction immediately.
func (s *Server) SettleNow() {
	s.mu.Lock()
	var out []delivery
	s.settleLocked(time.Time{}, true, &out)
	s.mu.Unlock()
	s.deliver(out)
}

// AddIncoming injects a new incoming transfer into wallet and returns its
// txnId; a registered webhook is notified. It returns "" for an unknown wallet.
func (s *Server) AddIncoming(wallet string, kopecks int64, currency int, from string) string {
	s.mu.Lock()
	w := s.wallets[strings.TrimPrefix(wallet, "+")]
	if w == nil || kopecks <= 0 {
		s.mu.Unlock()
		return ""
	}
	var out []delivery
	id := s.newTxnID()
	if from != "" && !strings.HasPrefix(from, "+") {
		from = "+" + from // a wallet account, as history writes it
	}
	t := s.incoming(w, id, s.now(), kopecks, currency, from, &out)
	s.mu.Unlock()
	s.deliver(out)
	return itoa64(t.id)
}

// Running is a sandbox listening on a loopback port.
type Running struct {
	URL    string
	Server *Server
	Close  func()
}

// Start listens on addr ("" or "127.0.0.1:0" picks a free loopback port)
// and serves a new sandbox there.
func Start(addr string, opts Options) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := New(opts)
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	var once sync.Once
	return &Running{
		URL:    "http://" + ln.Addr().String(),
		Server: s,
		Close: func() {
			once.Do(func() {
				_ = hs.Close()
				s.stop()
			})
		},
	}, nil
}

// stop cancels settle timers and waits for in-flight webhook deliveries.
func (s *Server) stop() {
	s.mu.Lock()
	s.closed = true
	for t := range s.timers {
		t.Stop()
	}
	s.timers = map[*time.Timer]bool{}
	s.mu.Unlock()
	s.wg.Wait()
}

// scheduleLocked arranges a lazy settle pass after d (real time).
func (s *Server) scheduleLocked(d time.Duration) {
	if s.closed {
		return
	}
	if d < 0 {
		d = 0
	}
	var tm *time.Timer
	tm = time.AfterFunc(d+5*time.Millisecond, func() {
		s.mu.Lock()
		delete(s.timers, tm)
		if s.closed {
			s.mu.Unlock()
			return
		}
		var out []delivery
		s.settleLocked(s.now(), false, &out)
		s.mu.Unlock()
		s.deliver(out)
	})
	s.timers[tm] = true
}

// ---- HTTP ----

// reply is a response produced under the lock and written afterwards.
type reply struct {
	status int
	ctype  string
	body   []byte
}

func (rp reply) isJSON() bool { return strings.HasPrefix(rp.ctype, "application/json") }

// call carries one request through a handler.
type call struct {
	r       *http.Request
	q       url.Values
	body    []byte
	now     time.Time
	arrived time.Time // when the request arrived (before any Latency fault)
	tok     *token
	w       *wallet
	params  []string
	rt      *route
	out     []delivery
	strict  bool // Options.Strict: refuse what only the default mode forgives
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == StatsPath {
		s.serveStats(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{
		Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Query: r.URL.Query(), Header: r.Header.Clone(), Body: append([]byte(nil), body...),
	})
	s.stats.requests[routeKey(r)]++
	arrived := s.now() // QIWI counts a request when it arrives, not when it is answered
	latency := s.faults.Latency
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

	s.mu.Lock()
	c := &call{r: r, q: r.URL.Query(), body: body, now: s.now(), arrived: arrived, strict: s.opts.Strict}
	var rp reply
	drop := false
	switch {
	case s.faults.Burst423 > 0:
		s.faults.Burst423--
		rp = s.qerr(c, "payment-history", 423, "request.blocked", "Слишком много запросов", "Too many requests, service temporarily unavailable")
	case s.faults.ErrorRate > 0 && s.faultRng.Float64() < s.faults.ErrorRate:
		rp = s.qerr(c, "edge", 500, "internal.error", "Внутренняя ошибка сервиса", "Internal service error (injected)")
	default:
		s.settleLocked(c.now, false, &c.out)
		rp = s.dispatch(c)
		switch {
		case c.rt != nil && c.rt.payment && s.faults.CommitThenDrop > 0:
			s.faults.CommitThenDrop--
			drop = true
		case s.faults.InvalidJSON > 0:
			s.faults.InvalidJSON--
			rp = reply{status: 200, ctype: "application/json", body: []byte(`{"not json`)}
		case s.faults.EmptyBody > 0:
			s.faults.EmptyBody--
			rp = reply{status: 200, ctype: "application/json"}
		case s.faults.TruncateJSON > 0 && rp.isJSON() && len(rp.body) > 0:
			s.faults.TruncateJSON--
			rp.body = rp.body[:len(rp.body)/2]
		}
	}
	if s.opts.Strict {
		rp = strictReply(c.rt, rp)
	}
	out := c.out
	if drop {
		s.stats.status["dropped"]++
	} else {
		s.stats.status[itoa(rp.status)]++
	}
	s.mu.Unlock()
	s.deliver(out)

	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if rp.ctype != "" {
		w.Header().Set("Content-Type", rp.ctype)
	}
	w.Header().Set("Content-Length", itoa(len(rp.body)))
	w.WriteHeader(rp.status)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, bytes.NewReader(rp.body))
	}
}

// route describes one endpoint.
type route struct {
	method  string
	pattern []string // "{wallet}" = the token's wallet, other "{name}" = a parameter
	scope   Scope    // "" = any valid token
	svc     string   // serviceName in error bodies
	h       func(*Server, *call) reply
	history bool   // counts against the history budget
	payment bool   // subject to CommitThenDrop
	key     string // "GET /payment-history/v2/persons/{wallet}/payments", the /sandbox/stats key
}

func rt(method, path string, scope Scope, svc string, h func(*Server, *call) reply) *route {
	return &route{method: method, pattern: strings.Split(strings.Trim(path, "/"), "/"), scope: scope, svc: svc, h: h, key: method + " " + path}
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

var routes []*route

func init() {
	hist := func(r *route) *route { r.history = true; return r }
	pay := func(r *route) *route { r.payment = true; return r }
	routes = []*route{
		rt("GET", "/person-profile/v1/profile/current", ScopeProfile, "person-profile", (*Server).hProfile),
		rt("GET", "/person-profile/v1/persons/{wallet}/status/restrictions", ScopeProfile, "person-profile", (*Server).hRestrictions),
		rt("POST", "/identification/v1/persons/{wallet}/identification", ScopeProfile, "identification", (*Server).hIdentPost),
		rt("GET", "/identification/v1/persons/{wallet}/identification", ScopeProfile, "identification", (*Server).hIdentGet),
		rt("GET", "/qw-limits/v1/persons/{wallet}/actual-limits", ScopeProfile, "qw-limits", (*Server).hLimits),
		rt("GET", "/qw-limits/v1/persons/{wallet}/p2p-payment-count-limit", ScopeProfile, "qw-limits", (*Server).hP2PCount),
		hist(rt("GET", "/payment-history/v2/persons/{wallet}/payments", ScopeHistory, "payment-history", (*Server).hHistory)),
		hist(rt("GET", "/payment-history/v2/persons/{wallet}/payments/total", ScopeHistory, "payment-history", (*Server).hTotal)),
		hist(rt("GET", "/payment-history/v2/transactions/{txnId}", ScopeHistory, "payment-history", (*Server).hDetails)),
		hist(rt("GET", "/payment-history/v1/transactions/{txnId}", ScopeHistory, "payment-history", (*Server).hDetails)),
		hist(rt("GET", "/payment-history/v1/transactions/{txnId}/cheque/file", ScopeHistory, "payment-history", (*Server).hChequeFile)),
		hist(rt("POST", "/payment-history/v1/transactions/{txnId}/cheque/send", ScopeHistory, "payment-history", (*Server).hChequeSend)),
		rt("GET", "/funding-sources/v2/persons/{wallet}/accounts", ScopeBalance, "funding-sources", (*Server).hAccounts),
		rt("POST", "/funding-sources/v2/persons/{wallet}/accounts", ScopeBalance, "funding-sources", (*Server).hAccountCreate),
		rt("GET", "/funding-sources/v2/persons/{wallet}/accounts/offer", ScopeBalance, "funding-sources", (*Server).hAccountOffer),
		rt("PATCH", "/funding-sources/v2/persons/{wallet}/accounts/{alias}", ScopeBalance, "funding-sources", (*Server).hAccountDefault),
		rt("POST", "/sinap/providers/{providerId}/onlineCommission", ScopePayments, "sinap", (*Server).hCommission),
		rt("GET", "/sinap/crossRates", "", "sinap", (*Server).hCrossRates),
		rt("GET", "/search/v1/search", "", "search", (*Server).hSearch),
		rt("GET", "/qw-nicknames/v1/persons/{wallet}/nickname", ScopePayments, "qw-nicknames", (*Server).hNickname),
		rt("GET", "/qw-mobile-providers-resolver/v1/providers", "", "qw-mobile-providers-resolver", (*Server).hMobileResolver),
		pay(rt("POST", "/sinap/api/v2/terms/{providerId}/payments", ScopePayments, "sinap", (*Server).hPayment)),
		rt("POST", "/widgets-api/api/p2p/protected/keys/create", ScopePayments, "widgets-api", (*Server).hP2PKeys),
		rt("GET", "/checkout-api/api/bill/search", ScopePayments, "checkout-api", (*Server).hBillSearch),
		pay(rt("POST", "/checkout-api/invoice/pay/wallet", ScopePayments, "checkout-api", (*Server).hInvoicePay)),
		rt("POST", "/checkout-api/api/bill/reject", ScopePayments, "checkout-api", (*Server).hBillReject),
		rt("PUT", "/payment-notifier/v1/hooks", ScopePayments, "payment-notifier", (*Server).hHookPut),
		rt("GET", "/payment-notifier/v1/hooks/active", ScopePayments, "payment-notifier", (*Server).hHookActive),
		rt("GET", "/payment-notifier/v1/hooks/test", ScopePayments, "payment-notifier", (*Server).hHookTest),
		rt("DELETE", "/payment-notifier/v1/hooks/{hookId}", ScopePayments, "payment-notifier", (*Server).hHookDelete),
		rt("GET", "/payment-notifier/v1/hooks/{hookId}/key", ScopePayments, "payment-notifier", (*Server).hHookKey),
		rt("POST", "/payment-notifier/v1/hooks/{hookId}/newkey", ScopePayments, "payment-notifier", (*Server).hHookNewKey),
	}
}

// match returns the route for path (exact literal segments win over
// parameters) and whether the method matched.
func match(method, path string) (*route, []string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var found *route
	for _, rt := range routes {
		if len(rt.pattern) != len(segs) {
			continue
		}
		var ps []string
		ok := true
		for i, p := range rt.pattern {
			if isParam(p) {
				if segs[i] == "" {
					ok = false
				}
				ps = append(ps, segs[i])
			} else {
				ok = ok && p == segs[i]
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		if rt.method != method {
			if found == nil {
				found = rt
			}
			continue
		}
		return rt, ps, true
	}
	return found, nil, false
}

func (s *Server) dispatch(c *call) reply {
	rt, params, ok := match(c.r.Method, c.r.URL.Path)
	if rt == nil {
		return s.qerr(c, "edge", 404, "not.found", "Ресурс не найден", "No such method: "+c.r.Method+" "+c.r.URL.Path)
	}
	if !ok {
		return s.qerr(c, rt.svc, 405, "method.not.allowed", "Метод не поддерживается", "Method "+c.r.Method+" is not allowed here")
	}
	c.rt, c.params = rt, params
	auth := c.r.Header.Get("Authorization")
	tokStr, hasBearer := cutPrefixFold(auth, "Bearer ")
	tok := s.tokens[strings.TrimSpace(tokStr)]
	if !hasBearer || tok == nil {
		return s.qerr(c, rt.svc, 401, "unauthorized", "Неверный токен или срок его действия истек", "Missing, wrong or expired API token")
	}
	c.tok = tok
	if rt.scope != "" && !tok.scopes[rt.scope] {
		return s.qerr(c, rt.svc, 403, "access.denied", "Недостаточно прав токена для выполнения запроса", "Token has no scope "+string(rt.scope))
	}
	c.w = s.wallets[tok.wallet]
	walletMissing := c.w == nil
	for i, p := range rt.pattern {
		if p == "{wallet}" {
			if pathSeg(c.r.URL.Path, i) != tok.wallet {
				walletMissing = true
			}
			c.params = c.params[1:]
		}
	}
	if walletMissing {
		return s.qerr(c, rt.svc, 404, "wallet.not.found", "Кошелек не найден", "Wallet not found")
	}
	if rt.history {
		if rp, blocked := s.historyBudget(c); blocked {
			return rp
		}
	}
	return rt.h(s, c)
}

// historyBudget enforces "at most N history requests per minute per
// wallet; going over blocks API access for 5 minutes".
func (s *Server) historyBudget(c *call) (reply, bool) {
	if s.histLimit < 0 {
		return reply{}, false
	}
	w := c.w
	if c.arrived.Before(w.blockedUntil) {
		return s.qerr(c, c.rt.svc, 423, "request.blocked", "Слишком много запросов, доступ временно заблокирован", "History request limit exceeded; blocked for 5 minutes"), true
	}
	cut := c.arrived.Add(-time.Minute)
	keep := w.histTimes[:0]
	for _, t := range w.histTimes {
		if t.After(cut) {
			keep = append(keep, t)
		}
	}
	w.histTimes = keep
	if len(w.histTimes) >= s.histLimit {
		w.blockedUntil = c.arrived.Add(5 * time.Minute)
		w.histTimes = nil
		return s.qerr(c, c.rt.svc, 423, "request.blocked", "Слишком много запросов, доступ временно заблокирован", "History request limit exceeded; blocked for 5 minutes"), true
	}
	w.histTimes = append(w.histTimes, c.arrived)
	return reply{}, false
}

func pathSeg(path string, i int) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if i < len(segs) {
		return segs[i]
	}
	return ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return "", false
}
