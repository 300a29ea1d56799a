package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/load"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

// EnvJobIndex is where a Kubernetes Indexed Job puts each pod's index.
const EnvJobIndex = "JOB_COMPLETION_INDEX"

// loadGCPercent is the GC target of a load run unless GOGC is set: every
// request makes a leveranse's worth of short-lived garbage.
const loadGCPercent = 400

// loadFlags are the flags `finprod load` and `finprod load capacity` share.
type loadFlags struct {
	target, profile string
	mockConfig      string
	oppgaver        int
	seed            uint64
	workers         uint64
	maxWorkers      uint64
	connections     int
	timeout         time.Duration
	retries         int
	retryBase       time.Duration
	retryCap        time.Duration
	slo             string
	abortOnFail     bool
	maxRate         float64
	out             string
	progress        string
	cpuprofile      string
}

func (f *loadFlags) register(cmd *cobra.Command, sloDefault string) {
	fl := cmd.Flags()
	fl.StringVar(&f.target, "target", "local", "local (the mock, in-process), tt02 (with --profile) or a profile file")
	fl.StringVar(&f.profile, "profile", "", "profile YAML for --target tt02 (default $"+EnvProfile+")")
	fl.StringVar(&f.mockConfig, "mock-config", "", "--target local: configure its mock with this finprod mock config file, e.g. faults to prove the retries (docs/mock.md)")
	fl.IntVar(&f.oppgaver, "oppgaver", load.DefaultOppgaver, "oppgaver per leveranse (the size of each request)")
	fl.Uint64Var(&f.seed, "seed", 0, "payload seed: leveranse k is made from (seed, k); default random, printed")
	fl.Uint64Var(&f.workers, "workers", load.DefaultWorkers, "Vegeta workers to start with")
	fl.Uint64Var(&f.maxWorkers, "max-workers", 0, fmt.Sprintf("at most this many workers, each sending one request at a time; once all are busy, requests wait (schedule lag) "+
		"instead of opening connections until the file descriptors run out (0: an eighth of the open-file limit, 16 to %d: %d here)",
		load.MaxWorkersCeiling, load.DefaultMaxWorkers()))
	fl.IntVar(&f.connections, "connections", 0, "at most this many connections to the target (0: two for each of --max-workers)")
	fl.DurationVar(&f.timeout, "timeout", load.DefaultTimeout, "timeout of one attempt; a timed-out attempt is retried")
	fl.IntVar(&f.retries, "retries", 3, "retries per leveranse (same key, same body) on a timeout, dropped connection, 429 or 5xx")
	fl.DurationVar(&f.retryBase, "retry-base", retry.DefaultBase, "backoff before the first retry (doubling, full jitter)")
	fl.DurationVar(&f.retryCap, "retry-cap", retry.DefaultCap, "longest backoff between retries")
	fl.StringVar(&f.slo, "slo", sloDefault, `SLO gates, e.g. "p99<800ms,p50<200ms,success>=99.9%,rate>=95%"; ":abort" after a gate stops the run once it is lost`)
	fl.BoolVar(&f.abortOnFail, "abort-on-fail", false, "stop the run as soon as any latency or success gate can no longer pass")
	fl.Float64Var(&f.maxRate, "max-rate", 0, fmt.Sprintf("raise a test environment's rate ceiling (default %g/s for TT02 and profiles; none locally)", target.DefaultTestRateCeiling))
	fl.StringVar(&f.out, "out", "out", "output folder; the run writes OUT/load/results.bin, latency.hdr, timeline.json and summary.json")
	fl.StringVar(&f.progress, "progress", "auto", "live view: auto (a panel on a terminal, a line every 5 s otherwise), panel, lines or none")
	fl.StringVar(&f.cpuprofile, "cpuprofile", "", "write a Go CPU profile of the run to this file (go tool pprof reads it)")
}

