package mock_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// attempt is what a client got from one try of a submission.
type attempt struct {
	status         int
	body           []byte
	korrelasjonsid string
	err            error // from the request or from reading the body
}

// post sends one submission on a connection of its own, as a client that
// does not reuse connections would, and reads the whole answer.
func post(t *testing.T, s *mock.Server, tok, key string, body []byte, timeout time.Duration) attempt {
	t.Helper()
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/v1/2024", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(contract.HeaderIdempotencyKey, key)
	resp, err := c.Do(req)
	if err != nil {
		return attempt{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return attempt{status: resp.StatusCode, body: b, korrelasjonsid: resp.Header.Get(contract.HeaderKorrelasjonsid), err: err}
}

// Each socket-level fault, set through the admin endpoint as a user's test
// would: the client sees the fault, and a retry with the same key and body
// gets the one forsendelse's receipt, byte for byte the same on every later
// retry. The faults that strike after processing have stored the
// forsendelse before the retry; the empty response has stored nothing.
func TestSocketFaultsRetrySameKeyIsSafe(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	tok, err := s.MintToken(exampleOrg)
	require.NoError(t, err)

	cases := []struct {
		name         string
		faults       string // PUT /admin/faults
		timeout      time.Duration
		storedBefore int // forsendelser stored before the retry
		check        func(t *testing.T, got attempt, replay attempt)
	}{
		{"connection reset by peer", `{"resetShare": 1}`, 5 * time.Second, 1, func(t *testing.T, got, _ attempt) {
			require.Error(t, got.err)
			assert.True(t, errors.Is(got.err, syscall.ECONNRESET), "want connection reset by peer, got %v", got.err)
		}},
		{"empty response", `{"emptyShare": 1}`, 5 * time.Second, 0, func(t *testing.T, got, _ attempt) {
			require.Error(t, got.err)
			assert.True(t, errors.Is(got.err, io.EOF) || errors.Is(got.err, io.ErrUnexpectedEOF), "want EOF, got %v", got.err)
			assert.False(t, errors.Is(got.err, syscall.ECONNRESET), "an orderly close, not a reset: %v", got.err)
		}},
		{"malformed chunk", `{"malformedChunkShare": 1}`, 5 * time.Second, 1, func(t *testing.T, got, replay attempt) {
			assert.Equal(t, http.StatusOK, got.status, "the status line arrives")
			require.Error(t, got.err, "reading the body fails")
			assert.Contains(t, got.err.Error(), "chunk")
			assert.NotEmpty(t, got.body, "the first chunk arrives")
			assert.True(t, bytes.HasPrefix(replay.body, got.body), "what arrived is the start of the answer: %q / %q", got.body, replay.body)
			assert.Equal(t, replay.korrelasjonsid, got.korrelasjonsid)
		}},
		{"body that trickles, read to the end", `{"trickleShare": 1, "trickle": "300ms"}`, 10 * time.Second, 1, func(t *testing.T, got, replay attempt) {
			require.NoError(t, got.err)
			assert.Equal(t, replay.status, got.status)
			assert.Equal(t, string(replay.body), string(got.body), "the slow answer is the answer")
			assert.Equal(t, replay.korrelasjonsid, got.korrelasjonsid)
		}},
		{"body that trickles past the client's timeout", `{"trickleShare": 1, "trickle": "3s"}`, 300 * time.Millisecond, 1, func(t *testing.T, got, _ attempt) {
			require.Error(t, got.err)
			var ne interface{ Timeout() bool }
			assert.True(t, errors.As(got.err, &ne) && ne.Timeout(), "want a timeout, got %v", got.err)
			assert.Equal(t, http.StatusOK, got.status, "the headers came in time")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var set mock.Faults
			require.Equal(t, http.StatusOK, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", c.faults, &set))
			ref := "sokkel-" + uuid.NewString()[:8]
			body := edit(t, contract.Eksempel(), `"EksternLeveranseRef12345"`, fmt.Sprintf("%q", ref))
			key := uuid.NewString()
			got := post(t, s, tok, key, body, c.timeout)
			assert.Len(t, s.Forsendelser(mock.ForsendelseFilter{Referanse: ref}), c.storedBefore)

			require.NoError(t, s.SetFaults(mock.Faults{}))
			replay := post(t, s, tok, key, body, 5*time.Second)
			require.NoError(t, replay.err)
			require.Equal(t, http.StatusOK, replay.status, "body: %s", replay.body)
			again := post(t, s, tok, key, body, 5*time.Second)
			require.NoError(t, again.err)
			assert.Equal(t, string(replay.body), string(again.body))
			assert.Equal(t, replay.korrelasjonsid, again.korrelasjonsid)

			var k contract.Kvittering
			require.NoError(t, json.Unmarshal(replay.body, &k))
			stored := s.Forsendelser(mock.ForsendelseFilter{Referanse: ref})
			require.Len(t, stored, 1, "exactly one forsendelse")
			assert.Equal(t, k.ForsendelseID, stored[0].ForsendelseID)
			c.check(t, got, replay)
		})
	}
}

// A client that retries with the same key until it has a whole answer,
// against a mock meeting a fifth of the requests with each socket fault:
// every leveranse ends with exactly one forsendelse, the one its receipt
// names.
func TestSocketFaultsMixedRetriesDeliverEachOnce(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{
		ResetShare: 0.2, EmptyShare: 0.2, MalformedChunkShare: 0.2, TrickleShare: 0.2,
		Trickle: mock.Duration(40 * time.Millisecond), Seed: 15,
	}}})
	tok, err := s.MintToken(exampleOrg)
	require.NoError(t, err)
	const n = 25
	tries, faulted := 0, 0
	for i := range n {
		ref := fmt.Sprintf("blandet-%02d", i)
		body := edit(t, contract.Eksempel(), `"EksternLeveranseRef12345"`, fmt.Sprintf("%q", ref))
		key := uuid.NewString()
		var a attempt
		for try := 0; ; try++ {
			require.Less(t, try, 50, "leveranse %d never got a whole answer", i)
			tries++
			if a = post(t, s, tok, key, body, 5*time.Second); a.err == nil && a.status == http.StatusOK {
				break
			}
			faulted++
		}
		var k contract.Kvittering
		require.NoError(t, json.Unmarshal(a.body, &k), "body: %s", a.body)
		stored := s.Forsendelser(mock.ForsendelseFilter{Referanse: ref})
		require.Len(t, stored, 1, "leveranse %d", i)
		assert.Equal(t, k.ForsendelseID, stored[0].ForsendelseID)
	}
	assert.Equal(t, n, s.Count())
	assert.NotZero(t, faulted, "the faults struck no request")
	t.Logf("%d leveranser, %d tries, %d met a fault", n, tries, faulted)
}

