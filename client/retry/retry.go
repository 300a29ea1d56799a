// Package retry is an http.RoundTripper that sends a request again when it
// may not have reached the server, or the server failed it in a way that
// invites a retry: a timeout, a dropped or refused connection, 429 or 5xx,
// or an answer whose body did not arrive whole (a malformed chunk, a body
// that trickles past the attempt's timeout). It reads each answer's body
// (up to MaxBuffered) before it returns, so that a cut body is a failed
// attempt it can retry rather than the caller's read error after the fact.
// Every attempt carries the same headers (so the same idempotencyKey) and
// the same body, which is what makes a retry of a submission safe: the API
// processes a key once and answers a repeat with the first answer. The one
// header that may change is Authorization: under a context from
// ContextWithTokens every attempt after the first carries the token
// source's current token, since a token cached when the request was made
// can expire during the backoff, and a 401 to a token the source has since
// replaced is sent again once, at once, with the newer one.
//
// Retries are bounded (Policy.MaxRetries), spaced by exponential backoff
// with full jitter, and honour Retry-After. A Transport counts first-time
// successes, recoveries, retries, give-ups and 409 answers (Stats), and
// tells an Observer about every attempt.
//
//	rt := retry.New(http.DefaultTransport, retry.Policy{MaxRetries: 3})
//	c := &http.Client{Transport: rt}
//	... c.Do(req) ...
//	fmt.Println(rt.Stats().GaveUp)
package retry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/finprod/finprod/client"
)

// Defaults for the zero fields of a Policy.
const (
	DefaultBase          = 100 * time.Millisecond
	DefaultCap           = 5 * time.Second
	DefaultMaxRetryAfter = time.Minute
)

// Policy says how often and how patiently to retry.
type Policy struct {
	// MaxRetries is the number of attempts after the first; 0 retries
	// nothing (the Transport still counts).
	MaxRetries int
	// Base and Cap bound the backoff: before retry n (1-based) the
	// Transport waits a random time in [0, min(Cap, Base·2^(n-1))].
	// Defaults DefaultBase and DefaultCap.
	Base, Cap time.Duration
	// AttemptTimeout bounds one attempt (until the response headers and
	// body have been read by the caller); a timed-out attempt is retried.
	// Zero: only the request's own context bounds it.
	AttemptTimeout time.Duration
	// MaxRetryAfter is the longest Retry-After the Transport waits for; an
	// answer asking for longer is given up on at once rather than retried
	// early. Default DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration
}

