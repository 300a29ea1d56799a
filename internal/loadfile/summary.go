package loadfile

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/finprod/finprod/internal/versioned"
)

// SummaryFormat names the version of summary.json. A reader must refuse a
// format it does not know; a change that removes or redefines a field gets
// a new version, a new optional field does not.
const SummaryFormat = "finprod.load.summary/v1"

// Files a run writes under its output folder (`--out`, default out/), in
// the sub-folder load/.
const (
	ResultsFile = "results.bin"  // Vegeta's gob result encoding; `vegeta report` reads it
	LatencyFile = "latency.hdr"  // HdrHistogram log (V2 compressed), tags intended, service, lag
	SummaryFile = "summary.json" // Summary, this file's types
	// TimelineFile is the run second by second (Timeline, timeline.go).
	TimelineFile = "timeline.json"
)

// Summary kinds.
const (
	KindRun      = "run"      // one `finprod load` run (or one shard of one)
	KindMerge    = "merge"    // `finprod load merge`: shards combined
	KindCapacity = "capacity" // `finprod load capacity`: a stepped search
)

// Summary is summary.json: everything a report needs about one load run,
// without reading results.bin. Durations are milliseconds (float) and
// rates are per second, so the file reads the same in any language.
type Summary struct {
	Format string `json:"format"`
	Kind   string `json:"kind"`
	// Tool is the finprod build that wrote the file.
	Tool string `json:"tool"`
	// Target names the environment and its API URL.
	Target TargetInfo `json:"target"`
	// Parameters are the run's inputs as given (after defaults).
	Parameters Parameters `json:"parameters"`

	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended"`
	// ElapsedMs is from the first scheduled request to the last answer.
	ElapsedMs float64 `json:"elapsedMs"`
	// Interrupted is true when the run was stopped by SIGINT/SIGTERM;
	// Aborted names the gate that stopped it early (abort-on-fail).
	Interrupted bool   `json:"interrupted"`
	Aborted     string `json:"aborted,omitempty"`

	Requests Requests `json:"requests"`
	Rate     Rate     `json:"rate"`
	// Latency: Intended counts from when each request was due by the
	// schedule (honest, corrects coordinated omission); Service from when
	// a worker sent it (Vegeta's figure). ScheduleLag is how late the sender
	// sent each request against its own schedule.
	Latency     Latency   `json:"latency"`
	ScheduleLag Quantiles `json:"scheduleLag"`
	// Workers: the cap, the peak and whether the cap was reached (which is
	// when schedule lag appears). Absent in summaries from before v1 had it.
	Workers    *WorkerStats `json:"workers,omitempty"`
	Bottleneck string       `json:"bottleneck,omitempty"`
	Status     Counts       `json:"status"`
	GLD        Counts       `json:"gld"`
	Errors     Counts       `json:"errors"`
	Retries    RetryStats   `json:"retries"`

	Reconciliation Reconciliation `json:"reconciliation"`
	Gates          []GateResult   `json:"gates"`
	// GatesPassed is true when every gate passed (and when there are none).
	GatesPassed bool `json:"gatesPassed"`

	// Capacity is set for kind capacity.
	Capacity *Capacity `json:"capacity,omitempty"`
	// Shards lists the merged shards' folders and indexes (kind merge).
	Shards []ShardInfo `json:"shards,omitempty"`
	// Files are the other outputs, relative to summary.json's folder.
	Files Files `json:"files"`
}

// TargetInfo identifies the environment.
type TargetInfo struct {
	Name string `json:"name"`
	API  string `json:"api"`
}

// Parameters are a run's inputs.
type Parameters struct {
	// Profile is constant, linear, steps or sine; Rate its (start) rate.
	Profile string  `json:"profile"`
	Rate    float64 `json:"rate"`
	// RateTo ends a linear ramp; Steps is "rate@duration,..." for steps;
	// Amplitude and PeriodMs shape a sine.
	RateTo     float64 `json:"rateTo,omitempty"`
	Steps      string  `json:"steps,omitempty"`
	Amplitude  float64 `json:"amplitude,omitempty"`
	PeriodMs   float64 `json:"periodMs,omitempty"`
	DurationMs float64 `json:"durationMs,omitempty"`
	// Count bounds the run by requests instead of (or besides) duration.
	Count uint64 `json:"count,omitempty"`
	// Seed and Oppgaver make the payloads: leveranse k is generated from
	// (Seed, k) with Oppgaver oppgaver.
	Seed        uint64 `json:"seed"`
	Oppgaver    int    `json:"oppgaver"`
	Inntektsaar int    `json:"inntektsaar"`
	// Oppgavegiver the leveranser report for.
	Oppgavegiver string          `json:"oppgavegiver"`
	Workers      uint64          `json:"workers"`
	MaxWorkers   uint64          `json:"maxWorkers"`
	Connections  int             `json:"connections"`
	TimeoutMs    float64         `json:"timeoutMs"`
	Retry        RetryParameters `json:"retry"`
	Shard        ShardInfo       `json:"shard"`
	// SLO is the gate expression as given, e.g. "p99<800ms,success>=99.9%".
	SLO         string  `json:"slo,omitempty"`
	AbortOnFail bool    `json:"abortOnFail,omitempty"`
	MaxRate     float64 `json:"maxRate,omitempty"`
}

