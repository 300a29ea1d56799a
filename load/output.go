package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/atomicfile"
	"github.com/finprod/finprod/internal/loadfile"
)

// dataPerm is the mode of the outputs: anyone may read them.
const dataPerm = 0o644

// writer streams results to results.bin while the run goes on, so memory
// does not grow with the run, and writes the histograms and summary at the
// end. Each file is written under a temporary name and renamed when
// complete, so a reader never sees half a file.
type writer struct {
	dir  string
	tmp  *atomicfile.File
	buf  *bufio.Writer
	enc  vegeta.Encoder
	err  error
	done bool
}

func newWriter(dir string) (*writer, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	f, err := atomicfile.Create(filepath.Join(dir, loadfile.ResultsFile), dataPerm)
	if err != nil {
		return nil, fmt.Errorf("output folder: %w", err)
	}
	w := &writer{dir: dir, tmp: f, buf: bufio.NewWriterSize(f, 256<<10)}
	w.enc = vegeta.NewEncoder(w.buf)
	return w, nil
}

// add keeps one result. Bodies of successes and response headers are
// dropped: `vegeta report` does not read them, and they would make the
// file several times larger.
func (w *writer) add(res *vegeta.Result) {
	if w == nil || w.err != nil {
		return
	}
	r := *res
	r.Headers = nil
	if r.Code >= 200 && r.Code < 300 {
		r.Body = nil
	}
	w.err = w.enc.Encode(&r)
}

// abandon removes the temporary file of a run that did not finish.
func (w *writer) abandon() {
	if w == nil || w.done {
		return
	}
	_ = w.tmp.Abort()
}

// finish writes latency.hdr, timeline.json and summary.json and puts
// results.bin in place.
func (w *writer) finish(s *loadfile.Summary, tl *timeline, hists ...*recorder) error {
	if w == nil {
		return nil
	}
	w.done = true
	err := w.err
	if ferr := w.buf.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		err = w.tmp.Commit()
	} else {
		_ = w.tmp.Abort()
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(w.dir, loadfile.ResultsFile), err)
	}
	var hs []*hdrhistogram.Histogram
	for _, rec := range hists {
		hs = append(hs, rec.intended, rec.service, rec.lag)
	}
	var t *loadfile.Timeline
	if tl != nil {
		if t, err = tl.finish(); err != nil {
			return err
		}
	}
	return writeOutputs(w.dir, s, hs, nil, t)
}

// writeOutputs writes latency.hdr, timeline.json (when tl is set) and
// summary.json into dir; results, when set, writes results.bin too
// (merge).
func writeOutputs(dir string, s *loadfile.Summary, hists []*hdrhistogram.Histogram, results func(io.Writer) error, tl *loadfile.Timeline) error {
	s.Files = loadfile.Files{Results: loadfile.ResultsFile, Latency: loadfile.LatencyFile}
	if results != nil {
		if err := atomicfile.Write(filepath.Join(dir, loadfile.ResultsFile), dataPerm, results); err != nil {
			return err
		}
	}
	if tl != nil {
		if err := atomicfile.Write(filepath.Join(dir, loadfile.TimelineFile), dataPerm, func(f io.Writer) error { return loadfile.WriteTimeline(f, tl) }); err != nil {
			return err
		}
		s.Files.Timeline = loadfile.TimelineFile
	}
	if err := atomicfile.Write(filepath.Join(dir, loadfile.LatencyFile), dataPerm, func(f io.Writer) error {
		return loadfile.WriteHistograms(f, s.Started, s.Ended, hists)
	}); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, loadfile.SummaryFile), dataPerm, func(f io.Writer) error { return loadfile.WriteSummary(f, s) })
}

// summarize turns a finished stage into a Summary, the store check included.
func (r *runner) summarize(ctx context.Context, kind string, st *stageResult) *loadfile.Summary {
	o := r.o
	rec := st.rec
	s := &loadfile.Summary{
		Format: loadfile.SummaryFormat, Kind: kind, Tool: o.Tool,
		Target:      loadfile.TargetInfo{Name: o.Target.Name, API: o.Target.APIURL},
		Parameters:  r.parameters(),
		Started:     r.started.UTC(),
		Ended:       st.ended.UTC(),
		ElapsedMs:   round(ms(st.span())),
		Interrupted: st.interrupted,
		Aborted:     st.aborted,
	}
	s.Requests = loadfile.Requests{Planned: st.p.total(), Sent: rec.sent, Success: rec.success, BytesIn: rec.bytesIn, BytesOut: rec.bytesOut}
	if rec.sent > 0 {
		s.Requests.SuccessRatio = round(float64(rec.success) / float64(rec.sent))
	}
	span := st.span().Seconds()
	s.Rate = loadfile.Rate{Offered: round(st.offered()), Throughput: round(st.throughput())}
	if span > 0 {
		s.Rate.Sent = round(float64(rec.sent) / span)
	}
	if s.Rate.Offered > 0 {
		s.Rate.Achieved = round(s.Rate.Throughput / s.Rate.Offered)
	}
	s.Latency = loadfile.Latency{Intended: quantiles(rec.intended), Service: quantiles(rec.service)}
	s.ScheduleLag = quantiles(rec.lag)
	s.Workers = r.workers.stats(r.started)
	s.Bottleneck = bottleneck(s.ScheduleLag, rec.sent, st.p.planned(st.ended.Sub(st.began)), s.Workers)
	if st.interrupted || st.aborted != "" {
		s.Requests.Planned = st.p.planned(st.ended.Sub(st.began))
	}
	s.Status, s.GLD, s.Errors = rec.status, rec.gld, rec.errs
	rs := r.retry.Stats()
	s.Retries = loadfile.RetryStats{FirstTry: rs.FirstTry, Recovered: rs.Recovered, Attempts: rs.Retries,
		GaveUp: rs.GaveUp, Conflicts: rs.Conflicts, Reasons: loadfile.Counts(rs.Reasons)}
	s.Reconciliation = r.reconcile(ctx, rec)
	return s
}

