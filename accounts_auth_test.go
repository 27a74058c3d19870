package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"qiwidash/qiwiapi/sandbox/agent"
	"qiwidash/qiwiapi/topup"
)

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Issue 11 item 10: `qiwidash login` takes a Top-Up signature login (key
// file by path, its passphrase hidden and kept in the keyring, no
// password) and a client-certificate login, checks them with the API and
// saves them; a key under 2048 bits is refused and nothing saved.
func TestLoginAgentBySignatureAndCertificate(t *testing.T) {
	cleanEnv(t)
	keyring.MockInit()
	key, err := rsa.GenerateKey(rand.Reader, topup.MinKeyBits)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := writePEM(t, dir, "private.key", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))

	signed := httptest.NewServer(agent.New(agent.Options{PublicKey: &key.PublicKey, RequireSignature: true}))
	defer signed.Close()
	out, errOut, err := pipedLogin(t, "\n770001\n\n\n", "--profile", "signed", "--agent-url", signed.URL, "--agent-key", keyFile)
	if err != nil || !strings.Contains(out, `Profile "signed" saved (modes: agent`) {
		t.Fatalf("signature login: %v\n%s%s", err, out, errOut)
	}
	if strings.Contains(errOut, "password") && !strings.Contains(errOut, "Passphrase") {
		t.Errorf("a signature login asked for the password:\n%s", errOut)
	}
	st := openDefaultStore(t)
	sess, err := st.Unlock(context.Background(), "signed")
	if err != nil {
		t.Fatal(err)
	}
	if c := sess.Credentials; c.AgentKeyFile != keyFile || c.AgentPassword != "" || !sess.Profile.Has.Agent {
		t.Fatalf("saved %+v", c)
	}

	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	smallFile := writePEM(t, dir, "small.key", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small))
	_, _, err = pipedLogin(t, "\n770001\n\n\n", "--profile", "small", "--agent-url", signed.URL, "--agent-key", smallFile)
	if err == nil || !strings.Contains(err.Error(), "2048") {
		t.Fatalf("a 1024-bit key: %v", err)
	}
	if _, err := st.Profile(context.Background(), "small"); err == nil {
		t.Error("a profile was saved with a refused key")
	}

	// Client certificate: QIWI's CA signs the agent's certificate.
	caKey, _ := rsa.GenerateKey(rand.Reader, topup.MinKeyBits)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "QIWI test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	clTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "agent 770001"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	clDER, _ := x509.CreateCertificate(rand.Reader, clTmpl, caCert, &key.PublicKey, caKey)
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	private := httptest.NewUnstartedServer(agent.New(agent.Options{RequireClientCert: true}))
	private.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	private.StartTLS()
	defer private.Close()
	certFile := writePEM(t, dir, "my_cert", "CERTIFICATE", clDER)
	caFile := writePEM(t, dir, "our_CA", "CERTIFICATE", private.Certificate().Raw)
	out, errOut, err = pipedLogin(t, "\n770001\n\n"+agent.DemoPassword()+"\n\n", "--profile", "cert", "--agent-url", private.URL,
		"--agent-key", keyFile, "--agent-cert", certFile, "--agent-ca", caFile)
	if err != nil || !strings.Contains(out, `Profile "cert" saved (modes: agent`) {
		t.Fatalf("certificate login: %v\n%s%s", err, out, errOut)
	}
	sess, err = st.Unlock(context.Background(), "cert")
	if err != nil {
		t.Fatal(err)
	}
	if c := sess.Credentials; c.AgentCertFile != certFile || c.AgentCAFile != caFile || c.AgentPassword != agent.DemoPassword() {
		t.Fatalf("saved %+v", c)
	}
	if got := sess.Credentials.TopupAuth().Endpoint(); got != topup.PrivateURL {
		t.Errorf("a certificate login goes to %s, want %s", got, topup.PrivateURL)
	}
}