func (p Policy) withDefaults() Policy {
	if p.Base <= 0 {
		p.Base = DefaultBase
	}
	if p.Cap <= 0 {
		p.Cap = DefaultCap
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	return p
}

// Reasons an attempt is retried or given up on, as Event.Reason and the
// keys of Stats.Reasons. An HTTP status is its number ("429", "503").
const (
	ReasonTimeout    = "timeout"
	ReasonConnection = "connection"
	ReasonRefused    = "refused"
	// ReasonBody: the status line and headers came, the body did not
	// arrive whole (a malformed chunk, a connection lost mid-body).
	ReasonBody = "body"
	// ReasonUnauthorized: a 401 under a context with a token source. The
	// first is sent again with the source's newer token, if it has one; a
	// 401 after that, or to a retry, is given up on.
	ReasonUnauthorized = "401"
	// ReasonToken: the token source gave no token for a retry.
	ReasonToken = "token"
)

type tokensKey struct{}

// ContextWithTokens returns a context under which the Transport authorizes
// every attempt after the first with src's current token ("Authorization:
// Bearer <token>"; an empty token leaves the request's own header), and
// answers a 401 to a token src has since replaced with one more attempt.
// The first attempt is sent as the caller made it. src should be the
// source itself, not a cache in front of it that lags behind.
func ContextWithTokens(ctx context.Context, src client.TokenSource) context.Context {
	return context.WithValue(ctx, tokensKey{}, src)
}

// MaxBuffered is how much of an answer's body the Transport reads before
// returning it; the rest of a longer body streams to the caller, whose
// read errors it can no longer retry. The reporting API's answers are far
// smaller.
const MaxBuffered = 16 << 20

// Event describes one finished attempt.
type Event struct {
	Request *http.Request
	// Attempt is 1 for the first try.
	Attempt int
	// Status is the answer's HTTP status, 0 when there was none (Err).
	Status int
	Err    error
	// Reason is why the attempt failed in a retriable way ("" when it did
	// not: a success or an answer that is final, such as 400).
	Reason string
	// Retry: another attempt follows after Delay. GaveUp: the attempt
	// failed retriably and no retry is left (or Retry-After was too long).
	Retry  bool
	Delay  time.Duration
	GaveUp bool
}

// Stats are counts over every request the Transport has carried.
type Stats struct {
	// Requests the Transport was given.
	Requests uint64
	// FirstTry: answered below 400 on the first attempt. Recovered: below
	// 400 after at least one retry.
	FirstTry, Recovered uint64
	// Retries: extra attempts made, in all.
	Retries uint64
	// GaveUp: requests whose last attempt failed retriably.
	GaveUp uint64
	// Conflicts: 409 answers (for the reporting API, GLD_019: a key reused
	// with another body, which retries with the same body never cause).
	Conflicts uint64
	// Cancelled: requests whose own context ended between attempts.
	Cancelled uint64
	// Reasons counts failed attempts by reason, retried or not.
	Reasons map[string]uint64
}

// Transport is the retrying RoundTripper. It is safe for concurrent use.
type Transport struct {
	next     http.RoundTripper
	policy   Policy
	observer func(Event)
	sleep    func(ctx context.Context, d time.Duration) error
	jitter   func(n int64) int64

	requests, firstTry, recovered, retries, gaveUp, conflicts, cancelled atomic.Uint64

	mu      sync.Mutex
	reasons map[string]uint64
}

// Option configures a Transport.
type Option func(*Transport)

// WithObserver calls f after every attempt, on the request's goroutine; f
// must be quick and safe for concurrent use.
func WithObserver(f func(Event)) Option { return func(t *Transport) { t.observer = f } }

// WithSleep replaces the wait between attempts (tests record delays with
// it); it must return ctx.Err() when ctx ends first.
func WithSleep(f func(ctx context.Context, d time.Duration) error) Option {
	return func(t *Transport) { t.sleep = f }
}

// WithJitter replaces the random draw in [0, n] of the backoff.
func WithJitter(f func(n int64) int64) Option { return func(t *Transport) { t.jitter = f } }

// New wraps next (http.DefaultTransport when nil).
func New(next http.RoundTripper, p Policy, opts ...Option) *Transport {
	if next == nil {
		next = http.DefaultTransport
	}
	t := &Transport{next: next, policy: p.withDefaults(), sleep: sleepCtx,
		jitter: func(n int64) int64 { return rand.Int64N(n + 1) }, reasons: map[string]uint64{}}
	for _, o := range opts {
		o(t)
	}
	return t
}

// Policy returns the policy in force, defaults filled in.
func (t *Transport) Policy() Policy { return t.policy }

// Stats returns the counts so far.
func (t *Transport) Stats() Stats {
	t.mu.Lock()
	r := make(map[string]uint64, len(t.reasons))
	for k, v := range t.reasons {
		r[k] = v
	}
	t.mu.Unlock()
	return Stats{
		Requests: t.requests.Load(), FirstTry: t.firstTry.Load(), Recovered: t.recovered.Load(),
		Retries: t.retries.Load(), GaveUp: t.gaveUp.Load(), Conflicts: t.conflicts.Load(),
		Cancelled: t.cancelled.Load(), Reasons: r,
	}
}

// RoundTrip sends req, and again while it fails retriably and retries are
// left. The answer is the last attempt's: a response (perhaps a 503 after
// giving up) or an error wrapping the last attempt's.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.requests.Add(1)
	getBody, read, err := rewindable(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	src, _ := ctx.Value(tokensKey{}).(client.TokenSource)
	refreshed := false // the one new attempt after a 401 was made
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 || read {
			r = req.Clone(ctx)
			if getBody != nil {
				if r.Body, err = getBody(); err != nil {
					return nil, fmt.Errorf("retry: rewind the request body: %w", err)
				}
			}
		}
		if src != nil && attempt > 1 {
			if err := authorize(ctx, r, src); err != nil {
				if ctx.Err() != nil {
					t.cancelled.Add(1)
					return nil, fmt.Errorf("retry: stopped before attempt %d: %w", attempt, ctx.Err())
				}
				t.count(ReasonToken)
				t.gaveUp.Add(1)
				return nil, fmt.Errorf("retry: no token for attempt %d: %w", attempt, err)
			}
		}
		resp, err := t.attempt(r)
		if err == nil {
			if resp, err = buffer(resp); err != nil {
				resp = nil
			}
		}
		reason := classify(ctx, resp, err)
		if resp != nil && resp.StatusCode == http.StatusConflict {
			t.conflicts.Add(1)
		}
		ev := Event{Request: req, Attempt: attempt, Err: err, Reason: reason}
		if resp != nil {
			ev.Status = resp.StatusCode
		}
		var delay time.Duration
		ok := false
		switch {
		case reason == "" && src != nil && resp != nil && resp.StatusCode == http.StatusUnauthorized:
			newer := !refreshed && t.newerToken(ctx, src, r.Header.Get("Authorization"))
			if !newer && attempt == 1 {
				break // the source's own token was refused: final, as without a source
			}
			ev.Reason, reason = ReasonUnauthorized, ReasonUnauthorized
			refreshed, ok = true, newer
		case reason != "":
			delay, ok = t.delay(attempt, resp)
		}
		if reason == "" {
			if resp != nil && resp.StatusCode < 400 {
				if attempt == 1 {
					t.firstTry.Add(1)
				} else {
					t.recovered.Add(1)
				}
			}
			if err != nil && ctx.Err() != nil {
				t.cancelled.Add(1)
			}
			t.observe(ev)
			return resp, err
		}
		t.count(reason)
		if !ok {
			ev.GaveUp = true
			t.gaveUp.Add(1)
			t.observe(ev)
			if err != nil {
				return nil, fmt.Errorf("gave up after %d attempt(s): %w", attempt, err)
			}
			return resp, nil
		}
		ev.Retry, ev.Delay = true, delay
		t.observe(ev)
		if resp != nil {
			// Read the failed answer to the end, so its connection is reused.
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			_ = resp.Body.Close()
		}
		t.retries.Add(1)
		if err := t.sleep(ctx, delay); err != nil {
			t.cancelled.Add(1)
			return nil, fmt.Errorf("retry: stopped waiting before attempt %d: %w", attempt+1, err)
		}
	}
}

