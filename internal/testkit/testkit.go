// Package testkit is what the tests of several packages share: a settable
// clock, RSA keys made once per test binary, certificates and PEM encodings,
// the documented example with its defects mended, credentials whose first
// token is stale, a test run in a process of its own, an output buffer safe
// for concurrent use, a dialer that keeps a test binary on loopback, and
// random corpora for differential tests. Only _test.go files import it.
package testkit

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
)

// Clock is a settable clock, safe for concurrent use; pass its Now where
// code takes a clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock that reads t until it is moved.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// keys holds one generator per key name. Generating a 2048-bit key takes
// tens of milliseconds, and many times that under the race detector; it was
// most of the time of the tests that make key material. Keys are never
// modified after generation, so tests may share them.
var keys sync.Map // name → func() (*rsa.PrivateKey, error)

// Key returns the 2048-bit RSA key called name: generated on first use,
// then the same key for every test of the test binary that asks for that
// name. Tests that need keys that differ (a registered key and a stranger's)
// ask for different names.
func Key(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	gen, _ := keys.LoadOrStore(name, sync.OnceValues(func() (*rsa.PrivateKey, error) {
		return rsa.GenerateKey(rand.Reader, 2048)
	}))
	k, err := gen.(func() (*rsa.PrivateKey, error))()
	if err != nil {
		t.Fatalf("test key %s: %v", name, err)
	}
	return k
}

// PrivateKeyPEM is key as a PKCS#8 PEM block ("PRIVATE KEY").
func PrivateKeyPEM(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("PKCS#8: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// PublicKeyPEM is pub as a PKIX PEM block ("PUBLIC KEY"), as clients
// register their keys.
func PublicKeyPEM(t testing.TB, pub *rsa.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("PKIX: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// Certificate issues a certificate for key's public half, valid from
// notBefore to notAfter, signed by parent with parentKey, or self-signed
// when parent is nil. A CA certificate may sign others.
func Certificate(t testing.TB, key *rsa.PrivateKey, subject pkix.Name, isCA bool, notBefore, notAfter time.Time, parent *x509.Certificate, parentKey *rsa.PrivateKey) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatalf("serial number: %v", err)
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: subject, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: isCA}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatalf("certificate %s: %v", subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("certificate %s: %v", subject.CommonName, err)
	}
	return c
}

// CertPEM is c as a PEM block ("CERTIFICATE").
func CertPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// ConsistentBody is the service page's example with its defects mended, so
// that every business rule holds: the sum of salgsvederlag is what the
// oppgaver add up to, and the oppgavegiver and the person are synthetic
// identities with valid check digits. The oppgavegiver is org and the
// inntektsaar is year.
func ConsistentBody(org string, year int) []byte {
	s := string(contract.Eksempel())
	s = strings.Replace(s, `"inntektsaar": 2024`, `"inntektsaar": `+strconv.Itoa(year), 1)
	s = strings.Replace(s, `"sumSalgsvederlag": "40"`, `"sumSalgsvederlag": "110"`, 1)
	s = strings.Replace(s, `"987546231"`, `"`+org+`"`, 1)
	return []byte(strings.Replace(s, `"00000000000"`, `"15858012314"`, 1))
}

// Credentials are a target's credentials (target.Credentials, restated so
// that testkit needs no target).
type Credentials interface {
	Token(ctx context.Context, systembruker string, scopes ...string) (string, error)
}

// StaleFirst gives Stale (an expired token, say) the first time it is asked
// for a token, then what Credentials give: a cached token that fell behind
// its source, or expired on the way.
type StaleFirst struct {
	Credentials
	Stale string
	asked atomic.Bool
}

// Token gives Stale once, then Credentials' token.
func (s *StaleFirst) Token(ctx context.Context, systembruker string, scopes ...string) (string, error) {
	if s.asked.CompareAndSwap(false, true) {
		return s.Stale, nil
	}
	return s.Credentials.Token(ctx, systembruker, scopes...)
}
