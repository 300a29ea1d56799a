package maskinporten

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/stretchr/testify/require"
)

// env is a local Maskinporten on loopback with one registered client.
type env struct {
	t      *testing.T
	clock  *testkit.Clock
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
	e := &env{t: t, clock: testkit.NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)), key: testkit.Key(t, "client")}
	mux := http.NewServeMux()
	e.http = httptest.NewServer(mux)
	t.Cleanup(e.http.Close)
	var err error
	e.issuer, err = tokens.NewIssuerWithKey(e.http.URL+"/maskinporten/", testkit.Key(t, "issuer signing"), e.clock.Now)
	require.NoError(t, err)
	cfg := Config{Clients: append([]ClientConfig{{
		ID: testClient, Org: testOrg, Scopes: []string{contract.Scope, "other:scope"},
		Keys:          []KeyConfig{{KID: testKID, PublicKeyPEM: testkit.PublicKeyPEM(t, &e.key.PublicKey)}},
		Systembrukere: []SystembrukerConfig{{Org: testSB, ID: "11111111-2222-4333-8444-555555555555", SystemID: testOrg + "_sys"}},
	}}, extra...)}
	e.srv, err = New(cfg, e.issuer, WithClock(e.clock.Now))
	require.NoError(t, err)
	mux.Handle("/maskinporten/", e.srv.Handler())
	mux.Handle(AdminPath, e.srv.AdminHandler())
	return e
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
