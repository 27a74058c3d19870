package sandbox

import (
	"sort"
	"strconv"
)

// provider kinds decide which sinap fields a payment needs.
const (
	kindWallet      = "wallet"      // 99: fields.account = +7...
	kindConvert     = "convert"     // 1099: fields.account = own wallet
	kindMobile      = "mobile"      // operator ids: 10-digit phone
	kindCard        = "card"        // 1963/21013/31652/22351
	kindCardForeign = "cardForeign" // 1960/21012 (suspended)
	kindBank        = "bank"        // by card number and/or by account number
	kindService     = "service"     // 674, 1239 ... just fields.account
	kindRequisites  = "requisites"  // 1717
	kindInternal    = "internal"    // only appears in history (top-ups)
	kindMerchant    = "merchant"    // invoice issuers
)

type provider struct {
	id        int
	short     string
	long      string
	latin     string // for the PDF receipt (Helvetica is Latin-only)
	kind      string
	category  string
	keys      string
	site      string
	cardType  string // bank: account_type value for a transfer by card number
	acctType  string // bank: account_type value for a transfer by account number
	expReq    bool   // bank: exp_date required for card transfers
	cardBrand string // card: required first digits ("4", "5|2", "220")
}

func (p *provider) logo() string {
	return "https://static.qiwi.com/img/providers/logoBig/" + strconv.Itoa(p.id) + "_l.png"
}

