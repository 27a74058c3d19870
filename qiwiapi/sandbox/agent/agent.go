// Package agent is a sandbox of the QIWI Wallet Top-Up XML API (the payment
// agents' API), served at /xml/topup.jsp. It keeps agent accounts in several
// currencies and wallets, moves payments through the documented statuses
// on an injectable clock, answers the documented error codes for specific
// inputs and injects transport faults on demand.
//
// It is an independent implementation of the wire format: it does not use
// the topup client, so tests of the client against it mean something.
// Money is int64 minor units (kopecks, cents, tiyn).
package agent

import (
	"bytes"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Path is where the API is served.
const Path = "/xml/topup.jsp"

// Demo credentials and seeded accounts. Every wallet below exists in every
// sandbox, whatever the seed.
const (
	demoTerminal        = "770001"
	demoBlockedTerminal = "770002"
	demoPassword        = "sandbox-agent-pass"

	WalletOK        = "79001112233" // RUB 1 500.00 and USD 20.00; takes cash and non-cash
	WalletNoCash    = "79002223344" // identification too low for cash: 204
	WalletBlocked   = "79003334455" // top-up forbidden: 319
	WalletNearLimit = "79004445566" // RUB 59 995.00 of a 60 000.00 balance limit: 702
	WalletKZT       = "79005556677" // a KZT wallet
	WalletNew       = "79009990000" // not seeded: check-user says 0, pay creates it
	PhoneNoWallet   = "70000000000" // any account starting 7000 cannot have a wallet: 298
)

// DemoTerminalID is the agent id of the seeded agent.
func DemoTerminalID() string { return demoTerminal }

// DemoBlockedTerminalID is a seeded agent that is blocked: pay answers 316.
func DemoBlockedTerminalID() string { return demoBlockedTerminal }

// DemoPassword is the password of both seeded agents.
func DemoPassword() string { return demoPassword }

// Currencies of the agent accounts.
const (
	RUB = 643
	USD = 840
	EUR = 978
	KZT = 398
)

// minor units of one currency unit, in RUB kopecks (fixed sandbox rates).
var rubRate = map[int]int64{RUB: 100, USD: 9000, EUR: 10000, KZT: 20}

// MinAmount is the smallest top-up (1.00) in any currency; below it pay
// finishes with 241.
const MinAmount = 100

var maxAmount = map[int]int64{RUB: 60000_00, USD: 1000_00, EUR: 1000_00, KZT: 300000_00}

// MaxAmount is the largest top-up in a currency, in minor units (RUB
// 60 000.00, USD and EUR 1 000.00, KZT 300 000.00); above it pay finishes
// with 242.
func MaxAmount(currency int) int64 { return maxAmount[currency] }

// Options configures a sandbox.
type Options struct {
	Seed int64            // drives the extra wallets and the balances' kopecks
	Now  func() time.Time // clock (default time.Now)
	// SettleDelay is the time from acceptance (status 50) to the final
	// status; status 52 comes at half of it. 0 means 3 s, negative means
	// final at once.
	SettleDelay time.Duration
	// PublicKey verifies X-Digital-Sign; without it signed requests are
	// refused (150).
	PublicKey         *rsa.PublicKey
	RequireSignature  bool // refuse password-only requests (150)
	RequireClientCert bool // refuse requests without a verified TLS client certificate (150)
	// Location is the time zone of txn-date (default UTC+3, Moscow).
	Location *time.Location
	// Sleep waits for the Latency fault (default: a real timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Strict answers exactly the docs' example shapes: check-user without
	// an XML declaration (the EN example), pay without a request-level
	// <result-code> (always so), no message/msg attributes (RU only).
	Strict bool
}

// Faults are injected into matching requests.
type Faults struct {
	Only  string // request kind to fault: pay, status, check-deposit-possible, check-user, ping; "" = all
	Count int    // how many matching requests; 0 = until cleared

	Latency         time.Duration // wait before answering (a cancelled request is then not processed)
	Drop            bool          // close the connection without processing
	DropAfterCommit bool          // process (the payment is made), then close without an answer
	HTTPStatus      int           // answer this HTTP status, without processing
	BrokenXML       bool          // process, then answer a truncated document
	EmptyTxnID      bool          // pay: answer "not registered" (status -1, txn_id=''), record nothing
	Busy            bool          // request-level 13 (not fatal), without processing
	Unknown         bool          // request-level 300 (not fatal), without processing
	BlockIP         bool          // request-level 339 (fatal), without processing
}

// Request is what the sandbox received.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Kind   string // pay, status, check-deposit-possible, check-user, ping or "" when unreadable
}

