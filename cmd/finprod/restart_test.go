package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childArgs, when set in the environment, makes this test binary run
// finprod with these arguments (JSON) instead of the tests: a real child
// process to kill, without building the binary again. childKeys hands it
// the parent's test keys (two PKCS#8 PEM blocks: the mock's signing key,
// its default client's), which the mocks it starts use (mock.WithKeys)
// instead of making two of their own.
const (
	childArgs = "FINPROD_TEST_RUN_ARGS"
	childKeys = "FINPROD_TEST_MOCK_KEYS"
)

func TestMain(m *testing.M) {
	// Some tests name production hosts, for the guards to refuse; should a
	// guard ever let one through, the dial fails here instead of reaching it.
	testkit.LoopbackOnly()
	if raw := os.Getenv(childArgs); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", childArgs, err)
			os.Exit(2)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		if keys := os.Getenv(childKeys); keys != "" {
			var err error
			if ctx, err = withChildKeys(ctx, []byte(keys)); err != nil {
				fmt.Fprintln(os.Stderr, "bad", childKeys, err)
				os.Exit(2)
			}
		}
		root := newRootCmd()
		root.SetArgs(args)
		err := root.ExecuteContext(ctx)
		stop()
		os.Exit(exitCode(err))
	}
	os.Exit(m.Run())
}

// withChildKeys is ctx with the keys of childKeys.
func withChildKeys(ctx context.Context, pemBlocks []byte) (context.Context, error) {
	var keys []*rsa.PrivateKey
	for rest := pemBlocks; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("a %T, not an RSA key", k)
		}
		keys = append(keys, rk)
	}
	if len(keys) != 2 {
		return nil, fmt.Errorf("%d keys, want 2", len(keys))
	}
	return mock.WithKeys(ctx, keys[0], keys[1]), nil
}

// mockChild is `finprod mock` running in a process of its own.
type mockChild struct {
	cmd  *exec.Cmd
	base string
	out  *testkit.Buffer
}

func startMockChild(t *testing.T, args ...string) *mockChild {
	t.Helper()
	raw, err := json.Marshal(append([]string{"mock", "--listen", "127.0.0.1:0", "--quiet"}, args...))
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	keys := append(testkit.PrivateKeyPEM(t, testkit.Key(t, "mock signing")), testkit.PrivateKeyPEM(t, testkit.Key(t, "mock default client"))...)
	cmd.Env = append(os.Environ(), childArgs+"="+string(raw), childKeys+"="+string(keys))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	c := &mockChild{cmd: cmd, out: &testkit.Buffer{}}
	cmd.Stderr = c.out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	// The banner is read to its last line before the test goes on, so a
	// check of what it says does not race with its printing.
	go func() {
		sc := bufio.NewScanner(stdout)
		base := ""
		for sc.Scan() {
			line := sc.Text()
			c.out.Write([]byte(line + "\n"))
			if rest, ok := strings.CutPrefix(line, "finprod mock serving on "); ok {
				base = strings.Fields(rest)[0]
			}
			if line == "Stop with Ctrl-C." && base != "" {
				found <- base
			}
		}
		close(found)
	}()
	select {
	case base, ok := <-found:
		require.True(t, ok, "the mock ended before serving:\n%s", c.out)
		c.base = base
	case <-time.After(60 * time.Second):
		t.Fatalf("the mock did not start within 60 s:\n%s", c.out)
	}
	return c
}

