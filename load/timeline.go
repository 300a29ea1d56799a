package load

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// TimelineFormat names the version of timeline.json. A reader must refuse
// a format it does not know; a new optional field does not change it.
const TimelineFormat = "finprod.load.timeline/v1"

// Timeline is timeline.json: the run second by second of the wall clock,
// so shards that started at different times line up, and a merge adds them
// up exactly.
type Timeline struct {
	Format string `json:"format"`
	// IntervalMs is each row's length: 1000.
	IntervalMs int64 `json:"intervalMs"`
	// Histograms describes every row's encoded histograms.
	Histograms TimelineHistograms `json:"histograms"`
	// Stages are the run's parts: one for a plain run, one per step of a
	// steps profile, one per stage of a capacity search.
	Stages []TimelineStage `json:"stages"`
	// Seconds has a row for every second from the first to the last, in
	// order, empty ones included.
	Seconds []Second `json:"seconds"`
}

// TimelineHistograms is the geometry of the rows' histograms: those of
// latency.hdr, so any row merges with them.
type TimelineHistograms struct {
	Unit              string `json:"unit"`
	Lowest            int64  `json:"lowest"`
	Highest           int64  `json:"highest"`
	SignificantDigits int    `json:"significantDigits"`
	Encoding          string `json:"encoding"`
}