type terminal struct {
	blocked  bool
	balances map[int]int64
}

type wallet struct {
	balances map[int]int64
	noCash   bool
	blocked  bool
	limit    int64 // balance limit in RUB-equivalent kopecks per currency account; 0 = none
}

type payment struct {
	terminal, number, account string
	amount, debit             int64
	toCcy, fromCcy            int
	funds                     string
	comment, source, service  string
	txnID                     int64
	created                   time.Time
	finalStatus, result       int
	fatal                     bool
	immediate                 bool // final from the start (refused at once)
	forced                    bool // SettleNow
	settled                   bool
}

// Server is the sandbox; it is an http.Handler.
type Server struct {
	mu        sync.Mutex
	opts      Options
	loc       *time.Location
	terminals map[string]*terminal
	wallets   map[string]*wallet
	payments  map[string]*payment // terminal + "/" + number
	order     []*payment
	faults    Faults
	left      int
	requests  []Request
	nextTxn   int64
}

// New makes a sandbox seeded deterministically from opts.Seed.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SettleDelay == 0 {
		opts.SettleDelay = 3 * time.Second
	}
	if opts.Sleep == nil {
		opts.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	loc := opts.Location
	if loc == nil {
		loc = time.FixedZone("MSK", 3*60*60)
	}
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0x71a1))
	s := &Server{
		opts:      opts,
		loc:       loc,
		terminals: map[string]*terminal{},
		wallets:   map[string]*wallet{},
		payments:  map[string]*payment{},
		nextTxn:   int64(10_000_000_000 + rng.IntN(1_000_000)*1000),
	}
	bal := func() map[int]int64 {
		return map[int]int64{
			RUB: 1_000_000_00 + rng.Int64N(100_00),
			USD: 10_000_00 + rng.Int64N(100_00),
			EUR: 10_000_00 + rng.Int64N(100_00),
			KZT: 5_000_000_00 + rng.Int64N(100_00),
		}
	}
	s.terminals[demoTerminal] = &terminal{balances: bal()}
	s.terminals[demoBlockedTerminal] = &terminal{blocked: true, balances: bal()}
	s.wallets[WalletOK] = &wallet{balances: map[int]int64{RUB: 1500_00, USD: 20_00}}
	s.wallets[WalletNoCash] = &wallet{balances: map[int]int64{RUB: 300_00}, noCash: true}
	s.wallets[WalletBlocked] = &wallet{balances: map[int]int64{RUB: 10_00}, blocked: true}
	s.wallets[WalletNearLimit] = &wallet{balances: map[int]int64{RUB: 59_995_00}, limit: 60_000_00}
	s.wallets[WalletKZT] = &wallet{balances: map[int]int64{KZT: 12_500_00}}
	for i := 0; i < 20; i++ {
		phone := "7916" + strconv.Itoa(1_000_000+rng.IntN(9_000_000))
		if _, ok := s.wallets[phone]; !ok {
			s.wallets[phone] = &wallet{balances: map[int]int64{RUB: rng.Int64N(50_000_00)}}
		}
	}
	return s
}

// SetFaults replaces the injected faults (Faults{} clears them).
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults, s.left = f, f.Count
}

// Requests returns a copy of every request received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = Request{Method: r.Method, Path: r.Path, Header: r.Header.Clone(), Body: append([]byte(nil), r.Body...), Kind: r.Kind}
	}
	return out
}

// PaymentCount is the number of payments that debited the agent (accepted,
// whatever their final outcome).
func (s *Server) PaymentCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.order {
		if !p.immediate {
			n++
		}
	}
	return n
}

// Balance is the demo agent's balance in a currency, in minor units.
func (s *Server) Balance(currency int) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.opts.Now())
	return s.terminals[demoTerminal].balances[currency]
}

// Deposit adds money to the demo agent's account (e.g. after a 220).
func (s *Server) Deposit(currency int, minor int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.terminals[demoTerminal].balances[currency] += minor
}

// WalletBalance is a wallet's balance in a currency; ok is false when the
// wallet or the currency account does not exist.
func (s *Server) WalletBalance(phone string, currency int) (minor int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settle(s.opts.Now())
	w, found := s.wallets[phone]
	if !found {
		return 0, false
	}
	minor, ok = w.balances[currency]
	return minor, ok
}

