package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

var msk = time.FixedZone("", 3*3600)

// qiwiError is the error body of the edge services.
type qiwiError struct {
	ServiceName string `json:"serviceName"`
	ErrorCode   string `json:"errorCode"`
	UserMessage string `json:"userMessage"`
	Description string `json:"description"`
	TraceID     string `json:"traceId"`
	DateTime    string `json:"dateTime"`
}

// qerr builds a QIWI-style error reply.
func (s *Server) qerr(c *call, svc string, status int, code, userMsg, desc string) reply {
	return jsonReply(status, qiwiError{
		ServiceName: svc,
		ErrorCode:   code,
		UserMessage: userMsg,
		Description: desc,
		TraceID:     randHex(s.idRng, 8),
		DateTime:    c.now.In(msk).Format("2006-01-02T15:04:05.000-07:00"),
	})
}

// bad is the 400 validation error of the route's service.
func (s *Server) bad(c *call, desc string) reply {
	return s.qerr(c, c.rt.svc, 400, "validation.error", "Ошибка валидации запроса", desc)
}

func (s *Server) notFound(c *call, code, desc string) reply {
	return s.qerr(c, c.rt.svc, 404, code, "Не найдено", desc)
}

// sinapError is the error body of the sinap payment API, e.g.
// {"code":"QWPRC-220","message":"Недостаточно средств, пополните кошелек"}.
type sinapError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// sinapErr answers 400 with code "QWPRC-<errorCode>". Codes used:
//
//	4   the account (wallet, card, bank account number) is malformed
//	202 any other request parameter is missing or malformed (named in the message)
//	131 payment type unavailable (1960/21012 foreign cards are suspended)
//	220 not enough funds
//	241 amount below minimum (<= 0 after rounding down to kopecks)
//	242 amount above maximum (> 600 000 RUB)
//	303 wrong phone number (mobile top-up)
//	319 payment impossible ("Платеж невозможен"): the wallet's outgoing
//	    payments are restricted (restriction OUTGOING_PAYMENTS)
//	547 wrong card expiry date (exp_date)
func sinapErr(code int, msg string) reply {
	return jsonReply(400, sinapError{Code: "QWPRC-" + strconv.Itoa(code), Message: msg})
}

func jsonReply(status int, v any) reply {
	return reply{status: status, ctype: "application/json;charset=UTF-8", body: mustJSON(v)}
}

func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", v, err))
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

func emptyReply(status int) reply { return reply{status: status} }

func randHex(r *rand.Rand, n int) string {
	const hexd = "0123456789abcdef"
	b := make([]byte, 2*n)
	for i := range b {
		b[i] = hexd[r.IntN(16)]
	}
	return string(b)
}

// uuid returns a deterministic version-4-shaped UUID.
func uuid(r *rand.Rand) string {
	h := randHex(r, 16)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func itoa(i int) string         { return strconv.Itoa(i) }
func itoa64(i int64) string     { return strconv.FormatInt(i, 10) }
func fmtMSK(t time.Time) string { return t.In(msk).Format("2006-01-02T15:04:05-07:00") }
func fmtUTCms(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