// The catalogue. Names and ids follow the QIWI docs; a few extra services
// and merchants are invented for the demo.
var providerList = []*provider{
	{id: 99, short: "QIWI Кошелек", long: "Перевод на QIWI Кошелек", latin: "QIWI Wallet transfer", kind: kindWallet, category: "Переводы", keys: "кошелек, перевод, qiwi, wallet, transfer", site: "https://qiwi.com"},
	{id: 1099, short: "Конвертация", long: "Конвертация валют QIWI Кошелька", latin: "Currency conversion", kind: kindConvert, category: "Переводы", keys: "конвертация, обмен валют, conversion, exchange"},
	{id: 1, short: "МТС", long: "МТС (мобильная связь)", latin: "MTS", kind: kindMobile, category: "Мобильная связь", keys: "мтс, mts, мобильный, телефон", site: "https://www.mts.ru"},
	{id: 2, short: "Билайн", long: "Билайн (мобильная связь)", latin: "Beeline", kind: kindMobile, category: "Мобильная связь", keys: "билайн, beeline, мобильный, телефон", site: "https://beeline.ru"},
	{id: 3, short: "МегаФон", long: "МегаФон (мобильная связь)", latin: "MegaFon", kind: kindMobile, category: "Мобильная связь", keys: "мегафон, megafon, мобильный, телефон", site: "https://megafon.ru"},
	{id: 42, short: "Tele2", long: "Tele2 (мобильная связь)", latin: "Tele2", kind: kindMobile, category: "Мобильная связь", keys: "теле2, tele2, мобильный, телефон", site: "https://tele2.ru"},
	{id: 1963, short: "Visa (карты РФ)", long: "Перевод на карту Visa банков РФ", latin: "Visa card transfer", kind: kindCard, category: "Перевод на карту", keys: "visa, виза, карта, перевод на карту", cardBrand: "4"},
	{id: 21013, short: "MasterCard (карты РФ)", long: "Перевод на карту MasterCard банков РФ", latin: "MasterCard transfer", kind: kindCard, category: "Перевод на карту", keys: "mastercard, мастеркард, карта, перевод на карту", cardBrand: "5|2"},
	{id: 31652, short: "МИР", long: "Перевод на карту МИР", latin: "MIR card transfer", kind: kindCard, category: "Перевод на карту", keys: "мир, mir, карта, перевод на карту", cardBrand: "220"},
	{id: 22351, short: "QIWI Virtual Card", long: "Перевод на карту QIWI Virtual Card", latin: "QIWI Virtual Card", kind: kindCard, category: "Перевод на карту", keys: "qvc, виртуальная карта, карта"},
	{id: 1960, short: "Visa (зарубежные)", long: "Перевод на карту Visa зарубежных банков", latin: "Visa foreign card", kind: kindCardForeign, category: "Перевод на карту", keys: "visa, зарубежная карта"},
	{id: 21012, short: "MasterCard (зарубежные)", long: "Перевод на карту MasterCard зарубежных банков", latin: "MasterCard foreign card", kind: kindCardForeign, category: "Перевод на карту", keys: "mastercard, зарубежная карта"},
	{id: 464, short: "Альфа-Банк", long: "АО «Альфа-Банк»", latin: "Alfa-Bank", kind: kindBank, category: "Банки", keys: "альфа, alfa, банк", cardType: "1", acctType: "2", expReq: true},
	{id: 804, short: "ОТП Банк", long: "АО «ОТП Банк»", latin: "OTP Bank", kind: kindBank, category: "Банки", keys: "отп, otp, банк", cardType: "1", acctType: "2"},
	{id: 810, short: "Россельхозбанк", long: "АО «Россельхозбанк»", latin: "Rosselkhozbank", kind: kindBank, category: "Банки", keys: "россельхозбанк, банк", cardType: "5", acctType: "2"},
	{id: 815, short: "Русский Стандарт", long: "АО «Банк Русский Стандарт»", latin: "Russian Standard", kind: kindBank, category: "Банки", keys: "русский стандарт, банк", cardType: "1", acctType: "2"},
	{id: 816, short: "ВТБ", long: "Банк ВТБ (ПАО)", latin: "VTB", kind: kindBank, category: "Банки", keys: "втб, vtb, банк", cardType: "5", acctType: "2"},
	{id: 821, short: "Промсвязьбанк", long: "ПАО «Промсвязьбанк»", latin: "Promsvyazbank", kind: kindBank, category: "Банки", keys: "промсвязьбанк, псб, банк", cardType: "7", acctType: "9", expReq: true},
	{id: 870, short: "Сбербанк", long: "ПАО Сбербанк", latin: "Sberbank", kind: kindBank, category: "Банки", keys: "сбербанк, сбер, sber, банк", cardType: "5", acctType: "2"},
	{id: 881, short: "Ренессанс Кредит", long: "КБ «Ренессанс Кредит»", latin: "Renaissance Credit", kind: kindBank, category: "Банки", keys: "ренессанс, банк", cardType: "1", acctType: "2"},
	{id: 1134, short: "МКБ", long: "ПАО «Московский кредитный банк»", latin: "MKB", kind: kindBank, category: "Банки", keys: "мкб, московский кредитный банк, банк", cardType: "5", acctType: "2"},
	{id: 313, short: "Хоум Кредит", long: "ООО «Хоум Кредит энд Финанс Банк»", latin: "Home Credit", kind: kindBank, category: "Банки", keys: "хоум кредит, home credit, банк", acctType: "6"},
	{id: 819, short: "ЮниКредит Банк", long: "АО «ЮниКредит Банк»", latin: "UniCredit", kind: kindBank, category: "Банки", keys: "юникредит, unicredit, банк", acctType: "2"},
	{id: 868, short: "КИВИ Банк", long: "КИВИ Банк (АО)", latin: "QIWI Bank", kind: kindBank, category: "Банки", keys: "киви банк, qiwi bank, банк", acctType: "2"},
	{id: 27324, short: "Райффайзенбанк", long: "АО «Райффайзенбанк»", latin: "Raiffeisenbank", kind: kindBank, category: "Банки", keys: "райффайзен, raiffeisen, банк", acctType: "2"},
	{id: 674, short: "OnLime", long: "OnLime (Ростелеком Москва)", latin: "OnLime", kind: kindService, category: "Интернет, ТВ, IP-телефония", keys: "онлайм, onlime, интернет", site: "https://onlime.ru"},
	{id: 1239, short: "Подари жизнь", long: "Благотворительный фонд «Подари жизнь»", latin: "Podari zhizn charity", kind: kindService, category: "Благотворительность", keys: "подари жизнь, благотворительность, фонд"},
	{id: 23729, short: "МТС Домашний интернет", long: "МТС Домашний интернет, ТВ и Телефония РФ", latin: "MTS Home Internet", kind: kindService, category: "Интернет, ТВ, IP-телефония", keys: "мтс, домашний интернет, тв", site: "http://www.mts.ru/internet/mts_stream/"},
	{id: 26211, short: "Билайн Домашний интернет", long: "Билайн Домашний интернет и ТВ", latin: "Beeline Home Internet", kind: kindService, category: "Интернет, ТВ, IP-телефония", keys: "билайн, домашний интернет, тв"},
	{id: 31212, short: "Ростелеком", long: "ПАО «Ростелеком»", latin: "Rostelecom", kind: kindService, category: "Интернет, ТВ, IP-телефония", keys: "ростелеком, интернет, телефон"},
	{id: 34020, short: "Мосэнергосбыт", long: "АО «Мосэнергосбыт»", latin: "Mosenergosbyt", kind: kindService, category: "ЖКХ", keys: "мосэнергосбыт, электричество, жкх"},
	{id: 40197, short: "Штрафы ГИБДД", long: "Оплата штрафов ГИБДД", latin: "Traffic fines", kind: kindService, category: "Штрафы и налоги", keys: "штрафы, гибдд, налоги"},
	{id: 1717, short: "Оплата по реквизитам", long: "Платеж по банковским реквизитам", latin: "Payment by requisites", kind: kindRequisites, category: "Переводы", keys: "реквизиты, оплата по реквизитам, банк"},
	{id: 1240, short: "Пополнение с карты", long: "Пополнение QIWI Кошелька с банковской карты", latin: "Top-up from card", kind: kindInternal, category: "Пополнение"},
	{id: 1245, short: "Терминал QIWI", long: "Пополнение через терминал QIWI", latin: "QIWI terminal top-up", kind: kindInternal, category: "Пополнение"},
	{id: 480706, short: "Интернет-магазин цветов", long: "ООО «Цветы»", latin: "Flower shop", kind: kindMerchant, category: "Магазины"},
	{id: 482217, short: "Книжный клуб", long: "ООО «Книжный клуб»", latin: "Book club", kind: kindMerchant, category: "Магазины"},
	{id: 490155, short: "Кинотеатр «Октябрь»", long: "ООО «Кинотеатр Октябрь»", latin: "Oktyabr cinema", kind: kindMerchant, category: "Развлечения"},
	{id: 501003, short: "Школа английского", long: "ООО «Лингва Плюс»", latin: "English school", kind: kindMerchant, category: "Образование"},
}

