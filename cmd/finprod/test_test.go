package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestCommandWritesJUnitAndCucumber(t *testing.T) {
	out := t.TempDir()
	all, code := runCLIExit(t, "test", "--tags", "@inntektsaar", "--format", "progress", "--out", out)
	require.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "scenarios (")
	assert.Contains(t, all, "passed")

	b, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	require.NoError(t, err)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &suites))
	assert.Equal(t, 4, suites.Tests, "the @inntektsaar feature has four scenarios (an outline with two examples)")
	assert.Zero(t, suites.Failures)

	c, err := os.ReadFile(filepath.Join(out, "cucumber.json"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(strings.TrimSpace(string(c)), "["), "cucumber JSON is an array of features")
	assert.Contains(t, string(c), "Inntektsår i path og i leveransen")
}

func TestTestCommandUsageErrors(t *testing.T) {
	out := t.TempDir()
	for _, args := range [][]string{
		{"test", "--format", "html", "--out", out},
		{"test", "--target", "prod", "--out", out},
		{"test", "--concurrency", "0", "--out", out},
		{"test", "--target", "local", "--profile", "x.yaml", "--out", out},
		{"test", "--target", "tt02", "--profile", filepath.Join(out, "finnes-ikke.yaml"), "--out", out},
	} {
		all, code := runCLIExit(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, all)
	}
}

func TestTestCommandTT02WithoutProfileNamesWhatIsMissing(t *testing.T) {
	t.Setenv(EnvProfile, "")
	all, code := runCLIExit(t, "test", "--target", "tt02", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, all, "--profile")
	assert.Contains(t, all, "clientId")
}

func TestTestCommandUnreachableTargetIsExit3(t *testing.T) {
	dir := t.TempDir()
	writeTestKey(t, filepath.Join(dir, "key.pem"))
	profile := filepath.Join(dir, "p.yaml")
	// Port 1 on loopback: nothing listens there.
	require.NoError(t, os.WriteFile(profile, []byte(`api: http://127.0.0.1:1
dialogporten: http://127.0.0.1:1/dialogporten/graphql
maskinporten:
  issuer: http://127.0.0.1:1/maskinporten/
  clientId: c
  kid: k
  keyFile: key.pem
  systembruker: "315300029"
`), 0o600))
	all, code := runCLIExit(t, "test", "--target", "tt02", "--profile", profile, "--out", dir)
	assert.Equal(t, exitUnreachable, code, all)
}

func writeTestKey(t *testing.T, path string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
}