// PaymentStatus is the current status of the demo agent's payment.
func (s *Server) PaymentStatus(number string) (status int, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, found := s.payments[demoTerminal+"/"+number]
	if !found {
		return 0, false
	}
	now := s.opts.Now()
	s.settle(now)
	return s.statusOf(p, now), true
}

// SettleNow makes every payment final.
func (s *Server) SettleNow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.order {
		p.forced = true
	}
	s.settle(s.opts.Now())
}

func (s *Server) isFinal(p *payment, now time.Time) bool {
	return p.immediate || p.forced || s.opts.SettleDelay < 0 || !now.Before(p.created.Add(s.opts.SettleDelay))
}

func (s *Server) statusOf(p *payment, now time.Time) int {
	switch {
	case s.isFinal(p, now):
		return p.finalStatus
	case !now.Before(p.created.Add(s.opts.SettleDelay / 2)):
		return 52
	default:
		return 50
	}
}

// settle applies the money movements of payments that became final:
// success credits the wallet, failure refunds the agent.
func (s *Server) settle(now time.Time) {
	for _, p := range s.order {
		if p.settled || p.immediate || !s.isFinal(p, now) {
			continue
		}
		p.settled = true
		if p.finalStatus == 60 {
			s.wallets[p.account].balances[p.toCcy] += p.amount
		} else {
			s.terminals[p.terminal].balances[p.fromCcy] += p.debit
		}
	}
}

// --- HTTP ---

type reqExtra struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type reqPayment struct {
	Number string `xml:"transaction-number"`
	From   struct {
		Ccy       string `xml:"ccy"`
		ServiceID string `xml:"service-id"`
	} `xml:"from"`
	To struct {
		Amount    string     `xml:"amount"`
		Ccy       string     `xml:"ccy"`
		ServiceID string     `xml:"service-id"`
		Account   string     `xml:"account-number"`
		Extras    []reqExtra `xml:"extra"`
	} `xml:"to"`
}

type reqDoc struct {
	XMLName  xml.Name   `xml:"request"`
	Type     string     `xml:"request-type"`
	Terminal string     `xml:"terminal-id"`
	Extras   []reqExtra `xml:"extra"`
	Auth     *struct {
		Payments []reqPayment `xml:"payment"`
	} `xml:"auth"`
	Status *struct {
		Payments []reqPayment `xml:"payment"`
	} `xml:"status"`
}

func (d *reqDoc) extra(name string) (string, bool) {
	for _, e := range d.Extras {
		if e.Name == name {
			return strings.TrimSpace(e.Value), true
		}
	}
	return "", false
}

func (d *reqDoc) kind() string {
	switch {
	case d.Type == "pay" && d.Auth != nil && d.Status == nil:
		return "pay"
	case d.Type == "pay" && d.Status != nil && d.Auth == nil:
		return "status"
	case d.Type == "check-deposit-possible", d.Type == "check-user", d.Type == "ping":
		return d.Type
	}
	return ""
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != Path {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		http.Error(w, "cannot read the request", http.StatusBadRequest)
		return
	}
	if len(body) > maxBody {
		// Never a truncated body processed as if it were the request.
		http.Error(w, "the request is over 1 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	var doc reqDoc
	kind := ""
	parseErr := parseRequest(body, &doc)
	if parseErr == nil {
		kind = doc.kind()
	}

	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Kind: kind})
	f := s.takeFault(kind)
	s.mu.Unlock()

	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	if f.Latency > 0 {
		if s.opts.Sleep(r.Context(), f.Latency) != nil {
			return
		}
	}
	if f.Drop {
		hangUp(w)
		return
	}
	if f.HTTPStatus != 0 {
		http.Error(w, http.StatusText(f.HTTPStatus), f.HTTPStatus)
		return
	}
	var out []byte
	switch {
	case f.BlockIP:
		out = resultOnly(339, true)
	case f.Busy:
		out = resultOnly(13, false)
	case f.Unknown:
		out = resultOnly(300, false)
	case parseErr != nil || kind == "":
		out = resultOnly(300, false)
	default:
		s.mu.Lock()
		out = s.handle(r, body, &doc, kind, f.EmptyTxnID)
		s.mu.Unlock()
	}
	if f.DropAfterCommit {
		hangUp(w)
		return
	}
	if f.BrokenXML {
		out = out[:len(out)/2]
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(out)
}

// maxBody is the largest request the sandbox reads.
const maxBody = 1 << 20

// parseRequest reads one <request> and refuses anything but whitespace,
// comments or processing instructions after it.
func parseRequest(body []byte, doc *reqDoc) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(doc); err != nil {
		return err
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return errors.New("text after </request>")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errors.New("content after </request>")
		}
	}
}

