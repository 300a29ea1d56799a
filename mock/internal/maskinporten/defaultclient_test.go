package maskinporten

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/goccy/go-yaml"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orgnrValid applies the mod-11 rule of FACTS §6.
func orgnrValid(s string) bool {
	if len(s) != 9 {
		return false
	}
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, wi := range w {
		sum += int(s[i]-'0') * wi
	}
	k := 11 - sum%11
	if k == 11 {
		k = 0
	}
	return k != 10 && int(s[8]-'0') == k
}

func TestDefaultOrgsAreSyntheticAndValid(t *testing.T) {
	t.Parallel()
	for _, o := range []string{DefaultClientOrg, DefaultSystembrukerOrg} {
		assert.True(t, orgnrValid(o), o)
		assert.Contains(t, "23", o[:1], "synthetic orgs start with 2 or 3")
	}
	assert.False(t, orgnrValid("314417225"), "the check must be able to fail")
}

func TestDefaultClientFilesAndGrant(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out", "mock")
	mux := http.NewServeMux()
	hs := httptest.NewServer(mux)
	defer hs.Close()
	iss, err := tokens.NewIssuerWithKey(hs.URL+"/maskinporten/", testkit.Key(t, "issuer signing"), nil)
	require.NoError(t, err)
	// The default client's key is generated here, as `finprod mock` does.
	s, err := New(Config{}, iss, WithDefaultClientDir(dir))
	require.NoError(t, err)
	mux.Handle("/maskinporten/", s.Handler())

	d, ok := s.DefaultClient()
	require.True(t, ok)
	assert.Equal(t, filepath.Join(dir, "maskinporten-client.pem"), d.KeyFile)
	assert.Equal(t, hs.URL+"/maskinporten/token", d.TokenURL)

	st, err := os.Stat(d.KeyFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the private key is for the owner only")
	keyPEM, err := os.ReadFile(d.KeyFile)
	require.NoError(t, err)
	block, _ := pem.Decode(keyPEM)
	require.NotNil(t, block)
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	assert.True(t, d.Key.Equal(parsed))

	var file map[string]any
	raw, err := os.ReadFile(d.ConfigFile)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, &file))
	assert.Equal(t, DefaultClientID, file["clientId"])
	assert.Equal(t, DefaultClientKID, file["kid"])
	assert.Equal(t, "maskinporten-client.pem", file["keyFile"], "relative to the YAML, so the folder can move")
	assert.Equal(t, DefaultSystembrukerOrg, file["systembruker"], "an orgnr stays a string")
	assert.Equal(t, iss.URL(), file["issuer"])
	assert.NotContains(t, string(raw), "PRIVATE KEY")

	// The written key gets a token through the handler.
	e := &env{t: t, issuer: iss, srv: s, http: hs, clock: testkit.NewClock(time.Now())}
	now := time.Now()
	claims := map[string]any{"aud": iss.URL(), "iss": d.ClientID, "scope": strings.Join(d.Scopes, " "),
		"iat": now.Unix(), "exp": now.Add(30 * time.Second).Unix(), "jti": uuid.NewString(),
		"authorization_details": []mptoken.AuthorizationDetail{{Type: mptoken.AuthorizationTypeSystemuser, SystemuserOrg: mptoken.NewOrg(d.SystembrukerOrg)}}}
	status, body := e.grant(sign(t, d.Key, claims, kidHeader(d.KID)))
	require.Equal(t, http.StatusOK, status, body)
	c, err := tokens.NewVerifier(iss.URL(), iss.KeySet(), nil).Verify(body["access_token"].(string))
	require.NoError(t, err)
	assert.Equal(t, DefaultSystembrukerOrg, c.SystemuserOrgnr())
	assert.True(t, c.HasScope(contract.Scope) && c.HasScope(dialogschema.Scope))
}

func TestNoDefaultClientWhenConfigured(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, ok := e.srv.DefaultClient()
	assert.False(t, ok)
	assert.Len(t, e.srv.Clients(), 1)
}

func TestAdminRegistersClientWithJWK(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := testkit.Key(t, "jwk client")
	pub, err := jwk.Import(&key.PublicKey)
	require.NoError(t, err)
	pubJSON, err := json.Marshal(pub)
	require.NoError(t, err)
	var pubMap map[string]any
	require.NoError(t, json.Unmarshal(pubJSON, &pubMap))
	body, err := json.Marshal(ClientConfig{ID: "added", Org: testOrg, Scopes: []string{contract.Scope},
		Keys: []KeyConfig{{KID: "jwk-1", JWK: pubMap}}, Systembrukere: []SystembrukerConfig{{Org: testSB}}})
	require.NoError(t, err)
	resp, err := http.Post(e.http.URL+AdminPath+"clients", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	c := e.claims()
	c["iss"] = "added"
	status, out := e.grant(sign(t, key, c, kidHeader("jwk-1")))
	assert.Equal(t, http.StatusOK, status, out)

	resp, err = http.Get(e.http.URL + AdminPath + "clients")
	require.NoError(t, err)
	defer resp.Body.Close()
	var list []ClientInfo
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	require.Len(t, list, 2)
	assert.Equal(t, "added", list[0].ID)
	assert.Equal(t, []string{"jwk-1"}, list[0].KIDs)
	require.Len(t, list[0].Systembrukere, 1)
	assert.NoError(t, uuid.Validate(list[0].Systembrukere[0].ID), "a systembruker gets a UUID when none is given")

	for _, bad := range []string{`{"id":"x"}`, `{"id":"x","org":"314417224","scopes":["s"],"keys":[{"kid":"k","publicKeyFile":"/etc/passwd"}]}`, `not json`} {
		resp, err := http.Post(e.http.URL+AdminPath+"clients", "application/json", strings.NewReader(bad))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, bad)
	}
}

func TestLoadConfigResolvesRelativeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := testkit.Key(t, "file client")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pub.pem"), []byte(testkit.PublicKeyPEM(t, &key.PublicKey)), 0o644))
	y := `tokenTtl: 30s
clients:
  - id: from-file
    org: "` + testOrg + `"
    keys: [{kid: k1, publicKeyFile: pub.pem}]
    scopes: [` + contract.Scope + `]
    systembrukere: [{org: "` + testSB + `", systemId: ` + testOrg + `_x}]
`
	path := filepath.Join(dir, "mp.yaml")
	require.NoError(t, os.WriteFile(path, []byte(y), 0o644))
	cfg, err := LoadConfig(path)
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, cfg.TokenTTL)
	assert.Equal(t, filepath.Join(dir, "pub.pem"), cfg.Clients[0].Keys[0].PublicKeyFile)

	iss, err := tokens.NewIssuerWithKey("http://127.0.0.1:1/maskinporten/", testkit.Key(t, "issuer signing"), nil)
	require.NoError(t, err)
	s, err := New(cfg, iss)
	require.NoError(t, err)
	require.Len(t, s.Clients(), 1)
	assert.Equal(t, []string{"k1"}, s.Clients()[0].KIDs)

	require.NoError(t, os.WriteFile(path, []byte("clients: [{id: x, typo: 1}]\n"), 0o644))
	_, err = LoadConfig(path)
	assert.Error(t, err, "unknown keys are refused")
}
