package topup

import (
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Signature headers.
const (
	HeaderSign    = "X-Digital-Sign"
	HeaderSignAlg = "X-Digital-Sign-Alg"
)

// SignAlg is a signature algorithm, named as Java's Signature names it
// (RSASSA-PKCS1-v1_5 over the hash).
type SignAlg string

// The two documented algorithms.
const (
	SHA1withRSA SignAlg = "SHA1withRSA"
	MD5withRSA  SignAlg = "MD5withRSA"
)

// Digest hashes body for the algorithm.
func (a SignAlg) Digest(body []byte) (crypto.Hash, []byte, error) {
	switch a {
	case SHA1withRSA:
		h := sha1.Sum(body)
		return crypto.SHA1, h[:], nil
	case MD5withRSA:
		h := md5.Sum(body)
		return crypto.MD5, h[:], nil
	}
	return 0, nil, fmt.Errorf("topup: unknown signature algorithm %q (want SHA1withRSA or MD5withRSA)", string(a))
}

// Signer signs request bodies with the agent's RSA private key.
type Signer struct {
	key  *rsa.PrivateKey
	alg  SignAlg
	rand io.Reader
}

// NewSigner makes a signer; alg "" means SHA1withRSA. A key under
// MinKeyBits is refused.
func NewSigner(key *rsa.PrivateKey, alg SignAlg) (*Signer, error) {
	if key == nil {
		return nil, errors.New("topup: nil signing key")
	}
	if _, err := checkKey(key); err != nil {
		return nil, err
	}
	if alg == "" {
		alg = SHA1withRSA
	}
	if _, _, err := alg.Digest(nil); err != nil {
		return nil, err
	}
	return &Signer{key: key, alg: alg, rand: rand.Reader}, nil
}

// LoadSigner reads an unencrypted PEM private key file (PKCS#1 "RSA
// PRIVATE KEY" or PKCS#8 "PRIVATE KEY", as openssl genrsa writes it); Auth
// reads encrypted ones.
func LoadSigner(path string, alg SignAlg) (*Signer, error) {
	key, err := loadKey(path, Password{})
	if err != nil {
		return nil, err
	}
	return NewSigner(key, alg)
}

// ParsePrivateKeyPEM decodes the first unencrypted RSA private key in PEM
// text; keys under MinKeyBits are refused.
func ParsePrivateKeyPEM(b []byte) (*rsa.PrivateKey, error) { return parseKeyPEM(b, "") }

// Alg is the signer's algorithm.
func (s *Signer) Alg() SignAlg { return s.alg }

// Sign signs exactly these bytes and returns the Base64 signature.
func (s *Signer) Sign(body []byte) (string, error) {
	h, sum, err := s.alg.Digest(body)
	if err != nil {
		return "", err
	}
	sig, err := rsa.SignPKCS1v15(s.rand, s.key, h, sum)
	if err != nil {
		return "", fmt.Errorf("topup: sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// String names the algorithm and key size, never the key.
func (s *Signer) String() string {
	return string(s.alg) + " " + strconv.Itoa(s.key.N.BitLen()) + "-bit key"
}

// GoString is String.
func (s *Signer) GoString() string { return "topup.Signer{" + s.String() + "}" }

// Verify checks a Base64 signature of body with the public key.
func Verify(pub *rsa.PublicKey, alg SignAlg, body []byte, sigB64 string) error {
	h, sum, err := alg.Digest(body)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return fmt.Errorf("topup: signature is not Base64: %w", err)
	}
	return rsa.VerifyPKCS1v15(pub, h, sum, sig)
}