// TimelineStage is one part of the run, by wall-clock time. Rate is the
// whole run's rate there (over all shards), when it was one rate.
type TimelineStage struct {
	Name  string    `json:"name"`
	Rate  float64   `json:"rate,omitempty"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Second is one second of the run, [T, T+1) in Unix seconds.
type Second struct {
	T int64 `json:"t"`
	// Offered: requests the schedule had due in this second (the shard's
	// own share); Sent: requests that left in it; OK and Failed: answers
	// that came in it, 2xx and anything else (no answer included).
	Offered uint64 `json:"offered"`
	Sent    uint64 `json:"sent"`
	OK      uint64 `json:"ok"`
	Failed  uint64 `json:"failed"`
	// Latency of the requests due in this second: intended time (from when
	// each was due), service time (from when it was sent) and schedule lag
	// (how late it was sent). Absent when none was due.
	Intended *SecondLatency `json:"intended,omitempty"`
	Service  *SecondLatency `json:"service,omitempty"`
	Lag      *SecondLatency `json:"lag,omitempty"`
}

// SecondLatency is one second's histogram: its count, three quantiles in
// milliseconds, and the histogram itself (HdrHistogram V2 compressed,
// base64, microseconds), which merges exactly.
type SecondLatency struct {
	Count int64   `json:"count"`
	P50Ms float64 `json:"p50Ms"`
	P99Ms float64 `json:"p99Ms"`
	MaxMs float64 `json:"maxMs"`
	HDR   string  `json:"hdr"`
}

// The three histograms of a second, in this order.
const (
	latIntended = iota
	latService
	latLag
	latKinds
)

// maxOpenSeconds bounds the seconds whose histograms are kept decoded:
// results come in roughly by due time, so a second older than this many
// others is closed (encoded); a late result (a long retry) reopens it.
const maxOpenSeconds = 16

// timeline records a run second by second. It is fed by the one
// goroutine that reads a stage's results, and the stages one after the
// other; a nil timeline records nothing.
type timeline struct {
	seconds map[int64]*second
	open    []int64
	stages  []TimelineStage
	err     error
	// last is a one-entry cache: most results fall in the second before.
	last *second
}

type second struct {
	t                         int64
	offered, sent, ok, failed uint64
	// hist is the decoded histogram of an open second, done the
	// summarised one of a closed second (nil: nothing recorded).
	hist [latKinds]*hdrhistogram.PackedHistogram
	done [latKinds]*SecondLatency
	open bool
}

func newTimeline() *timeline { return &timeline{seconds: map[int64]*second{}} }

func (tl *timeline) at(t int64) *second {
	if tl.last != nil && tl.last.t == t {
		return tl.last
	}
	s := tl.seconds[t]
	if s == nil {
		s = &second{t: t}
		tl.seconds[t] = s
	}
	tl.last = s
	return s
}

// opened is second t with its histograms decoded.
func (tl *timeline) opened(t int64) *second {
	s := tl.at(t)
	if s.open {
		return s
	}
	for k := range latKinds {
		h := newPacked()
		if d := s.done[k]; d != nil {
			var err error
			if h, err = hdrhistogram.DecodePacked([]byte(d.HDR)); err != nil {
				tl.err = fmt.Errorf("timeline: reopen second %d: %w", t, err)
				h = newPacked()
			}
			s.done[k] = nil
		}
		s.hist[k] = h
	}
	s.open = true
	tl.open = append(tl.open, t)
	if len(tl.open) > maxOpenSeconds {
		// The oldest other than t: a late result's second stays open for it.
		slices.Sort(tl.open)
		i := 0
		if tl.open[0] == t {
			i = 1
		}
		tl.close(tl.seconds[tl.open[i]])
		tl.open = slices.Delete(tl.open, i, i+1)
	}
	return s
}

func (tl *timeline) close(s *second) {
	for k, h := range s.hist {
		if h != nil && h.TotalCount() > 0 {
			l, err := latencyOf(h)
			if err != nil && tl.err == nil {
				tl.err = fmt.Errorf("timeline: second %d: %w", s.t, err)
			}
			s.done[k] = l
		}
		s.hist[k] = nil
	}
	s.open = false
}

func newPacked() *hdrhistogram.PackedHistogram {
	return hdrhistogram.NewPacked(histMin, histMax, histDigits)
}

func recordPacked(h *hdrhistogram.PackedHistogram, d time.Duration) {
	_ = h.RecordValue(min(max(d.Microseconds(), histMin), histMax))
}

// latencyOf summarises and encodes a histogram.
func latencyOf(h *hdrhistogram.PackedHistogram) (*SecondLatency, error) {
	enc, err := h.Encode()
	if err != nil {
		return nil, err
	}
	at := func(q float64) float64 { return round(float64(h.ValueAtPercentile(q)) / 1000) }
	return &SecondLatency{Count: h.TotalCount(), P50Ms: at(50), P99Ms: at(99), MaxMs: round(float64(h.Max()) / 1000), HDR: string(enc)}, nil
}

// add records one result: sent in the second it left, answered in the
// second its answer came, its latencies in the second it was due.
func (tl *timeline) add(res *vegeta.Result, due time.Time) {
	if tl == nil {
		return
	}
	end := res.End()
	tl.at(res.Timestamp.Unix()).sent++
	if e := tl.at(end.Unix()); res.Code >= 200 && res.Code < 300 {
		e.ok++
	} else {
		e.failed++
	}
	s := tl.opened(due.Unix())
	recordPacked(s.hist[latIntended], end.Sub(due))
	recordPacked(s.hist[latService], res.Latency)
	recordPacked(s.hist[latLag], max(res.Timestamp.Sub(due), 0))
}

// stage records a finished stage: what its schedule had due in each
// second from began until it ended, and its parts.
func (tl *timeline) stage(name string, p pacer, began, ended time.Time) {
	if tl == nil {
		return
	}
	due := func(t time.Time) uint64 {
		if !t.After(began) {
			return 0
		}
		return p.planned(t.Sub(began))
	}
	for t := began.Unix(); ; t++ {
		lo, hi := time.Unix(t, 0), time.Unix(t+1, 0)
		if !lo.Before(ended) {
			break
		}
		if hi.After(ended) {
			hi = ended
		}
		if n := due(hi) - due(lo); n > 0 {
			tl.at(t).offered += n
		}
	}
	for _, st := range stagesOf(name, p, began, ended) {
		tl.addStage(st)
	}
}

// addStage adds a stage, or widens the one of the same name (a shard's
// part of it).
func (tl *timeline) addStage(st TimelineStage) {
	for i := range tl.stages {
		if s := &tl.stages[i]; s.Name == st.Name {
			if st.Start.Before(s.Start) {
				s.Start = st.Start
			}
			if st.End.After(s.End) {
				s.End = st.End
			}
			return
		}
	}
	tl.stages = append(tl.stages, st)
}

// stagesOf names a stage's parts: a steps profile's steps, each with its
// rate, or the stage whole.
func stagesOf(name string, p pacer, began, ended time.Time) []TimelineStage {
	steps, ok := p.s.(Steps)
	if !ok {
		st := TimelineStage{Name: name, Start: began.UTC(), End: ended.UTC()}
		if c, ok := p.s.(Constant); ok {
			st.Rate = c.PerSecond
		}
		return []TimelineStage{st}
	}
	var out []TimelineStage
	at := began
	for i, step := range steps {
		if !at.Before(ended) {
			break
		}
		end := at.Add(step.For)
		if end.After(ended) || i == len(steps)-1 {
			end = ended // the last step holds until the last answer
		}
		out = append(out, TimelineStage{Name: fmt.Sprintf("step %d: %g/s", i+1, step.PerSecond), Rate: step.PerSecond, Start: at.UTC(), End: end.UTC()})
		at = at.Add(step.For)
	}
	return out
}

// finish closes every second and writes the timeline out.
func (tl *timeline) finish() (*Timeline, error) {
	for _, t := range tl.open {
		tl.close(tl.seconds[t])
	}
	tl.open = nil
	out := &Timeline{Format: TimelineFormat, IntervalMs: 1000, Histograms: timelineHistograms(), Stages: append([]TimelineStage{}, tl.stages...)}
	slices.SortStableFunc(out.Stages, func(a, b TimelineStage) int { return a.Start.Compare(b.Start) })
	keys := make([]int64, 0, len(tl.seconds))
	for t := range tl.seconds {
		keys = append(keys, t)
	}
	slices.Sort(keys)
	if len(keys) > 0 {
		for t := keys[0]; t <= keys[len(keys)-1]; t++ {
			row := Second{T: t}
			if s := tl.seconds[t]; s != nil {
				row.Offered, row.Sent, row.OK, row.Failed = s.offered, s.sent, s.ok, s.failed
				row.Intended, row.Service, row.Lag = s.done[latIntended], s.done[latService], s.done[latLag]
			}
			out.Seconds = append(out.Seconds, row)
		}
	}
	return out, tl.err
}

func timelineHistograms() TimelineHistograms {
	return TimelineHistograms{Unit: "us", Lowest: histMin, Highest: histMax, SignificantDigits: histDigits,
		Encoding: "HdrHistogram V2 compressed, base64"}
}

// add merges a row of another timeline (a shard's) into second T.
func (tl *timeline) addSecond(row Second) error {
	s := tl.at(row.T)
	s.offered += row.Offered
	s.sent += row.Sent
	s.ok += row.OK
	s.failed += row.Failed
	for k, l := range []*SecondLatency{row.Intended, row.Service, row.Lag} {
		if l == nil {
			continue
		}
		h, err := hdrhistogram.DecodePacked([]byte(l.HDR))
		if err != nil {
			return fmt.Errorf("second %d: %w", row.T, err)
		}
		s = tl.opened(row.T)
		if dropped := s.hist[k].Merge(h); dropped > 0 {
			return fmt.Errorf("second %d: %d values outside the histogram's range", row.T, dropped)
		}
	}
	return nil
}

// mergeTimelines adds up timelines second by wall-clock second (shards
// started at different times line up by it), merging each second's
// histograms bucket by bucket, and their stages by name.
func mergeTimelines(ts []*Timeline) (*Timeline, error) {
	tl := newTimeline()
	for _, t := range ts {
		for _, st := range t.Stages {
			tl.addStage(st)
		}
		for _, row := range t.Seconds {
			if err := tl.addSecond(row); err != nil {
				return nil, err
			}
		}
	}
	return tl.finish()
}

// writeTimeline writes tl as JSON with one second a line, so the file
// reads with head and grep as well as with any JSON reader.
func writeTimeline(w io.Writer, tl *Timeline) error {
	head := *tl
	head.Seconds = nil
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	// {"format":…,"stages":[…],"seconds":null} → …,"seconds":[\n row,\n row\n]}
	b = bytes.TrimSuffix(b, []byte("null}"))
	b = append(b, '[')
	for i, row := range tl.Seconds {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '\n')
		r, err := json.Marshal(row)
		if err != nil {
			return err
		}
		b = append(b, r...)
	}
	b = append(b, "\n]}\n"...)
	_, err = w.Write(b)
	return err
}

// ReadTimeline reads timeline.json and refuses another format or another
// histogram geometry.
func ReadTimeline(path string) (*Timeline, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Timeline
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("%s: not a load timeline: %w", path, err)
	}
	if t.Format != TimelineFormat {
		return nil, fmt.Errorf("%s: format %q, want %q", path, t.Format, TimelineFormat)
	}
	if t.Histograms != timelineHistograms() || t.IntervalMs != 1000 {
		return nil, fmt.Errorf("%s: histograms %+v of %d ms, want %+v of 1000 ms", path, t.Histograms, t.IntervalMs, timelineHistograms())
	}
	return &t, nil
}
