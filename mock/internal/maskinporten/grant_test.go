package maskinporten

import (
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGrantIssuesTokenTheAPIVerifies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, body := e.grant(sign(t, e.key, e.claims(), kidHeader(testKID)))
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "Bearer", body["token_type"])
	assert.EqualValues(t, 120, body["expires_in"])
	assert.Equal(t, contract.Scope, body["scope"])

	c, err := tokens.NewVerifier(e.issuer.URL(), e.issuer.KeySet(), e.clock.Now).Verify(body["access_token"].(string))
	require.NoError(t, err)
	assert.Equal(t, testClient, c.ClientID)
	assert.Equal(t, testOrg, c.Consumer.Orgnr())
	assert.True(t, c.HasScope(contract.Scope))
	assert.Equal(t, testSB, c.SystemuserOrgnr(), "the API checks the systembruker's org")
	require.Len(t, c.AuthorizationDetails, 1)
	assert.Equal(t, []string{"11111111-2222-4333-8444-555555555555"}, c.AuthorizationDetails[0].SystemuserID)
	assert.Equal(t, testOrg+"_sys", c.AuthorizationDetails[0].SystemID)
	assert.Equal(t, e.clock.Now().Add(DefaultTokenTTL), c.Expiry)
}

func TestGrantAcceptsLowercaseIDAndAudienceArray(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cl := e.claims()
	cl["aud"] = []string{e.issuer.URL()}
	cl["authorization_details"] = []map[string]any{{"type": mptoken.AuthorizationTypeSystemuser,
		"systemuser_org": map[string]any{"authority": mptoken.AuthorityISO6523, "id": mptoken.OrgPrefix + testSB}}}
	status, body := e.grant(sign(t, e.key, cl, kidHeader(testKID)))
	require.Equal(t, http.StatusOK, status, body)
	c, err := tokens.NewVerifier(e.issuer.URL(), e.issuer.KeySet(), e.clock.Now).Verify(body["access_token"].(string))
	require.NoError(t, err)
	assert.Equal(t, testSB, c.SystemuserOrgnr())
}

func TestGrantWithoutSystembrukerGivesPlainToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cl := e.claims()
	delete(cl, "authorization_details")
	status, body := e.grant(sign(t, e.key, cl, kidHeader(testKID)))
	require.Equal(t, http.StatusOK, status, body)
	c, err := tokens.NewVerifier(e.issuer.URL(), e.issuer.KeySet(), e.clock.Now).Verify(body["access_token"].(string))
	require.NoError(t, err)
	assert.Empty(t, c.SystemuserOrgnr())
}

