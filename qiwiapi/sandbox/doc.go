// Package sandbox is an embedded, QIWI-faithful Wallet API server: the demo
// backend of qiwidash and the peer of its integration tests.
//
// It is an independent implementation of the wire format (it deliberately
// does not import qiwidash/qiwiapi). Money is int64 minor units; every JSON
// number is written by the sandbox itself (see money.go), so amounts look
// like QIWI's: 70, 3497.5, 8.74.
//
// # Data
//
// Everything is derived from Options.Seed (PCG) and placed relative to
// Options.End: the same Seed and End (and server clock) give byte-identical
// responses. The demo wallet is 79991234567 (RUB, USD, EUR, KZT accounts plus
// a mobile "MC" account); OtherWallets are 79161112233 (RUB+USD),
// 79035550101 and 79267773344 (RUB). The demo history holds
// Options.Transactions items over ~18 months: every status, every errorCode
// of the docs' table, IN/OUT/QIWI_CARD, sources QW_RUB/QW_USD/QW_EUR/CARD/MK,
// conversions (an OUT RUB leg and an IN leg sharing one txnId). The three
// newest outgoing RUB payments are WAITING and settle 3-15 minutes after End
// (the last one to ERROR 5 with a refund). 8 unpaid invoices; one of them
// (1 500 000 RUB) can never be paid (not.enough.funds).
//
// # Deterministic triggers
//
//   - sinap payment whose fields.account ends in "0000": accepted, then
//     ERROR after SettleDelay with errorCode 522 (card numbers) or 5 (any
//     other account), and the debit is refunded;
//   - bank card transfer (464/821 etc. with the card account_type) with a
//     past exp_date: ERROR 548;
//   - transfer (99) to a seeded wallet: that wallet gets the IN leg (same
//     txnId) and the money when the payment settles to SUCCESS;
//   - 1960/21012 (foreign cards): fields are validated, then always
//     QWPRC-131 "suspended";
//   - amount above the RUB balance: QWPRC-220; above 600 000 RUB: QWPRC-242;
//   - any well-formed sinap payment from a wallet whose restrictions
//     (SetRestrictions) include OUTGOING_PAYMENTS: QWPRC-319 "Платеж
//     невозможен" (the errorCode table's "your wallet status not allowing
//     the money transfer"), nothing debited;
//   - the first plain accounts request of the demo wallet returns the USD
//     account with hasBalance:true, balance:null (re-ask with
//     ?timeout=1000&alias=qw_wallet_usd);
//   - more than HistoryPerMinute history requests (list, total, details,
//     cheque file/send) in a sliding minute of the server clock, counted
//     when they arrive (before any Latency fault): 423 request.blocked, and
//     the wallet stays blocked for 5 minutes.
//
// Options.HistoryRows (qiwidash sandbox --history-rows N) replaces the demo
// history by exactly N transactions spread evenly over the 24 months before
// End, for tests at a real wallet's scale; seeding 30,000 takes well under
// a second. Share one clock (Options.Now, e.g. budget.NewScaledClock's Now)
// with a client's scheduler to run QIWI's minutes fast.
//
// # Stats
//
// GET /sandbox/stats (StatsPath; no token, not counted itself, not in
// Requests) answers the counts since start:
//
//	{"requests": {"GET /payment-history/v2/persons/{wallet}/payments": 607, ...},
//	 "status": {"200": 606, "423": 1}}
//
// requests are keyed by method and route template ("{wallet}" is the
// token's wallet, other "{name}" a path parameter; "GET (unknown)" for a
// path that is no endpoint); status by the HTTP status of the answer
// ("dropped" for a connection closed by CommitThenDrop). Server.Stats
// returns the same counts.
package sandbox
