// Package load drives open-model load at the reporting API with Vegeta as
// a library: a Schedule says when each request is due, every request
// carries a fresh synthetic leveranse (deterministic by seed and sequence
// number) and a fresh idempotencyKey, retries go through client/retry with
// the same key and body, latency is recorded from the intended send time
// into HDR histograms, SLO gates are evaluated over the complete result
// set, and every leveranse sent is accounted for at the end.
package load

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/target"
)

// Defaults of Options.
const (
	DefaultWorkers  = 10
	DefaultTimeout  = 10 * time.Second
	DefaultOppgaver = 1
	// interruptGrace is how long requests in flight may finish after an
	// interrupt before they are cancelled.
	interruptGrace = 2 * time.Second
)

// Options are one load run.
type Options struct {
	// Target is where the load goes; its policy (rate ceiling, synthetic
	// data only, production refused) applies.
	Target *target.Target
	// Schedule is the load profile; Bounds end the run (one is required).
	Schedule Schedule
	Bounds   Bounds
	// Shard is this process's part of a sharded run (zero value: all).
	Shard Shard
	// Seed and Oppgaver shape the payloads: leveranse k is generated from
	// (Seed, k) with Oppgaver oppgaver (default 1).
	Seed     uint64
	Oppgaver int
	// Workers is Vegeta's initial worker count (default 10); MaxWorkers
	// caps it (0: DefaultMaxWorkers, from the open-file limit). Connections
	// caps the open connections to the target (0: DefaultConnectionsPerWorker
	// a worker).
	Workers, MaxWorkers uint64
	Connections         int
	// Timeout bounds one attempt (default 10 s); Retry is the retry policy.
	Timeout time.Duration
	Retry   retry.Policy
	// Gates are evaluated over the complete result set; AbortOnFail stops
	// the run once any abortable gate is lost (a gate's own ":abort" does
	// so for that gate). SLO is the gates' text, for the summary.
	Gates       []Gate
	SLO         string
	AbortOnFail bool
	// MaxRate raises the target's rate ceiling (the explicit --max-rate).
	MaxRate float64
	// Out is the folder for results.bin, latency.hdr, timeline.json and
	// summary.json; empty writes nothing.
	Out string
	// Progress, when set, gets a Snapshot every ProgressEvery (default 1 s)
	// and one at the end.
	Progress      func(Snapshot)
	ProgressEvery time.Duration
	// Tool names the finprod build in the summary.
	Tool string
}

// Snapshot is the state of a run for the live view.
type Snapshot struct {
	Stage               string
	Elapsed, Length     time.Duration
	Planned, Sent       uint64
	Success             uint64
	Offered, Achieved   float64
	P50, P99, Service99 time.Duration
	LagP99              time.Duration
	Status, GLD         loadfile.Counts
	Retries             retry.Stats
	Gates               []loadfile.GateResult
	// Workers are busy now, PeakWorkers at most so far, of MaxWorkers;
	// WorkersCapped: every worker has been busy at some moment.
	Workers, PeakWorkers, MaxWorkers uint64
	WorkersCapped                    bool
	Done                             bool
}

// ErrInterrupted is returned (wrapped) with a complete summary when the
// run's context ended (SIGINT/SIGTERM) before the schedule did; without a
// summary when it ended before the first request, while the first token
// was being fetched.
var ErrInterrupted = errors.New("interrupted")

