package explain

import (
	"errors"
	"strings"
	"time"

	"qiwidash/i18n"
	"qiwidash/qiwiapi"
	"qiwidash/qiwiapi/notify"
	"qiwidash/qiwiapi/pull"
	"qiwidash/qiwiapi/topup"
)

// protocolError words the failures of the agents' Top-Up API and the
// merchants' Pull API from their data (codes, statuses), and why a
// webhook's signature does not hold. Their English is
// the error's own text as it always read, password already redacted
// ({{.Error}}); other languages word the codes, and show QIWI's own
// message only where that text shows it too.
func protocolError(tr *i18n.Tr, err error) (string, bool) {
	var (
		req    *topup.RequestError
		tHTTP  *topup.HTTPError
		tNet   *topup.NetworkError
		tBroke *topup.DecodeError
		limit  *pull.RateLimitError
		auth   *pull.AuthError
		answer *pull.ErrorResponse
		check  *pull.InvalidError
		setup  *topup.ProblemError
	)
	text := err.Error()
	args := i18n.Args{"Error": text}
	shown := func(msg string) string { // QIWI's message, unless redacted away
		if msg != "" && strings.Contains(text, msg) {
			return msg
		}
		return ""
	}
	switch {
	case errors.As(err, &setup):
		args["Got"], args["N"], args["Want"] = setup.Got, setup.N, topup.MinKeyBits
		if setup.Err != nil {
			args["Cause"] = setup.Err.Error()
		}
		return tr.T(topUpProblemIDs[setup.Problem], args), true
	case errors.As(err, &req):
		args["Code"], args["Text"], args["Fatal"] = int(req.Code), TopUpRequest(tr, req.Code), req.Fatal
		if req.Message != req.Code.Text() {
			args["Message"] = shown(req.Message)
		}
		return tr.T("explain.topup.request_error", args), true
	case errors.As(err, &tHTTP):
		if tHTTP.StatusCode == 200 {
			return tr.T("explain.topup.empty", args), true
		}
		args["Status"] = tHTTP.StatusCode
		return tr.T("explain.topup.http", args), true
	case errors.As(err, &tNet):
		return tr.T("explain.topup.network", args), true
	case errors.As(err, &tBroke):
		return tr.T("explain.topup.unreadable", args), true
	case errors.As(err, &limit):
		args["Minutes"] = max(1, int((limit.RetryAfter+time.Minute-1)/time.Minute))
		return tr.T("explain.pull.blocked", args), true
	case errors.As(err, &auth):
		args["Code"], args["Text"] = int(auth.Code), PullCode(tr, auth.Code)
		return tr.T("explain.pull.auth", args), true
	case errors.As(err, &answer):
		args["Code"], args["Text"], args["Message"] = int(answer.Code), PullCode(tr, answer.Code), shown(answer.Message)
		return tr.T("explain.pull.answer", args), true
	case errors.Is(err, pull.ErrDecode):
		return tr.T("explain.pull.unreadable", args), true
	case errors.Is(err, pull.ErrInvalid):
		if errors.As(err, &check) {
			args["Problem"] = tr.T(pullCheckIDs[check.Check], i18n.Args{"Error": text, "Got": check.Got})
		}
		return tr.T("explain.pull.invalid", args), true
	case errors.Is(err, qiwiapi.ErrBadSignature):
		return tr.T("explain.webhook.bad_signature", args), true
	case errors.Is(err, qiwiapi.ErrNoSignature):
		return tr.T("explain.webhook.no_signature", args), true
	case errors.Is(err, qiwiapi.ErrAmbiguous):
		return tr.T("explain.webhook.ambiguous", args), true
	}
	return "", false
}

// notifyIDs words the refusals of incoming notifications.
var notifyIDs = map[notify.Why]string{
	notify.WhyMethod:                "explain.notify.method",
	notify.WhySource:                "explain.notify.source",
	notify.WhyNoContentType:         "explain.notify.no_content_type",
	notify.WhyContentTypeUnreadable: "explain.notify.content_type_unreadable",
	notify.WhyContentType:           "explain.notify.content_type",
	notify.WhyCharset:               "explain.notify.charset",
	notify.WhyTooLarge:              "explain.notify.too_large",
	notify.WhyReading:               "explain.notify.reading",
	notify.WhyMalformed:             "explain.notify.malformed",
	notify.WhySignature:             "explain.notify.signature",
	notify.WhyNoKey:                 "explain.notify.no_key",
	notify.WhyPaymentBusy:           "explain.notify.payment_busy",
	notify.WhyBillBusy:              "explain.notify.bill_busy",
	notify.WhySink:                  "explain.notify.sink",
	notify.WhyNoPassword:            "explain.notify.no_password",
	notify.WhyNoSignatureHeader:     "explain.notify.no_signature_header",
	notify.WhySignatureMismatch:     "explain.notify.signature_mismatch",
	notify.WhyPipe:                  "explain.notify.pipe",
	notify.WhyNoBasic:               "explain.notify.no_basic",
	notify.WhyWrongBasic:            "explain.notify.wrong_basic",
}

// refusal words why a notification was rejected or not applied; the
// English is its own text, its cause worded as any error.
func refusal(tr *i18n.Tr, r *notify.Refusal) string {
	args := i18n.Args{"Error": r.Error(), "Got": r.Got, "Want": r.Want}
	if r.Err != nil {
		args["Cause"] = Error(tr, r.Err)
	}
	if id, ok := notifyIDs[r.Why]; ok {
		return tr.T(id, args)
	}
	return r.Error()
}

