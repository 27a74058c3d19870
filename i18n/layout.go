package i18n

// ruLayout is what each letter key of a ЙЦУКЕН (Russian) keyboard types,
// mapped to what the same key types on QWERTY.
var ruLayout = map[rune]rune{
	'й': 'q', 'ц': 'w', 'у': 'e', 'к': 'r', 'е': 't', 'н': 'y', 'г': 'u', 'ш': 'i', 'щ': 'o', 'з': 'p',
	'ф': 'a', 'ы': 's', 'в': 'd', 'а': 'f', 'п': 'g', 'р': 'h', 'о': 'j', 'л': 'k', 'д': 'l',
	'я': 'z', 'ч': 'x', 'с': 'c', 'м': 'v', 'и': 'b', 'т': 'n', 'ь': 'm',
	'Й': 'Q', 'Ц': 'W', 'У': 'E', 'К': 'R', 'Е': 'T', 'Н': 'Y', 'Г': 'U', 'Ш': 'I', 'Щ': 'O', 'З': 'P',
	'Ф': 'A', 'Ы': 'S', 'В': 'D', 'А': 'F', 'П': 'G', 'Р': 'H', 'О': 'J', 'Л': 'K', 'Д': 'L',
	'Я': 'Z', 'Ч': 'X', 'С': 'C', 'М': 'V', 'И': 'B', 'Т': 'N', 'Ь': 'M',
}

// QWERTY is the Latin letter on the key that types r on a Russian layout
// ('й' → 'q', 'Р' → 'H'); ok is false for anything else. Keys stay the
// same in both languages: a key typed with the Russian layout on does
// what the Latin letter on it does. (Only letter keys: х, ъ, ж, э, б, ю
// and ё sit on punctuation keys and stay themselves.)
func QWERTY(r rune) (rune, bool) {
	l, ok := ruLayout[r]
	return l, ok
}
