package retry

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seen records what each attempt carried.
type seen struct {
	mu     sync.Mutex
	bodies []string
	keys   []string
}

func (s *seen) add(r *http.Request) int {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodies = append(s.bodies, string(b))
	s.keys = append(s.keys, r.Header.Get("idempotencyKey"))
	return len(s.bodies)
}

// server answers attempt n (1-based) with answer(n, w, r).
func server(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *seen) {
	t.Helper()
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(s.add(r), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, s
}

// recorder stands in for sleeping and keeps the delays asked for.
type recorder struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.delays = append(r.delays, d)
	r.mu.Unlock()
	return ctx.Err()
}

func post(t *testing.T, c *http.Client, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("idempotencyKey", "0193b5cd-cb85-7320-9f0e-000000000001")
	resp, err := c.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	return resp, err
}

func TestRetriesA5xxWithTheSameKeyAndBody(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	rec := &recorder{}
	var events []Event
	var mu sync.Mutex
	rt := New(nil, Policy{MaxRetries: 3}, WithSleep(rec.sleep), WithObserver(func(e Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}))
	resp, err := post(t, &http.Client{Transport: rt}, srv.URL, `{"leveranse":{"k":1}}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []string{`{"leveranse":{"k":1}}`, `{"leveranse":{"k":1}}`, `{"leveranse":{"k":1}}`}, s.bodies)
	assert.Equal(t, []string{s.keys[0], s.keys[0], s.keys[0]}, s.keys)
	assert.NotEmpty(t, s.keys[0])
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.Requests)
	assert.Equal(t, uint64(0), st.FirstTry)
	assert.Equal(t, uint64(1), st.Recovered)
	assert.Equal(t, uint64(2), st.Retries)
	assert.Equal(t, uint64(0), st.GaveUp)
	assert.Equal(t, map[string]uint64{"503": 2}, st.Reasons)
	require.Len(t, events, 3)
	assert.True(t, events[0].Retry)
	assert.Equal(t, "503", events[1].Reason)
	assert.Equal(t, 3, events[2].Attempt)
	assert.Equal(t, http.StatusOK, events[2].Status)
	assert.False(t, events[2].Retry)
}

func TestGivesUpAfterMaxRetriesWithTheLastAnswer(t *testing.T) {
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	})
	rec := &recorder{}
	rt := New(nil, Policy{MaxRetries: 2}, WithSleep(rec.sleep))
	resp, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Len(t, s.bodies, 3, "one try and two retries")
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.GaveUp)
	assert.Equal(t, uint64(2), st.Retries)
	assert.Equal(t, uint64(3), st.Reasons["502"])
}

func TestZeroRetriesStillCounts(t *testing.T) {
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	rt := New(nil, Policy{})
	_, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	assert.Len(t, s.bodies, 1)
	assert.Equal(t, uint64(1), rt.Stats().GaveUp)
}

func TestFinalAnswersAreNotRetried(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusConflict, http.StatusForbidden, http.StatusNotImplemented} {
		srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) })
		rt := New(nil, Policy{MaxRetries: 5}, WithSleep((&recorder{}).sleep))
		resp, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
		require.NoError(t, err)
		assert.Equal(t, status, resp.StatusCode)
		assert.Len(t, s.bodies, 1, "HTTP %d is final", status)
		st := rt.Stats()
		assert.Zero(t, st.Retries+st.GaveUp+st.FirstTry, "HTTP %d is neither a success nor a give-up", status)
		if status == http.StatusConflict {
			assert.Equal(t, uint64(1), st.Conflicts)
		}
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	srv, _ := server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.Header().Set("Retry-After", date)
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusOK)
		}
	})
	rec := &recorder{}
	rt := New(nil, Policy{MaxRetries: 3, Base: time.Millisecond, Cap: time.Millisecond, MaxRetryAfter: 2 * time.Minute}, WithSleep(rec.sleep))
	resp, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, rec.delays, 2)
	assert.Equal(t, 7*time.Second, rec.delays[0], "Retry-After in seconds wins over a 1 ms backoff")
	assert.InDelta(t, float64(90*time.Second), float64(rec.delays[1]), float64(3*time.Second), "Retry-After as an HTTP date")
	assert.Equal(t, map[string]uint64{"429": 1, "503": 1}, rt.Stats().Reasons)
}

func TestRetryAfterBeyondTheLimitGivesUpAtOnce(t *testing.T) {
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	rec := &recorder{}
	rt := New(nil, Policy{MaxRetries: 3, MaxRetryAfter: time.Minute}, WithSleep(rec.sleep))
	resp, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Len(t, s.bodies, 1)
	assert.Empty(t, rec.delays, "it must not retry before the server allows")
	assert.Equal(t, uint64(1), rt.Stats().GaveUp)
}

func TestBackoffDoublesUpToTheCapWithJitterBelowIt(t *testing.T) {
	srv, _ := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) })
	// The jitter draws the top of its range: the bounds themselves.
	rec := &recorder{}
	rt := New(nil, Policy{MaxRetries: 5, Base: 10 * time.Millisecond, Cap: 50 * time.Millisecond},
		WithSleep(rec.sleep), WithJitter(func(n int64) int64 { return n }))
	_, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{10 * ms, 20 * ms, 40 * ms, 50 * ms, 50 * ms}, rec.delays)

	// With the real jitter every delay is within [0, bound].
	rec = &recorder{}
	rt = New(nil, Policy{MaxRetries: 5, Base: 10 * ms, Cap: 50 * ms}, WithSleep(rec.sleep))
	_, err = post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	bounds := []time.Duration{10 * ms, 20 * ms, 40 * ms, 50 * ms, 50 * ms}
	require.Len(t, rec.delays, 5)
	for i, d := range rec.delays {
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, bounds[i])
	}
}

func TestRetriesADroppedConnection(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			// Processed, then the answer is lost: close without a word.
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	rt := New(nil, Policy{MaxRetries: 2}, WithSleep((&recorder{}).sleep))
	resp, err := post(t, &http.Client{Transport: rt}, srv.URL, "same body")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []string{"same body", "same body"}, s.bodies)
	assert.Equal(t, map[string]uint64{ReasonConnection: 1}, rt.Stats().Reasons)
	assert.Equal(t, uint64(1), rt.Stats().Recovered)
}

func TestRetriesATimedOutAttempt(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv, s := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	rt := New(nil, Policy{MaxRetries: 1, AttemptTimeout: 50 * time.Millisecond}, WithSleep((&recorder{}).sleep))
	resp, err := post(t, &http.Client{Transport: rt}, srv.URL, "x")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, s.bodies, 2)
	assert.Equal(t, map[string]uint64{ReasonTimeout: 1}, rt.Stats().Reasons)
}

// A 200 whose body breaks off has not delivered its receipt: it is retried
// with the same key and body, and the caller gets the whole answer of the
// retry. The body is cut in either framing: a malformed chunk, or fewer
// bytes than its Content-Length (read into a buffer of that length).
func TestRetriesABodyCutShort(t *testing.T) {
	for name, cut := range map[string]string{
		"chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"for\r\nzz\r\n",
		"length":  "HTTP/1.1 200 OK\r\nContent-Length: 21\r\n\r\n{\"for",
	} {
		t.Run(name, func(t *testing.T) {
			srv, s := server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					conn, buf, err := w.(http.Hijacker).Hijack()
					if err != nil {
						return
					}
					_, _ = buf.WriteString(cut)
					_ = buf.Flush()
					_ = conn.Close()
					return
				}
				_, _ = io.WriteString(w, `{"forsendelseId":"f"}`)
			})
			rt := New(nil, Policy{MaxRetries: 2}, WithSleep((&recorder{}).sleep))
			req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("same body"))
			require.NoError(t, err)
			resp, err := (&http.Client{Transport: rt}).Do(req)
			require.NoError(t, err)
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, `{"forsendelseId":"f"}`, string(b))
			assert.EqualValues(t, 21, resp.ContentLength, "the retry's answer, of known length")
			assert.Equal(t, []string{"same body", "same body"}, s.bodies)
			assert.Equal(t, map[string]uint64{ReasonBody: 1}, rt.Stats().Reasons)
			assert.Equal(t, uint64(1), rt.Stats().Recovered)
		})
	}
}

// A body that trickles past the attempt's timeout is a timed-out attempt,
// retried; one that keeps within it is read whole.
func TestRetriesABodyThatTricklesPastTheAttemptTimeout(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "4")
		w.WriteHeader(http.StatusOK)
		pause := 10 * time.Millisecond
		if n == 1 {
			pause = time.Second
		}
		for _, c := range "okay" {
			w.(http.Flusher).Flush()
			select {
			case <-time.After(pause):
			case <-r.Context().Done():
				return
			}
			_, _ = io.WriteString(w, string(c))
		}
	})
	rt := New(nil, Policy{MaxRetries: 1, AttemptTimeout: 300 * time.Millisecond}, WithSleep((&recorder{}).sleep))
	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("x"))
	require.NoError(t, err)
	resp, err := (&http.Client{Transport: rt}).Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "okay", string(b))
	assert.Len(t, s.bodies, 2)
	assert.Equal(t, map[string]uint64{ReasonTimeout: 1}, rt.Stats().Reasons)
}

// A body longer than MaxBuffered reaches the caller whole, the part beyond
// streamed.
func TestALongBodyReachesTheCallerWhole(t *testing.T) {
	long := bytes.Repeat([]byte("0123456789abcdef"), MaxBuffered/16+3)
	srv, _ := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(long) })
	rt := New(nil, Policy{})
	resp, err := (&http.Client{Transport: rt}).Get(srv.URL)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.True(t, bytes.Equal(long, b), "got %d bytes of %d", len(b), len(long))
}

func TestRetriesARefusedConnectionAndGivesUpWithTheError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	rt := New(nil, Policy{MaxRetries: 2}, WithSleep((&recorder{}).sleep))
	_, err := post(t, &http.Client{Transport: rt}, url, "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "gave up after 3 attempt(s)")
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.GaveUp)
	assert.Equal(t, uint64(3), st.Reasons[ReasonRefused])
}

func TestTheCallersCancellationIsNotRetried(t *testing.T) {
	srv, s := server(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) })
	ctx, cancel := context.WithCancel(context.Background())
	rt := New(nil, Policy{MaxRetries: 5}, WithSleep(func(ctx context.Context, _ time.Duration) error {
		cancel() // the caller gives up while the transport waits
		return ctx.Err()
	}))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader("x"))
	require.NoError(t, err)
	_, err = (&http.Client{Transport: rt}).Do(req)
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, s.bodies, 1)
	st := rt.Stats()
	assert.Equal(t, uint64(1), st.Cancelled)
	assert.Zero(t, st.GaveUp)
}

// onceReader is a body without GetBody: it can be read only once.
type onceReader struct{ r io.Reader }

func (o *onceReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestABodyWithoutGetBodyIsResentWhole(t *testing.T) {
	srv, s := server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.WriteHeader(500)
			return
		}
		w.WriteHeader(200)
	})
	rt := New(nil, Policy{MaxRetries: 1}, WithSleep((&recorder{}).sleep))
	req, err := http.NewRequest(http.MethodPost, srv.URL, &onceReader{r: bytes.NewReader([]byte("the whole body"))})
	require.NoError(t, err)
	require.Nil(t, req.GetBody)
	resp, err := (&http.Client{Transport: rt}).Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, []string{"the whole body", "the whole body"}, s.bodies)
}

func TestConcurrentRequestsAreCountedExactly(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		// Every other attempt fails.
		if n.Add(1)%2 == 1 {
			w.WriteHeader(500)
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	rt := New(nil, Policy{MaxRetries: 10}, WithSleep(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	c := &http.Client{Transport: rt}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			resp, err := post(t, c, srv.URL, "x")
			if assert.NoError(t, err) {
				assert.Equal(t, 200, resp.StatusCode)
			}
		})
	}
	wg.Wait()
	st := rt.Stats()
	assert.Equal(t, uint64(50), st.Requests)
	assert.Equal(t, uint64(50), st.FirstTry+st.Recovered)
	assert.Equal(t, uint64(n.Load()-50), st.Retries, "every attempt but the 50 successes was retried")
	assert.Equal(t, st.Retries, st.Reasons["500"])
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"", 0, false},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	} {
		got, ok := retryAfter(c.in, now)
		assert.Equal(t, c.ok, ok, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}
