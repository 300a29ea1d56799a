package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
	var b []byte
	if r.Body != nil {
		var err error
		if b, err = io.ReadAll(r.Body); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	s.bodies = append(s.bodies, b)
	s.header = append(s.header, r.Header.Clone())
	s.mu.Unlock()
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

func (s *bodySink) sent() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.bodies)
}

const (
	synthOrg = "315300029"
	// Organisations are not personal data; a real one stands for any
	// identity the guard must refuse.
	realOrg = "974760673"
	// realFnr has an ordinary month (01), which Tenor's synthetic ones never
	// have (month + 80).
	realFnr = "01017012345"
)

// bodyKinds are the ways a request body reaches the guard: a bytes.Reader
// (as Vegeta's body is), which hands its bytes out whole (io.WriterTo); a
// writer-to that hands them out in small pieces from one buffer it reuses
// and scribbles over, so that a comparer keeping what Write was given
// would send garbage; and a plain reader the guard must read itself.
func bodyKinds() []struct {
	name string
	of   func([]byte) io.Reader
} {
	return []struct {
		name string
		of   func([]byte) io.Reader
	}{
		{"bytes.Reader", func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"pieces", func(b []byte) io.Reader { return &pieces{rest: b} }},
		{"plain", func(b []byte) io.Reader { return struct{ io.Reader }{bytes.NewReader(b)} }},
	}
}

// forEachBodyKind runs f, in parallel, once for each of bodyKinds, each
// with a synthetic-only target of its own and a generator for synthOrg.
func forEachBodyKind(t *testing.T, seed uint64, f func(t *testing.T, tg *Target, g *generators.Generator, of func([]byte) io.Reader)) {
	t.Helper()
	for _, kind := range bodyKinds() {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			g, err := generators.New(generators.Config{Seed: seed, Oppgaver: 4, Oppgavegiver: synthOrg})
			require.NoError(t, err)
			f(t, vettedTarget(t), g, kind.of)
		})
	}
}

type pieces struct {
	rest    []byte
	scratch [61]byte
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	return n, nil
}

func (p *pieces) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for len(p.rest) > 0 {
		n := copy(p.scratch[:], p.rest)
		p.rest = p.rest[n:]
		m, err := w.Write(p.scratch[:n])
		total += int64(m)
		if err != nil {
			return total, err
		}
		copy(p.scratch[:], bytes.Repeat([]byte{'#'}, len(p.scratch)))
	}
	return total, nil
}