func TestGrantRefusals(t *testing.T) {
	t.Parallel()
	other := testkit.Key(t, "stranger")
	cases := []struct {
		name   string
		edit   func(e *env, c map[string]any)
		key    func(e *env) *rsa.PrivateKey
		hdr    map[string]any
		status int
		code   string
		desc   string
	}{
		{name: "wrong key", key: func(*env) *rsa.PrivateKey { return other }, status: 400, code: "invalid_grant", desc: "signature"},
		{name: "unknown kid", hdr: kidHeader("nope"), status: 400, code: "invalid_grant", desc: `kid "nope"`},
		{name: "neither kid nor x5c", hdr: map[string]any{}, status: 400, code: "invalid_grant", desc: "neither x5c"},
		{name: "wrong aud", edit: func(_ *env, c map[string]any) { c["aud"] = "https://issuer.example/" }, status: 400, code: "invalid_grant", desc: "aud"},
		{name: "aud without trailing slash", edit: func(e *env, c map[string]any) { c["aud"] = strings.TrimSuffix(e.issuer.URL(), "/") }, status: 400, code: "invalid_grant", desc: "aud"},
		{name: "expired assertion", edit: func(e *env, c map[string]any) {
			c["iat"] = e.clock.Now().Add(-90 * time.Second).Unix()
			c["exp"] = e.clock.Now().Add(-30 * time.Second).Unix()
		}, status: 400, code: "invalid_grant", desc: "expired"},
		{name: "exp-iat over 120 s", edit: func(e *env, c map[string]any) { c["exp"] = e.clock.Now().Add(121 * time.Second).Unix() }, status: 400, code: "invalid_grant", desc: "exp - iat"},
		{name: "iat beyond skew", edit: func(e *env, c map[string]any) {
			c["iat"] = e.clock.Now().Add(11 * time.Second).Unix()
			c["exp"] = e.clock.Now().Add(60 * time.Second).Unix()
		}, status: 400, code: "invalid_grant", desc: "future"},
		{name: "no exp", edit: func(_ *env, c map[string]any) { delete(c, "exp") }, status: 400, code: "invalid_grant", desc: "exp"},
		{name: "no jti", edit: func(_ *env, c map[string]any) { delete(c, "jti") }, status: 400, code: "invalid_grant", desc: "jti"},
		{name: "unknown client", edit: func(_ *env, c map[string]any) { c["iss"] = "who" }, status: 401, code: "invalid_client", desc: `"who"`},
		{name: "unknown scope", edit: func(_ *env, c map[string]any) { c["scope"] = contract.Scope + " skatteetaten:secret" }, status: 400, code: "invalid_scope", desc: "skatteetaten:secret"},
		{name: "no scope", edit: func(_ *env, c map[string]any) { delete(c, "scope") }, status: 400, code: "invalid_request", desc: "scope"},
		{name: "unknown systembruker", edit: func(_ *env, c map[string]any) {
			c["authorization_details"] = []map[string]any{{"type": mptoken.AuthorizationTypeSystemuser,
				"systemuser_org": map[string]any{"authority": mptoken.AuthorityISO6523, "ID": "0192:310000000"}}}
		}, status: 400, code: "invalid_authorization_details", desc: "310000000"},
		{name: "authorization_details not an array", edit: func(_ *env, c map[string]any) { c["authorization_details"] = map[string]any{"type": "x"} }, status: 400, code: "invalid_authorization_details", desc: "array"},
		{name: "authorization_details empty", edit: func(_ *env, c map[string]any) { c["authorization_details"] = []any{} }, status: 400, code: "invalid_authorization_details", desc: "array"},
		{name: "wrong type", edit: func(_ *env, c map[string]any) {
			c["authorization_details"] = []map[string]any{{"type": "urn:altinn:other",
				"systemuser_org": map[string]any{"authority": mptoken.AuthorityISO6523, "ID": "0192:" + testSB}}}
		}, status: 400, code: "invalid_authorization_details", desc: "type"},
		{name: "orgnr without prefix", edit: func(_ *env, c map[string]any) {
			c["authorization_details"] = []map[string]any{{"type": mptoken.AuthorizationTypeSystemuser,
				"systemuser_org": map[string]any{"authority": mptoken.AuthorityISO6523, "ID": testSB}}}
		}, status: 400, code: "invalid_authorization_details", desc: "0192:"},
		{name: "wrong authority", edit: func(_ *env, c map[string]any) {
			c["authorization_details"] = []map[string]any{{"type": mptoken.AuthorizationTypeSystemuser,
				"systemuser_org": map[string]any{"authority": "x", "ID": "0192:" + testSB}}}
		}, status: 400, code: "invalid_authorization_details", desc: "authority"},
		{name: "systemuser_org missing", edit: func(_ *env, c map[string]any) {
			c["authorization_details"] = []map[string]any{{"type": mptoken.AuthorizationTypeSystemuser}}
		}, status: 400, code: "invalid_authorization_details", desc: "systemuser_org"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.claims()
			if tc.edit != nil {
				tc.edit(e, c)
			}
			key, hdr := e.key, kidHeader(testKID)
			if tc.key != nil {
				key = tc.key(e)
			}
			if tc.hdr != nil {
				hdr = tc.hdr
			}
			status, body := e.grant(sign(t, key, c, hdr))
			assert.Equal(t, tc.status, status, body)
			assert.Equal(t, tc.code, body["error"])
			assert.Contains(t, body["error_description"], tc.desc)
			assert.NotContains(t, body, "access_token")
		})
	}
}

func TestGrantAllowsIatWithinSkew(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.claims()
	c["iat"] = e.clock.Now().Add(8 * time.Second).Unix()
	status, body := e.grant(sign(t, e.key, c, kidHeader(testKID)))
	assert.Equal(t, http.StatusOK, status, body)
}

func TestGrantRefusesReusedJTIUntilItsExp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.claims()
	status, body := e.grant(sign(t, e.key, c, kidHeader(testKID)))
	require.Equal(t, http.StatusOK, status, body)
	status, body = e.grant(sign(t, e.key, c, kidHeader(testKID)))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", body["error"])
	assert.Contains(t, body["error_description"], "jti")

	// A refused grant must not burn its jti: the retry with the fix succeeds.
	c2 := e.claims()
	c2["scope"] = "not:allowed"
	status, _ = e.grant(sign(t, e.key, c2, kidHeader(testKID)))
	require.Equal(t, http.StatusBadRequest, status)
	c2["scope"] = contract.Scope
	status, body = e.grant(sign(t, e.key, c2, kidHeader(testKID)))
	assert.Equal(t, http.StatusOK, status, body)
}

