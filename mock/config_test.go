package mock_test

import (
	"context"
	"crypto/rsa"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/rules"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "mock.yaml", `
listen: 127.0.0.1:0
openapi: other.yaml
api:
  openYears: {from: 2022, to: 2025}
  businessRules: sync
  faults:
    latency: 20ms
    latencyMin: 5ms
    latencyMax: 50ms
    failShare: 0.1
    dropShare: 0.05
    seed: 42
  systembruker: optional
access:
  relationships:
    - systembruker: "310000000"
      tilgangspakke: skattegrunnlag
      oppgavegivere: ["987546231", "*"]
limits:
  readHeaderTimeout: 2s
  readTimeout: 30s
  writeTimeout: 1m
  idleTimeout: 10s
`)
	c, err := mock.LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:0", c.Listen)
	assert.Equal(t, filepath.Join(filepath.Dir(p), "other.yaml"), c.OpenAPI, "relative to the config file")
	assert.Equal(t, mock.YearRange{From: 2022, To: 2025}, c.API.OpenYears)
	assert.Equal(t, rules.Sync, c.API.BusinessRules)
	assert.Equal(t, mock.Faults{
		Latency: mock.Duration(20 * time.Millisecond), LatencyMin: mock.Duration(5 * time.Millisecond),
		LatencyMax: mock.Duration(50 * time.Millisecond), FailShare: 0.1, DropShare: 0.05, Seed: 42,
	}, c.API.Faults)
	require.Len(t, c.Access.Relationships, 1)
	assert.Equal(t, mock.Skattegrunnlag, c.Access.Relationships[0].Tilgangspakke)
	assert.Equal(t, mock.SystembrukerOptional, c.API.Systembruker)
	assert.Equal(t, mock.Limits{
		ReadHeaderTimeout: mock.Duration(2 * time.Second), ReadTimeout: mock.Duration(30 * time.Second),
		WriteTimeout: mock.Duration(time.Minute), IdleTimeout: mock.Duration(10 * time.Second),
	}, c.Limits)
}

func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ content, want string }{
		"typo":             {"api:\n  busnessRules: sync\n", "busnessRules"},
		"not yaml":         {"api: [\n", "mock config"},
		"bad mode":         {"api:\n  businessRules: later\n", `"later"`},
		"bad duration":     {"api:\n  faults:\n    latency: soon\n", "soon"},
		"bad share":        {"api:\n  faults:\n    dropShare: 1.5\n", "dropShare"},
		"bad package":      {"access:\n  relationships:\n    - {systembruker: \"310000000\", tilgangspakke: daglig-leder, oppgavegivere: [\"*\"]}\n", "daglig-leder"},
		"not loopback":     {"listen: 0.0.0.0:8080\n", "loopback"},
		"bad years":        {"api:\n  openYears: {from: 2026, to: 2020}\n", "openYears"},
		"bad systembruker": {"api:\n  systembruker: sometimes\n", `"sometimes"`},
		"negative limit":   {"limits:\n  readTimeout: -1s\n", "limits"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "mock.yaml", c.content)
			_, err := mock.LoadConfig(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), p, "the error names the file")
		})
	}
	_, err := mock.LoadConfig(filepath.Join(t.TempDir(), "missing.yaml"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.yaml")
}

func TestEmptyConfigIsTheDefault(t *testing.T) {
	t.Parallel()
	c, err := mock.LoadConfig(writeFile(t, "empty.yaml", ""))
	require.NoError(t, err)
	assert.Equal(t, mock.Config{}, c)
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	_, err := mock.Start(context.Background(), mock.Config{Listen: "10.0.0.1:8080"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loopback")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, err = mock.Start(context.Background(), mock.Config{Listen: ln.Addr().String()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), ln.Addr().String())
	assert.Contains(t, err.Error(), "address already in use")

	_, err = mock.Start(context.Background(), mock.Config{OpenAPI: writeFile(t, "bad.yaml", "openapi: 2.0\n")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.yaml")
	_, err = mock.Start(context.Background(), mock.Config{OpenAPI: filepath.Join(t.TempDir(), "none.yaml")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "none.yaml")
}

func TestOtherOpenAPIChangesValidation(t *testing.T) {
	t.Parallel()
	// The same document with kildesystem limited to five characters: the
	// example's "Kildesystemet v2.0.5" passes the embedded one but not this.
	doc := string(contract.OpenAPI())
	doc = strings.Replace(doc, "kildesystem: {$ref: '#/components/schemas/Tekst'}", "kildesystem: {type: string, maxLength: 5}", 1)
	require.NotEqual(t, string(contract.OpenAPI()), doc)
	p := writeFile(t, "strict.yaml", doc)

	s := start(t, mock.Config{OpenAPI: p})
	f := requireFeil(t, submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel()), 400, contract.GLD010)
	require.Len(t, f.Feilspesifisering, 1)
	assert.Equal(t, "$.leveranse.kildesystem", f.Feilspesifisering[0].Sti)
	assert.Equal(t, "Kildesystemet v2.0.5", f.Feilspesifisering[0].AngittVerdi)
	assert.Equal(t, p, s.ContractSource())
}

func TestCloseOnContextCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := mock.Start(ctx, mock.Config{SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	cancel()
	require.NoError(t, s.Wait())
	_, err = net.DialTimeout("tcp", strings.TrimPrefix(s.URL(), "http://"), time.Second)
	assert.Error(t, err, "the port is closed")
}

// Keys handed to Start are the ones the mock uses: its JWKS serves the
// signing key's public half, and the default client holds its key. They
// come in the Config or, for a mock whose Config names none, in the
// context (WithKeys); the Config's win.
func TestStartUsesGivenKeys(t *testing.T) {
	t.Parallel()
	signing, def := testkit.Key(t, "given signing"), testkit.Key(t, "given default client")
	other := testkit.Key(t, "given other")
	for name, c := range map[string]struct {
		ctx context.Context
		cfg mock.Config
	}{
		"in the config":                {context.Background(), mock.Config{SigningKey: signing, DefaultClientKey: def}},
		"in the context":               {mock.WithKeys(context.Background(), signing, def), mock.Config{}},
		"in both, the config's win":    {mock.WithKeys(context.Background(), other, other), mock.Config{SigningKey: signing, DefaultClientKey: def}},
		"signing in the config, other": {mock.WithKeys(context.Background(), other, def), mock.Config{SigningKey: signing}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := mock.Start(c.ctx, c.cfg)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			d, ok := s.DefaultClient()
			require.True(t, ok)
			assert.True(t, def.Equal(d.Key))

			resp, err := http.Get(s.MaskinportenIssuer() + "jwk")
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			set, err := jwk.Parse(b)
			require.NoError(t, err)
			require.Equal(t, 1, set.Len())
			k, _ := set.Key(0)
			var pub rsa.PublicKey
			require.NoError(t, jwk.Export(k, &pub))
			assert.True(t, signing.PublicKey.Equal(&pub))

			tok, err := s.MintToken(exampleOrg)
			require.NoError(t, err)
			_, err = jwt.Parse([]byte(tok), jwt.WithKey(jwa.RS256(), &signing.PublicKey), jwt.WithValidate(false))
			assert.NoError(t, err, "the token is signed with the given key")
			_, err = jwt.Parse([]byte(tok), jwt.WithKey(jwa.RS256(), &def.PublicKey), jwt.WithValidate(false))
			assert.Error(t, err)
		})
	}
}

func TestEndpointsListMounts(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	names := map[string]string{}
	for _, e := range s.Endpoints() {
		names[e.Name] = e.URL
	}
	assert.Equal(t, s.URL()+"/v1", names["API"])
	assert.Equal(t, s.URL()+"/admin", names["admin"])
	assert.Equal(t, s.URL()+"/maskinporten", names["Maskinporten"])
	assert.Equal(t, s.URL()+"/dialogporten/graphql", names["Dialogporten GraphQL"])
	assert.Equal(t, s.URL()+"/maskinporten/", s.MaskinportenIssuer())
}

// Key files named in the mock config's Maskinporten section are found next to
// the config, as in a Maskinporten config file of their own.
func TestLoadConfigTakesKeyFilesRelativeToTheFile(t *testing.T) {
	t.Parallel()
	p := writeFile(t, "mock.yaml", `
maskinporten:
  clients:
    - id: klient
      org: "310000001"
      scopes: [skatteetaten:innrapporteringfinansprodukter]
      keys: [{kid: k1, publicKeyFile: keys/k1.pem}]
`)
	c, err := mock.LoadConfig(p)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(filepath.Dir(p), "keys", "k1.pem"), c.Maskinporten.Clients[0].Keys[0].PublicKeyFile)
}