// takeFault returns the faults for this request and counts it.
func (s *Server) takeFault(kind string) Faults {
	f := s.faults
	if f.Only != "" && f.Only != kind {
		return Faults{}
	}
	if f.Count > 0 {
		if s.left <= 0 {
			return Faults{}
		}
		s.left--
	}
	return f
}

// hangUp closes the connection without writing a response.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func (s *Server) authorize(r *http.Request, body []byte, doc *reqDoc) bool {
	if _, ok := s.terminals[strings.TrimSpace(doc.Terminal)]; !ok {
		return false
	}
	if s.opts.RequireClientCert && (r.TLS == nil || len(r.TLS.VerifiedChains) == 0) {
		return false
	}
	if sig := r.Header.Get("X-Digital-Sign"); sig != "" {
		return s.opts.PublicKey != nil && verify(s.opts.PublicKey, r.Header.Get("X-Digital-Sign-Alg"), body, sig)
	}
	if s.opts.RequireSignature {
		return false
	}
	pw, ok := doc.extra("password")
	return ok && pw == demoPassword
}

func verify(pub *rsa.PublicKey, alg string, body []byte, sigB64 string) bool {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sigB64))
	if err != nil {
		return false
	}
	switch alg {
	case "SHA1withRSA":
		h := sha1.Sum(body)
		return rsa.VerifyPKCS1v15(pub, crypto.SHA1, h[:], sig) == nil
	case "MD5withRSA":
		h := md5.Sum(body)
		return rsa.VerifyPKCS1v15(pub, crypto.MD5, h[:], sig) == nil
	}
	return false
}

func (s *Server) handle(r *http.Request, body []byte, doc *reqDoc, kind string, emptyTxn bool) []byte {
	if !s.authorize(r, body, doc) {
		return resultOnly(150, true)
	}
	now := s.opts.Now()
	s.settle(now)
	term := s.terminals[strings.TrimSpace(doc.Terminal)]
	if term.blocked && kind != "pay" {
		// A blocked agent is refused everything; pay says 316 in its <payment>.
		return resultOnly(150, true)
	}
	switch kind {
	case "ping":
		var b bytes.Buffer
		b.WriteString(xmlHeader + "<response>\n<result-code fatal=\"false\">0</result-code>\n")
		writeBalances(&b, term)
		b.WriteString("</response>\n")
		return b.Bytes()
	case "check-user":
		phone, _ := doc.extra("phone")
		exist, ok := s.exists(phone, doc)
		if !ok {
			return resultOnly(300, false)
		}
		head := xmlHeader
		if s.opts.Strict {
			head = "" // the EN docs' check-user answer has no XML declaration
		}
		return []byte(head + "<response>\n  <result-code fatal=\"false\">0</result-code>\n  <exist>" + bit(exist) + "</exist>\n</response>\n")
	case "check-deposit-possible":
		return s.checkDeposit(doc)
	case "status":
		var b bytes.Buffer
		b.WriteString(xmlHeader + "<response>\n  <result-code fatal=\"false\">0</result-code>\n")
		for _, q := range doc.Status.Payments {
			p, ok := s.payments[strings.TrimSpace(doc.Terminal)+"/"+strings.TrimSpace(q.Number)]
			if !ok {
				continue // unknown payments are absent, as documented
			}
			b.WriteString("  ")
			s.writePayment(&b, p, now, false)
		}
		writeBalances(&b, term)
		b.WriteString("</response>\n")
		return b.Bytes()
	case "pay":
		return s.pay(doc, term, now, emptyTxn)
	}
	return resultOnly(300, false)
}

func (s *Server) exists(phone string, doc *reqDoc) (exist, ok bool) {
	w, found := s.wallets[phone]
	ccy, hasCcy := doc.extra("ccy")
	if !hasCcy {
		return found, true
	}
	c, ok := currency(ccy)
	if !ok {
		return false, false
	}
	if !found {
		return false, true
	}
	_, has := w.balances[c]
	return has, true
}