func TestGrantRefusesOtherAlgorithmsAndForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	payload, err := json.Marshal(e.claims())
	require.NoError(t, err)
	h := jws.NewHeaders()
	require.NoError(t, h.Set(jws.KeyIDKey, testKID))
	hs, err := jws.Sign(payload, jws.WithKey(jwa.HS256(), []byte("a-shared-secret-of-sufficient-length"), jws.WithProtectedHeaders(h)))
	require.NoError(t, err)
	status, body := e.grant(string(hs))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body["error_description"], "HS256")

	status, body = e.grant("not-a-jwt")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", body["error"])

	status, body = e.post(url.Values{"grant_type": {"client_credentials"}, "assertion": {"x"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "unsupported_grant_type", body["error"])

	status, body = e.post(url.Values{"grant_type": {mptoken.GrantTypeJWTBearer}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_request", body["error"])
}

func TestGrantWithPinnedCertificate(t *testing.T) {
	t.Parallel()
	leafKey := testkit.Key(t, "leaf")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	leaf := testkit.Certificate(t, leafKey, pkix.Name{CommonName: "Finprod Test AS", SerialNumber: testOrg}, false, now.Add(-time.Hour), now.Add(time.Hour), nil, nil)
	stranger := testkit.Certificate(t, leafKey, pkix.Name{CommonName: "Other AS", SerialNumber: testOrg}, false, now.Add(-time.Hour), now.Add(time.Hour), nil, nil)
	e := newEnv(t, ClientConfig{ID: "cert-client", Org: testOrg, Scopes: []string{contract.Scope},
		Certificates:  []CertConfig{{PEM: string(testkit.CertPEM(leaf))}},
		Systembrukere: []SystembrukerConfig{{Org: testSB}}})
	c := e.claims()
	c["iss"] = "cert-client"
	status, body := e.grant(sign(t, leafKey, c, x5cHeader(t, leaf)))
	require.Equal(t, http.StatusOK, status, body)

	c = e.claims()
	c["iss"] = "cert-client"
	status, body = e.grant(sign(t, leafKey, c, x5cHeader(t, stranger)))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body["error_description"], "not registered on client cert-client")

	c = e.claims()
	c["iss"] = "cert-client"
	status, body = e.grant(sign(t, testkit.Key(t, "stranger"), c, x5cHeader(t, leaf)))
	assert.Equal(t, http.StatusBadRequest, status, "the leaf's key must have signed the assertion")
	assert.Contains(t, body["error_description"], "signature")

	e.clock.Add(2 * time.Hour)
	c = e.claims()
	c["iss"] = "cert-client"
	status, body = e.grant(sign(t, leafKey, c, x5cHeader(t, leaf)))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body["error_description"], "not valid now")
}

func TestGrantWithCertificateFromRegisteredCA(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	caKey, interKey, leafKey := testkit.Key(t, "root ca"), testkit.Key(t, "issuing ca"), testkit.Key(t, "leaf")
	ca := testkit.Certificate(t, caKey, pkix.Name{CommonName: "Test Root CA"}, true, now.Add(-time.Hour), now.Add(48*time.Hour), nil, nil)
	inter := testkit.Certificate(t, interKey, pkix.Name{CommonName: "Test Issuing CA"}, true, now.Add(-time.Hour), now.Add(48*time.Hour), ca, caKey)
	orgID := pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 97}, Value: "NTRNO-" + testOrg}
	leaf := testkit.Certificate(t, leafKey, pkix.Name{CommonName: "Finprod Test AS", ExtraNames: []pkix.AttributeTypeAndValue{orgID}}, false, now.Add(-time.Hour), now.Add(time.Hour), inter, interKey)
	wrongOrg := testkit.Certificate(t, leafKey, pkix.Name{CommonName: "Other AS", SerialNumber: "310000000"}, false, now.Add(-time.Hour), now.Add(time.Hour), inter, interKey)

	e := newEnv(t, ClientConfig{ID: "ca-client", Org: testOrg, Scopes: []string{contract.Scope},
		Certificates:  []CertConfig{{PEM: string(testkit.CertPEM(ca))}},
		Systembrukere: []SystembrukerConfig{{Org: testSB}}})
	grant := func(hdr map[string]any) (int, map[string]any) {
		c := e.claims()
		c["iss"] = "ca-client"
		return e.grant(sign(t, leafKey, c, hdr))
	}
	status, body := grant(x5cHeader(t, leaf, inter))
	assert.Equal(t, http.StatusOK, status, body)

	status, body = grant(x5cHeader(t, leaf))
	assert.Equal(t, http.StatusBadRequest, status, "without the intermediate the chain does not reach the CA")
	assert.Contains(t, body["error_description"], "not registered")

	status, body = grant(x5cHeader(t, wrongOrg, inter))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body["error_description"], "310000000")
}