// startProfile starts the CPU profile when asked for; the returned function
// stops it.
func (f *loadFlags) startProfile() (func(), error) {
	if f.cpuprofile == "" {
		return func() {}, nil
	}
	file, err := os.Create(f.cpuprofile)
	if err != nil {
		return nil, usageErr("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(file); err != nil {
		_ = file.Close()
		return nil, usageErr("--cpuprofile: %v", err)
	}
	return func() { pprof.StopCPUProfile(); _ = file.Close() }, nil
}

// options checks the shared flags and makes the run's options (without
// target and schedule).
func (f *loadFlags) options(cmd *cobra.Command) (load.Options, error) {
	var errs []string
	if f.oppgaver < 1 {
		errs = append(errs, fmt.Sprintf("--oppgaver must be at least 1, got %d", f.oppgaver))
	}
	if f.timeout <= 0 {
		errs = append(errs, "--timeout must be positive")
	}
	if f.retries < 0 {
		errs = append(errs, "--retries must not be negative")
	}
	// The library reads zero as "the default"; on the command line a zero
	// or a negative value is the user's mistake, not a wish for a default.
	if f.retryBase <= 0 || f.retryCap <= 0 {
		errs = append(errs, "--retry-base and --retry-cap must be positive")
	}
	if f.workers < 1 {
		errs = append(errs, "--workers must be at least 1")
	}
	if f.connections < 0 {
		errs = append(errs, "--connections must not be negative (0: two for each of --max-workers)")
	}
	if f.maxRate < 0 {
		errs = append(errs, "--max-rate must not be negative")
	}
	if f.maxWorkers > 0 && f.maxWorkers < f.workers {
		errs = append(errs, fmt.Sprintf("--max-workers %d is below --workers %d", f.maxWorkers, f.workers))
	}
	switch f.progress {
	case "auto", "panel", "lines", "none":
	default:
		errs = append(errs, fmt.Sprintf("--progress %q: use auto, panel, lines or none", f.progress))
	}
	gates, err := load.ParseSLO(f.slo)
	if err != nil {
		errs = append(errs, "--slo: "+err.Error())
	}
	if len(errs) > 0 {
		return load.Options{}, usageErr("%s (see %s --help)", strings.Join(errs, "; "), cmd.CommandPath())
	}
	seed := f.seed
	if !cmd.Flags().Changed("seed") {
		seed = randomSeed()
	}
	return load.Options{
		Seed: seed, Oppgaver: f.oppgaver, Workers: f.workers, MaxWorkers: f.maxWorkers, Connections: f.connections,
		Timeout: f.timeout, Retry: retry.Policy{MaxRetries: f.retries, Base: f.retryBase, Cap: f.retryCap},
		Gates: gates, SLO: f.slo, AbortOnFail: f.abortOnFail, MaxRate: f.maxRate,
		Out: filepath.Join(f.out, "load"), Tool: toolVersion(),
	}, nil
}

// view starts the live view on stderr.
func (f *loadFlags) view(stderr io.Writer) (func(load.Snapshot), time.Duration, func()) {
	mode := f.progress
	if mode == "auto" {
		mode = "lines"
		if isTerminal(stderr) {
			mode = "panel"
		}
	}
	if mode == "none" {
		return nil, 0, func() {}
	}
	v := load.NewView(stderr, mode == "panel")
	return v.Update, v.Every(), v.Close
}

// open opens the target and checks the run against its policy (exit 2),
// then that it answers (exit 3). The local mock keeps no document bodies,
// so a long run does not grow its memory.
func (f *loadFlags) open(ctx context.Context, o *load.Options, check func(load.Options) error) (*target.Target, error) {
	c := targetChoice{Target: f.target, Profile: f.profile}
	if f.mockConfig != "" {
		if f.target != "local" {
			return nil, usageErr("--mock-config configures the mock of --target local; %s is not the local mock", f.target)
		}
		cfg, err := mock.LoadConfig(f.mockConfig)
		if err != nil {
			return nil, usageErr("--mock-config: %v", err)
		}
		c.Local = cfg
	}
	c.Local.API.DiscardDocuments = true
	tg, _, err := openTarget(ctx, c)
	if err != nil {
		return nil, err
	}
	o.Target = tg
	if err := check(*o); err != nil {
		_ = tg.Close()
		return nil, usageErr("%v", err)
	}
	if err := checkReachable(ctx, tg); err != nil {
		_ = tg.Close()
		return nil, err
	}
	return tg, nil
}

func randomSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:]) >> 1
}

func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return "finprod " + bi.Main.Version
	}
	return "finprod"
}

