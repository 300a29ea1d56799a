package maskinporten

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"
)

const (
	mpClient     = "finprod-test"
	mpCertClient = "finprod-cert"
	mpKID        = "key-2026"
	mpOrg        = "314417224"
	mpSB         = "315300029"
	p12Password  = "correct horse battery staple"
)

// mpEnv is the local mock on loopback, its Maskinporten with a key client
// and a certificate client, their key material in files, and a recorder
// of what the token sources send it.
type mpEnv struct {
	clock  *testkit.Clock
	srv    *mock.Server
	issuer string // the local Maskinporten's issuer URL
	url    string // the mock's base URL
	http   *http.Client
	grants atomic.Int64 // POSTs to the token endpoint
	disco  atomic.Int64 // GETs of the discovery document

	mu         sync.Mutex
	assertions []string // every assertion sent, to prove none leaks

	dir      string
	key      *rsa.PrivateKey
	keyPEM   []byte // PKCS#8
	keyFile  string
	certKey  *rsa.PrivateKey
	leaf     *x509.Certificate
	inter    *x509.Certificate
	certFile string // leaf + intermediate
	certKeyF string
	p12File  string
}

// RoundTrip counts the grants and discoveries a token source sends and
// keeps each assertion, then sends the request on.
func (e *mpEnv) RoundTrip(r *http.Request) (*http.Response, error) {
	switch r.URL.Path {
	case "/maskinporten/token":
		e.grants.Add(1)
		if r.Body != nil {
			body, err := io.ReadAll(r.Body)
			_ = r.Body.Close()
			if err != nil {
				return nil, err
			}
			r = r.Clone(r.Context())
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil {
				e.mu.Lock()
				e.assertions = append(e.assertions, form.Get("assertion"))
				e.mu.Unlock()
			}
		}
	case "/maskinporten/.well-known/oauth-authorization-server":
		e.disco.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

func newMPEnv(t *testing.T) *mpEnv {
	t.Helper()
	e := &mpEnv{clock: testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)), dir: t.TempDir()}
	e.http = &http.Client{Transport: e, Timeout: 30 * time.Second}

	e.key = testkit.Key(t, "client")
	e.keyPEM = testkit.PrivateKeyPEM(t, e.key)
	e.keyFile = e.write(t, "key.pem", e.keyPEM)

	// A business certificate: root CA → issuing CA → leaf naming the org.
	now := e.clock.Now()
	issue := func(key *rsa.PrivateKey, subject pkix.Name, isCA bool, parent *x509.Certificate, parentKey *rsa.PrivateKey) *x509.Certificate {
		return testkit.Certificate(t, key, subject, isCA, now.Add(-time.Hour), now.Add(24*time.Hour), parent, parentKey)
	}
	caKey, interKey := testkit.Key(t, "root ca"), testkit.Key(t, "issuing ca")
	e.certKey = testkit.Key(t, "business certificate")
	ca := issue(caKey, pkix.Name{CommonName: "Test Root CA"}, true, nil, nil)
	e.inter = issue(interKey, pkix.Name{CommonName: "Test Issuing CA"}, true, ca, caKey)
	e.leaf = issue(e.certKey, pkix.Name{CommonName: "FINPROD TEST AS", SerialNumber: mpOrg}, false, e.inter, interKey)
	e.certFile = e.write(t, "cert.pem", append(testkit.CertPEM(e.leaf), testkit.CertPEM(e.inter)...))
	ckDER := x509.MarshalPKCS1PrivateKey(e.certKey)
	e.certKeyF = e.write(t, "cert-key.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: ckDER}))
	p12, err := pkcs12.Modern.Encode(e.certKey, e.leaf, []*x509.Certificate{e.inter}, p12Password)
	require.NoError(t, err)
	e.p12File = e.write(t, "virksomhet.p12", p12)

	e.srv, err = mock.Start(context.Background(), mock.Config{Now: e.clock.Now, SigningKey: testkit.Key(t, "mock signing"), Maskinporten: mock.MaskinportenConfig{Clients: []mock.MaskinportenClient{{
		ID: mpClient, Org: mpOrg, Scopes: []string{contract.Scope, dialogschema.Scope},
		Keys:          []mock.MaskinportenKey{{KID: mpKID, PublicKeyPEM: testkit.PublicKeyPEM(t, &e.key.PublicKey)}},
		Systembrukere: []mock.Systembruker{{Org: mpSB}},
	}, {
		ID: mpCertClient, Org: mpOrg, Scopes: []string{contract.Scope},
		Certificates:  []mock.MaskinportenCertificate{{PEM: string(testkit.CertPEM(ca))}},
		Systembrukere: []mock.Systembruker{{Org: mpSB}},
	}}}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.srv.Close() })
	e.url, e.issuer = e.srv.URL(), e.srv.MaskinportenIssuer()
	return e
}

func (e *mpEnv) write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

// keyConfig is a client with a registered key, addressed to the mock.
func (e *mpEnv) keyConfig() Config {
	return Config{Issuer: e.issuer, ClientID: mpClient, KID: mpKID, KeyFile: e.keyFile, Systembruker: mpSB}
}

func (e *mpEnv) certConfig() Config {
	return Config{Issuer: e.issuer, ClientID: mpCertClient, CertFile: e.certFile, KeyFile: e.certKeyF, Systembruker: mpSB}
}

func (e *mpEnv) source(t *testing.T, cfg Config, opts ...Option) *Source {
	t.Helper()
	m, err := New(cfg, append([]Option{Clock(e.clock.Now), HTTPClient(e.http)}, opts...)...)
	require.NoError(t, err)
	return m
}

func (e *mpEnv) sentAssertions() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.assertions...)
}

// jwkFile writes key as a private JWK with a kid.
func jwkFile(t *testing.T, e *mpEnv, key *rsa.PrivateKey, kid string) string {
	t.Helper()
	k, err := jwk.Import(key)
	require.NoError(t, err)
	require.NoError(t, k.Set(jwk.KeyIDKey, kid))
	b, err := json.Marshal(k)
	require.NoError(t, err)
	return e.write(t, "key.jwk.json", b)
}