func TestDiscoveryAndJWKS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, err := http.Get(e.issuer.URL() + ".well-known/oauth-authorization-server")
	require.NoError(t, err)
	defer resp.Body.Close()
	var doc map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.Equal(t, e.issuer.URL(), doc["issuer"])
	assert.Equal(t, e.issuer.URL()+"token", doc["token_endpoint"])
	assert.Equal(t, e.issuer.URL()+"jwk", doc["jwks_uri"])
	assert.Contains(t, doc["grant_types_supported"], mptoken.GrantTypeJWTBearer)

	resp2, err := http.Get(doc["jwks_uri"].(string))
	require.NoError(t, err)
	defer resp2.Body.Close()
	b, err := io.ReadAll(resp2.Body)
	require.NoError(t, err)
	set, err := jwk.Parse(b)
	require.NoError(t, err)
	require.Equal(t, 1, set.Len())
	key, _ := set.Key(0)
	_, isPrivate := key.(jwk.RSAPrivateKey)
	assert.False(t, isPrivate, "the JWKS must hold public keys only")

	// A token from the endpoint verifies with the served JWKS alone.
	status, body := e.grant(sign(t, e.key, e.claims(), kidHeader(testKID)))
	require.Equal(t, http.StatusOK, status)
	_, err = tokens.NewVerifier(e.issuer.URL(), set, e.clock.Now).Verify(body["access_token"].(string))
	assert.NoError(t, err)

	r, err := http.Get(e.srv.TokenURL())
	require.NoError(t, err)
	r.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, r.StatusCode)
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	iss, err := tokens.NewIssuerWithKey("http://127.0.0.1:1/maskinporten/", testkit.Key(t, "issuer signing"), nil)
	require.NoError(t, err)
	pub := testkit.PublicKeyPEM(t, &testkit.Key(t, "client").PublicKey)
	for name, c := range map[string]ClientConfig{
		"no id":         {Org: testOrg, Scopes: []string{"s"}, Keys: []KeyConfig{{KID: "k", PublicKeyPEM: pub}}},
		"bad org":       {ID: "c", Org: "12", Scopes: []string{"s"}, Keys: []KeyConfig{{KID: "k", PublicKeyPEM: pub}}},
		"no key":        {ID: "c", Org: testOrg, Scopes: []string{"s"}},
		"no scopes":     {ID: "c", Org: testOrg, Keys: []KeyConfig{{KID: "k", PublicKeyPEM: pub}}},
		"no kid":        {ID: "c", Org: testOrg, Scopes: []string{"s"}, Keys: []KeyConfig{{PublicKeyPEM: pub}}},
		"two key forms": {ID: "c", Org: testOrg, Scopes: []string{"s"}, Keys: []KeyConfig{{KID: "k", PublicKeyPEM: pub, JWK: map[string]any{"kty": "RSA"}}}},
		"bad pem":       {ID: "c", Org: testOrg, Scopes: []string{"s"}, Keys: []KeyConfig{{KID: "k", PublicKeyPEM: "nope"}}},
		"bad sb org":    {ID: "c", Org: testOrg, Scopes: []string{"s"}, Keys: []KeyConfig{{KID: "k", PublicKeyPEM: pub}}, Systembrukere: []SystembrukerConfig{{Org: "x"}}},
	} {
		_, err := New(Config{Clients: []ClientConfig{c}}, iss)
		assert.Error(t, err, name)
	}
	bad, err := tokens.NewIssuerWithKey("http://127.0.0.1:1/maskinporten", testkit.Key(t, "issuer signing"), nil)
	require.NoError(t, err)
	_, err = New(Config{}, bad)
	assert.ErrorContains(t, err, "end with '/'")
}

func TestRefusalsCarryServerDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, err := http.PostForm(e.srv.TokenURL(), url.Values{"grant_type": {mptoken.GrantTypeJWTBearer}, "assertion": {"x"}})
	require.NoError(t, err)
	resp.Body.Close()
	d, err := http.ParseTime(resp.Header.Get("Date"))
	require.NoError(t, err)
	assert.True(t, d.Equal(e.clock.Now()), "the Date header follows the server's clock, so clients can measure skew")
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
}

func TestJTIIsRememberedUntilItsAssertionExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.claims()
	status, _ := e.grant(sign(t, e.key, c, kidHeader(testKID)))
	require.Equal(t, http.StatusOK, status)
	e.clock.Add(61 * time.Second) // past the assertion's exp
	again := e.claims()
	again["jti"] = c["jti"]
	status, body := e.grant(sign(t, e.key, again, kidHeader(testKID)))
	assert.Equal(t, http.StatusOK, status, body)
	e.srv.mu.Lock()
	n := len(e.srv.jtis)
	e.srv.mu.Unlock()
	assert.Equal(t, 1, n, "expired jtis are swept")
}