func newLoadCmd() *cobra.Command {
	var f loadFlags
	var (
		rate, rateTo, amplitude float64
		shape, steps, shard     string
		period, duration        time.Duration
		count                   uint64
	)
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Open-model load at the API: unique leveranser, honest latency, retries, SLO gates",
		Long: `Send load at the reporting API on a schedule (open model: requests are sent when they are due,
whatever the target does), with Vegeta as the engine. Every request carries a fresh synthetic
leveranse, made from (--seed, its sequence number) with --oppgaver oppgaver, a fresh
idempotencyKey and a cached Maskinporten token. A timeout, dropped connection, 429 or 5xx is
retried with the same key and body (bounded, backoff with jitter, Retry-After honoured).

Latency is measured from when each request was due (intended time, into an HDR histogram),
beside Vegeta's own service time; the schedule lag shows when the sender itself fell behind.
Vegeta adds a worker (with a connection of its own) whenever a request is due and all are busy;
--max-workers caps them (default an eighth of the open-file limit, at most 4096), so a target
that stalls makes requests wait, which the live view marks CAP REACHED and the schedule lag
measures, rather than opening connections until the file descriptors run out.
At the end every leveranse sent is accounted for (accepted once, or given up with a reason), and
against the local mock its store is checked: no leveranse stored twice, none lost. To prove the
retries, give the local mock faults with --mock-config (a finprod mock config file, docs/mock.md):
dropped answers after commit, 500s, resets, empty responses, malformed chunks, trickling bodies.

Shapes (--shape, or implied by the flags given):
  constant  --rate N
  linear    --rate N --rate-to M     ramps over --duration, then holds
  steps     --steps 50@10s,100@10s   rate@duration, one after the other
  sine      --rate N --amplitude A --period 1m
A run needs an end: --duration, --count (requests over all shards), or --steps.

Outputs under --out (default out/): load/results.bin (vegeta report reads it), load/latency.hdr
(HdrHistogram log), load/timeline.json (the run second by second, finprod.load.timeline/v1) and
load/summary.json (format finprod.load.summary/v1, see docs/load.md); finprod report draws them.

Safety: production hosts are refused; a test environment (tt02, a profile) has a ceiling of
` + strconv.FormatFloat(target.DefaultTestRateCeiling, 'g', -1, 64) + `/s that only --max-rate raises; only synthetic identities are sent.

Examples:
  finprod load --rate 200 --duration 30s --slo 'p99<500ms,success>=99%'
  finprod load --rate 50 --rate-to 500 --duration 1m --oppgaver 10
  finprod load --steps 100@10s,200@10s,400@10s --slo 'p99<800ms:abort'
  finprod load --target tt02 --profile profiles/tt02.yaml --rate 2 --duration 5m
  finprod load --shard 0/4 --seed 7 --rate 1000 --duration 1m --out out/shard-0
  finprod load --mock-config faults.yaml --count 100000 --rate 1000 --retries 10 --slo 'success>=100%'
  vegeta report out/load/results.bin

Exit codes: 0 every gate passed, 1 a check failed (a leveranse duplicated or lost, nothing sent),
2 bad usage, 3 target or credentials unreachable, 4 an SLO gate failed, 130 interrupted (the
outputs are written all the same).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(cmd)
			if err != nil {
				return err
			}
			fl := cmd.Flags()
			sched, err := loadShape(shape, fl.Changed("shape"), rate, rateTo, fl.Changed("rate-to"), steps, amplitude, fl.Changed("amplitude"), period, duration)
			if err != nil {
				return err
			}
			o.Schedule, o.Bounds = sched, load.Bounds{Duration: duration, Count: count}
			if _, isSteps := sched.(load.Steps); !isSteps && duration <= 0 && count == 0 {
				return usageErr("an unbounded run is refused: give --duration (e.g. 30s) or --count (e.g. 10000)")
			}
			if duration < 0 {
				return usageErr("--duration must be positive, got %s", duration)
			}
			if shard != "" {
				if o.Shard, err = parseShard(shard, os.Getenv); err != nil {
					return err
				}
				if !fl.Changed("seed") {
					return usageErr("--shard needs --seed: the shards of one run share the seed, so no two send the same leveranse")
				}
			}
			return runLoad(cmd, f, o)
		},
	}
	f.register(cmd, "")
	fl := cmd.Flags()
	fl.StringVar(&shape, "shape", "constant", "load shape: constant, linear, steps or sine")
	fl.Float64Var(&rate, "rate", 100, "leveranser per second (constant), the start of a ramp, the mean of a sine")
	fl.Float64Var(&rateTo, "rate-to", 0, "linear: the rate at the end of --duration")
	fl.StringVar(&steps, "steps", "", "steps: rate@duration,... e.g. 50@10s,100@10s,200@20s")
	fl.Float64Var(&amplitude, "amplitude", 0, "sine: swing around --rate, at most --rate")
	fl.DurationVar(&period, "period", time.Minute, "sine: one full swing")
	fl.DurationVar(&duration, "duration", 0, "run this long")
	fl.Uint64Var(&count, "count", 0, "send this many leveranser (over all shards), at most")
	fl.StringVar(&shard, "shard", "", "i/n: be shard i of n (rate and sequence split; auto/n takes i from $"+EnvJobIndex+")")
	cmd.AddCommand(newLoadCapacityCmd(), newLoadMergeCmd())
	return cmd
}

// loadShape makes the schedule from the shape flags.
func loadShape(shape string, shapeSet bool, rate, rateTo float64, rateToSet bool, steps string, amplitude float64, ampSet bool, period, duration time.Duration) (load.Schedule, error) {
	if !shapeSet {
		switch {
		case steps != "":
			shape = "steps"
		case rateToSet:
			shape = "linear"
		case ampSet:
			shape = "sine"
		}
	}
	if rate <= 0 && shape != "steps" {
		return nil, usageErr("--rate must be positive, got %g", rate)
	}
	switch shape {
	case "constant":
		return load.Constant{PerSecond: rate}, nil
	case "linear":
		if rateTo <= 0 {
			return nil, usageErr("--shape linear needs --rate-to, the rate at the end of the ramp")
		}
		if duration <= 0 {
			return nil, usageErr("--shape linear ramps over --duration: give it")
		}
		return load.Linear{From: rate, To: rateTo, Over: duration}, nil
	case "steps":
		s, err := load.ParseSteps(steps)
		if err != nil {
			return nil, usageErr("--steps: %v", err)
		}
		return s, nil
	case "sine":
		if amplitude <= 0 || amplitude > rate {
			return nil, usageErr("--shape sine needs --amplitude between 0 and --rate (%g), got %g", rate, amplitude)
		}
		if period <= 0 {
			return nil, usageErr("--period must be positive")
		}
		return load.Sine{Mean: rate, Amplitude: amplitude, Period: period}, nil
	}
	return nil, usageErr("--shape %q: use constant, linear, steps or sine", shape)
}

// parseShard reads i/n, or auto/n with i from the Job's index.
func parseShard(v string, getenv func(string) string) (load.Shard, error) {
	i, n, ok := strings.Cut(v, "/")
	if !ok {
		return load.Shard{}, usageErr("--shard %q: want i/n, e.g. 0/4, or auto/4 in a Kubernetes Indexed Job", v)
	}
	if i == "auto" {
		i = getenv(EnvJobIndex)
		if i == "" {
			return load.Shard{}, usageErr("--shard auto/%s takes the index from $%s, which is not set (it is set in a Kubernetes Indexed Job)", n, EnvJobIndex)
		}
	}
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	if err1 != nil || err2 != nil {
		return load.Shard{}, usageErr("--shard %q: index and count must be whole numbers, e.g. 0/4", v)
	}
	s := load.Shard{Index: idx, Count: cnt}
	if err := s.Validate(); err != nil {
		return load.Shard{}, usageErr("--shard: %v", err)
	}
	return s, nil
}

func runLoad(cmd *cobra.Command, f loadFlags, o load.Options) error {
	done, err := f.start(cmd, &o, load.Options.Validate)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "finprod load: %s against %s, seed %d, outputs in %s\n", o.Schedule.Name(), o.Target.Name, o.Seed, o.Out)
	s, err := load.Run(cmd.Context(), o)
	done()
	return finishLoad(cmd, s, err, o.Out)
}

// start opens the target into o (checking o against its policy with
// check), the live view, the GC target and the CPU profile; done undoes
// them.
func (f *loadFlags) start(cmd *cobra.Command, o *load.Options, check func(load.Options) error) (done func(), err error) {
	// A folder that cannot hold the outputs is a mistake to name before
	// a mock starts or a target is asked for a token.
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, usageErr("output folder %s: %v", o.Out, err)
	}
	tg, err := f.open(cmd.Context(), o, check)
	if err != nil {
		return nil, err
	}
	stop, err := f.startProfile()
	if err != nil {
		_ = tg.Close()
		return nil, err
	}
	raiseGCTarget(loadGCPercent)
	update, every, closeView := f.view(cmd.ErrOrStderr())
	o.Progress, o.ProgressEvery = update, every
	return func() {
		stop()
		closeView()
		_ = tg.Close()
	}, nil
}

// finishLoad prints the report and turns the outcome into an exit code.
func finishLoad(cmd *cobra.Command, s *loadfile.Summary, err error, out string) error {
	if s == nil {
		return loadErr(err)
	}
	_ = load.WriteReport(cmd.OutOrStdout(), s)
	if s.Capacity != nil {
		fmt.Fprintln(cmd.OutOrStdout(), "\n"+s.Capacity.Sentence)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "\nresults: %s (vegeta report %s)\n", out, filepath.Join(out, loadfile.ResultsFile))
	switch {
	case errors.Is(err, load.ErrInterrupted):
		return interruptedErr("interrupted: the outputs in %s cover the %d leveranser sent until then", out, s.Requests.Sent)
	case err != nil:
		return loadErr(err)
	case s.Requests.Sent == 0:
		return failedErr("the run sent no leveranse: nothing was measured")
	case !s.Reconciliation.OK:
		return failedErr("the reconciliation failed: leveranser were duplicated, lost or not accounted for (see %s)", filepath.Join(out, loadfile.SummaryFile))
	case !s.GatesPassed:
		var failed []string
		for _, g := range s.Gates {
			if !g.Pass {
				failed = append(failed, g.Gate)
			}
		}
		if s.Capacity != nil {
			return sloErr("no stage met the SLO")
		}
		return sloErr("SLO gates failed: %s", strings.Join(failed, ", "))
	}
	return nil
}

func loadErr(err error) error {
	if errors.Is(err, load.ErrInterrupted) {
		return interruptedErr("%v", err)
	}
	var ue *load.UnreachableError
	if errors.As(err, &ue) {
		return unreachableErr("%v", err)
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return usageErr("%v", err)
}

func newLoadCapacityCmd() *cobra.Command {
	var f loadFlags
	var (
		start     float64
		stage     time.Duration
		precision float64
		maxStages int
		volume    int64
		deadline  string
		window    string
	)
	cmd := &cobra.Command{
		Use:   "capacity",
		Short: "Find the highest rate that meets the SLO, and whether a volume fits a deadline",
		Long: `Step the rate up (doubling from --start) in short stages until one fails the SLO, then bisect
between the last rate that passed and the first that failed. A stage passes when every gate holds
over it; it stops as soon as a gate is lost. Latency counts from when each request was due, so a
stage the target (or the sender) could not keep up with fails its latency gates.

With --volume (oppgaver) and --deadline (a duration such as 72h, or a time such as
2027-01-31T23:59:00+01:00) or --window FROM/TO, it answers the deadline question in one sentence:
how long delivery takes at the rate found, with what headroom, and whether it fits.

The search stops at --max-rate: locally ` + strconv.Itoa(load.DefaultLocalMaxRate) + `/s unless given; a test environment's ceiling
otherwise (` + strconv.FormatFloat(target.DefaultTestRateCeiling, 'g', -1, 64) + `/s unless --max-rate raises it).

Examples:
  finprod load capacity --volume 5000000 --deadline 72h
  finprod load capacity --slo 'p99<100ms,success>=99.9%' --oppgaver 100 --volume 5000000 --window 2027-01-20T00:00:00Z/2027-01-31T23:59:00Z
  finprod load capacity --target tt02 --profile profiles/tt02.yaml --start 1 --max-rate 20 --stage 30s

Exit codes: 0 a rate was found, 1 a check failed, 2 bad usage, 3 target unreachable, 4 no stage
met the SLO, 130 interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := f.options(cmd)
			if err != nil {
				return err
			}
			dl, err := parseDeadline(deadline, window, time.Now())
			if err != nil {
				return err
			}
			if volume < 0 {
				return usageErr("--volume must not be negative, got %d", volume)
			}
			if (volume > 0) != (dl > 0) {
				return usageErr("the deadline question needs both --volume and --deadline (or --window)")
			}
			switch {
			case start <= 0:
				return usageErr("--start must be positive, got %g", start)
			case stage <= 0:
				return usageErr("--stage must be positive, got %s", stage)
			case precision <= 0:
				return usageErr("--precision must be positive, got %g (e.g. 0.1: stop within 10%%)", precision)
			case maxStages < 1:
				return usageErr("--max-stages must be at least 1, got %d", maxStages)
			}
			// The search checks its own rates against the ceiling.
			done, err := f.start(cmd, &o, func(load.Options) error { return nil })
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "finprod load capacity: against %s, SLO %s, stages of %s, seed %d\n", o.Target.Name, o.SLO, stage, o.Seed)
			s, err := load.FindCapacity(cmd.Context(), load.CapacityOptions{
				Options: o, Start: start, Max: o.MaxRate, Stage: stage, Precision: precision, MaxStages: maxStages,
				Volume: volume, Deadline: dl,
			})
			done()
			if err != nil && s == nil {
				return usageErr("%v", err)
			}
			return finishLoad(cmd, s, err, o.Out)
		},
	}
	f.register(cmd, load.DefaultCapacitySLO)
	fl := cmd.Flags()
	fl.Float64Var(&start, "start", load.DefaultStartRate, "the first stage's rate")
	fl.DurationVar(&stage, "stage", load.DefaultStageDuration, "each stage's length")
	fl.Float64Var(&precision, "precision", load.DefaultPrecision, "stop when the failing rate is within this share above the passing one")
	fl.IntVar(&maxStages, "max-stages", load.DefaultMaxStages, "at most this many stages")
	fl.Int64Var(&volume, "volume", 0, "oppgaver to deliver (for the deadline question)")
	fl.StringVar(&deadline, "deadline", "", "time left to deliver --volume: a duration (72h) or a time (RFC 3339)")
	fl.StringVar(&window, "window", "", "the delivery window FROM/TO (RFC 3339 times), instead of --deadline")
	return cmd
}