func (s *Server) checkDeposit(doc *reqDoc) []byte {
	phone, _ := doc.extra("phone")
	funds, _ := doc.extra("income_wire_transfer")
	if funds != "0" && funds != "1" || !validPhone(phone) {
		return resultOnly(300, false)
	}
	exist, ok := s.exists(phone, doc)
	if !ok {
		return resultOnly(300, false)
	}
	code, fatal, possible := 0, false, true
	w := s.wallets[phone]
	switch {
	case strings.HasPrefix(phone, "7000"):
		code, fatal, possible = 298, true, false
	case w != nil && w.blocked:
		code, fatal, possible = 319, true, false
	case w != nil && w.noCash && funds == "0":
		code, fatal, possible = 204, true, false
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader + "<response>\n    ")
	writeResult(&b, code, fatal)
	b.WriteString("\n    <exist>" + bit(exist) + "</exist>\n    <deposit-possible>" + bit(possible) + "</deposit-possible>\n</response>\n")
	return b.Bytes()
}

func (s *Server) pay(doc *reqDoc, term *terminal, now time.Time, emptyTxn bool) []byte {
	if len(doc.Auth.Payments) != 1 {
		return resultOnly(300, false)
	}
	q := doc.Auth.Payments[0]
	np := &payment{
		terminal: strings.TrimSpace(doc.Terminal),
		number:   strings.TrimSpace(q.Number),
		account:  strings.TrimSpace(q.To.Account),
		service:  strings.TrimSpace(q.To.ServiceID),
		source:   strings.TrimSpace(q.From.ServiceID),
		created:  now,
	}
	np.funds, _ = doc.extra("income_wire_transfer")
	for _, e := range q.To.Extras {
		if e.Name == "comment" {
			np.comment = e.Value
		}
	}
	var ok1, ok2, ok3 bool
	np.toCcy, ok1 = currency(q.To.Ccy)
	np.fromCcy, ok2 = currency(q.From.Ccy)
	np.amount, ok3 = parseMinor(q.To.Amount)
	if !ok1 || !ok2 || !ok3 || !validNumber(np.number) || np.funds != "0" && np.funds != "1" ||
		len([]rune(np.comment)) > 1000 || np.source != "" && !validNumber(np.source) {
		return resultOnly(300, false)
	}
	notRegistered := func(code int, fatal bool) []byte {
		np.result, np.fatal = code, fatal
		var b bytes.Buffer
		b.WriteString(xmlHeader + "<response>\n")
		s.writePayment(&b, np, now, true)
		writeBalances(&b, term)
		b.WriteString("</response>\n")
		return b.Bytes()
	}
	if emptyTxn {
		return notRegistered(0, false)
	}
	if old, ok := s.payments[np.terminal+"/"+np.number]; ok {
		if old.account != np.account || old.amount != np.amount || old.toCcy != np.toCcy ||
			old.fromCcy != np.fromCcy || old.service != np.service || old.source != np.source {
			return notRegistered(215, true)
		}
		return s.payResponse(old, term, now)
	}
	if term.blocked {
		return notRegistered(316, true)
	}
	if np.service != "99" {
		return notRegistered(155, true)
	}
	if _, ok := term.balances[np.fromCcy]; !ok {
		return notRegistered(220, false)
	}
	if _, ok := rubRate[np.toCcy]; !ok {
		return notRegistered(300, false)
	}
	refuse := func(status, code int) []byte {
		np.immediate, np.finalStatus, np.result, np.fatal = true, status, code, true
		return s.register(np, term, now)
	}
	w := s.wallets[np.account]
	switch {
	case !validPhone(np.account) || strings.HasPrefix(np.account, "7000"):
		return refuse(160, 298)
	case np.amount < MinAmount:
		return refuse(160, 241)
	case np.amount > maxAmount[np.toCcy]:
		return refuse(160, 242)
	case w != nil && w.blocked:
		return refuse(150, 319)
	case w != nil && w.noCash && np.funds == "0":
		return refuse(150, 204)
	}
	// Debit in the agent's currency at the sandbox's fixed rates, rounded up.
	rub := np.amount * rubRate[np.toCcy]
	np.debit = (rub + rubRate[np.fromCcy] - 1) / rubRate[np.fromCcy]
	if term.balances[np.fromCcy] < np.debit {
		return notRegistered(220, false)
	}
	term.balances[np.fromCcy] -= np.debit
	if w == nil {
		w = &wallet{balances: map[int]int64{}}
		s.wallets[np.account] = w
	}
	if _, ok := w.balances[np.toCcy]; !ok {
		w.balances[np.toCcy] = 0
	}
	np.finalStatus = 60
	if w.limit > 0 && w.balances[np.toCcy]+np.amount > w.limit {
		np.finalStatus, np.result, np.fatal = 160, 702, true
	}
	return s.register(np, term, now)
}