// sendAs posts body, read through r, with the given header (the mark in
// whatever spelling the test chose).
func sendAs(t *testing.T, rt http.RoundTripper, r io.Reader, h http.Header) error {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/v1/2025", r)
	require.NoError(t, err)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := rt.RoundTrip(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	return err
}

func marked(mark string) http.Header { return http.Header{HeaderVetted: {mark}} }

// lastIdentity is where the last identity of a generated body starts, its
// length, and the non-synthetic value of that kind.
func lastIdentity(t *testing.T, body []byte) (at int, real string) {
	t.Helper()
	org := bytes.LastIndex(body, []byte(`"organisasjonsnummer":"`))
	fnr := bytes.LastIndex(body, []byte(`"foedselsnummer":"`))
	require.True(t, org >= 0 || fnr >= 0)
	if fnr > org {
		return fnr + len(`"foedselsnummer":"`), realFnr
	}
	return org + len(`"organisasjonsnummer":"`), realOrg
}

// A body changed in place after it was vetted is no longer the vetted body:
// it is checked in full (down to the last oppgave) and a non-synthetic
// identity anywhere in it is refused; changed to other synthetic data it is
// sent, and what goes out is the changed bytes that were checked, not the
// vetter's older copy.
func TestAVettedBodyChangedInPlaceIsCheckedInFull(t *testing.T) {
	t.Parallel()
	forEachBodyKind(t, 5, func(t *testing.T, tg *Target, g *generators.Generator, of func([]byte) io.Reader) {
		sink := &bodySink{}
		rt := tg.Transport(sink)

		body, mark, err := tg.VetLeveranse(g.Leveranse(0))
		require.NoError(t, err)
		at, real := lastIdentity(t, body)
		was := string(body[at : at+len(real)])
		copy(body[at:], real)
		err = sendAs(t, rt, of(body), marked(mark))
		require.ErrorIs(t, err, ErrNotSynthetic)
		assert.Contains(t, err.Error(), "$.leveranse.oppgave[3].oppgaveeier.", "the refusal names the last oppgave")
		assert.Empty(t, sink.sent(), "nothing reached the network")

		// The same bytes put back, and the oppgavegiver changed to another
		// synthetic organisation.
		copy(body[at:], was)
		i := bytes.Index(body, []byte(synthOrg))
		require.GreaterOrEqual(t, i, 0)
		copy(body[i:], "310000000")
		require.NoError(t, sendAs(t, rt, of(body), marked(mark)))
		require.Len(t, sink.sent(), 1)
		assert.Equal(t, string(body), string(sink.sent()[0]))
		assert.Contains(t, string(sink.sent()[0]), `"organisasjonsnummer":"310000000"`)
	})
}

// The vetted bytes with more after them, or fewer of them, are not the
// vetted body: each is checked in full, and what is sent is what was
// checked.
func TestAVettedBodyLongerOrShorterIsCheckedInFull(t *testing.T) {
	t.Parallel()
	forEachBodyKind(t, 6, func(t *testing.T, tg *Target, g *generators.Generator, of func([]byte) io.Reader) {
		sink := &bodySink{}
		rt := tg.Transport(sink)
		body, mark, err := tg.VetLeveranse(g.Leveranse(1))
		require.NoError(t, err)

		// A second JSON value after the vetted one.
		longer := append(bytes.Clone(body), ` {"organisasjonsnummer":"`+realOrg+`"}`...)
		require.ErrorIs(t, sendAs(t, rt, of(longer), marked(mark)), ErrNotSynthetic)
		// A cut body is not JSON, and without a vetted context it is refused.
		require.ErrorIs(t, sendAs(t, rt, of(body[:len(body)-1]), marked(mark)), ErrNotSynthetic)
		require.Empty(t, sink.sent())

		// Whitespace after it keeps it one JSON value, all synthetic: it is
		// sent whole, not cut back to the vetted copy.
		spaced := append(bytes.Clone(body), "\n\t "...)
		require.NoError(t, sendAs(t, rt, of(spaced), marked(mark)))
		require.Len(t, sink.sent(), 1)
		assert.Equal(t, string(spaced), string(sink.sent()[0]))
	})
}

// meddler changes things before it reads the request that reached it: the
// caller's bytes, the vetter's slots.
type meddler struct {
	before func()
	bodySink
	rewound [][]byte
}

func (m *meddler) RoundTrip(r *http.Request) (*http.Response, error) {
	m.before()
	// A retry sends the body again through GetBody.
	if r.GetBody != nil {
		rc, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		m.rewound = append(m.rewound, b)
		m.mu.Unlock()
	}
	return m.bodySink.RoundTrip(r)
}

// Once a vetted body passes, what goes out (and what a retry sends again)
// is the vetter's own copy, which nothing else can reach: changing the
// caller's bytes, and giving every slot to a newer body, while the request
// is on its way changes nothing that is sent.
func TestAVettedBodyGoesOutAsTheVettersOwnCopy(t *testing.T) {
	t.Parallel()
	forEachBodyKind(t, 7, func(t *testing.T, tg *Target, g *generators.Generator, of func([]byte) io.Reader) {
		body, mark, err := tg.VetLeveranse(g.Leveranse(0))
		require.NoError(t, err)
		want := string(body)
		newer, _, err := tg.VetLeveranse(g.Leveranse(1))
		require.NoError(t, err)
		m := &meddler{}
		m.before = func() {
			copy(body[bytes.Index(body, []byte(synthOrg)):], realOrg)
			for range vetSlots {
				tg.vet.keep(newer)
			}
		}
		require.NoError(t, sendAs(t, tg.Transport(m), of(body), marked(mark)))
		require.Len(t, m.sent(), 1)
		assert.Equal(t, want, string(m.sent()[0]))
		require.Len(t, m.rewound, 1)
		assert.Equal(t, want, string(m.rewound[0]))
	})
}

// However the mark's header is spelt, it never reaches the network, the
// caller's request keeps it, and it lets no changed body through.
func TestTheMarkNeverLeavesTheMachineInAnySpelling(t *testing.T) {
	t.Parallel()
	tg := vettedTarget(t)
	g, err := generators.New(generators.Config{Seed: 8, Oppgavegiver: synthOrg})
	require.NoError(t, err)
	for i, keys := range [][]string{
		{HeaderVetted}, {"finprod-vetted"}, {"FINPROD-VETTED"}, {"fInPrOd-VeTtEd"}, {HeaderVetted, "finprod-vetted"},
	} {
		t.Run(strings.Join(keys, "+"), func(t *testing.T) {
			t.Parallel()
			sink := &bodySink{}
			rt := tg.Transport(sink)
			body, mark, err := tg.VetLeveranse(g.Leveranse(int64(i)))
			require.NoError(t, err)
			h := http.Header{"Authorization": {"Bearer synthetic"}}
			for _, k := range keys {
				h[k] = []string{mark}
			}
			for _, method := range []string{http.MethodPost, http.MethodGet} {
				var r io.Reader
				if method == http.MethodPost {
					r = bytes.NewReader(body)
				}
				req, err := http.NewRequestWithContext(context.Background(), method, "http://127.0.0.1:1/v1/2025", r)
				require.NoError(t, err)
				for k, v := range h {
					req.Header[k] = v
				}
				resp, err := rt.RoundTrip(req)
				require.NoError(t, err, method)
				_ = resp.Body.Close()
				assert.Equal(t, h, req.Header, "the caller's request is not changed")
			}
			require.Len(t, sink.header, 2)
			for _, sent := range sink.header {
				assert.Equal(t, "Bearer synthetic", sent.Get("Authorization"))
				for k := range sent {
					assert.False(t, strings.EqualFold(k, HeaderVetted), "%s reached the network", k)
				}
			}
			assert.Equal(t, string(body), string(sink.sent()[0]))

			changed := bytes.Replace(body, []byte(synthOrg), []byte(realOrg), 1)
			require.ErrorIs(t, sendAs(t, rt, bytes.NewReader(changed), h), ErrNotSynthetic)
			assert.Len(t, sink.sent(), 2)
		})
	}
}

// A mark whose slot a newer body took names nothing: the old body is
// checked in full (it passes, being synthetic, and is refused once a real
// identity is put in it), and neither it nor the newer body sent under the
// old mark frees the newer body's slot.
func TestASlotTakenByANewerBodyIsNoMark(t *testing.T) {
	t.Parallel()
	tg := vettedTarget(t)
	g, err := generators.New(generators.Config{Seed: 9, Oppgavegiver: synthOrg})
	require.NoError(t, err)
	sink := &bodySink{}
	rt := tg.Transport(sink)

	old, oldMark, err := tg.VetLeveranse(g.Leveranse(0))
	require.NoError(t, err)
	filler, _, err := tg.VetLeveranse(g.Leveranse(1))
	require.NoError(t, err)
	for range vetSlots - 2 {
		tg.vet.keep(filler)
	}
	// The vetSlots-th body after the old one takes the old one's slot.
	newer, newerMark, err := tg.VetLeveranse(g.Leveranse(2))
	require.NoError(t, err)
	require.NotEqual(t, string(old), string(newer))
	assert.Nil(t, tg.vet.kept(oldMark))

	require.NoError(t, sendAs(t, rt, bytes.NewReader(old), marked(oldMark)))
	require.NoError(t, sendAs(t, rt, bytes.NewReader(newer), marked(oldMark)))
	changed := bytes.Replace(old, []byte(synthOrg), []byte(realOrg), 1)
	require.ErrorIs(t, sendAs(t, rt, bytes.NewReader(changed), marked(oldMark)), ErrNotSynthetic)
	require.Len(t, sink.sent(), 2)
	assert.Equal(t, string(old), string(sink.sent()[0]))
	assert.Equal(t, string(newer), string(sink.sent()[1]))
	assert.NotNil(t, tg.vet.kept(newerMark), "the old mark freed the newer body's slot")

	// Under its own mark the newer body passes, and its slot is free then.
	require.NoError(t, sendAs(t, rt, bytes.NewReader(newer), marked(newerMark)))
	assert.Nil(t, tg.vet.kept(newerMark))
	assert.Equal(t, string(newer), string(sink.sent()[2]))
}

// echo answers with the body it was sent.
type echo struct{}

func (echo) RoundTrip(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
}

// Many goroutines vetting and sending at once, more bodies in flight than
// there are slots: every body that goes out is the one its sender vetted
// (and the race detector sees the vetter's slots shared without a lock).
func TestVettedBodiesUnderContention(t *testing.T) {
	t.Parallel()
	tg := vettedTarget(t)
	rt := tg.Transport(echo{})
	const senders, window = 4, vetSlots/2 + 100
	var wg sync.WaitGroup
	for s := range senders {
		wg.Go(func() {
			bodies, marks := make([][]byte, window), make([]string, window)
			for i := range window {
				bodies[i] = fmt.Appendf(nil, `{"leveranse":{"oppgavegiver":{"organisasjonsnummer":"%s"},"n":"%d-%d"}}`, synthOrg, s, i)
				marks[i] = tg.vet.keep(bodies[i])
			}
			for i := range window {
				req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, "http://127.0.0.1:1/v1/2025", bytes.NewReader(bodies[i]))
				if !assert.NoError(t, err) {
					return
				}
				req.Header.Set(HeaderVetted, marks[i])
				resp, err := rt.RoundTrip(req)
				if !assert.NoError(t, err) {
					return
				}
				got, _ := io.ReadAll(resp.Body)
				if !assert.Equal(t, string(bodies[i]), string(got)) {
					return
				}
			}
		})
	}
	wg.Wait()
}
