package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lokalraad/internal/noerr"
	"lokalraad/storage"
	"lokalraad/storage/exchange"
)

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// paths and the certificate, for a client to trust.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kommune test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert = noerr.Get(x509.ParseCertificate(der))(t)
	kb := noerr.Get(x509.MarshalECPrivateKey(key))(t)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return certFile, keyFile, cert
}

// With a certificate and key the server speaks TLS: a laptop that trusts
// the certificate enrols and syncs over https.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	hubPath := filepath.Join(dir, "kommune.db")
	council := lastLine(runOK(t, "council", "add", "--db", hubPath, "--name", "Tølløse Lokalråd"))
	code := lastLine(runOK(t, "device", "enroll", "--db", hubPath, "--council", council, "--name", "Laptop"))
	certFile, keyFile, cert := selfSigned(t, dir)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, []string{"--addr", "127.0.0.1:0", "--db", hubPath, "--tls-cert", certFile, "--tls-key", keyFile},
			&bytes.Buffer{}, &bytes.Buffer{}, ready)
	}()
	addr := <-ready

	pool := x509.NewCertPool()
	pool.AddCert(cert)
	client := exchange.NewClient()
	client.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}

	db, err := storage.Open(context.Background(), filepath.Join(dir, "laptop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := client.Enroll(ctx, db, "https://"+addr, code); err != nil {
		t.Fatalf("enrol over TLS: %v", err)
	}
	if _, err := client.Sync(ctx, db, ""); err != nil {
		t.Fatalf("sync over TLS: %v", err)
	}
	if c, err := db.Council(t.Context(), council); err != nil || c.Name != "Tølløse Lokalråd" {
		t.Errorf("council over TLS: %+v, %v", c, err)
	}
	// Plain http to the TLS port gets nowhere.
	if resp, err := http.Get("http://" + addr + "/v1/pull?since=0"); err == nil && resp.StatusCode < 400 {
		t.Errorf("plain http was served: %s", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
