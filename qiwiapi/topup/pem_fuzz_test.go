package topup

import (
	"crypto/rsa"
	"encoding/base64"
	"testing"
)

// FuzzParsePrivateKeyPEM reads any text as a signing key file: it never
// panics, and a key it accepts is a valid RSA key that signs a body which
// its public half verifies. Seed corpus: testdata/fuzz/FuzzParsePrivateKeyPEM
// (PKCS#1 and PKCS#8 keys, an EC key, broken and truncated blocks).
func FuzzParsePrivateKeyPEM(f *testing.F) {
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Add([]byte("junk\n-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, pemText []byte) {
		k, err := ParsePrivateKeyPEM(pemText)
		if err != nil {
			if k != nil {
				t.Fatal("a key with an error")
			}
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("accepted an invalid key: %v", err)
		}
		s, err := NewSigner(k, SHA1withRSA)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := s.Sign([]byte("<request/>"))
		if err != nil {
			return // e.g. a key too small to sign with: refused in words at signing
		}
		h, sum, _ := SHA1withRSA.Digest([]byte("<request/>"))
		raw, _ := base64.StdEncoding.DecodeString(sig)
		if rsa.VerifyPKCS1v15(&k.PublicKey, h, sum, raw) != nil {
			t.Fatal("the signature of an accepted key does not verify")
		}
	})
}
