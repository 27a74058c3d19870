package pull

import "strconv"

// ResultCode is a Pull REST API result code (response.result_code, refund.error).
// Zero is success.
type ResultCode int

// Result codes from the Pull REST API error table.
const (
	CodeOK                  ResultCode = 0
	CodeBadRequest          ResultCode = 5
	CodeBusy                ResultCode = 13
	CodeForbidden           ResultCode = 78
	CodeAuthFailed          ResultCode = 150
	CodeProtocolDisabled    ResultCode = 152
	CodeAPIIDBlocked        ResultCode = 155
	CodeBillNotFound        ResultCode = 210
	CodeBillExists          ResultCode = 215
	CodeAmountTooSmall      ResultCode = 241
	CodeAmountTooLarge      ResultCode = 242
	CodeUserNotRegistered   ResultCode = 298
	CodeTechnical           ResultCode = 300
	CodeWrongPhone          ResultCode = 303
	CodeMerchantBlocked     ResultCode = 316
	CodeNoRights            ResultCode = 319
	CodeIPBlocked           ResultCode = 339
	CodeMissingParameter    ResultCode = 341
	CodeMonthlyLimit        ResultCode = 700
	CodePayerBlocked        ResultCode = 774
	CodeRegionNotSupported  ResultCode = 934
	CodeCurrencyNotAllowed  ResultCode = 1001
	CodeNoConversionRate    ResultCode = 1003
	CodeCountryNotSupported ResultCode = 1018
	CodeMobileOperator      ResultCode = 1019
	CodeAlreadyPaid         ResultCode = 1419
)

type codeInfo struct {
	meaning string
	fatal   bool
}

// codeTable follows the spec's error table. Where the English and Russian
// docs disagree (774, and 934/1018 whose English flag is blank) the Russian
// flag is used: 774 says "temporarily", so it is not fatal.
var codeTable = map[ResultCode]codeInfo{
	0:    {"success", false},
	5:    {"invalid data in request parameters", true},
	13:   {"server busy, retry later", false},
	78:   {"operation forbidden", true},
	150:  {"authorisation error (wrong login or password)", true},
	152:  {"protocol not enabled", false},
	155:  {"this API_ID is blocked", true},
	210:  {"invoice not found", true},
	215:  {"invoice with this bill_id already exists", true},
	241:  {"amount below the minimum", true},
	242:  {"amount above the maximum, or refund exceeds the invoice amount", true},
	298:  {"user (wallet) not registered", true},
	300:  {"technical error", false},
	303:  {"wrong phone number", true},
	316:  {"authorisation by a blocked merchant", false},
	319:  {"no rights for this operation", false},
	339:  {"IP address blocked", true},
	341:  {"required parameter missing or invalid", true},
	700:  {"monthly operations limit exceeded", true},
	774:  {"payer wallet temporarily blocked", false},
	934:  {"region not supported", true},
	1001: {"currency not allowed for this merchant", true},
	1003: {"no conversion rate for this currency pair", false},
	1018: {"country not supported", true},
	1019: {"cannot determine the mobile operator", true},
	1419: {"invoice already paid or being paid", true},
}

// Known reports whether the code is in the documented table.
func (c ResultCode) Known() bool {
	_, ok := codeTable[c]
	return ok
}

// Meaning is the documented meaning in words ("unknown result code" otherwise).
func (c ResultCode) Meaning() string {
	if info, ok := codeTable[c]; ok {
		return info.meaning
	}
	return "unknown result code"
}

// Fatal reports that repeating the same request gives the same answer, so
// retrying is pointless until a person acts. Unknown codes count as fatal.
func (c ResultCode) Fatal() bool {
	if info, ok := codeTable[c]; ok {
		return info.fatal
	}
	return c != 0
}

func (c ResultCode) String() string {
	return strconv.Itoa(int(c)) + " (" + c.Meaning() + ")"
}

// ResultCodes lists every documented code in ascending order.
func ResultCodes() []ResultCode {
	return []ResultCode{0, 5, 13, 78, 150, 152, 155, 210, 215, 241, 242, 298, 300, 303,
		316, 319, 339, 341, 700, 774, 934, 1001, 1003, 1018, 1019, 1419}
}
