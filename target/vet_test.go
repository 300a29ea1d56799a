package target

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
)

// headerSink records the headers that reach the network.
type headerSink struct {
	mu      sync.Mutex
	headers []http.Header
}

func (h *headerSink) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.headers = append(h.headers, r.Header.Clone())
	h.mu.Unlock()
	_, _ = io.Copy(io.Discard, r.Body)
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func vettedTarget(t *testing.T) *Target {
	t.Helper()
	v, err := newVetter()
	require.NoError(t, err)
	return &Target{Policy: Policy{SyntheticOnly: true}, vet: v}
}

func send(t *testing.T, rt http.RoundTripper, body []byte, mark string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/v1/2025", bytes.NewReader(body))
	require.NoError(t, err)
	if mark != "" {
		req.Header.Set(HeaderVetted, mark)
	}
	resp, err := rt.RoundTrip(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	return err
}

func TestAVettedLeveransePassesTheGuardAndItsMarkStaysHere(t *testing.T) {
	tg := vettedTarget(t)
	g, err := generators.New(generators.Config{Seed: 3, Oppgaver: 5})
	require.NoError(t, err)
	l := g.Leveranse(0)
	body, mark, err := tg.VetLeveranse(l)
	require.NoError(t, err)
	assert.NotEmpty(t, mark)
	want, _ := json.Marshal(contract.Innsending{Leveranse: l})
	assert.JSONEq(t, string(want), string(body), "the body is the leveranse itself")

	sink := &headerSink{}
	require.NoError(t, send(t, tg.Transport(sink), body, mark))
	require.Len(t, sink.headers, 1)
	assert.Empty(t, sink.headers[0].Get(HeaderVetted), "the mark never leaves the machine")
}

func TestAMarkCoversOnlyTheBytesItWasMadeFor(t *testing.T) {
	tg := vettedTarget(t)
	g, err := generators.New(generators.Config{Seed: 4})
	require.NoError(t, err)
	_, mark, err := tg.VetLeveranse(g.Leveranse(0))
	require.NoError(t, err)
	sink := &headerSink{}
	// The service page's example (real-looking identities) with a mark
	// made for another body is checked in full, and refused.
	err = send(t, tg.Transport(sink), contract.Eksempel(), mark)
	require.ErrorIs(t, err, ErrNotSynthetic)
	// So is a forged mark, and one from another target's key.
	err = send(t, tg.Transport(sink), contract.Eksempel(), "AAAA")
	require.ErrorIs(t, err, ErrNotSynthetic)
	other := vettedTarget(t)
	body, otherMark, err := other.VetLeveranse(g.Leveranse(0))
	require.NoError(t, err)
	assert.NotEqual(t, mark, otherMark)
	err = send(t, tg.Transport(sink), contract.Eksempel(), otherMark)
	require.ErrorIs(t, err, ErrNotSynthetic)
	assert.Empty(t, sink.headers, "nothing reached the network")
	// The body itself still passes (it is synthetic), checked in full.
	require.NoError(t, send(t, tg.Transport(sink), body, otherMark))
}

func TestVetLeveranseRefusesRealIdentities(t *testing.T) {
	tg := vettedTarget(t)
	var in contract.Innsending
	require.NoError(t, json.Unmarshal(contract.Eksempel(), &in))
	_, _, err := tg.VetLeveranse(in.Leveranse)
	require.ErrorIs(t, err, ErrNotSynthetic)

	// A target that is not synthetic-only (the mock) encodes without a mark.
	local := &Target{}
	body, mark, err := local.VetLeveranse(in.Leveranse)
	require.NoError(t, err)
	assert.Empty(t, mark)
	assert.NotEmpty(t, body)
}
