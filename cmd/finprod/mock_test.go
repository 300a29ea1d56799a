package main

import (
	"github.com/finprod/finprod/internal/testkit"

	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testkit.Buffer lets the test read what the command prints while it runs.
func execute(ctx context.Context, args ...string) (string, error) {
	var out testkit.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.ExecuteContext(ctx)
	return out.String(), err
}

func requireExit(t *testing.T, err error, code int, contains string) {
	t.Helper()
	require.Error(t, err)
	var ee *exitError
	require.True(t, errors.As(err, &ee), "want an exit error, got %v", err)
	assert.Equal(t, code, ee.code)
	assert.Contains(t, err.Error(), contains)
}

func TestMockRefusesBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(badConfig, []byte("api:\n  busnessRules: sync\n"), 0o600))
	shareConfig := filepath.Join(dir, "share.yaml")
	require.NoError(t, os.WriteFile(shareConfig, []byte("listen: 127.0.0.1:0\napi:\n  faults:\n    failShare: 2\n"), 0o600))
	badOpenAPI := filepath.Join(dir, "openapi.yaml")
	require.NoError(t, os.WriteFile(badOpenAPI, []byte("swagger: '2.0'\n"), 0o600))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()

	cases := []struct {
		name     string
		args     []string
		contains string
	}{
		{"non-loopback listen", []string{"mock", "--listen", "0.0.0.0:8080"}, "--listen: listen address \"0.0.0.0:8080\" is not a loopback address"},
		{"port in use", []string{"mock", "--quiet", "--listen", ln.Addr().String(), "--state-dir", dir}, "address already in use"},
		{"bad config", []string{"mock", "--config", badConfig}, "busnessRules"},
		{"missing config", []string{"mock", "--config", filepath.Join(dir, "none.yaml")}, "none.yaml"},
		{"bad openapi", []string{"mock", "--openapi", badOpenAPI}, "--openapi " + badOpenAPI},
		{"bad latency range", []string{"mock", "--latency-range", "50ms-5ms"}, "--latency-range"},
		{"bad share", []string{"mock", "--listen", "127.0.0.1:0", "--fail-share", "2"}, "--fail-share 2 is outside 0..1"},
		{"bad drop share", []string{"mock", "--listen", "127.0.0.1:0", "--drop-share", "-0.1"}, "--drop-share -0.1"},
		{"negative latency", []string{"mock", "--latency", "-5ms"}, "--latency -5ms"},
		{"negative feedback delay", []string{"mock", "--feedback-delay", "-1s"}, "--feedback-delay -1s"},
		{"socket shares over 1", []string{"mock", "--listen", "127.0.0.1:0", "--reset-share", "0.7", "--trickle-share", "0.7"}, "add up to 1.4"},
		{"bad years", []string{"mock", "--open-years", "soon"}, "--open-years"},
		{"bad rules", []string{"mock", "--listen", "127.0.0.1:0", "--business-rules", "later"}, `--business-rules "later": use async or sync`},
		{"unknown flag", []string{"mock", "--lisen", "127.0.0.1:0"}, "lisen"},
		{"config file's own words", []string{"mock", "--config", shareConfig}, "failShare"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := execute(context.Background(), c.args...)
			requireExit(t, err, exitUsage, c.contains)
		})
	}
}

func TestMockServesUntilCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(cliContext(t))
	defer cancel()
	var out testkit.Buffer
	state := t.TempDir()
	cmd := newRootCmd()
	cmd.SetArgs([]string{"mock", "--listen", "127.0.0.1:0", "--latency", "1ms", "--state-dir", state})
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	var base string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "admin" {
				base = strings.TrimSuffix(f[1], "/admin")
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	assert.Contains(t, out.String(), "API")
	assert.Contains(t, out.String(), filepath.Join(state, "maskinporten-client.yaml"), "the default client's file is named")
	assert.FileExists(t, filepath.Join(state, "maskinporten-client.pem"))
	assert.Contains(t, out.String(), "systembruker 315300029, may report for any oppgavegiver")
	assert.NotContains(t, out.String(), "PRIVATE KEY")

	resp, err := http.Get(base + "/admin/faults")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	resp, err = http.Get(base + "/v1/2024")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 405, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("finprod mock did not stop on cancel")
	}
	log := out.String()
	assert.Contains(t, log, "stopped")
	assert.Contains(t, log, "path=/v1/2024", "requests are logged")
	assert.NotContains(t, log, "Bearer")
}

// startMockCmd runs `finprod mock` until the test ends and returns its base
// URL once it serves.
func startMockCmd(t *testing.T, args ...string) (string, *testkit.Buffer, context.CancelFunc, chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(cliContext(t))
	var out testkit.Buffer
	cmd := newRootCmd()
	cmd.SetArgs(append([]string{"mock", "--quiet", "--listen", "127.0.0.1:0"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if f := strings.Fields(line); len(f) == 2 && f[0] == "admin" {
				base = strings.TrimSuffix(f[1], "/admin")
				return true
			}
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("finprod mock ended: %v\n%s", err, out.String())
		default:
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	return base, &out, cancel, done
}

// A second mock in the same folder must not replace the first one's client
// files: it refuses, naming the mock that has them.
func TestASecondMockKeepsOutOfTheFirstOnesFolder(t *testing.T) {
	t.Parallel()
	state := t.TempDir()
	base, banner, stop, done := startMockCmd(t, "--state-dir", state, "--config", filepath.Join("..", "..", "profiles", "mock-tt02.yaml"))
	assert.Contains(t, banner.String(), "may report for itself and 310000000", "the banner says what the access rules allow")
	clientFile := filepath.Join(state, "maskinporten-client.yaml")
	key, err := os.ReadFile(filepath.Join(state, "maskinporten-client.pem"))
	require.NoError(t, err)

	// Without the test keys: a second mock that wrote its key over the
	// first one's would write a key of its own, which the check below sees.
	_, err = execute(context.Background(), "mock", "--quiet", "--listen", "127.0.0.1:0", "--state-dir", state)
	requireExit(t, err, exitUsage, base)
	assert.Contains(t, err.Error(), "--state-dir")
	after, err := os.ReadFile(filepath.Join(state, "maskinporten-client.pem"))
	require.NoError(t, err)
	assert.Equal(t, key, after, "the first mock's key is untouched")
	out, code := run(t, "token", "--config", clientFile)
	assert.Equal(t, exitOK, code, "the first mock still takes its client: %s", out)

	stop()
	require.NoError(t, <-done)
	done <- nil // for the cleanup
	base2, _, _, _ := startMockCmd(t, "--state-dir", state)
	assert.NotEmpty(t, base2, "once the first has stopped, the folder is free")
}

// The socket-level faults come from their flags, over what the config file
// says, and show in GET /admin/faults.
func TestMockSocketFaultFlags(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "mock.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("api:\n  faults: {resetShare: 0.5, trickle: 9s}\n"), 0o600))
	base, _, _, _ := startMockCmd(t, "--state-dir", t.TempDir(), "--config", cfg,
		"--reset-share", "0.1", "--empty-share", "0.2", "--malformed-chunk-share", "0.3", "--trickle-share", "0.05", "--trickle", "700ms")
	resp, err := http.Get(base + "/admin/faults")
	require.NoError(t, err)
	defer resp.Body.Close()
	var got map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, 0.1, got["resetShare"], "the flag wins over the config")
	assert.Equal(t, 0.2, got["emptyShare"])
	assert.Equal(t, 0.3, got["malformedChunkShare"])
	assert.Equal(t, 0.05, got["trickleShare"])
	assert.Equal(t, "700ms", got["trickle"])
}