// authorize puts src's current token on an attempt (a clone: its header
// is its own).
func authorize(ctx context.Context, r *http.Request, src client.TokenSource) error {
	tok, err := src.Token(ctx)
	if err != nil {
		return err
	}
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return nil
}

// newerToken says whether src now has a token other than the one the
// refused attempt carried (sent, the whole header).
func (t *Transport) newerToken(ctx context.Context, src client.TokenSource, sent string) bool {
	tok, err := src.Token(ctx)
	return err == nil && tok != "" && "Bearer "+tok != sent
}

func (t *Transport) observe(ev Event) {
	if t.observer != nil {
		t.observer(ev)
	}
}

func (t *Transport) count(reason string) {
	t.mu.Lock()
	t.reasons[reason]++
	t.mu.Unlock()
}

// buffer reads the answer's body (up to MaxBuffered) while the attempt's
// timeout still holds, and gives the caller a body that cannot fail. A body
// that fails is a failed attempt (its reason: ReasonBody, or ReasonTimeout).
func buffer(resp *http.Response) (*http.Response, error) {
	if resp.Body == http.NoBody {
		return resp, nil
	}
	if n := resp.ContentLength; n >= 0 && n < MaxBuffered {
		// The length is known (as for nearly every answer of the API): one
		// buffer of that size, where reading to the end would grow one
		// from 512 bytes. A body cut short is io.ErrUnexpectedEOF.
		b := make([]byte, n)
		_, err := io.ReadFull(resp.Body, b)
		_ = resp.Body.Close()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, &bodyError{status: resp.StatusCode, err: err}
		}
		resp.Body = newBuffered(b)
		return resp, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxBuffered))
	if err != nil {
		_ = resp.Body.Close()
		return nil, &bodyError{status: resp.StatusCode, err: err}
	}
	if len(b) < MaxBuffered {
		_ = resp.Body.Close()
		resp.Body = newBuffered(b)
		return resp, nil
	}
	resp.Body = &prefixed{Reader: io.MultiReader(bytes.NewReader(b), resp.Body), Closer: resp.Body}
	return resp, nil
}

