package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// localMaskinporten starts the local mock on loopback with its default
// Maskinporten client written to a folder, as `finprod mock` does.
func localMaskinporten(t *testing.T) (mock.DefaultClient, *mock.Server) {
	t.Helper()
	s, err := mock.Start(context.Background(), mock.Config{StateDir: filepath.Join(t.TempDir(), "out", "mock"),
		SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	d, ok := s.DefaultClient()
	require.True(t, ok)
	return d, s
}

var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

func TestTokenCommandPrintsClaimsNotToken(t *testing.T) {
	t.Parallel()
	d, srv := localMaskinporten(t)
	out, code := runCLIExit(t, "token", "--config", d.ConfigFile)
	require.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "client "+d.ClientID+" from "+d.TokenURL)
	assert.Regexp(t, `client_id\s+`+d.ClientID, out)
	assert.Regexp(t, `consumer\s+0192:`+d.Org, out)
	assert.Regexp(t, `systembruker\s+0192:`+d.SystembrukerOrg+` \(systemuser_id [0-9a-f-]{36}, system_id `+d.Org+`_finprod\)`, out)
	assert.Regexp(t, `iss\s+`+regexp.QuoteMeta(srv.MaskinportenIssuer()), out)
	assert.Regexp(t, `expires\s+.*\((119|120) s left\)`, out)
	assert.Regexp(t, `header\s+alg RS256, kid finprod-mock-`, out)
	assert.NotRegexp(t, jwtShape, out, "the token is a credential and is not printed unasked")

	stdout, stderr, err := runCLI(t, "token", "--config", d.ConfigFile, "--print-token")
	require.NoError(t, err, stderr)
	tok := strings.TrimSuffix(stdout, "\n")
	assert.Regexp(t, "^"+jwtShape.String()+"$", tok, "--print-token prints the token alone on stdout, so it can go to a file")
	assert.Contains(t, stderr, "client_id", "the claims go to stderr")
	assert.NotContains(t, stderr, tok)
	c, err := srv.VerifyToken(tok)
	require.NoError(t, err)
	assert.Equal(t, d.SystembrukerOrg, c.SystemuserOrgnr())
}

func TestTokenCommandFlagsWithoutConfig(t *testing.T) {
	t.Parallel()
	d, _ := localMaskinporten(t)
	out, code := runCLIExit(t, "token", "--issuer", d.Issuer, "--client-id", d.ClientID, "--key", d.KeyFile, "--kid", d.KID,
		"--systembruker", d.SystembrukerOrg, "--scope", contract.Scope, "--scope", dialogschema.Scope)
	require.Equal(t, exitOK, code, out)
	assert.Regexp(t, `scope\s+`+contract.Scope+` `+dialogschema.Scope, out)

	out, code = runCLIExit(t, "token", "--config", d.ConfigFile, "--discover", "--token-url", "")
	require.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "from "+d.TokenURL, "discovery found the token endpoint")
}

func TestTokenCommandFailures(t *testing.T) {
	t.Parallel()
	d, _ := localMaskinporten(t)
	keyPEM, err := os.ReadFile(d.KeyFile)
	require.NoError(t, err)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"refused: unknown systembruker", []string{"--config", d.ConfigFile, "--systembruker", "310000000"}, exitUnreachable, "organisation 310000000 has approved a systembruker"},
		{"refused: unknown client", []string{"--config", d.ConfigFile, "--client-id", "nobody"}, exitUnreachable, "invalid_client"},
		{"refused: scope", []string{"--config", d.ConfigFile, "--scope", "skatteetaten:annet"}, exitUnreachable, "invalid_scope"},
		{"unreachable", []string{"--config", d.ConfigFile, "--token-url", "http://127.0.0.1:1/token"}, exitUnreachable, "cannot reach Maskinporten"},
		{"no client id", []string{"--key", d.KeyFile}, exitUsage, "--client-id"},
		{"no key", []string{"--client-id", "x"}, exitUsage, "no key"},
		{"kid with p12", []string{"--client-id", "x", "--p12", d.KeyFile, "--kid", "k"}, exitUsage, "x5c"},
		{"password as a flag value is not offered", []string{"--config", d.ConfigFile, "--password", "secret"}, exitUsage, "unknown flag"},
		{"bad config file", []string{"--config", filepath.Join(t.TempDir(), "nope.yaml")}, exitUsage, "read Maskinporten client config"},
		{"bad env", []string{"--config", d.ConfigFile, "--env", "staging"}, exitUsage, "test or prod"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, code := runCLIExit(t, append([]string{"token"}, tc.args...)...)
			assert.Equal(t, tc.code, code, out)
			assert.Contains(t, out, tc.want)
			assert.NotRegexp(t, jwtShape, out)
			for _, line := range strings.Split(string(keyPEM), "\n")[1:4] {
				assert.NotContains(t, out, line, "no key material in messages")
			}
		})
	}
}