// RetryParameters are the retry policy in force.
type RetryParameters struct {
	MaxRetries int     `json:"maxRetries"`
	BaseMs     float64 `json:"baseMs"`
	CapMs      float64 `json:"capMs"`
}

// ShardInfo is one shard: Index in 0..Count-1. A run that is not sharded
// is shard 0 of 1. Dir is set in a merge's list of shards.
type ShardInfo struct {
	Index int    `json:"index"`
	Count int    `json:"count"`
	Dir   string `json:"dir,omitempty"`
}

// Requests counts leveranser sent and how they ended.
type Requests struct {
	// Planned: requests the schedule had due within the run's bounds;
	// Sent: requests the pacer issued (one leveranse each). Fewer sent
	// than planned means the sender fell behind (or the run was stopped).
	Planned uint64 `json:"planned"`
	Sent    uint64 `json:"sent"`
	// Success: answered 2xx; SuccessRatio = Success/Sent (0 when none sent).
	Success      uint64  `json:"success"`
	SuccessRatio float64 `json:"successRatio"`
	BytesOut     uint64  `json:"bytesOut"`
	BytesIn      uint64  `json:"bytesIn"`
}

// Rate compares what the schedule offered with what was sent and answered.
type Rate struct {
	// Offered is the schedule's mean rate over the run (requests/s).
	Offered float64 `json:"offered"`
	// Sent is requests sent per second; Throughput successful answers per
	// second. Achieved = Throughput/Offered.
	Sent       float64 `json:"sent"`
	Throughput float64 `json:"throughput"`
	Achieved   float64 `json:"achieved"`
}

// Latency holds both views of latency.
type Latency struct {
	Intended Quantiles `json:"intended"`
	Service  Quantiles `json:"service"`
}

// Quantiles of one histogram, in milliseconds.
type Quantiles struct {
	Count  int64   `json:"count"`
	MeanMs float64 `json:"meanMs"`
	P50Ms  float64 `json:"p50Ms"`
	P90Ms  float64 `json:"p90Ms"`
	P95Ms  float64 `json:"p95Ms"`
	P99Ms  float64 `json:"p99Ms"`
	P999Ms float64 `json:"p999Ms"`
	MaxMs  float64 `json:"maxMs"`
}

// WorkerStats are a run's workers (summary.json's `workers`).
type WorkerStats struct {
	// Max is the cap: --max-workers, or load.DefaultMaxWorkers.
	Max uint64 `json:"max"`
	// Peak is the most workers busy at once (a worker is busy from building
	// its request until its result is recorded).
	Peak uint64 `json:"peak"`
	// CapReached: at some moment every one of Max workers was busy, so a
	// request due then waited for one to be free, which shows as schedule
	// lag. CapReachedAtMs is when that first happened, from the run's start.
	CapReached     bool    `json:"capReached"`
	CapReachedAtMs float64 `json:"capReachedAtMs,omitempty"`
}

// Counts maps a key (an HTTP status, a GLD code, an error kind) to a count.
type Counts map[string]uint64

// RetryStats are the retrying transport's counts over the run.
type RetryStats struct {
	// FirstTry: requests answered 2xx on the first attempt; Recovered:
	// 2xx after one or more retries; Attempts: retries made in all; GaveUp:
	// requests that ran out of retries; Conflicts: 409 answers (GLD_019:
	// a key reused with another body, which a correct client never sees).
	FirstTry  uint64 `json:"firstTry"`
	Recovered uint64 `json:"recovered"`
	Attempts  uint64 `json:"attempts"`
	GaveUp    uint64 `json:"gaveUp"`
	Conflicts uint64 `json:"conflicts"`
	// Reasons counts retries by cause: timeout, connection, 429, 5xx codes.
	Reasons Counts `json:"reasons"`
}

// Reconciliation accounts for every leveranse the run sent.
type Reconciliation struct {
	Sent     uint64 `json:"sent"`
	Accepted uint64 `json:"accepted"`
	// GaveUp: retriable failures that ran out of retries, by reason;
	// Refused: answers that are not retried (4xx other than 429).
	GaveUp      uint64 `json:"gaveUp"`
	Refused     uint64 `json:"refused"`
	Reasons     Counts `json:"reasons"`
	Unaccounted uint64 `json:"unaccounted"`
	// Store is the target's own count, when it has controls (the mock).
	Store *StoreCheck `json:"store,omitempty"`
	// OK: Sent = Accepted + GaveUp + Refused, and the store (when
	// checked) holds each accepted leveranse exactly once.
	OK bool `json:"ok"`
}