// pullCheckIDs words what a Pull API request failed before it was sent.
var pullCheckIDs = map[pull.Check]string{
	pull.InvalidNilBill:      "explain.pull.check.nil_bill",
	pull.InvalidUser:         "explain.pull.check.user",
	pull.InvalidAmount:       "explain.pull.check.amount",
	pull.InvalidAmountDigits: "explain.pull.check.amount_digits",
	pull.InvalidCurrency:     "explain.pull.check.currency",
	pull.InvalidComment:      "explain.pull.check.comment",
	pull.InvalidPrvName:      "explain.pull.check.prv_name",
	pull.InvalidPaySource:    "explain.pull.check.pay_source",
	pull.InvalidBillID:       "explain.pull.check.bill_id",
	pull.InvalidRefundID:     "explain.pull.check.refund_id",
}

// topUpProblemIDs words the agent's setup and top-ups refused before sending.
var topUpProblemIDs = map[topup.Problem]string{
	topup.ProblemTerminalID:        "explain.topup.problem.terminal_id",
	topup.ProblemNoCredentials:     "explain.topup.problem.no_credentials",
	topup.ProblemNoPassword:        "explain.topup.problem.no_password",
	topup.ProblemCertNeedsKey:      "explain.topup.problem.cert_needs_key",
	topup.ProblemCertNeedsPassword: "explain.topup.problem.cert_needs_password",
	topup.ProblemReadCert:          "explain.topup.problem.read_cert",
	topup.ProblemReadCA:            "explain.topup.problem.read_ca",
	topup.ProblemReadKey:           "explain.topup.problem.read_key",
	topup.ProblemNoPEMCert:         "explain.topup.problem.no_pem_cert",
	topup.ProblemCertParse:         "explain.topup.problem.cert_parse",
	topup.ProblemKeyMismatch:       "explain.topup.problem.key_mismatch",
	topup.ProblemNoRSAKey:          "explain.topup.problem.no_rsa_key",
	topup.ProblemKeyEncrypted:      "explain.topup.problem.key_encrypted",
	topup.ProblemPassphrase:        "explain.topup.problem.passphrase",
	topup.ProblemPKCS1:             "explain.topup.problem.pkcs1",
	topup.ProblemPKCS8:             "explain.topup.problem.pkcs8",
	topup.ProblemNotRSA:            "explain.topup.problem.not_rsa",
	topup.ProblemKeyBits:           "explain.topup.problem.key_bits",
	topup.ProblemKeyCipher:         "explain.topup.problem.key_cipher",
	topup.ProblemKeyDamaged:        "explain.topup.problem.key_damaged",
	topup.ProblemTxnNumber:         "explain.topup.problem.txn_number",
	topup.ProblemAccount:           "explain.topup.problem.account",
	topup.ProblemAmount:            "explain.topup.problem.amount",
	topup.ProblemCurrency:          "explain.topup.problem.currency",
	topup.ProblemFunds:             "explain.topup.problem.funds",
	topup.ProblemComment:           "explain.topup.problem.comment",
	topup.ProblemSource:            "explain.topup.problem.source",
}

// TopUpNote is a top-up's last answer or error (State.Note) in tr's
// language, from its data; a state saved before the data reads as saved.
func TopUpNote(tr *i18n.Tr, s topup.State) string {
	d := s.Said
	if d == nil {
		return s.Note
	}
	args := i18n.Args{"Error": d.Error, "Code": int(d.Request), "Text": TopUpRequest(tr, d.Request), "Fatal": d.Fatal,
		"Message": d.Message, "Status": d.HTTP, "Missing": d.Missing, "Got": d.Got, "N": d.N, "Want": topup.MinKeyBits, "Cause": d.Error}
	var text string
	switch d.What {
	case topup.SaidUnknownPayment:
		text = tr.T("explain.topup.note.unknown_payment", nil)
	case topup.SaidCannotTake:
		text = tr.T("explain.topup.note.cannot_take", nil)
		if d.Request != topup.RequestOK {
			text = tr.T("explain.topup.note.cannot_take_because", args)
		}
	case topup.SaidPossible:
		text = tr.T("explain.topup.note.possible", nil)
	case topup.SaidPayment:
		pay := i18n.Args{"Status": TopUpStatus(tr, d.Status), "Result": TopUpResult(tr, d.Result)}
		text = tr.T("explain.topup.note.payment", pay)
		if d.Result != topup.ResultOK {
			text = tr.T("explain.topup.note.payment_result", pay)
		}
	case topup.SaidBroken:
		text = tr.T("explain.topup.note.broken", args)
	case topup.SaidNoAnswer:
		text = tr.T("explain.topup.note.no_answer", nil)
	case topup.SaidRequestError:
		text = tr.T("explain.topup.request_error", args)
	case topup.SaidHTTP:
		text = tr.T("explain.topup.http", args)
		if d.HTTP == 200 {
			text = tr.T("explain.topup.empty", args)
		}
	case topup.SaidNetwork:
		text = tr.T("explain.topup.network", args)
	case topup.SaidUnreadable:
		text = tr.T("explain.topup.unreadable", args)
	case topup.SaidTimeout:
		text = tr.T("explain.topup.note.timeout", args)
	case topup.SaidProblem:
		text = tr.T(topUpProblemIDs[d.Problem], args)
	default:
		text = tr.T("explain.topup.note.error", args)
	}
	if d.Held {
		return tr.T("explain.topup.note.held", i18n.Args{"Note": text})
	}
	return text
}