// forsendelser lists what the mock holds for one referanse.
func (c *mockChild) forsendelser(t *testing.T, referanse string) []string {
	t.Helper()
	resp, err := http.Get(c.base + "/admin/forsendelser?referanse=" + referanse)
	require.NoError(t, err)
	defer resp.Body.Close()
	var list struct {
		Forsendelser []struct {
			ForsendelseID string `json:"forsendelseId"`
		} `json:"forsendelser"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
	var ids []string
	for _, f := range list.Forsendelser {
		ids = append(ids, f.ForsendelseID)
	}
	return ids
}

type sent struct {
	status         int
	body           []byte
	korrelasjonsid string
	err            error
}

func submitTo(ctx context.Context, hc *http.Client, base, tok, key string, body []byte) sent {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/2024", bytes.NewReader(body))
	if err != nil {
		return sent{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(contract.HeaderIdempotencyKey, key)
	resp, err := hc.Do(req)
	if err != nil {
		return sent{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return sent{status: resp.StatusCode, body: b, korrelasjonsid: resp.Header.Get(contract.HeaderKorrelasjonsid), err: err}
}

// `finprod mock --store` killed with SIGKILL in the middle of concurrent
// submissions and started again on the same file: every forsendelse it
// answered is there, every replay of an answered one gets the answer byte
// for byte (body and korrelasjonsid), and the ones the kill cut off, retried
// with their keys, end with exactly one forsendelse each.
func TestMockKilledWithStoreLosesNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	store := filepath.Join(dir, "store.db")
	first := startMockChild(t, "--store", store, "--state-dir", filepath.Join(dir, "state"), "--feedback-delay", "50ms")
	tok := adminTokenFor(t, first.base, "987546231")

	const n, killAfter, workers = 160, 50, 8
	keys, bodies, refs := make([]string, n), make([][]byte, n), make([]string, n)
	for i := range n {
		keys[i], refs[i] = uuid.NewString(), fmt.Sprintf("drept-%03d", i)
		bodies[i] = bytes.Replace(contract.Eksempel(), []byte(`"EksternLeveranseRef12345"`), []byte(`"`+refs[i]+`"`), 1)
	}
	results := make([]sent, n)
	hc := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer hc.CloseIdleConnections()
	var accepted atomic.Int32
	killed := make(chan struct{})
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i] = submitTo(context.Background(), hc, first.base, tok, keys[i], bodies[i])
				if results[i].err == nil && results[i].status == http.StatusOK && accepted.Add(1) == killAfter {
					require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
					close(killed)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	<-killed
	err := first.cmd.Wait()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "the mock was killed: %v", err)
	assert.Equal(t, "signal: killed", exit.Error())

	var answered, cutOff, refused []int
	for i, r := range results {
		switch {
		case r.err == nil && r.status == http.StatusOK:
			answered = append(answered, i)
		case r.err != nil:
			cutOff = append(cutOff, i)
		default:
			refused = append(refused, i)
		}
	}
	require.Empty(t, refused, "no submission is refused: %v", refused)
	require.GreaterOrEqual(t, len(answered), killAfter)
	require.NotEmpty(t, cutOff, "the kill came during the load")

	second := startMockChild(t, "--store", store, "--state-dir", filepath.Join(dir, "state2"), "--feedback-delay", "50ms")
	assert.Contains(t, second.out.String(), "read back from it")
	tok = adminTokenFor(t, second.base, "987546231")
	lost := 0
	for _, i := range answered {
		var k contract.Kvittering
		require.NoError(t, json.Unmarshal(results[i].body, &k))
		ids := second.forsendelser(t, refs[i])
		if len(ids) != 1 || ids[0] != k.ForsendelseID {
			lost++
			t.Errorf("answered leveranse %d (forsendelse %s) is held after the restart as %v", i, k.ForsendelseID, ids)
			continue
		}
		replay := submitTo(context.Background(), hc, second.base, tok, keys[i], bodies[i])
		require.NoError(t, replay.err)
		assert.Equal(t, http.StatusOK, replay.status)
		assert.Equal(t, string(results[i].body), string(replay.body), "leveranse %d: the replay's body", i)
		assert.Equal(t, results[i].korrelasjonsid, replay.korrelasjonsid, "leveranse %d: the replay's korrelasjonsid", i)
	}
	storedBeforeRetry := 0
	for _, i := range cutOff {
		storedBeforeRetry += len(second.forsendelser(t, refs[i]))
		r := submitTo(context.Background(), hc, second.base, tok, keys[i], bodies[i])
		require.NoError(t, r.err)
		require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	}
	duplicated := 0
	for i := range n {
		if got := len(second.forsendelser(t, refs[i])); got != 1 {
			duplicated += max(0, got-1)
			t.Errorf("leveranse %d has %d forsendelser", i, got)
		}
	}
	t.Logf("%d submissions, %d answered before the kill, %d cut off by it (%d of these had been stored), %d lost, %d duplicated",
		n, len(answered), len(cutOff), storedBeforeRetry, lost, duplicated)
}