var providers = func() map[int]*provider {
	m := make(map[int]*provider, len(providerList))
	for _, p := range providerList {
		m[p.id] = p
	}
	return m
}()

// mobileByPrefix maps the 3-digit DEF code of a Russian number to an operator.
var mobileByPrefix = map[string]int{
	"910": 1, "911": 1, "912": 1, "913": 1, "914": 1, "915": 1, "916": 1, "917": 1, "918": 1, "919": 1, "985": 1, "981": 1,
	"903": 2, "905": 2, "906": 2, "909": 2, "960": 2, "961": 2, "962": 2, "963": 2, "964": 2, "965": 2, "966": 2, "967": 2, "968": 2,
	"920": 3, "921": 3, "922": 3, "923": 3, "924": 3, "925": 3, "926": 3, "927": 3, "928": 3, "929": 3, "999": 3,
	"900": 42, "901": 42, "902": 42, "904": 42, "950": 42, "951": 42, "952": 42, "953": 42, "958": 42, "977": 42, "991": 42, "992": 42,
}

// sortedProviderIDs returns catalogue ids in ascending order (search output order).
func sortedProviderIDs() []int {
	ids := make([]int, 0, len(providerList))
	for _, p := range providerList {
		ids = append(ids, p.id)
	}
	sort.Ints(ids)
	return ids
}

