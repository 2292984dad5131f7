package httpapi_test

import (
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
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
	balisync "github.com/balie/balie/sync"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ledger test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServer_TLS(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(s, ledger.Options{})
	defer l.Close()
	certFile, keyFile, pool := selfSigned(t)
	srv := httpapi.New(l, httpapi.Options{TLSCert: certFile, TLSKey: keyFile})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(t.Context())
	if !strings.HasPrefix(srv.URL(), "https://") {
		t.Fatalf("URL %s", srv.URL())
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	resp, err := client.Get(srv.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Errorf("healthz over TLS: %d %v", resp.StatusCode, resp.TLS)
	}
}

// heldStore holds every upload after the core decided it, until
// released: a batch "in hand" while the server shuts down.
type heldStore struct {
	ledger.Store
	held    chan struct{}
	release chan struct{}
}

func (h *heldStore) Batch(ctx context.Context, terminal string, fn func(ledger.BatchTx) (*ledger.Effects, error)) error {
	return h.Store.Batch(ctx, terminal, func(tx ledger.BatchTx) (*ledger.Effects, error) {
		eff, err := fn(tx)
		close(h.held)
		<-h.release
		return eff, err
	})
}

// TestServer_shutdownFinishesTheBatchInHand stops the server while a
// batch is being written: the batch commits and its caller gets its
// verdicts; then the server is gone, and the batch is in the file.
func TestServer_shutdownFinishesTheBatchInHand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 50, DB: path, Today: evening, Now: fixed})
	tm := ledgertest.Enrol(t, lt.Ledger, demo.BoxOfficeDesk)
	lt.Stop(t)
	inner, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := &heldStore{Store: inner, held: make(chan struct{}), release: make(chan struct{})}
	l := ledger.New(h, ledger.Options{Now: fixed})
	srv := httpapi.New(l, httpapi.Options{})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	e := tm.Event(balie.KindShiftOpen, "staff-box-1", evening.Add(-time.Minute), balie.ShiftOpenPayload{ShiftID: "s-1", Float: 5000})
	type result struct {
		status int
		resp   balisync.UploadResponse
	}
	got := make(chan result, 1)
	go func() {
		var r result
		r.status = do(t, srv.URL(), request{method: "POST", path: balisync.PathEvents, bearer: tm.Bearer(), body: tm.Request(e)}, &r.resp)
		got <- r
	}()
	<-h.held
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		stopped <- srv.Shutdown(ctx)
	}()
	select {
	case err := <-stopped:
		t.Fatalf("shutdown returned before the batch finished: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(h.release)
	r := <-got
	if r.status != 200 || r.resp.Acked != 1 {
		t.Errorf("the batch in hand: %d %+v", r.status, r.resp)
	}
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := http.Get(srv.URL() + balisync.PathHealth); err == nil {
		t.Error("the server still answers after shutdown")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	l2 := ledger.New(again, ledger.Options{})
	defer l2.Close()
	if se, err := l2.Event(context.Background(), e.ID); err != nil || se.Verdict != balisync.Accepted {
		t.Errorf("stored: %+v %v", se, err)
	}
}