// bottleneck explains a run whose sender fell behind its own schedule: all
// its workers were busy (w says so; nil for a summary from before it was
// recorded), or else it was short of CPU.
func bottleneck(lag loadfile.Quantiles, sent, planned uint64, w *loadfile.WorkerStats) string {
	behind := planned > 0 && float64(sent) < 0.95*float64(planned)
	if lag.P99Ms <= 100 && !behind {
		return ""
	}
	why := "the load generator was short of CPU (other processes on this machine, or too much load for one machine: shard the run)"
	switch {
	case w == nil:
		why = "every worker was busy (raise --max-workers) or the load generator was short of CPU (shard the run)"
	case w.CapReached:
		why = fmt.Sprintf("all %d workers were busy (first %.1f s into the run), so requests waited for a free one: "+
			"the target answered too slowly for this rate with this many workers (raise --max-workers; each worker holds a connection)",
			w.Max, w.CapReachedAtMs/1000)
	}
	what := fmt.Sprintf("schedule lag p99 %.0f ms", lag.P99Ms)
	if planned > 0 {
		what += fmt.Sprintf("; %d of %d planned requests sent", sent, planned)
	}
	return fmt.Sprintf("the sender fell behind its own schedule (%s): the rate offered was not the rate sent; %s", what, why)
}

func (r *runner) parameters() loadfile.Parameters {
	o := r.o
	p := loadfile.Parameters{
		Profile: o.Schedule.Name(), DurationMs: ms(o.Bounds.Duration), Count: o.Bounds.Count,
		Seed: o.Seed, Oppgaver: o.Oppgaver, Inntektsaar: o.Target.Inntektsaar, Oppgavegiver: r.id.Oppgavegiver,
		Workers: o.Workers, Connections: o.Connections, TimeoutMs: ms(o.Timeout),
		Retry: loadfile.RetryParameters{MaxRetries: o.Retry.MaxRetries, BaseMs: ms(r.retry.Policy().Base), CapMs: ms(r.retry.Policy().Cap)},
		Shard: loadfile.ShardInfo{Index: o.Shard.Index, Count: o.Shard.Count},
		SLO:   o.SLO, AbortOnFail: o.AbortOnFail, MaxRate: o.policy().MaxRate,
	}
	if o.MaxWorkers != ^uint64(0) {
		p.MaxWorkers = o.MaxWorkers
	}
	switch s := o.Schedule.(type) {
	case Constant:
		p.Rate = s.PerSecond
	case Linear:
		p.Rate, p.RateTo = s.From, s.To
	case Steps:
		p.Steps = s.String()
		p.Rate = s.Peak(0)
	case Sine:
		p.Rate, p.Amplitude, p.PeriodMs = s.Mean, s.Amplitude, ms(s.Period)
	}
	return p
}

// reconcile accounts for every leveranse sent, and compares with the
// target's store when it has one.
func (r *runner) reconcile(ctx context.Context, rec *recorder) loadfile.Reconciliation {
	issued := r.next.Load()
	c := loadfile.Reconciliation{Sent: rec.sent, Accepted: rec.success, GaveUp: rec.gaveUp, Refused: rec.refused, Reasons: rec.reasons}
	accounted := rec.success + rec.gaveUp + rec.refused + rec.interrupted
	if issued > accounted {
		c.Unaccounted = issued - accounted
	}
	c.OK = c.Unaccounted == 0 && rec.acceptedTwice == 0 && accounted == rec.sent
	if ctl := r.o.Target.Controls; ctl != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		refs, err := ctl.Referanser(sctx, r.id.Oppgavegiver, r.prefix)
		if err == nil {
			c.Store = r.storeCheck(refs, rec)
			c.OK = c.OK && c.Store.Duplicated == 0 && c.Store.Lost == 0
		}
	}
	return c
}

func (r *runner) storeCheck(refs map[string]int, rec *recorder) *loadfile.StoreCheck {
	sc := &loadfile.StoreCheck{}
	sh := r.o.Shard
	stored := bitset{}
	for ref, n := range refs {
		g, ok := parseReferanse(ref)
		if !ok || !sh.owns(g) {
			continue
		}
		h := (g - uint64(sh.Index)) / uint64(sh.Count)
		if h >= r.next.Load() {
			continue // another run's leveranse with the same seed
		}
		sc.Forsendelser += uint64(n)
		sc.Distinct++
		if n > 1 {
			sc.Duplicated++
		}
		stored.set(h)
		if !rec.accepted.has(h) {
			sc.StoredNotAccepted++
		}
	}
	for h := range r.next.Load() {
		if rec.accepted.has(h) && !stored.has(h) {
			sc.Lost++
		}
	}
	return sc
}

// String writes steps as ParseSteps reads them.
func (s Steps) String() string {
	b := make([]byte, 0, 16*len(s))
	for i, st := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%g@%s", st.PerSecond, st.For)
	}
	return string(b)
}

// readResults reads a results.bin.
func readResults(path string, visit func(*vegeta.Result) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 256<<10))
	for {
		var res vegeta.Result
		if err := dec.Decode(&res); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: not a whole Vegeta results file as finprod load writes it (%w)", path, err)
		}
		if err := visit(&res); err != nil {
			return err
		}
	}
}

func sortResults(rs []vegeta.Result) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Timestamp.Before(rs[j].Timestamp) })
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
