package maskinporten

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenWithRegisteredKey(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	pkcs1 := e.write(t, "pkcs1.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(e.key)}))
	cases := map[string]func(*Config){
		"PKCS#8 PEM": func(*Config) {},
		"PKCS#1 PEM": func(c *Config) { c.KeyFile = pkcs1 },
		"JWK file, kid from the JWK": func(c *Config) {
			c.KeyFile, c.KID = jwkFile(t, e, e.key, mpKID), ""
		},
		"key in memory": func(c *Config) { c.KeyFile, c.PrivateKey = "", e.key },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := e.keyConfig()
			edit(&cfg)
			tok, err := e.source(t, cfg).Token(context.Background())
			require.NoError(t, err)
			// The API trusts the token; it is the systembruker's.
			c, err := e.srv.VerifyToken(tok)
			require.NoError(t, err)
			assert.Equal(t, mpSB, c.SystemuserOrgnr())
			assert.Equal(t, mpClient, c.ClientID)
			assert.True(t, c.HasScope(contract.Scope))
		})
	}
	// The assertions carried kid, never x5c, and the documented claims.
	for _, a := range e.sentAssertions() {
		msg, err := jws.Parse([]byte(a))
		require.NoError(t, err)
		kid, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
		assert.Equal(t, mpKID, kid)
		assert.Contains(t, string(msg.Payload()), `"aud":"`+e.issuer+`"`, "aud is a string with the trailing slash")
		assert.Contains(t, string(msg.Payload()), `"ID":"0192:`+mpSB+`"`)
	}
}