// buffered is an answer's body read whole: a reader and its no-op Close in
// one allocation.
type buffered struct{ bytes.Reader }

func newBuffered(b []byte) *buffered {
	r := &buffered{}
	r.Reset(b)
	return r
}

func (*buffered) Close() error { return nil }

// bodyError is an answer whose body did not arrive whole.
type bodyError struct {
	status int
	err    error
}

func (e *bodyError) Error() string {
	return fmt.Sprintf("the answer (status %d) was cut short: %v", e.status, e.err)
}

func (e *bodyError) Unwrap() error { return e.err }

type prefixed struct {
	io.Reader
	io.Closer
}

// attempt sends one attempt, under its own timeout when the policy has one;
// the timeout stays in force until the caller closes the body.
func (t *Transport) attempt(r *http.Request) (*http.Response, error) {
	if t.policy.AttemptTimeout <= 0 {
		return t.next.RoundTrip(r)
	}
	ctx, cancel := context.WithTimeout(r.Context(), t.policy.AttemptTimeout)
	resp, err := t.next.RoundTrip(r.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// delay is the wait before the next attempt, or false when none is left.
func (t *Transport) delay(attempt int, resp *http.Response) (time.Duration, bool) {
	if attempt > t.policy.MaxRetries {
		return 0, false
	}
	backoff := t.policy.Base << min(attempt-1, 30)
	if backoff <= 0 || backoff > t.policy.Cap {
		backoff = t.policy.Cap
	}
	d := time.Duration(t.jitter(int64(backoff)))
	if resp != nil {
		if ra, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			if ra > t.policy.MaxRetryAfter {
				return 0, false
			}
			d = ra
		}
	}
	return d, true
}

// retryAfter reads delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// classify says why an attempt failed retriably, or "" when it did not (or
// the caller itself gave up: its context ended).
func classify(ctx context.Context, resp *http.Response, err error) string {
	if err == nil {
		switch s := resp.StatusCode; {
		case s == http.StatusTooManyRequests, s >= 500 && s != http.StatusNotImplemented && s != http.StatusHTTPVersionNotSupported:
			return strconv.Itoa(s)
		}
		return ""
	}
	if ctx.Err() != nil {
		return ""
	}
	var ne net.Error
	var be *bodyError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return ReasonTimeout
	case errors.As(err, &be):
		return ReasonBody
	case errors.Is(err, syscall.ECONNREFUSED):
		return ReasonRefused
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return ReasonConnection
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return ReasonConnection
	}
	return ""
}

// rewindable makes sure every attempt can send the same body: through
// GetBody when the request has it, else by reading the body once (read
// is then true, and every attempt sends a copy).
func rewindable(req *http.Request) (getBody func() (io.ReadCloser, error), read bool, err error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, false, nil
	}
	if req.GetBody != nil {
		return req.GetBody, false, nil
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, false, fmt.Errorf("retry: read the request body: %w", err)
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }, true, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
