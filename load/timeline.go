package load

import (
	"fmt"
	"slices"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/loadfile"
)

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
	stages  []loadfile.TimelineStage
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
	done [latKinds]*loadfile.SecondLatency
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
	return hdrhistogram.NewPacked(loadfile.HistLowest, loadfile.HistHighest, loadfile.HistDigits)
}

func recordPacked(h *hdrhistogram.PackedHistogram, d time.Duration) {
	_ = h.RecordValue(min(max(d.Microseconds(), loadfile.HistLowest), loadfile.HistHighest))
}

// latencyOf summarises and encodes a histogram.
func latencyOf(h *hdrhistogram.PackedHistogram) (*loadfile.SecondLatency, error) {
	enc, err := h.Encode()
	if err != nil {
		return nil, err
	}
	at := func(q float64) float64 { return round(float64(h.ValueAtPercentile(q)) / 1000) }
	return &loadfile.SecondLatency{Count: h.TotalCount(), P50Ms: at(50), P99Ms: at(99), MaxMs: round(float64(h.Max()) / 1000), HDR: string(enc)}, nil
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
func (tl *timeline) addStage(st loadfile.TimelineStage) {
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
func stagesOf(name string, p pacer, began, ended time.Time) []loadfile.TimelineStage {
	steps, ok := p.s.(Steps)
	if !ok {
		st := loadfile.TimelineStage{Name: name, Start: began.UTC(), End: ended.UTC()}
		if c, ok := p.s.(Constant); ok {
			st.Rate = c.PerSecond
		}
		return []loadfile.TimelineStage{st}
	}
	var out []loadfile.TimelineStage
	at := began
	for i, step := range steps {
		if !at.Before(ended) {
			break
		}
		end := at.Add(step.For)
		if end.After(ended) || i == len(steps)-1 {
			end = ended // the last step holds until the last answer
		}
		out = append(out, loadfile.TimelineStage{Name: fmt.Sprintf("step %d: %g/s", i+1, step.PerSecond), Rate: step.PerSecond, Start: at.UTC(), End: end.UTC()})
		at = at.Add(step.For)
	}
	return out
}

// finish closes every second and writes the timeline out.
func (tl *timeline) finish() (*loadfile.Timeline, error) {
	for _, t := range tl.open {
		tl.close(tl.seconds[t])
	}
	tl.open = nil
	out := &loadfile.Timeline{Format: loadfile.TimelineFormat, IntervalMs: loadfile.IntervalMs, Histograms: loadfile.TimelineGeometry(), Stages: append([]loadfile.TimelineStage{}, tl.stages...)}
	slices.SortStableFunc(out.Stages, func(a, b loadfile.TimelineStage) int { return a.Start.Compare(b.Start) })
	keys := make([]int64, 0, len(tl.seconds))
	for t := range tl.seconds {
		keys = append(keys, t)
	}
	slices.Sort(keys)
	if len(keys) > 0 {
		for t := keys[0]; t <= keys[len(keys)-1]; t++ {
			row := loadfile.Second{T: t}
			if s := tl.seconds[t]; s != nil {
				row.Offered, row.Sent, row.OK, row.Failed = s.offered, s.sent, s.ok, s.failed
				row.Intended, row.Service, row.Lag = s.done[latIntended], s.done[latService], s.done[latLag]
			}
			out.Seconds = append(out.Seconds, row)
		}
	}
	return out, tl.err
}

// add merges a row of another timeline (a shard's) into second T.
func (tl *timeline) addSecond(row loadfile.Second) error {
	s := tl.at(row.T)
	s.offered += row.Offered
	s.sent += row.Sent
	s.ok += row.OK
	s.failed += row.Failed
	for k, l := range []*loadfile.SecondLatency{row.Intended, row.Service, row.Lag} {
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
func mergeTimelines(ts []*loadfile.Timeline) (*loadfile.Timeline, error) {
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