func (o *Options) withDefaults() {
	if o.Workers == 0 {
		o.Workers = DefaultWorkers
	}
	if o.MaxWorkers == 0 {
		o.MaxWorkers = max(DefaultMaxWorkers(), o.Workers)
	}
	if o.Connections == 0 {
		o.Connections = int(min(o.MaxWorkers, math.MaxInt32/DefaultConnectionsPerWorker) * DefaultConnectionsPerWorker)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Oppgaver == 0 {
		o.Oppgaver = DefaultOppgaver
	}
	if o.Shard.Count == 0 {
		o.Shard = Shard{Index: 0, Count: 1}
	}
	if o.ProgressEvery <= 0 {
		o.ProgressEvery = time.Second
	}
	o.Retry.AttemptTimeout = o.Timeout
}

// Validate refuses options that cannot make a bounded, allowed run.
func (o Options) Validate() error {
	var errs []error
	if o.Target == nil {
		errs = append(errs, errors.New("no target"))
	}
	if o.Schedule == nil {
		errs = append(errs, errors.New("no load profile"))
	}
	_, steps := o.Schedule.(Steps)
	if o.Bounds.Duration <= 0 && o.Bounds.Count == 0 && !steps {
		errs = append(errs, errors.New("the run is unbounded: give a duration (--duration 30s) or a count (--count 1000)"))
	}
	if o.Shard != (Shard{}) {
		if err := o.Shard.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if o.Oppgaver < 0 {
		errs = append(errs, fmt.Errorf("oppgaver per leveranse must be at least 1, got %d", o.Oppgaver))
	}
	if o.MaxWorkers > 0 && o.MaxWorkers < max(o.Workers, 1) {
		errs = append(errs, fmt.Errorf("max workers %d is below workers %d", o.MaxWorkers, o.Workers))
	}
	if o.Target != nil && o.Schedule != nil {
		if err := o.policy().CheckRate(o.Target.Name, o.Schedule.Peak(o.Bounds.Duration)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// policy is the target's policy with an explicit --max-rate applied.
func (o Options) policy() target.Policy {
	p := o.Target.Policy
	if o.MaxRate > 0 {
		p.MaxRate = o.MaxRate
	}
	return p
}

// Run runs the load, writes its outputs under o.Out and returns the
// summary. An interrupted run returns its summary and ErrInterrupted.
func Run(ctx context.Context, o Options) (*loadfile.Summary, error) {
	o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	r, w, done, err := begin(ctx, o)
	if err != nil {
		return nil, err
	}
	defer done()
	p := pacer{s: o.Schedule, b: o.Bounds, shard: o.Shard}
	st := r.stage(ctx, "load", p, w, newLosses(o.Gates, p.total(), o.AbortOnFail))
	s := r.summarize(ctx, loadfile.KindRun, st)
	s.Gates, s.GatesPassed = Evaluate(o.Gates, st.measures())
	if err := w.finish(s, r.tl, st.rec); err != nil {
		return s, err
	}
	if s.Interrupted {
		return s, ErrInterrupted
	}
	return s, nil
}

// begin makes the runner and the output writer of a run; done releases
// both (and removes an unfinished results file).
func begin(ctx context.Context, o Options) (*runner, *writer, func(), error) {
	r, err := newRunner(ctx, o)
	if err != nil {
		return nil, nil, nil, err
	}
	w, err := newWriter(o.Out)
	if err != nil {
		r.close()
		return nil, nil, nil, err
	}
	return r, w, func() { w.abandon(); r.close() }, nil
}

// runner holds what every stage of a run shares: the payloads, the token,
// one HTTP client (so stages keep their connections) and the retry counts.
type runner struct {
	o       Options
	gen     *generators.Generator
	url     string
	id      target.Identity
	tokens  *tokenCache
	retry   *retry.Transport
	http    *http.Client
	base    http.RoundTripper
	next    atomic.Uint64 // the next local sequence number, over all stages
	workers workerGauge
	reqCtx  context.Context
	cancel  context.CancelFunc
	prefix  string
	started time.Time
	// tl records the run second by second for timeline.json (nil: no
	// outputs are written).
	tl *timeline
}

func newRunner(ctx context.Context, o Options) (*runner, error) {
	base := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: o.Connections,
		MaxConnsPerHost:     o.Connections,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return newRunnerOver(ctx, o, base)
}

// newRunnerOver makes the runner with base as the connection pool under the
// target's policy and the retries (a benchmark puts a sink there).
func newRunnerOver(ctx context.Context, o Options, base http.RoundTripper) (*runner, error) {
	tg := o.Target
	id := tg.Identity(o.Seed)
	gen, err := generators.New(generators.Config{
		Seed: o.Seed, Inntektsaar: tg.Inntektsaar, Oppgavegiver: id.Oppgavegiver,
		Oppgaver: o.Oppgaver, Kildesystem: "finprod load",
	})
	if err != nil {
		return nil, fmt.Errorf("payloads: %w", err)
	}
	rt := retry.New(base, o.Retry)
	// Requests in flight are cancelled through reqCtx after an interrupt's
	// grace; Vegeta's own requests carry no context. Each retry asks the
	// token source itself (not the cache of the first attempts) for the
	// current token: one cached when a request was made can expire during
	// its backoff.
	reqCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	reqCtx = retry.ContextWithTokens(reqCtx, client.TokenFunc(func(ctx context.Context) (string, error) {
		return tg.Credentials.Token(ctx, id.Systembruker, contract.Scope)
	}))
	httpc := &http.Client{Transport: &withContext{ctx: reqCtx, next: tg.Transport(rt)}}
	r := &runner{
		o: o, gen: gen, id: id, retry: rt, http: httpc, base: base, reqCtx: reqCtx, cancel: cancel,
		url:    tg.APIURL + "/v1/" + strconv.Itoa(tg.Inntektsaar),
		tokens: &tokenCache{src: tg.Credentials, systembruker: id.Systembruker},
	}
	if o.Out != "" {
		r.tl = newTimeline()
	}
	r.workers.max = o.MaxWorkers
	ref := gen.Leveranse(0).OppgavegiversLeveranseReferanse
	r.prefix = ref[:len(ref)-1] // "finprod-<seed>-" without the 0
	// Get the first token now: bad credentials are an error before any load.
	tctx, tcancel := context.WithTimeout(ctx, 30*time.Second)
	defer tcancel()
	if _, err := r.tokens.header(tctx); err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w before the first request (nothing was sent)", ErrInterrupted)
		}
		return nil, &UnreachableError{Err: fmt.Errorf("target %s: no token for systembruker %s: %w", tg.Name, id.Systembruker, err)}
	}
	return r, nil
}

// UnreachableError is a target or credential that does not work.
type UnreachableError struct{ Err error }

func (e *UnreachableError) Error() string { return e.Err.Error() }
func (e *UnreachableError) Unwrap() error { return e.Err }

func (r *runner) close() {
	r.cancel()
	if c, ok := r.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// withContext gives Vegeta's context-less requests the run's context.
type withContext struct {
	ctx  context.Context
	next http.RoundTripper
}

func (w *withContext) RoundTrip(req *http.Request) (*http.Response, error) {
	return w.next.RoundTrip(req.WithContext(w.ctx))
}

// targeter builds request k: a fresh leveranse, a fresh key, the token.
func (r *runner) targeter(ctx context.Context, tokenErr *atomic.Pointer[error]) vegeta.Targeter {
	// Vegeta copies a target's header values into its request, so the values
	// every request shares are made once, and the token's once per token.
	accept, ua := []string{"application/json"}, []string{client.UserAgent}
	return func(t *vegeta.Target) error {
		auth, err := r.tokens.header(ctx)
		if err != nil {
			tokenErr.CompareAndSwap(nil, &err)
			return err
		}
		started := r.next.Add(1)
		r.workers.started(started)
		k := r.o.Shard.global(started - 1)
		// The target's policy checks the leveranse before its body exists;
		// the mark lets its guard pass these bytes without parsing them.
		body, mark, err := r.o.Target.VetLeveranse(r.gen.Leveranse(int64(k)))
		if err != nil {
			return fmt.Errorf("leveranse %d: %w", k, err)
		}
		own := []string{uuid.NewString(), mark}
		t.Method = http.MethodPost
		t.URL = r.url
		t.Body = body
		t.Header = make(http.Header, 6)
		t.Header["Authorization"] = auth
		t.Header["Accept"] = accept
		t.Header["Content-Type"] = accept
		t.Header["User-Agent"] = ua
		t.Header[contract.HeaderIdempotencyKey] = own[0:1:1]
		if mark != "" {
			t.Header[target.HeaderVetted] = own[1:2:2]
		}
		return nil
	}
}

// stageResult is one attack's outcome.
type stageResult struct {
	name        string
	rec         *recorder
	began       time.Time
	ended       time.Time
	p           pacer
	interrupted bool
	aborted     string
	tokenErr    error
}

func (st *stageResult) span() time.Duration {
	if st.rec.last.IsZero() {
		return st.ended.Sub(st.began)
	}
	return st.rec.last.Sub(st.began)
}

// offered is the schedule's mean rate over the time the stage ran.
func (st *stageResult) offered() float64 {
	span := st.ended.Sub(st.began)
	if l := st.p.length(); l > 0 && (span > l || !st.interrupted && st.aborted == "") {
		span = l
	}
	if span <= 0 {
		return 0
	}
	return float64(st.p.planned(span)) / span.Seconds()
}

func (st *stageResult) throughput() float64 {
	if s := st.span(); s > 0 {
		return float64(st.rec.success) / s.Seconds()
	}
	return 0
}

func (st *stageResult) measures() Measures {
	return measures(st.rec.intended, float64(st.rec.lag.ValueAtQuantile(99))/1000, st.rec.sent, st.rec.success, st.throughput(), st.offered())
}

// stage runs one attack to its end: schedule done, interrupted, or a gate
// lost with abort.
func (r *runner) stage(ctx context.Context, name string, p pacer, w *writer, losses []*loss) *stageResult {
	o := r.o
	atk := vegeta.NewAttacker(vegeta.Client(r.http), vegeta.Workers(o.Workers), vegeta.MaxWorkers(o.MaxWorkers), vegeta.MaxBody(64<<10))
	st := &stageResult{name: name, rec: newRecorder(losses), p: p}
	var tokenErr atomic.Pointer[error]
	var stopping atomic.Bool
	tctx, tcancel := context.WithCancel(ctx)
	defer tcancel()

	st.began = time.Now()
	if r.started.IsZero() {
		r.started = st.began
	}
	// The duration goes to Vegeta too: a sender that falls behind stops at the
	// end of the run, not when it has caught up with every tick. The stage's
	// name is put on its results below rather than given to Vegeta, which
	// would send it as a header with every request.
	results := atk.Attack(r.targeter(tctx, &tokenErr), p, p.b.Duration, "")

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-ctx.Done():
			stopping.Store(true)
			atk.Stop()
			t := time.NewTimer(interruptGrace)
			defer t.Stop()
			select {
			case <-t.C:
				r.cancel()
			case <-done:
			}
		case <-done:
		}
	})
	if o.Progress != nil {
		wg.Go(func() {
			tick := time.NewTicker(o.ProgressEvery)
			defer tick.Stop()
			var prev uint64
			prevAt := st.began
			for {
				select {
				case <-done:
					return
				case now := <-tick.C:
					snap := r.snapshot(st, now)
					snap.Achieved = float64(snap.Success-prev) / now.Sub(prevAt).Seconds()
					prev, prevAt = snap.Success, now
					o.Progress(snap)
				}
			}
		})
	}
	for res := range results {
		r.workers.done()
		res.Attack = name
		d, _ := p.due(res.Seq)
		due := st.began.Add(d)
		st.rec.add(res, due, o.Shard, stopping.Load())
		r.tl.add(res, due)
		if w != nil {
			w.add(res)
		}
		if lost := st.rec.lostGate(); lost != "" && st.aborted == "" {
			st.aborted = lost
			atk.Stop()
		}
	}
	st.ended = time.Now()
	r.tl.stage(name, p, st.began, st.ended)
	close(done)
	wg.Wait()
	st.interrupted = ctx.Err() != nil
	if e := tokenErr.Load(); e != nil {
		st.tokenErr = *e
	}
	if o.Progress != nil {
		snap := r.snapshot(st, st.ended)
		snap.Achieved = st.throughput()
		snap.Done = true
		o.Progress(snap)
	}
	return st
}

func (rec *recorder) lostGate() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.lost
}

