package topup

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"hash"
	"net/http"
	"os"
	"strings"
)

// MinKeyBits is the smallest RSA key the client uses: the docs ask for
// 2048-bit keys, and shorter ones are refused, never sent.
const MinKeyBits = 2048

// Auth is how an agent logs in, as the docs allow (§7): by password, by a
// signature made with the agent's RSA key (no password then), or by a
// client certificate at PrivateURL (the password still in the XML).
type Auth struct {
	Password Password
	// KeyFile is a PEM RSA private key: the signing key, or the client
	// certificate's key when CertFile is set.
	KeyFile string
	// CertFile is the PEM client certificate QIWI issued; with it the
	// client talks to PrivateURL over mutual TLS.
	CertFile string
	// CAFile optionally names the PEM CA certificate QIWI gave with the
	// client certificate, to check the server by (default: system roots).
	CAFile string
	// Passphrase opens an encrypted KeyFile ("" for a plain one).
	Passphrase Password
	// SignAlg is the signature algorithm ("" = SHA1withRSA).
	SignAlg SignAlg
}

// Kind names the login: "password", "signature" or "certificate".
func (a Auth) Kind() string {
	switch {
	case a.CertFile != "":
		return "certificate"
	case a.KeyFile != "":
		return "signature"
	}
	return "password"
}

// Endpoint is the documented address for the login: PrivateURL for a
// client certificate, DefaultURL otherwise.
func (a Auth) Endpoint() string {
	if a.CertFile != "" {
		return PrivateURL
	}
	return DefaultURL
}

// Transport is what the login's requests travel over: the default transport,
// or for a certificate login one that presents the client certificate. A
// caller wrapping the transport (a request log) builds on it and gives the
// result with WithHTTPClient after Options, so the certificate stays.
func (a Auth) Transport() (http.RoundTripper, error) {
	if a.Kind() != "certificate" {
		return http.DefaultTransport, nil
	}
	cfg, err := a.tlsConfig()
	if err != nil {
		return nil, err
	}
	return tlsTransport(cfg), nil
}

// Options builds the client options of the login: the files are read and
// checked here (an RSA key under MinKeyBits is refused), so a bad file is
// said at login, not at the first top-up.
func (a Auth) Options() ([]Option, error) {
	switch a.Kind() {
	case "signature":
		key, err := loadKey(a.KeyFile, a.Passphrase)
		if err != nil {
			return nil, err
		}
		s, err := NewSigner(key, a.SignAlg)
		if err != nil {
			return nil, err
		}
		return []Option{WithSigner(s)}, nil
	case "certificate":
		if a.KeyFile == "" {
			return nil, problem(ProblemCertNeedsKey, "")
		}
		if a.Password.IsZero() {
			return nil, problem(ProblemCertNeedsPassword, "")
		}
		cfg, err := a.tlsConfig()
		if err != nil {
			return nil, err
		}
		return []Option{WithPassword(a.Password), WithTLSConfig(cfg)}, nil
	}
	if a.Password.IsZero() {
		return nil, problem(ProblemNoPassword, "")
	}
	return []Option{WithPassword(a.Password)}, nil
}