// parseDeadline reads --deadline (duration or time) or --window.
func parseDeadline(deadline, window string, now time.Time) (time.Duration, error) {
	if deadline != "" && window != "" {
		return 0, usageErr("give --deadline or --window, not both")
	}
	if window != "" {
		from, to, ok := strings.Cut(window, "/")
		f, err1 := time.Parse(time.RFC3339, from)
		t, err2 := time.Parse(time.RFC3339, to)
		if !ok || err1 != nil || err2 != nil {
			return 0, usageErr("--window %q: want FROM/TO as RFC 3339 times, e.g. 2027-01-20T00:00:00Z/2027-01-31T23:59:00Z", window)
		}
		if !t.After(f) {
			return 0, usageErr("--window %q ends before it starts", window)
		}
		return t.Sub(f), nil
	}
	if deadline == "" {
		return 0, nil
	}
	if d, err := time.ParseDuration(deadline); err == nil {
		if d <= 0 {
			return 0, usageErr("--deadline %s must be positive", deadline)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, deadline)
	if err != nil {
		return 0, usageErr("--deadline %q: want a duration such as 72h or a time such as 2027-01-31T23:59:00+01:00", deadline)
	}
	if !t.After(now) {
		return 0, usageErr("--deadline %s has passed", deadline)
	}
	return t.Sub(now), nil
}

func newLoadMergeCmd() *cobra.Command {
	var out, slo string
	cmd := &cobra.Command{
		Use:   "merge DIR...",
		Short: "Merge the outputs of shards into one result, and gate it once",
		Long: `Combine the outputs of the shards of one run (finprod load --shard i/n) exactly: the HDR
histograms bucket by bucket, the counts added, the results sorted by time into one results.bin.
The SLO gates (the shards' own, or --slo) are evaluated once, over the merged set. Each DIR is a
shard's --out folder (or its load/ folder); every shard of the run must be there, once.

Examples:
  finprod load merge out/shard-0 out/shard-1 out/shard-2 out/shard-3
  finprod load merge --slo 'p99<800ms,success>=99.9%' --out out/merged results/shard-*

Exit codes: 0 every gate passed, 1 the reconciliation failed, 2 bad usage or shard folders,
4 an SLO gate failed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var gates []load.Gate
			if cmd.Flags().Changed("slo") {
				var err error
				if gates, err = load.ParseSLO(slo); err != nil {
					return usageErr("--slo: %v", err)
				}
				if gates == nil {
					gates = []load.Gate{}
				}
			}
			dirs := make([]string, len(args))
			for i, a := range args {
				dirs[i] = a
				if _, err := os.Stat(filepath.Join(a, "load", loadfile.SummaryFile)); err == nil {
					dirs[i] = filepath.Join(a, "load")
				}
			}
			dest := filepath.Join(out, "load")
			s, err := load.Merge(load.MergeOptions{Dirs: dirs, Out: dest, Gates: gates, SLO: slo, Tool: toolVersion()})
			if err != nil {
				return usageErr("merge: %v", err)
			}
			return finishLoad(cmd, s, nil, dest)
		},
	}
	cmd.Flags().StringVar(&out, "out", "out", "output folder; the merge writes OUT/load/results.bin, latency.hdr, timeline.json and summary.json")
	cmd.Flags().StringVar(&slo, "slo", "", "gates to evaluate instead of the shards' own")
	return cmd
}