func (r *runner) snapshot(st *stageResult, now time.Time) Snapshot {
	rec := st.rec
	rec.mu.Lock()
	defer rec.mu.Unlock()
	elapsed := now.Sub(st.began)
	m := measures(rec.intended, float64(rec.lag.ValueAtQuantile(99))/1000, rec.sent, rec.success, 0, 0)
	gates, _ := Evaluate(r.o.Gates, m)
	return Snapshot{
		Stage: st.name, Elapsed: elapsed, Length: st.p.length(), Planned: st.p.total(),
		Sent: rec.sent, Success: rec.success, Offered: st.p.Rate(elapsed),
		P50:       time.Duration(rec.intended.ValueAtQuantile(50)) * time.Microsecond,
		P99:       time.Duration(rec.intended.ValueAtQuantile(99)) * time.Microsecond,
		Service99: time.Duration(rec.service.ValueAtQuantile(99)) * time.Microsecond,
		LagP99:    time.Duration(rec.lag.ValueAtQuantile(99)) * time.Microsecond,
		Status:    clone(rec.status), GLD: clone(rec.gld), Retries: r.retry.Stats(), Gates: gates,
		Workers: r.workers.busy(r.next.Load()), PeakWorkers: r.workers.peak.Load(), MaxWorkers: r.workers.max,
		WorkersCapped: r.workers.reached.Load() != 0,
	}
}