func (s *Server) register(p *payment, term *terminal, now time.Time) []byte {
	s.nextTxn++
	p.txnID = s.nextTxn
	s.payments[p.terminal+"/"+p.number] = p
	s.order = append(s.order, p)
	s.settle(now)
	return s.payResponse(p, term, now)
}

func (s *Server) payResponse(p *payment, term *terminal, now time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader + "<response>\n")
	s.writePayment(&b, p, now, true)
	writeBalances(&b, term)
	b.WriteString("</response>\n")
	return b.Bytes()
}

const xmlHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func bit(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

func resultOnly(code int, fatal bool) []byte {
	var b bytes.Buffer
	b.WriteString(xmlHeader + "<response>\n  ")
	writeResult(&b, code, fatal)
	b.WriteString("\n</response>\n")
	return b.Bytes()
}

func writeResult(b *bytes.Buffer, code int, fatal bool) {
	b.WriteString(`<result-code fatal="` + strconv.FormatBool(fatal) + `">` + strconv.Itoa(code) + `</result-code>`)
}

// writePayment writes <payment> in the documented single-quoted style; with
// legs (pay) it has from/to children, without (status) it is self-closing.
func (s *Server) writePayment(b *bytes.Buffer, p *payment, now time.Time, legs bool) {
	status, txn, final, date := -1, "", false, ""
	if p.txnID != 0 {
		status = s.statusOf(p, now)
		txn = strconv.FormatInt(p.txnID, 10)
		final = status == 60 || status > 100
		date = p.created.In(s.loc).Format("02.01.2006 15:04:05")
	}
	result := p.result
	if !final && p.txnID != 0 {
		result = 0 // the reason shows only with the final status
	}
	fatal := p.fatal && (final || p.txnID == 0)
	b.WriteString("<payment status='" + strconv.Itoa(status) + "' txn_id='" + txn +
		"' transaction-number='" + esc(p.number) + "' result-code='" + strconv.Itoa(result) +
		"' final-status='" + strconv.FormatBool(final) + "' fatal-error='" + strconv.FormatBool(fatal) +
		"' txn-date='" + date + "'")
	if !legs {
		b.WriteString(" />\n")
		return
	}
	b.WriteString(" >\n  <from>\n    <amount>" + formatMinor(p.debit) + "</amount>\n    <ccy>" + strconv.Itoa(p.fromCcy) + "</ccy>\n  </from>\n")
	b.WriteString("  <to>\n    <service-id>" + esc(p.service) + "</service-id>\n    <amount>" + formatMinor(p.amount) +
		"</amount>\n    <ccy>" + strconv.Itoa(p.toCcy) + "</ccy>\n    <account-number>" + esc(p.account) + "</account-number>\n  </to>\n</payment>\n")
}

func writeBalances(b *bytes.Buffer, term *terminal) {
	codes := make([]int, 0, len(term.balances))
	for c := range term.balances {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	b.WriteString("<balances>\n")
	for _, c := range codes {
		b.WriteString(`<balance code="` + strconv.Itoa(c) + `">` + formatMinor(term.balances[c]) + "</balance>\n")
	}
	b.WriteString("</balances>\n")
}

func formatMinor(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/100, 10) + "." + strconv.FormatInt(v%100/10, 10) + strconv.FormatInt(v%10, 10)
}

// parseMinor reads "1115.00" into kopecks: exactly two decimals after a
// '.', as the docs' value formats say ("1115", "1115.5" are refused).
func parseMinor(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	ip, fp, hasDot := strings.Cut(s, ".")
	if ip == "" || len(ip) > 13 || !hasDot || len(fp) != 2 {
		return 0, false
	}
	for _, r := range ip + fp {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(ip+fp, 10, 64)
	return n, err == nil
}

var alpha = map[string]int{"RUB": RUB, "USD": USD, "EUR": EUR, "KZT": KZT}

func currency(s string) (int, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if c, ok := alpha[s]; ok {
		return c, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0 && n < 1000
}

func validNumber(s string) bool {
	if s == "" || len(s) > 20 || s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func validPhone(s string) bool {
	if len(s) < 10 || len(s) > 15 || s[0] == '0' {
		return false
	}
	return validNumber(s)
}
