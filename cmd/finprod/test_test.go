package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestCommandWritesJUnitAndCucumber(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	dir := t.TempDir()
	all, code := runCLIExit(t, "test", "--target", "tt02", "--profile", unreachableProfile(t, dir), "--out", dir)
	assert.Equal(t, exitUnreachable, code, all)
}

// unreachableProfile is a profile in dir whose hosts are port 1 on
// loopback, where nothing listens.
func unreachableProfile(t *testing.T, dir string) string {
	t.Helper()
	writeTestKey(t, filepath.Join(dir, "key.pem"))
	profile := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(`api: http://127.0.0.1:1
dialogporten: http://127.0.0.1:1/dialogporten/graphql
maskinporten:
  issuer: http://127.0.0.1:1/maskinporten/
  clientId: c
  kid: k
  keyFile: key.pem
  systembruker: "315300029"
`), 0o600))
	return profile
}

func writeTestKey(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, testkit.PrivateKeyPEM(t, testkit.Key(t, "client")), 0o600))
}

func TestTagsThatSelectNothingAreAnError(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ tags, names string }{
		{"@finnes-ikke", "@finnes-ikke"},
		{"@auth &&", `has an empty term`},
		{"@auth && @idempotens", "selects no scenario"},
		{"@auth or @idempotens", `"@auth or @idempotens" is not a tag`},
	} {
		all, code := runCLIExit(t, "test", "--tags", c.tags, "--out", t.TempDir())
		assert.Equal(t, exitUsage, code, "%q: %s", c.tags, all)
		assert.Contains(t, all, c.names)
		assert.Contains(t, all, "known tags: ")
		assert.Contains(t, all, "@idempotens")
		assert.NotContains(t, all, "No scenarios")
	}
}

// Ctrl-C in the middle of a run: it says so, the reports are whole, and
// the exit code is 130, not a failed scenario's 1.
func TestAnInterruptedRunSaysSoAndWritesWholeReports(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	ctx, cancel := context.WithCancel(cliContext(t))
	defer cancel()
	var buf testkit.Buffer
	root := newRootCmd()
	root.SetArgs([]string{"test", "--format", "progress", "--concurrency", "1", "--out", out})
	root.SetOut(&buf)
	root.SetErr(&buf)
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	require.Eventually(t, func() bool { return strings.Count(buf.String(), ".") >= 10 }, 30*time.Second, time.Millisecond,
		"the run gets going")
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not stop when interrupted")
	}
	assert.Equal(t, exitInterrupted, exitCodeQuiet(err), "%v\n%s", err, buf.String())
	assert.Contains(t, buf.String(), "interrupted")

	b, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	require.NoError(t, err)
	var suites struct {
		Tests   int `xml:"tests,attr"`
		Skipped int `xml:"skipped,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &suites), "junit.xml is whole")
	assert.Positive(t, suites.Skipped, "the scenarios that had not started are skipped, not failed")
	assert.Less(t, suites.Skipped, suites.Tests)
	c, err := os.ReadFile(filepath.Join(out, "cucumber.json"))
	require.NoError(t, err)
	var features []map[string]any
	require.NoError(t, json.Unmarshal(c, &features), "cucumber.json is whole")
	parts, _ := filepath.Glob(filepath.Join(out, ".*.part"))
	assert.Empty(t, parts)
}
