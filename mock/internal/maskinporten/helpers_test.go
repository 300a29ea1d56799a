package maskinporten

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/stretchr/testify/require"
)

// clock is a settable test clock shared by the issuer and the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a local Maskinporten on loopback with one registered client.
type env struct {
	t      *testing.T
	clock  *clock
	issuer *tokens.Issuer
	srv    *Server
	http   *httptest.Server
	key    *rsa.PrivateKey
}

const (
	testClient = "test-client"
	testKID    = "test-kid-1"
	testOrg    = "314417224"
	testSB     = "315300029"
)

func newEnv(t *testing.T, extra ...ClientConfig) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{t: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}, key: newKey(t)}
	mux := http.NewServeMux()
	e.http = httptest.NewServer(mux)
	t.Cleanup(e.http.Close)
	var err error
	e.issuer, err = tokens.NewIssuer(e.http.URL+"/maskinporten/", e.clock.Now)
	require.NoError(t, err)
	cfg := Config{Clients: append([]ClientConfig{{
		ID: testClient, Org: testOrg, Scopes: []string{contract.Scope, "other:scope"},
		Keys:          []KeyConfig{{KID: testKID, PublicKeyPEM: publicPEM(t, &e.key.PublicKey)}},
		Systembrukere: []SystembrukerConfig{{Org: testSB, ID: "11111111-2222-4333-8444-555555555555", SystemID: testOrg + "_sys"}},
	}}, extra...)}
	e.srv, err = New(cfg, e.issuer, WithClock(e.clock.Now))
	require.NoError(t, err)
	mux.Handle("/maskinporten/", e.srv.Handler())
	mux.Handle(AdminPath, e.srv.AdminHandler())
	return e
}

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return k
}

func publicPEM(t *testing.T, pub *rsa.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// claims are the standard claims of a good grant for the test client.
func (e *env) claims() map[string]any {
	now := e.clock.Now()
	return map[string]any{
		"aud": e.issuer.URL(), "iss": testClient, "scope": contract.Scope,
		"iat": now.Unix(), "exp": now.Add(60 * time.Second).Unix(), "jti": uuid.NewString(),
		"authorization_details": []map[string]any{{"type": mptoken.AuthorizationTypeSystemuser,
			"systemuser_org": map[string]any{"authority": mptoken.AuthorityISO6523, "ID": mptoken.OrgPrefix + testSB}}},
	}
}

// sign makes a compact JWS of claims; hdr sets kid or x5c.
func sign(t *testing.T, key *rsa.PrivateKey, claims map[string]any, hdr map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	h := jws.NewHeaders()
	for k, v := range hdr {
		require.NoError(t, h.Set(k, v))
	}
	out, err := jws.Sign(payload, jws.WithKey(jwa.RS256(), key, jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	return string(out)
}

func kidHeader(kid string) map[string]any { return map[string]any{jws.KeyIDKey: kid} }

func x5cHeader(t *testing.T, certs ...*x509.Certificate) map[string]any {
	t.Helper()
	var chain cert.Chain
	for _, c := range certs {
		require.NoError(t, chain.AddString(base64.StdEncoding.EncodeToString(c.Raw)))
	}
	return map[string]any{jws.X509CertChainKey: &chain}
}

// post sends a grant and decodes the JSON answer.
func (e *env) post(form url.Values) (int, map[string]any) {
	e.t.Helper()
	resp, err := http.Post(e.srv.TokenURL(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	require.NoError(e.t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(e.t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func (e *env) grant(assertion string) (int, map[string]any) {
	return e.post(url.Values{"grant_type": {mptoken.GrantTypeJWTBearer}, "assertion": {assertion}})
}

// certificate issues a certificate for key, signed by parent (self-signed
// when parent is nil).
func certificate(t *testing.T, key *rsa.PrivateKey, subject pkix.Name, isCA bool, notBefore, notAfter time.Time, parent *x509.Certificate, parentKey *rsa.PrivateKey) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: subject, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true, IsCA: isCA}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	require.NoError(t, err)
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return c
}

func certPEM(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}