// The socket faults are set the three ways a user sets faults, and their
// shares together may not exceed 1.
func TestSocketFaultsByConfigAndAdmin(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "mock.yaml", `api:
  faults:
    resetShare: 0.1
    emptyShare: 0.2
    malformedChunkShare: 0.3
    trickleShare: 0.4
    trickle: 1500ms
`)
	cfg, err := mock.LoadConfig(path)
	require.NoError(t, err)
	assert.Equal(t, mock.Faults{ResetShare: 0.1, EmptyShare: 0.2, MalformedChunkShare: 0.3, TrickleShare: 0.4,
		Trickle: mock.Duration(1500 * time.Millisecond)}, cfg.API.Faults)

	_, err = mock.LoadConfig(writeFile(t, "mock.yaml", "api:\n  faults: {resetShare: 0.6, trickleShare: 0.6}\n"))
	require.ErrorContains(t, err, "add up to 1.2")

	s := start(t, mock.Config{})
	var got mock.Faults
	require.Equal(t, http.StatusOK, doJSON(t, http.MethodPut, s.URL()+"/admin/faults",
		`{"emptyShare": 0.5, "malformedChunkShare": 0.25, "trickle": "1s"}`, &got))
	assert.Equal(t, mock.Faults{EmptyShare: 0.5, MalformedChunkShare: 0.25, Trickle: mock.Duration(time.Second)}, got)
	assert.Equal(t, got, s.Faults())
	var refusal map[string]string
	assert.Equal(t, http.StatusBadRequest, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"resetShare": -0.1}`, &refusal))
	assert.Contains(t, refusal["error"], "resetShare -0.1 is outside 0..1")
	assert.Equal(t, got, s.Faults(), "a refused set changes nothing")
}
