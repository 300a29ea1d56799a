package load

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/loadfile"
)

// MergeOptions are one merge of shard outputs.
type MergeOptions struct {
	// Dirs are the shards' output folders (each holding summary.json,
	// latency.hdr and results.bin).
	Dirs []string
	// Out is the folder for the merged outputs.
	Out string
	// Gates override the shards' own SLO when set; SLO is their text.
	Gates []Gate
	SLO   string
	Tool  string
}

// Merge combines shard outputs exactly: histograms merge bucket by bucket,
// counts add up, timelines add up second by wall-clock second, results are
// sorted by time into one results.bin, and the gates are evaluated once
// over the merged set. Every shard of the run must be there, once. Merging
// holds all results in memory (about 200 bytes each).
func Merge(o MergeOptions) (*loadfile.Summary, error) {
	if len(o.Dirs) == 0 {
		return nil, errors.New("nothing to merge: give the shards' output folders")
	}
	var sums []*loadfile.Summary
	for _, d := range o.Dirs {
		s, err := loadfile.ReadSummary(filepath.Join(d, loadfile.SummaryFile))
		if err != nil {
			return nil, fmt.Errorf("shard folder %s: %w", d, err)
		}
		if s.Kind != loadfile.KindRun {
			return nil, fmt.Errorf("shard folder %s holds a %s summary; merge takes the outputs of `finprod load --shard i/n`", d, s.Kind)
		}
		sums = append(sums, s)
	}
	if err := checkShards(o.Dirs, sums); err != nil {
		return nil, err
	}
	hist := map[string]*hdrhistogram.Histogram{loadfile.TagIntended: loadfile.NewHistogram(loadfile.TagIntended), loadfile.TagService: loadfile.NewHistogram(loadfile.TagService), loadfile.TagLag: loadfile.NewHistogram(loadfile.TagLag)}
	var results []vegeta.Result
	for _, d := range o.Dirs {
		hs, err := loadfile.ReadHistograms(filepath.Join(d, loadfile.LatencyFile))
		if err != nil {
			return nil, err
		}
		for tag, h := range hs {
			if m := hist[tag]; m != nil {
				m.Merge(h)
			}
		}
		if err := readResults(filepath.Join(d, loadfile.ResultsFile), func(r *vegeta.Result) error {
			results = append(results, *r)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	sortResults(results)
	tl, err := mergedTimeline(o.Dirs, sums)
	if err != nil {
		return nil, err
	}

	m := mergeSummaries(sums, o.Dirs, hist)
	m.Tool = o.Tool
	gates, slo := o.Gates, o.SLO
	if gates == nil {
		slo = sums[0].Parameters.SLO
		if gates, err = ParseSLO(slo); err != nil {
			return nil, fmt.Errorf("the shards' SLO %q: %w", slo, err)
		}
	}
	m.Parameters.SLO = slo
	m.Gates, m.GatesPassed = Evaluate(gates, measures(hist[loadfile.TagIntended], float64(hist[loadfile.TagLag].ValueAtQuantile(99))/1000,
		m.Requests.Sent, m.Requests.Success, m.Rate.Throughput, m.Rate.Offered))
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	err = writeOutputs(o.Out, m, []*hdrhistogram.Histogram{hist[loadfile.TagIntended], hist[loadfile.TagService], hist[loadfile.TagLag]}, func(w io.Writer) error {
		enc := vegeta.NewEncoder(w)
		for i := range results {
			if err := enc.Encode(&results[i]); err != nil {
				return err
			}
		}
		return nil
	}, tl)
	return m, err
}

// mergedTimeline merges the shards' timelines; nil when a shard has none
// (written before timeline.json existed): half a timeline would mislead.
func mergedTimeline(dirs []string, sums []*loadfile.Summary) (*loadfile.Timeline, error) {
	var ts []*loadfile.Timeline
	for i, d := range dirs {
		if sums[i].Files.Timeline == "" {
			return nil, nil
		}
		t, err := loadfile.ReadTimeline(filepath.Join(d, filepath.Base(sums[i].Files.Timeline)))
		if err != nil {
			return nil, fmt.Errorf("shard folder %s: %w", d, err)
		}
		ts = append(ts, t)
	}
	tl, err := mergeTimelines(ts)
	if err != nil {
		return nil, fmt.Errorf("merge the shards' timelines: %w", err)
	}
	return tl, nil
}

// checkShards insists on one complete sharded run: the same seed and
// shard count everywhere, each index once.
func checkShards(dirs []string, sums []*loadfile.Summary) error {
	n := sums[0].Parameters.Shard.Count
	seen := make([]string, n)
	for i, s := range sums {
		p := s.Parameters
		if p.Shard.Count != n {
			return fmt.Errorf("%s is shard %d/%d, but %s is one of %d shards: merge the shards of one run", dirs[i], p.Shard.Index, p.Shard.Count, dirs[0], n)
		}
		if p.Seed != sums[0].Parameters.Seed {
			return fmt.Errorf("%s has seed %d, %s seed %d: shards of one run share the seed", dirs[i], p.Seed, dirs[0], sums[0].Parameters.Seed)
		}
		if p.Shard.Index < 0 || p.Shard.Index >= n {
			return fmt.Errorf("%s: shard index %d is outside 0..%d", dirs[i], p.Shard.Index, n-1)
		}
		if prev := seen[p.Shard.Index]; prev != "" {
			return fmt.Errorf("%s and %s are both shard %d/%d", prev, dirs[i], p.Shard.Index, n)
		}
		seen[p.Shard.Index] = dirs[i]
	}
	var missing []int
	for i, d := range seen {
		if d == "" {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("shards %v of %d are missing: the merge would not be the whole run", missing, n)
	}
	return nil
}

func mergeSummaries(sums []*loadfile.Summary, dirs []string, hist map[string]*hdrhistogram.Histogram) *loadfile.Summary {
	m := &loadfile.Summary{Format: loadfile.SummaryFormat, Kind: loadfile.KindMerge, Target: sums[0].Target, Parameters: sums[0].Parameters,
		Status: loadfile.Counts{}, GLD: loadfile.Counts{}, Errors: loadfile.Counts{}, Retries: loadfile.RetryStats{Reasons: loadfile.Counts{}}}
	m.Parameters.Shard = loadfile.ShardInfo{Index: 0, Count: sums[0].Parameters.Shard.Count}
	rc := loadfile.Reconciliation{Reasons: loadfile.Counts{}, OK: true}
	var store *loadfile.StoreCheck
	for i, s := range sums {
		if m.Started.IsZero() || s.Started.Before(m.Started) {
			m.Started = s.Started
		}
		if s.Ended.After(m.Ended) {
			m.Ended = s.Ended
		}
		m.Interrupted = m.Interrupted || s.Interrupted
		if m.Aborted == "" {
			m.Aborted = s.Aborted
		}
		m.Requests.Planned += s.Requests.Planned
		m.Requests.Sent += s.Requests.Sent
		m.Requests.Success += s.Requests.Success
		m.Requests.BytesIn += s.Requests.BytesIn
		m.Requests.BytesOut += s.Requests.BytesOut
		// Shards run side by side: their rates add up.
		m.Rate.Offered += s.Rate.Offered
		m.Rate.Sent += s.Rate.Sent
		m.Rate.Throughput += s.Rate.Throughput
		add(m.Status, s.Status)
		add(m.GLD, s.GLD)
		add(m.Errors, s.Errors)
		r := s.Retries
		m.Retries.FirstTry += r.FirstTry
		m.Retries.Recovered += r.Recovered
		m.Retries.Attempts += r.Attempts
		m.Retries.GaveUp += r.GaveUp
		m.Retries.Conflicts += r.Conflicts
		add(m.Retries.Reasons, r.Reasons)
		c := s.Reconciliation
		rc.Sent += c.Sent
		rc.Accepted += c.Accepted
		rc.GaveUp += c.GaveUp
		rc.Refused += c.Refused
		rc.Unaccounted += c.Unaccounted
		add(rc.Reasons, c.Reasons)
		rc.OK = rc.OK && c.OK
		if c.Store != nil {
			if store == nil {
				store = &loadfile.StoreCheck{}
			}
			store.Forsendelser += c.Store.Forsendelser
			store.Distinct += c.Store.Distinct
			store.Duplicated += c.Store.Duplicated
			store.Lost += c.Store.Lost
			store.StoredNotAccepted += c.Store.StoredNotAccepted
		}
		m.Shards = append(m.Shards, loadfile.ShardInfo{Index: s.Parameters.Shard.Index, Count: s.Parameters.Shard.Count, Dir: dirs[i]})
	}
	slices.SortFunc(m.Shards, func(a, b loadfile.ShardInfo) int { return a.Index - b.Index })
	rc.Store = store
	m.Reconciliation = rc
	m.ElapsedMs = round(ms(m.Ended.Sub(m.Started)))
	for _, f := range []*float64{&m.Rate.Offered, &m.Rate.Sent, &m.Rate.Throughput} {
		*f = round(*f)
	}
	if m.Requests.Sent > 0 {
		m.Requests.SuccessRatio = round(float64(m.Requests.Success) / float64(m.Requests.Sent))
	}
	if m.Rate.Offered > 0 {
		m.Rate.Achieved = round(m.Rate.Throughput / m.Rate.Offered)
	}
	m.Latency = loadfile.Latency{Intended: quantiles(hist[loadfile.TagIntended]), Service: quantiles(hist[loadfile.TagService])}
	m.ScheduleLag = quantiles(hist[loadfile.TagLag])
	m.Workers = mergeWorkers(sums, m.Started)
	m.Bottleneck = bottleneck(m.ScheduleLag, m.Requests.Sent, m.Requests.Planned, m.Workers)
	return m
}

// mergeWorkers is the shards' workers as one shard's: each shard has its
// own workers, so the cap and the peak are the largest shard's, and the
// cap counts as reached when it was in any shard, first at the earliest
// (from started, the merged run's start). Nil when a shard's summary
// predates the field.
func mergeWorkers(sums []*loadfile.Summary, started time.Time) *loadfile.WorkerStats {
	var m loadfile.WorkerStats
	for _, s := range sums {
		w := s.Workers
		if w == nil {
			return nil
		}
		m.Max, m.Peak = max(m.Max, w.Max), max(m.Peak, w.Peak)
		if !w.CapReached {
			continue
		}
		at := round(ms(s.Started.Add(time.Duration(w.CapReachedAtMs * float64(time.Millisecond))).Sub(started)))
		if !m.CapReached || at < m.CapReachedAtMs {
			m.CapReached, m.CapReachedAtMs = true, at
		}
	}
	return &m
}

func add(dst, src loadfile.Counts) {
	for k, v := range src {
		dst[k] += v
	}
}
