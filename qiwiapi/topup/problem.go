package topup

import (
	"fmt"
	"strconv"
)

// Problem names what is wrong with the agent's setup (terminal, password,
// key, certificates) or with a top-up before it is sent.
type Problem string

// The problems; the ProblemError fields each one names are given.
const (
	ProblemTerminalID        Problem = "terminal_id" // Got
	ProblemNoCredentials     Problem = "no_credentials"
	ProblemNoPassword        Problem = "no_password"
	ProblemCertNeedsKey      Problem = "cert_needs_key"
	ProblemCertNeedsPassword Problem = "cert_needs_password"
	ProblemReadCert          Problem = "read_cert"   // Err
	ProblemReadCA            Problem = "read_ca"     // Err
	ProblemReadKey           Problem = "read_key"    // Err
	ProblemNoPEMCert         Problem = "no_pem_cert" // Got: the file
	ProblemCertParse         Problem = "cert_parse"  // Err
	ProblemKeyMismatch       Problem = "key_mismatch"
	ProblemNoRSAKey          Problem = "no_rsa_key"
	ProblemKeyEncrypted      Problem = "key_encrypted"
	ProblemPassphrase        Problem = "passphrase"
	ProblemPKCS1             Problem = "pkcs1"
	ProblemPKCS8             Problem = "pkcs8"
	ProblemNotRSA            Problem = "not_rsa"
	ProblemKeyBits           Problem = "key_bits" // N: the key's bits
	ProblemKeyCipher         Problem = "key_cipher"
	ProblemKeyDamaged        Problem = "key_damaged"
	ProblemTxnNumber         Problem = "txn_number" // Got
	ProblemAccount           Problem = "account"    // Got
	ProblemAmount            Problem = "amount"     // Got
	ProblemCurrency          Problem = "currency"   // Got
	ProblemFunds             Problem = "funds"
	ProblemComment           Problem = "comment" // N: its characters
	ProblemSource            Problem = "source"  // Got
)

// ProblemError is a setup or a top-up refused before anything is sent, as
// data, so a screen or the CLI words it in the reader's language
// (i18n/explain); Error is the English.
type ProblemError struct {
	Problem Problem
	Got     string
	N       int
	Err     error
}

func (e *ProblemError) Error() string {
	q := strconv.Quote(e.Got)
	var text string
	switch e.Problem {
	case ProblemTerminalID:
		text = "terminal id " + q + " must be a positive integer"
	case ProblemNoCredentials:
		text = "no credentials: give a password or a signing key"
	case ProblemNoPassword:
		text = "no password"
	case ProblemCertNeedsKey:
		text = "a client certificate needs its private key file"
	case ProblemCertNeedsPassword:
		text = "a certificate login still needs the terminal password"
	case ProblemReadCert:
		text = fmt.Sprintf("read client certificate: %v", e.Err)
	case ProblemReadCA:
		text = fmt.Sprintf("read CA certificate: %v", e.Err)
	case ProblemReadKey:
		text = fmt.Sprintf("read private key: %v", e.Err)
	case ProblemNoPEMCert:
		text = e.Got + " holds no PEM certificate"
	case ProblemCertParse:
		text = fmt.Sprintf("the client certificate does not parse: %v", e.Err)
	case ProblemKeyMismatch:
		text = "the private key is not the client certificate's key"
	case ProblemNoRSAKey:
		text = "no RSA private key in the PEM data"
	case ProblemKeyEncrypted:
		text = "the private key is encrypted: give its passphrase"
	case ProblemPassphrase:
		text = "the passphrase does not open the private key"
	case ProblemPKCS1:
		text = "the PKCS#1 private key does not parse"
	case ProblemPKCS8:
		text = "the PKCS#8 private key does not parse"
	case ProblemNotRSA:
		text = "the private key is not an RSA key"
	case ProblemKeyBits:
		text = fmt.Sprintf("the RSA key has %d bits; QIWI asks for %d (make one with: openssl genrsa -out private.key 2048)", e.N, MinKeyBits)
	case ProblemKeyCipher:
		text = "the private key's encryption is not PBES2/PBKDF2/AES-CBC (convert it: openssl pkcs8 -topk8 -v2 aes256)"
	case ProblemKeyDamaged:
		text = "the encrypted private key is damaged"
	case ProblemTxnNumber:
		text = "transaction number " + q + " must be a positive integer of up to 20 digits"
	case ProblemAccount:
		text = "account " + q + " must be a phone in international format without '+' (10-15 digits)"
	case ProblemAmount:
		text = "amount " + e.Got + " must be positive"
	case ProblemCurrency:
		text = "currency " + e.Got + " is not supported (the API uses 2 decimals)"
	case ProblemFunds:
		text = "funds must be cash (0) or non-cash (1)"
	case ProblemComment:
		text = fmt.Sprintf("comment is %d characters, at most 1000", e.N)
	case ProblemSource:
		text = "source service id " + q + " must be a positive integer"
	default:
		text = string(e.Problem)
	}
	return "topup: " + text
}

func (e *ProblemError) Unwrap() error { return e.Err }

// problem is a *ProblemError of p naming got.
func problem(p Problem, got string) error { return &ProblemError{Problem: p, Got: got} }
