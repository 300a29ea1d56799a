package target

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tt02Profile is the example profile's hosts with a key that exists.
func tt02Profile(t *testing.T, extra string) string {
	t.Helper()
	dir := t.TempDir()
	writeKey(t, dir)
	yaml := `name: tt02
api: https://innrapporteringfinansprodukter.api.skatteetaten-test.no
dialogporten: https://platform.tt02.altinn.no/dialogporten/graphql
maskinporten:
  environment: test
  clientId: my-client
  kid: k1
  keyFile: key.pem
  systembruker: "315300029"
` + extra
	path := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	return path
}

func fromFile(t *testing.T, path string, env map[string]string) error {
	t.Helper()
	p, err := LoadProfile(path)
	require.NoError(t, err)
	p, err = p.FromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	tg, err := FromProfile(p)
	if err == nil {
		_ = tg.Close()
	}
	return err
}

func TestTheTestEnvironmentsHostsAreAccepted(t *testing.T) {
	require.NoError(t, fromFile(t, tt02Profile(t, ""), nil))
}

func TestAProductionAPIInTheProfileIsRefused(t *testing.T) {
	path := tt02Profile(t, "")
	b, _ := os.ReadFile(path)
	prod := strings.Replace(string(b), "api.skatteetaten-test.no", "api.skatteetaten.no", 1)
	require.NoError(t, os.WriteFile(path, []byte(prod), 0o600))
	err := fromFile(t, path, nil)
	require.ErrorIs(t, err, ErrProduction)
	assert.Contains(t, err.Error(), "innrapporteringfinansprodukter.api.skatteetaten.no is a production host")
	assert.Contains(t, err.Error(), "skatteetaten-test.no", "the message says where the test environment is")
}

func TestAProductionAPIFromTheEnvironmentIsRefused(t *testing.T) {
	err := fromFile(t, tt02Profile(t, ""), map[string]string{EnvAPI: "https://innrapporteringfinansprodukter.api.skatteetaten.no/"})
	require.ErrorIs(t, err, ErrProduction)
	assert.Contains(t, err.Error(), EnvAPI, "the message names the variable that set it")
}

func TestProductionMaskinportenIsRefused(t *testing.T) {
	err := fromFile(t, tt02Profile(t, ""), map[string]string{EnvMaskinportenIssuer: "https://maskinporten.no/"})
	require.ErrorIs(t, err, ErrProduction)
	assert.Contains(t, err.Error(), "Maskinporten's production issuer")

	path := tt02Profile(t, "")
	b, _ := os.ReadFile(path)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), "environment: test", "environment: prod", 1)), 0o600))
	err = fromFile(t, path, nil)
	require.ErrorIs(t, err, ErrProduction)
	assert.Contains(t, err.Error(), `maskinporten.environment "prod"`)
}

func TestProductionAltinnIsRefused(t *testing.T) {
	err := fromFile(t, tt02Profile(t, ""), map[string]string{EnvDialogporten: "https://platform.altinn.no/dialogporten/graphql"})
	require.ErrorIs(t, err, ErrProduction)
	assert.Contains(t, err.Error(), "Altinn's production platform")
}

func TestProductionHostRules(t *testing.T) {
	for host, prod := range map[string]bool{
		"innrapporteringfinansprodukter.api.skatteetaten.no":      true,
		"INNRAPPORTERINGFINANSPRODUKTER.API.SKATTEETATEN.NO.":     true,
		"innrapporteringfinansprodukter.api.skatteetaten-test.no": false,
		"maskinporten.no":          true,
		"test.maskinporten.no":     false,
		"platform.altinn.no":       true,
		"platform.tt02.altinn.no":  false,
		"skd.apps.tt02.altinn.no":  false,
		"skd.apps.altinn.no":       true,
		"127.0.0.1":                false,
		"localhost":                false,
		"notskatteetaten.no":       false,
		"skatteetaten.no.evil.com": false,
	} {
		assert.Equal(t, prod, productionHost(host) != "", host)
	}
}

func TestRateCeiling(t *testing.T) {
	p := Policy{MaxRate: DefaultTestRateCeiling}
	require.NoError(t, p.CheckRate("tt02", DefaultTestRateCeiling))
	err := p.CheckRate("tt02", 200)
	require.ErrorIs(t, err, ErrRateCeiling)
	assert.Contains(t, err.Error(), "--max-rate 200")
	require.NoError(t, Policy{}.CheckRate("local", 1e6), "the local mock has no ceiling")
}

func TestAProfileTargetGetsTheTestCeilingAndTheGuardInItsTransport(t *testing.T) {
	p, err := LoadProfile(tt02Profile(t, ""))
	require.NoError(t, err)
	tg, err := FromProfile(p)
	require.NoError(t, err)
	assert.Equal(t, DefaultTestRateCeiling, tg.Policy.MaxRate)
	next := &countingTransport{}
	_, ok := tg.Transport(next).(*guard)
	assert.True(t, ok, "a synthetic-only target guards a load run's transport too")
}
