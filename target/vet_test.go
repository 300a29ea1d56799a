package target

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
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
	return &Target{Policy: Policy{SyntheticOnly: true}, vet: newVetter()}
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

// bodySink records the bodies that reach the network.
type bodySink struct {
	mu     sync.Mutex
	bodies [][]byte
	header []http.Header
}

func (s *bodySink) RoundTrip(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, b)
	s.header = append(s.header, r.Header.Clone())
	s.mu.Unlock()
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

// TestTheGuardSendsOnlyWhatWasVetted: the guard keeps its own copy of a
// vetted body, so changing the caller's bytes in place after vetting, or
// sending more of them, makes the body unvetted (checked in full), and
// what reaches the network is always exactly what was checked.
func TestTheGuardSendsOnlyWhatWasVetted(t *testing.T) {
	const synthOrg, realOrg = "315300029", "974760673"
	tg := vettedTarget(t)
	g, err := generators.New(generators.Config{Seed: 5, Oppgavegiver: synthOrg})
	require.NoError(t, err)
	sink := &bodySink{}
	rt := tg.Transport(sink)

	// Changed in place, after vetting: the real organisation is refused.
	body, mark, err := tg.VetLeveranse(g.Leveranse(0))
	require.NoError(t, err)
	i := bytes.Index(body, []byte(synthOrg))
	require.GreaterOrEqual(t, i, 0)
	copy(body[i:], realOrg)
	require.ErrorIs(t, send(t, rt, body, mark), ErrNotSynthetic)
	require.Empty(t, sink.bodies, "nothing reached the network")

	// The vetted bytes with more after them are checked in full: still
	// synthetic JSON then a second value, which is not one JSON body.
	body, mark, err = tg.VetLeveranse(g.Leveranse(1))
	require.NoError(t, err)
	longer := append(bytes.Clone(body), []byte(` {"organisasjonsnummer":"`+realOrg+`"}`)...)
	require.ErrorIs(t, send(t, rt, longer, mark), ErrNotSynthetic)
	// Fewer of them is not the vetted body either; it is not JSON, and
	// refused without a vetted context.
	require.ErrorIs(t, send(t, rt, body[:len(body)/2], mark), ErrNotSynthetic)
	require.Empty(t, sink.bodies)

	// The body itself goes out once, exactly, without its mark however the
	// header is spelt.
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/v1/2025", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header["finprod-vetted"] = []string{mark}
	req.Header.Set(HeaderVetted, mark)
	resp, err := rt.RoundTrip(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Len(t, sink.bodies, 1)
	assert.Equal(t, string(body), string(sink.bodies[0]))
	for k := range sink.header[0] {
		assert.NotEqual(t, "finprod-vetted", strings.ToLower(k), "the mark never leaves the machine")
	}
	assert.Len(t, req.Header, 2, "the caller's request is not changed")

	// A body read through a plain io.Reader (not one that hands its bytes
	// out) is compared too: the vetted bytes pass, changed ones do not.
	plain := func(b []byte, mark string) error {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/v1/2025",
			struct{ io.Reader }{bytes.NewReader(b)})
		require.NoError(t, err)
		req.Header.Set(HeaderVetted, mark)
		resp, err := rt.RoundTrip(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}
	body, mark, err = tg.VetLeveranse(g.Leveranse(7))
	require.NoError(t, err)
	changed := bytes.Replace(body, []byte(synthOrg), []byte(realOrg), 1)
	require.ErrorIs(t, plain(changed, mark), ErrNotSynthetic)
	require.NoError(t, plain(body, mark))
	require.Len(t, sink.bodies, 2)
	assert.Equal(t, string(body), string(sink.bodies[1]))

	// A mark whose slot a newer body took is no mark: the old body is
	// checked in full, and passes, being synthetic.
	old, oldMark, err := tg.VetLeveranse(g.Leveranse(2))
	require.NoError(t, err)
	for k := range int64(vetSlots) {
		_, _, err := tg.VetLeveranse(g.Leveranse(3 + k%5))
		require.NoError(t, err)
	}
	assert.Nil(t, tg.vet.kept(oldMark))
	require.NoError(t, send(t, rt, old, oldMark))
	assert.Equal(t, string(old), string(sink.bodies[2]))
}