func TestTokenWithBusinessCertificate(t *testing.T) {
	e := newMPEnv(t)
	combined := e.write(t, "combined.pem", append(readFile(t, e.certFile), readFile(t, e.certKeyF)...))
	pwFile := e.write(t, "p12.pw", []byte(p12Password+"\n"))
	t.Setenv("FINPROD_TEST_P12_PASSWORD", p12Password)
	cases := map[string]func(*Config){
		"PEM cert and key":             func(*Config) {},
		"PEM cert and key in one file": func(c *Config) { c.CertFile, c.KeyFile = combined, "" },
		"PKCS#12, password from env": func(c *Config) {
			c.CertFile, c.KeyFile, c.P12File, c.PasswordEnv = "", "", e.p12File, "FINPROD_TEST_P12_PASSWORD"
		},
		"PKCS#12, password from file": func(c *Config) {
			c.CertFile, c.KeyFile, c.P12File, c.PasswordFile = "", "", e.p12File, pwFile
		},
		"found through discovery":          func(c *Config) { c.Discover = true },
		"explicit token URL, no discovery": func(c *Config) { c.TokenURL = e.url + "/maskinporten/token" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := e.certConfig()
			edit(&cfg)
			tok, err := e.source(t, cfg).Token(context.Background())
			require.NoError(t, err)
			info, err := DecodeToken(tok)
			require.NoError(t, err)
			assert.Equal(t, mpCertClient, info.ClientID)
			assert.Equal(t, mpOrg, info.Consumer.Orgnr())
			assert.Equal(t, mpSB, info.SystemuserOrgnr())
		})
	}
	assert.EqualValues(t, 1, e.disco.Load())
	sent := e.sentAssertions()
	require.NotEmpty(t, sent)
	msg, err := jws.Parse([]byte(sent[0]))
	require.NoError(t, err)
	hdr := msg.Signatures()[0].ProtectedHeaders()
	chain, ok := hdr.X509CertChain()
	require.True(t, ok)
	require.Equal(t, 2, chain.Len(), "leaf and intermediate")
	first, _ := chain.Get(0)
	assert.Equal(t, base64.StdEncoding.EncodeToString(e.leaf.Raw), string(first), "the leaf comes first")
	_, hasKID := hdr.KeyID()
	assert.False(t, hasKID)
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// TestRefusedGrants runs the client into every refusal the local
// Maskinporten knows and checks that the error names the fix and no secret.
func TestRefusedGrants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		cfg    func(e *mpEnv) Config
		opts   func(e *mpEnv) []Option
		code   string
		status int
		fix    []string
	}{
		{name: "wrong key", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.KeyFile, c.PrivateKey = "", testkit.Key(t, "stranger")
			return c
		}, code: "invalid_grant", status: 400, fix: []string{"key id " + mpKID, "client " + mpClient}},
		{name: "unregistered kid", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.KID = "old-key"
			return c
		}, code: "invalid_grant", status: 400, fix: []string{"key id old-key is registered"}},
		{name: "wrong aud", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.Issuer, c.TokenURL = TestIssuer, e.url+"/maskinporten/token"
			return c
		}, code: "invalid_grant", status: 400, fix: []string{"aud is " + TestIssuer, "issuer"}},
		{name: "expired assertion (clock behind)", cfg: func(e *mpEnv) Config { return e.keyConfig() },
			opts: func(e *mpEnv) []Option {
				return []Option{Clock(func() time.Time { return e.clock.Now().Add(-5 * time.Minute) })}
			}, code: "invalid_grant", status: 400, fix: []string{"clock", "5m0s behind"}},
		{name: "iat in the future (clock ahead)", cfg: func(e *mpEnv) Config { return e.keyConfig() },
			opts: func(e *mpEnv) []Option {
				return []Option{Clock(func() time.Time { return e.clock.Now().Add(time.Minute) })}
			}, code: "invalid_grant", status: 400, fix: []string{"clock", "1m0s ahead of"}},
		{name: "clock skew setting makes a fast clock right", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.ClockSkew = -time.Minute
			return c
		}, opts: func(e *mpEnv) []Option {
			return []Option{Clock(func() time.Time { return e.clock.Now().Add(time.Minute) })}
		}},
		{name: "unknown client", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.ClientID = "no-such-client"
			return c
		}, code: "invalid_client", status: 401, fix: []string{"client id no-such-client"}},
		{name: "unknown scope", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.Scopes = []string{contract.Scope, "skatteetaten:annet"}
			return c
		}, code: "invalid_scope", status: 400, fix: []string{"skatteetaten:annet"}},
		{name: "unknown systembruker", cfg: func(e *mpEnv) Config {
			c := e.keyConfig()
			c.Systembruker = "310000000"
			return c
		}, code: "invalid_authorization_details", status: 400, fix: []string{"organisation 310000000 has approved a systembruker"}},
		{name: "certificate not registered on the client", cfg: func(e *mpEnv) Config {
			c := e.certConfig()
			c.ClientID = mpClient
			return c
		}, code: "invalid_grant", status: 400, fix: []string{"business certificate (x5c) is registered on client " + mpClient}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newMPEnv(t)
			var opts []Option
			if tc.opts != nil {
				opts = tc.opts(e)
			}
			tok, err := e.source(t, tc.cfg(e), opts...).Token(context.Background())
			if tc.code == "" {
				require.NoError(t, err)
				assert.NotEmpty(t, tok)
				return
			}
			require.Error(t, err)
			assert.Empty(t, tok)
			var me *Error
			require.ErrorAs(t, err, &me)
			assert.Equal(t, tc.code, me.Code)
			assert.Equal(t, tc.status, me.Status)
			assert.True(t, me.Refused())
			msg := err.Error()
			assert.Contains(t, msg, "Maskinporten rejected the grant ("+tc.code+")")
			for _, f := range tc.fix {
				assert.Contains(t, msg, f)
			}
			assertNoSecret(t, e, msg)
		})
	}
}

// assertNoSecret checks a message for the assertions sent, the key files'
// contents and anything shaped like a JWT.
func assertNoSecret(t *testing.T, e *mpEnv, msg string) {
	t.Helper()
	sent := e.sentAssertions()
	require.NotEmpty(t, sent, "the test must have sent an assertion to look for")
	for _, a := range sent {
		assert.NotContains(t, msg, a)
		assert.NotContains(t, msg, strings.Split(a, ".")[2], "no signature")
	}
	for _, f := range []string{e.keyFile, e.certKeyF} {
		for _, line := range strings.Split(string(readFile(t, f)), "\n")[1:3] {
			assert.NotContains(t, msg, line)
		}
	}
	assert.NotRegexp(t, `eyJ[A-Za-z0-9_-]{10,}\.`, msg, "nothing shaped like a JWT")
}

func TestReusedJTIIsRefused(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	fixed := func() string { return "the-same-jti" }
	a := e.source(t, e.keyConfig())
	a.newJTI = fixed
	_, err := a.Token(context.Background())
	require.NoError(t, err)
	b := e.source(t, e.keyConfig())
	b.newJTI = fixed
	_, err = b.Token(context.Background())
	var me *Error
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "invalid_grant", me.Code)
	assert.Contains(t, err.Error(), "fresh jti")
	assertNoSecret(t, e, err.Error())
}

