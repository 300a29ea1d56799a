package retry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rotating is a token source whose token is "token-<n>"; rotate makes the
// next one current, as a Maskinporten source does when its cached token
// is about to expire.
type rotating struct {
	mu    sync.Mutex
	n     int
	calls int
	err   error
}

func (r *rotating) Token(context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.err != nil {
		return "", r.err
	}
	return fmt.Sprintf("token-%d", r.n), nil
}

func (r *rotating) rotate() {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
}

func (r *rotating) current() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return fmt.Sprintf("Bearer token-%d", r.n)
}

// authServer accepts only the source's current token (401 for any other),
// and answers an accepted attempt n with status(n); it keeps every
// attempt's Authorization header.
func authServer(t *testing.T, src *rotating, status func(n int) int) (*seenAuth, string) {
	t.Helper()
	sa := &seenAuth{}
	srv, s := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		sa.mu.Lock()
		sa.auth = append(sa.auth, r.Header.Get("Authorization"))
		sa.mu.Unlock()
		if r.Header.Get("Authorization") != src.current() {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"kode":"GLD_004","melding":"token expired"}`))
			return
		}
		w.WriteHeader(status(n))
	})
	sa.seen = s
	return sa, srv.URL
}

type seenAuth struct {
	mu   sync.Mutex
	auth []string
	seen *seen
}

// postAs sends body with the given Authorization header, under a context
// that gives the transport src.
func postAs(t *testing.T, rt *Transport, url, auth string, src *rotating) (*http.Response, error) {
	t.Helper()
	ctx := context.Background()
	if src != nil {
		ctx = ContextWithTokens(ctx, src)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{"leveranse":{"k":7}}`))
	require.NoError(t, err)
	req.Header.Set("idempotencyKey", "0193b5cd-cb85-7320-9f0e-000000000007")
	req.Header.Set("Authorization", auth)
	return (&http.Client{Transport: rt}).Do(req)
}

// The token expires while the transport waits to retry a 503: the retry
// must carry the source's new token, not the header the request was made
// with, and keep its key and body.
func TestARetryCarriesTheCurrentToken(t *testing.T) {
	src := &rotating{}
	sa, url := authServer(t, src, func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	rt := New(nil, Policy{MaxRetries: 3}, WithSleep(func(ctx context.Context, _ time.Duration) error {
		src.rotate() // the cached token expired during the backoff
		return ctx.Err()
	}))
	resp, err := postAs(t, rt, url, "Bearer token-0", src)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the retry was sent with the token of the first attempt")
	assert.Equal(t, []string{"Bearer token-0", "Bearer token-1"}, sa.auth)
	assert.Equal(t, []string{`{"leveranse":{"k":7}}`, `{"leveranse":{"k":7}}`}, sa.seen.bodies)
	assert.Equal(t, []string{"0193b5cd-cb85-7320-9f0e-000000000007", "0193b5cd-cb85-7320-9f0e-000000000007"}, sa.seen.keys)
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.Recovered)
	assert.Equal(t, map[string]uint64{"503": 1}, st.Reasons)
}

// A request made with a token the source has replaced since (a cache a
// little behind its source) is refused with 401: the transport asks the
// source once, and sends it again at once with the newer token.
func TestA401IsRetriedOnceWithTheSourcesNewerToken(t *testing.T) {
	src := &rotating{n: 1}
	sa, url := authServer(t, src, func(int) int { return http.StatusOK })
	rec := &recorder{}
	var events []Event
	rt := New(nil, Policy{MaxRetries: 3}, WithSleep(rec.sleep), WithObserver(func(e Event) { events = append(events, e) }))
	resp, err := postAs(t, rt, url, "Bearer token-0", src)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []string{"Bearer token-0", "Bearer token-1"}, sa.auth)
	assert.Equal(t, []time.Duration{0}, rec.delays, "a refused token is replaced at once, without a backoff")
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.Recovered)
	assert.Equal(t, uint64(1), st.Retries)
	assert.Equal(t, map[string]uint64{ReasonUnauthorized: 1}, st.Reasons)
	require.Len(t, events, 2)
	assert.Equal(t, ReasonUnauthorized, events[0].Reason)
	assert.True(t, events[0].Retry)
}

// A server that refuses the newer token as well gets no third attempt:
// the transport gives up with the 401 and the reason.
func TestA401AfterTheRefreshGivesUp(t *testing.T) {
	src := &rotating{n: 1}
	var events []Event
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	rt := New(nil, Policy{MaxRetries: 5}, WithSleep((&recorder{}).sleep), WithObserver(func(e Event) { events = append(events, e) }))
	resp, err := postAs(t, rt, srv.URL, "Bearer token-0", src)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Len(t, s.bodies, 2, "one refresh, then no more")
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.GaveUp)
	assert.Equal(t, map[string]uint64{ReasonUnauthorized: 2}, st.Reasons)
	require.Len(t, events, 2)
	assert.True(t, events[1].GaveUp)
	assert.Equal(t, ReasonUnauthorized, events[1].Reason)
}

// A 401 to the source's own current token is the server's final word, as
// without a source: nothing newer would change it.
func TestA401ToTheCurrentTokenIsFinal(t *testing.T) {
	src := &rotating{}
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	rt := New(nil, Policy{MaxRetries: 5}, WithSleep((&recorder{}).sleep))
	resp, err := postAs(t, rt, srv.URL, "Bearer token-0", src)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Len(t, s.bodies, 1)
	st := rt.Stats()
	assert.Zero(t, st.GaveUp+st.Retries)
	assert.Empty(t, st.Reasons)
}

// A retry after a 503 that is refused with 401 although it carried the
// source's current token gives up there, saying why.
func TestA401ToARetryWithTheCurrentTokenGivesUp(t *testing.T) {
	src := &rotating{}
	srv, s := server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusUnauthorized) // the systembruker lost its rights meanwhile
	})
	rt := New(nil, Policy{MaxRetries: 5}, WithSleep((&recorder{}).sleep))
	resp, err := postAs(t, rt, srv.URL, "Bearer token-0", src)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Len(t, s.bodies, 2)
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.GaveUp)
	assert.Equal(t, map[string]uint64{"503": 1, ReasonUnauthorized: 1}, st.Reasons)
}

// A source that cannot give a token for a retry ends the request with its
// error, counted as a give-up for that reason.
func TestARetryWithoutATokenGivesUpWithTheSourcesError(t *testing.T) {
	src := &rotating{}
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	rt := New(nil, Policy{MaxRetries: 5}, WithSleep(func(ctx context.Context, _ time.Duration) error {
		src.mu.Lock()
		src.err = errors.New("maskinporten: invalid_grant")
		src.mu.Unlock()
		return ctx.Err()
	}))
	_, err := postAs(t, rt, srv.URL, "Bearer token-0", src)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no token for attempt 2")
	assert.Contains(t, err.Error(), "invalid_grant")
	assert.NotContains(t, err.Error(), "token-0")
	assert.Len(t, s.bodies, 1)
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.GaveUp)
	assert.Equal(t, map[string]uint64{"503": 1, ReasonToken: 1}, st.Reasons)
}

// Without a source a retry keeps the request's own header, as before.
func TestWithoutASourceARetryKeepsItsHeader(t *testing.T) {
	var auth []string
	srv, _ := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	rt := New(nil, Policy{MaxRetries: 1}, WithSleep((&recorder{}).sleep))
	resp, err := postAs(t, rt, srv.URL, "Bearer static", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, []string{"Bearer static", "Bearer static"}, auth)
}