// errorTexts is the errorCode table of the docs (history / transaction info).
var errorTexts = map[int]string{
	0:    "OK",
	3:    "Technical error. Repeat the request later",
	4:    "Incorrect format of phone or account number. Check the data",
	5:    "No such number. Check the data and try again",
	8:    "Technical problem on the recipient's bank side. Try again later",
	57:   "Recipient's wallet status not allowing the money transfer. Ask them to enter passport data in QIWI Wallet to increase status level.",
	131:  "Payment type unavailable for your country",
	166:  "Your wallet status not allowing the money transfer. Enter passport data in QIWI Wallet to increase status level.",
	167:  "Recipient's wallet status not allowing the money transfer. Ask them to enter passport data in QIWI Wallet to increase status level.",
	202:  "Technical error. Repeat the payment later",
	204:  "Your wallet status not allowing the cash topup. Enter passport data in QIWI Wallet to increase status level.",
	220:  "Not enough funds. Replenish your wallet",
	241:  "Payment amount must be larger than 1 ruble",
	242:  "Payment amount larger than maximum allowed",
	254:  "Payment amount must be larger than 1 ruble",
	271:  "Technical issue on the recipient's bank side. Try again later",
	300:  "Technical error. Repeat the payment later",
	303:  "Wrong phone number - enter 10 digits",
	319:  "Your wallet status not allowing the money transfer. Enter passport data in QIWI Wallet to increase status level.",
	407:  "Not enough funds on your card",
	408:  "You already have the same payment - pay or cancel it",
	455:  "Payment is not possible due to limit on minimum balance",
	461:  "Time to confirm operation is expired. Try again later",
	472:  "Not enough funds on your wallet - replenish it",
	500:  "Technical error on the recipient's bank side. Contact the bank's Support service",
	522:  "Recipient's card wrong number or expiration date. Check data and try again",
	547:  "Recipient's card wrong expiration date. Check data and try again",
	548:  "Recipient's card expired",
	558:  "Payment amount larger than maximum allowed",
	561:  "Bank where the money is transferring does not accept the payment. Contact the bank's Support service",
	700:  "Limit for your wallet current status is exceeded. Increase your status level or check your current limit in Profile section",
	702:  "Payment is not possible due to recipient's limit. Its balance's limit is exceeded. Recipient has to contact with our Support",
	704:  "The monthly limit on your wallet has been exceeded. To remove the restrictions, increase your wallet status in Profile section",
	705:  "The monthly limit on your wallet has been exceeded. To remove the restrictions, increase your wallet status in Profile section",
	710:  "Transfer is not possible - the weekly limit of payments for the same recipient have been exceeded",
	711:  "Transfer is not possible. You have exceeded the monthly payment limit for such transactions",
	716:  "You have exceeded the monthly limit on withdrawals from the card. To remove the restrictions, increase your wallet status in Profile section",
	717:  "You have exceeded the daily limit on withdrawals from the card. To remove the restrictions, increase your wallet status in Profile section",
	746:  "Transfer is impossible - the limit for the same recipient has been exceeded",
	747:  "Transfer is not possible. The number of operations for the same recipient has been exceeded",
	749:  "Technical error. Contact our Support",
	750:  "Technical error. Repeat the payment later",
	757:  "The limit on the number of payments has been exceeded. To remove the restrictions, increase your wallet status in Profile section",
	797:  "Payment has been cancelled, the money is returned to your wallet",
	852:  "Transfer is impossible - the limit for the same recipient has been exceeded",
	866:  "Payment not processed. Limit on outgoing transfers has been exceeded - 5 000 RUB from RUB, USD, EUR accounts to KZT monthly. Increase your wallet status in Profile section and pay without limits",
	867:  "Payment not processed. Limit on incoming transfers has been exceeded - 5 000 RUB from RUB, USD, EUR accounts to KZT monthly. Increase your wallet status in Profile section and pay without limits",
	893:  "Transfer rejected. Date is expired",
	901:  "The code to confirm the payment has expired. Repeat the payment",
	943:  "The limit on transfers per month is exceeded. Increase your wallet status in Profile section and transfer without restrictions",
	1050: "The limit on such operations is exceeded. Increase your wallet status in Profile section and expand your options",
	7000: "Payment rejected. Check card's details and repeat the payment",
}

// errorCodes lists the non-zero codes in ascending order.
var errorCodes = func() []int {
	var c []int
	for k := range errorTexts {
		if k != 0 {
			c = append(c, k)
		}
	}
	sort.Ints(c)
	return c
}()