// StoreCheck compares the target's stored forsendelser with the run.
type StoreCheck struct {
	// Forsendelser of this run in the store; Distinct leveranser among
	// them (by oppgavegiversLeveranseReferanse).
	Forsendelser uint64 `json:"forsendelser"`
	Distinct     uint64 `json:"distinct"`
	// Duplicated: leveranser stored more than once; Lost: accepted but not
	// stored; StoredNotAccepted: stored although the run gave up on them
	// (the answer was lost on the way back), which is not an error.
	Duplicated        uint64 `json:"duplicated"`
	Lost              uint64 `json:"lost"`
	StoredNotAccepted uint64 `json:"storedNotAccepted"`
}

// GateResult is one SLO gate evaluated over the complete result set.
type GateResult struct {
	Gate      string  `json:"gate"`
	Metric    string  `json:"metric"`
	Op        string  `json:"op"`
	Threshold float64 `json:"threshold"`
	Actual    float64 `json:"actual"`
	// Unit of Threshold and Actual: ms, ratio or /s.
	Unit string `json:"unit"`
	Pass bool   `json:"pass"`
}

// Capacity is the result of a capacity search and the deadline answer.
type Capacity struct {
	// Rate is the highest rate (leveranser/s) whose stage met every gate;
	// 0 when none did.
	Rate   float64 `json:"rate"`
	Stages []Stage `json:"stages"`
	// Deadline is set when --volume was given.
	Deadline *DeadlineAnswer `json:"deadline,omitempty"`
	Sentence string          `json:"sentence"`
}

// Stage is one step of the search.
type Stage struct {
	Rate       float64 `json:"rate"`
	DurationMs float64 `json:"durationMs"`
	// Planned by the stage's schedule, and sent: a stage that sent less
	// than 90 % of its schedule fails, whatever its gates say.
	Planned    uint64       `json:"planned"`
	Sent       uint64       `json:"sent"`
	Success    uint64       `json:"success"`
	Throughput float64      `json:"throughput"`
	P50Ms      float64      `json:"p50Ms"`
	P99Ms      float64      `json:"p99Ms"`
	LagP99Ms   float64      `json:"lagP99Ms"`
	Gates      []GateResult `json:"gates"`
	Pass       bool         `json:"pass"`
}

// DeadlineAnswer says whether a volume fits a deadline at the found rate.
type DeadlineAnswer struct {
	Volume               int64   `json:"volume"`
	OppgaverPerLeveranse int     `json:"oppgaverPerLeveranse"`
	Leveranser           int64   `json:"leveranser"`
	DeadlineMs           float64 `json:"deadlineMs"`
	NeededMs             float64 `json:"neededMs"`
	RequiredRate         float64 `json:"requiredRate"`
	// Headroom = found rate / required rate; Fits when it is at least 1.
	Headroom float64 `json:"headroom"`
	Fits     bool    `json:"fits"`
}

// Files names the other outputs. Timeline is absent in the summaries of
// runs before timeline.json existed.
type Files struct {
	Results  string `json:"results,omitempty"`
	Latency  string `json:"latency,omitempty"`
	Timeline string `json:"timeline,omitempty"`
}

// ReadSummary reads summary.json and refuses another format.
func ReadSummary(path string) (*Summary, error) {
	var s Summary
	if _, err := versioned.Read(path, SummaryFormat, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ParseSummary is ReadSummary of a file already read: b, named name.
func ParseSummary(name string, b []byte) (*Summary, error) {
	var s Summary
	if err := versioned.Decode(name, b, SummaryFormat, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// WriteSummary writes s as summary.json is written: indented by two
// spaces, a newline at the end.
func WriteSummary(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// ShardNote says which part of a sharded run the summary covers, for
// people: "shard 1/4" for one shard (numbered as --shard i/n gives it),
// "shards 0–3 of 4 merged" for a merge of them, and "" for a run that was
// not sharded. A merge's parameters.shard is the split ({0, n}), not a
// shard: its shards are the list Shards.
func (s *Summary) ShardNote() string {
	n := s.Parameters.Shard.Count
	switch {
	case n <= 1:
		return ""
	case s.Kind != KindMerge:
		return fmt.Sprintf("shard %d/%d", s.Parameters.Shard.Index, n)
	case len(s.Shards) == 0:
		return fmt.Sprintf("%d shards merged", n)
	}
	idx := make([]int, len(s.Shards))
	for i, sh := range s.Shards {
		idx[i] = sh.Index
	}
	slices.Sort(idx)
	if slices.Equal(idx, seq(n)) {
		return fmt.Sprintf("shards 0–%d of %d merged", n-1, n)
	}
	parts := make([]string, len(idx))
	for i, x := range idx {
		parts[i] = strconv.Itoa(x)
	}
	return fmt.Sprintf("shards %s of %d merged", strings.Join(parts, ", "), n)
}

// seq is 0, 1, …, n-1.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