func clone(c loadfile.Counts) loadfile.Counts {
	out := make(loadfile.Counts, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// tokenCache keeps the "Bearer ..." header for a second, so the
// token source (which refreshes before expiry) is asked seldom, not once
// per request.
type tokenCache struct {
	src          target.Credentials
	systembruker string
	cur          atomic.Pointer[cachedToken]
	mu           sync.Mutex
}

type cachedToken struct {
	header []string // {"Bearer ..."}, shared by every request while it is current
	at     time.Time
}

// tokenRecheck is how often the token source is asked again; it is far
// below a Maskinporten token's 120 s, and the source itself refreshes
// before expiry.
const tokenRecheck = time.Second

// header returns the Authorization header's value; callers must not
// change it.
func (c *tokenCache) header(ctx context.Context) ([]string, error) {
	if t := c.cur.Load(); t != nil && time.Since(t.at) < tokenRecheck {
		return t.header, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.cur.Load(); t != nil && time.Since(t.at) < tokenRecheck {
		return t.header, nil
	}
	tok, err := c.src.Token(ctx, c.systembruker, contract.Scope)
	if err != nil {
		return nil, err
	}
	t := &cachedToken{header: []string{"Bearer " + tok}, at: time.Now()}
	c.cur.Store(t)
	return t.header, nil
}