func TestTokenIsCachedAndSharedUnderConcurrency(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	m := e.source(t, e.keyConfig())
	const callers = 1000
	var wg sync.WaitGroup
	start := make(chan struct{})
	got := make([]string, callers)
	errs := make([]error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			got[i], errs[i] = m.Token(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i])
		assert.Equal(t, got[0], got[i])
	}
	assert.EqualValues(t, 1, e.grants.Load(), "a thousand callers share one grant")

	// The token lives 120 s; the default margin is 12 s.
	e.clock.Add(100 * time.Second)
	tok, err := m.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, got[0], tok)
	assert.EqualValues(t, 1, e.grants.Load())

	e.clock.Add(9 * time.Second)
	tok, err = m.Token(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, got[0], tok, "a token about to expire is replaced")
	assert.EqualValues(t, 2, e.grants.Load())
}

func TestRefreshMarginIsConfigurable(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	cfg := e.keyConfig()
	cfg.RefreshMargin = 60 * time.Second
	m := e.source(t, cfg)
	_, err := m.Token(context.Background())
	require.NoError(t, err)
	e.clock.Add(59 * time.Second)
	_, err = m.Token(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 1, e.grants.Load())
	e.clock.Add(2 * time.Second)
	_, err = m.Token(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 2, e.grants.Load())
}

func TestFailedGrantIsNotCached(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	cfg := e.keyConfig()
	cfg.Systembruker = "310000000"
	m := e.source(t, cfg)
	for range 2 {
		_, err := m.Token(context.Background())
		require.Error(t, err)
	}
	assert.EqualValues(t, 2, e.grants.Load())
}

func TestCallerCancellationDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	arrived, release := make(chan struct{}, 4), make(chan struct{})
	var hits atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		arrived <- struct{}{}
		<-release
		http.Redirect(w, r, e.url+"/maskinporten/token", http.StatusTemporaryRedirect)
	}))
	defer slow.Close()
	cfg := e.keyConfig()
	cfg.TokenURL = slow.URL
	m := e.source(t, cfg)

	ctx, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() { _, err := m.Token(ctx); firstErr <- err }()
	<-arrived // the first caller's grant is in flight
	second := make(chan error, 1)
	go func() { _, err := m.Token(context.Background()); second <- err }()
	cancel()
	assert.ErrorIs(t, <-firstErr, context.Canceled)
	close(release)
	assert.NoError(t, <-second, "the shared grant outlives the caller that started it")
	assert.EqualValues(t, 1, hits.Load(), "one grant served both callers")
}

func TestServerFailuresAreExplained(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t) // for key material only
	cases := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   []string
		code   string
	}{
		{"5xx", 503, "text/html", "<html>down</html>", []string{"failed with HTTP 503", "try again"}, ""},
		{"5xx OAuth2", 500, "application/json", `{"error":"server_error","error_description":"x"}`, []string{"failed with HTTP 500 (server_error)"}, "server_error"},
		{"not JSON", 404, "text/html", "<html>not found</html>", []string{"answered HTTP 404", "token URL"}, ""},
		{"200 without token", 200, "application/json", `{"token_type":"Bearer"}`, []string{"answered HTTP 200", "not an OAuth2 token answer"}, ""},
		{"invalid_request", 400, "application/json", `{"error":"invalid_request","error_description":"Missing scope"}`, []string{"(invalid_request): Missing scope", "malformed"}, "invalid_request"},
		{"unsupported_grant_type", 400, "application/json", `{"error":"unsupported_grant_type"}`, []string{"token URL is Maskinporten's"}, "unsupported_grant_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer hs.Close()
			cfg := e.keyConfig()
			cfg.TokenURL = hs.URL + "/token"
			_, err := e.source(t, cfg).Token(context.Background())
			var me *Error
			require.ErrorAs(t, err, &me)
			assert.Equal(t, tc.status, me.Status)
			assert.Equal(t, tc.code, me.Code)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), tc.body, "bodies are not echoed")
		})
	}
}

func TestUnreachableMaskinporten(t *testing.T) {
	t.Parallel()
	e := newMPEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cfg := e.keyConfig()
	cfg.TokenURL = "http://" + addr + "/token"
	_, err = e.source(t, cfg).Token(context.Background())
	var me *Error
	require.ErrorAs(t, err, &me)
	assert.Zero(t, me.Status)
	assert.False(t, me.Refused())
	assert.Contains(t, err.Error(), "cannot reach Maskinporten at http://"+addr)
	assert.Contains(t, err.Error(), "check the token URL")
}

