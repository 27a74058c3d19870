package topup_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
)

// encryptedPKCS8 writes key as openssl's default encrypted PKCS#8
// (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC).
func encryptedPKCS8(t *testing.T, key *rsa.PrivateKey, passphrase string) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	salt, iv := make([]byte, 16), make([]byte, aes.BlockSize)
	rand.Read(salt)
	rand.Read(iv)
	k, _ := pbkdf2.Key(sha256.New, passphrase, salt, 2048, 32)
	block, _ := aes.NewCipher(k)
	pad := aes.BlockSize - len(der)%aes.BlockSize
	plain := append(der, []byte(strings.Repeat(string(rune(pad)), pad))...)
	enc := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(enc, plain)
	type alg struct {
		OID    asn1.ObjectIdentifier
		Params asn1.RawValue
	}
	raw := func(v any) asn1.RawValue {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return asn1.RawValue{FullBytes: b}
	}
	kdf := struct {
		Salt       []byte
		Iterations int
		PRF        struct{ OID asn1.ObjectIdentifier }
	}{salt, 2048, struct{ OID asn1.ObjectIdentifier }{asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}}}
	params := struct{ KDF, Scheme alg }{
		alg{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}, raw(kdf)},
		alg{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, raw(iv)},
	}
	out, err := asn1.Marshal(struct {
		Alg  alg
		Data []byte
	}{alg{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}, raw(params)}, enc})
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: out})
}

// Issue 11 item 10: a signature login from a key file, plain or encrypted
// (passphrase), and keys under 2048 bits refused before anything is sent.
func TestSignatureLoginFromFiles(t *testing.T) {
	key := genKey(t)
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	plain := write("private.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	p8 := write("private8.key", encryptedPKCS8(t, key, "correct horse"))
	//lint:ignore SA1019 the traditional OpenSSL encryption is still read.
	trad, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), []byte("correct horse"), x509.PEMCipherAES256)
	if err != nil {
		t.Fatal(err)
	}
	traditional := write("trad.key", pem.EncodeToMemory(trad))
	for _, a := range []topup.Auth{
		{KeyFile: plain},
		{KeyFile: p8, Passphrase: topup.NewPassword("correct horse"), SignAlg: topup.MD5withRSA},
		{KeyFile: traditional, Passphrase: topup.NewPassword("correct horse")},
	} {
		if a.Kind() != "signature" || a.Endpoint() != topup.DefaultURL {
			t.Fatalf("%s: kind %s endpoint %s", a.KeyFile, a.Kind(), a.Endpoint())
		}
		opts, err := a.Options()
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(a.KeyFile), err)
		}
		e := setup(t, agent.Options{PublicKey: &key.PublicKey, RequireSignature: true}, opts...)
		if _, _, err := e.c.Ping(ctx); err != nil {
			t.Fatalf("%s: signed ping refused: %v", filepath.Base(a.KeyFile), err)
		}
		if r := lastRequest(t, e.sb); strings.Contains(string(r.Body), "password") {
			t.Fatal("a password element in a signed request")
		}
	}
	for _, a := range []topup.Auth{
		{KeyFile: p8},
		{KeyFile: p8, Passphrase: topup.NewPassword("wrong")},
		{KeyFile: traditional, Passphrase: topup.NewPassword("wrong")},
		{KeyFile: filepath.Join(dir, "missing")},
	} {
		if _, err := a.Options(); err == nil {
			t.Errorf("%s with passphrase %v accepted", filepath.Base(a.KeyFile), !a.Passphrase.IsZero())
		}
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallFile := write("small.key", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)}))
	if _, err := (topup.Auth{KeyFile: smallFile}).Options(); err == nil || !strings.Contains(err.Error(), "2048") {
		t.Fatalf("a 1024-bit key: %v, want refused naming 2048", err)
	}
	if _, err := topup.NewSigner(small, topup.SHA1withRSA); err == nil {
		t.Fatal("NewSigner took a 1024-bit key")
	}
	if _, err := (topup.Auth{}).Options(); err == nil {
		t.Fatal("a login without a password accepted")
	}
}