func (a Auth) tlsConfig() (*tls.Config, error) {
	certPEM, err := os.ReadFile(a.CertFile)
	if err != nil {
		return nil, &ProblemError{Problem: ProblemReadCert, Err: err}
	}
	key, err := loadKey(a.KeyFile, a.Passphrase)
	if err != nil {
		return nil, err
	}
	var chain [][]byte
	for rest := certPEM; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		if blk.Type == "CERTIFICATE" {
			chain = append(chain, blk.Bytes)
		}
	}
	if len(chain) == 0 {
		return nil, problem(ProblemNoPEMCert, a.CertFile)
	}
	leaf, err := x509.ParseCertificate(chain[0])
	if err != nil {
		return nil, &ProblemError{Problem: ProblemCertParse, Err: err}
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok || !pub.Equal(&key.PublicKey) {
		return nil, problem(ProblemKeyMismatch, "")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key, Leaf: leaf}}}
	if a.CAFile != "" {
		ca, err := os.ReadFile(a.CAFile)
		if err != nil {
			return nil, &ProblemError{Problem: ProblemReadCA, Err: err}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, problem(ProblemNoPEMCert, a.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// loadKey reads a PEM RSA private key file, encrypted or not, and refuses
// keys under MinKeyBits.
func loadKey(path string, passphrase Password) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &ProblemError{Problem: ProblemReadKey, Err: err}
	}
	return parseKeyPEM(b, passphrase.reveal())
}

// parseKeyPEM decodes the first RSA private key in PEM text: PKCS#1 ("RSA
// PRIVATE KEY", also encrypted the traditional OpenSSL way), PKCS#8
// ("PRIVATE KEY") or encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY", PBES2 with
// PBKDF2 and AES-CBC, what openssl writes by default).
func parseKeyPEM(b []byte, passphrase string) (*rsa.PrivateKey, error) {
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return nil, problem(ProblemNoRSAKey, "")
		}
		der := blk.Bytes
		switch blk.Type {
		case "RSA PRIVATE KEY":
			//lint:ignore SA1019 traditional OpenSSL encryption is what `openssl rsa -aes256 -traditional` writes; the file is local.
			if x509.IsEncryptedPEMBlock(blk) {
				if passphrase == "" {
					return nil, problem(ProblemKeyEncrypted, "")
				}
				var err error
				//lint:ignore SA1019 see above.
				if der, err = x509.DecryptPEMBlock(blk, []byte(passphrase)); err != nil {
					return nil, problem(ProblemPassphrase, "")
				}
			}
			k, err := x509.ParsePKCS1PrivateKey(der)
			if err != nil {
				return nil, problem(ProblemPKCS1, "")
			}
			return checkKey(k)
		case "ENCRYPTED PRIVATE KEY":
			if passphrase == "" {
				return nil, problem(ProblemKeyEncrypted, "")
			}
			var err error
			if der, err = decryptPKCS8(der, passphrase); err != nil {
				return nil, err
			}
			fallthrough
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(der)
			if err != nil {
				if blk.Type == "ENCRYPTED PRIVATE KEY" {
					return nil, problem(ProblemPassphrase, "")
				}
				return nil, problem(ProblemPKCS8, "")
			}
			rk, ok := k.(*rsa.PrivateKey)
			if !ok {
				return nil, problem(ProblemNotRSA, "")
			}
			return checkKey(rk)
		}
	}
}

func checkKey(k *rsa.PrivateKey) (*rsa.PrivateKey, error) {
	if bits := k.N.BitLen(); bits < MinKeyBits {
		return nil, &ProblemError{Problem: ProblemKeyBits, N: bits}
	}
	return k, nil
}

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidAESCBC     = map[string]int{"2.16.840.1.101.3.4.1.2": 16, "2.16.840.1.101.3.4.1.22": 24, "2.16.840.1.101.3.4.1.42": 32}
)

type algorithmID struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

type encryptedPKCS8 struct {
	Algorithm algorithmID
	Data      []byte
}

type pbes2Params struct {
	KDF    algorithmID
	Scheme algorithmID
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int         `asn1:"optional"`
	PRF        algorithmID `asn1:"optional"`
}

// decryptPKCS8 opens an EncryptedPrivateKeyInfo (RFC 5958) made with PBES2,
// PBKDF2 (HMAC-SHA1 or HMAC-SHA256) and AES-CBC.
func decryptPKCS8(der []byte, passphrase string) ([]byte, error) {
	unsupported := problem(ProblemKeyCipher, "")
	var epk encryptedPKCS8
	if _, err := asn1.Unmarshal(der, &epk); err != nil || !epk.Algorithm.Algorithm.Equal(oidPBES2) {
		return nil, unsupported
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(epk.Algorithm.Parameters.FullBytes, &p); err != nil || !p.KDF.Algorithm.Equal(oidPBKDF2) {
		return nil, unsupported
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil || kp.Iterations < 1 || kp.Iterations > 10_000_000 {
		return nil, unsupported
	}
	var prf func() hash.Hash
	switch {
	case len(kp.PRF.Algorithm) == 0 || kp.PRF.Algorithm.Equal(oidHMACSHA1):
		prf = sha1.New
	case kp.PRF.Algorithm.Equal(oidHMACSHA256):
		prf = sha256.New
	default:
		return nil, unsupported
	}
	keyLen, ok := oidAESCBC[p.Scheme.Algorithm.String()]
	if !ok {
		return nil, unsupported
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.Scheme.Parameters.FullBytes, &iv); err != nil || len(iv) != aes.BlockSize {
		return nil, unsupported
	}
	key, err := pbkdf2.Key(prf, passphrase, kp.Salt, kp.Iterations, keyLen)
	if err != nil {
		return nil, unsupported
	}
	block, _ := aes.NewCipher(key)
	data := epk.Data
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, problem(ProblemKeyDamaged, "")
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad < 1 || pad > aes.BlockSize || strings.Repeat(string(rune(pad)), pad) != string(out[len(out)-pad:]) {
		return nil, problem(ProblemPassphrase, "")
	}
	return out[:len(out)-pad], nil
}