func TestConfigErrors(t *testing.T) {
	e := newMPEnv(t)
	t.Setenv("FINPROD_TEST_WRONG_PW", "not the password")
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no client id", func(c *Config) { c.ClientID = "" }, "client id"},
		{"assertion too long", func(c *Config) { c.AssertionTTL = 121 * time.Second }, "at most 2m0s"},
		{"bad systembruker", func(c *Config) { c.Systembruker = "12345" }, "9-digit"},
		{"unknown env", func(c *Config) { c.Issuer, c.Environment = "", "staging" }, "test or prod"},
		{"issuer without slash", func(c *Config) { c.Issuer = strings.TrimSuffix(TestIssuer, "/") }, "must end with '/'"},
		{"no key", func(c *Config) { c.KeyFile = "" }, "no key"},
		{"no kid", func(c *Config) { c.KID = "" }, "--kid"},
		{"kid with certificate", func(c *Config) { c.CertFile = e.certFile }, "x5c"},
		{"missing key file", func(c *Config) { c.KeyFile = filepath.Join(e.dir, "nope.pem") }, "read key file"},
		{"key file is a certificate", func(c *Config) { c.KeyFile = e.certFile }, "no PEM private key"},
		{"key does not match certificate", func(c *Config) { c.KID, c.CertFile = "", e.certFile }, "does not belong"},
		{"wrong PKCS#12 password", func(c *Config) {
			c.KID, c.KeyFile, c.P12File, c.PasswordEnv = "", "", e.p12File, "FINPROD_TEST_WRONG_PW"
		}, "$FINPROD_TEST_WRONG_PW"},
		{"password file with a PEM key", func(c *Config) { c.PasswordFile = filepath.Join(e.dir, "missing-password.txt") }, "only for a PKCS#12 file"},
		{"password env with a PEM certificate", func(c *Config) {
			c.KID, c.CertFile, c.PasswordEnv = "", e.certFile, "FINPROD_TEST_WRONG_PW"
		}, "only for a PKCS#12 file"},
		{"password env unset", func(c *Config) {
			c.KID, c.KeyFile, c.P12File, c.PasswordEnv = "", "", e.p12File, "FINPROD_TEST_UNSET_PW"
		}, "FINPROD_TEST_UNSET_PW"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.keyConfig()
			tc.edit(&cfg)
			_, err := New(cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), p12Password)
			assert.NotContains(t, err.Error(), "not the password")
		})
	}
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	for env, want := range map[string][2]string{
		"test": {TestIssuer, TestIssuer + "token"},
		"":     {TestIssuer, TestIssuer + "token"},
		"prod": {ProdIssuer, ProdIssuer + "token"},
	} {
		iss, tok, err := Config{Environment: env}.endpoints()
		require.NoError(t, err)
		assert.Equal(t, want, [2]string{iss, tok}, env)
	}
	_, tok, err := Config{Environment: "prod", TokenURL: "http://127.0.0.1:9/t"}.endpoints()
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/t", tok)
}

// TestDefaultClientFileWorks reads the client YAML the mock writes for its
// default client, as `finprod token --config` does.
func TestDefaultClientFileWorks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := mock.Start(context.Background(), mock.Config{StateDir: dir,
		SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	defer s.Close()
	d, ok := s.DefaultClient()
	require.True(t, ok)

	cfg, err := LoadConfig(d.ConfigFile)
	require.NoError(t, err)
	assert.Equal(t, d.KeyFile, cfg.KeyFile, "the key path is resolved next to the YAML")
	m, err := New(cfg)
	require.NoError(t, err)
	tok, err := m.Token(context.Background())
	require.NoError(t, err)
	c, err := s.VerifyToken(tok)
	require.NoError(t, err)
	assert.Equal(t, mock.DefaultSystembrukerOrg, c.SystemuserOrgnr())
	assert.True(t, c.HasScope(dialogschema.Scope))
}

func TestDecodeTokenRefusesNonJWT(t *testing.T) {
	t.Parallel()
	_, err := DecodeToken("IxC0B76vlWl3fiQhAwZUmD0hr_PPwC9hSIXRdoUslPU=")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "IxC0B76")
}
