package load

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/loadfile"
)

// event is one request of a made-up shard: when it was due by the test's
// own arithmetic, and its result.
type event struct {
	due time.Time
	res vegeta.Result
}

// shardEvents are shard i of 2 of a constant run of rate/s, count
// requests over both, that began at began: request g = i + 2h is due at
// g/rate. Service times are log-uniform from 0.2 ms to 40 ms, the sender
// is up to 30 ms late, one in 50 fails, and one in 97 takes 5 s (a long
// retry), so its answer comes long after its second closed.
func shardEvents(i int, began time.Time, rate float64, count int, seed uint64) []event {
	rnd := rand.New(rand.NewPCG(seed, 1))
	var out []event
	for g := i; g < count; g += 2 {
		due := began.Add(time.Duration(float64(g) / rate * float64(time.Second)))
		service := time.Duration(200*math.Pow(200, rnd.Float64())) * time.Microsecond
		if g%97 == 0 {
			service = 5 * time.Second
		}
		code := uint16(200)
		if g%50 == 7 {
			code = 500
		}
		sent := due.Add(time.Duration(rnd.IntN(30000)) * time.Microsecond)
		out = append(out, event{due: due, res: vegeta.Result{Seq: uint64(g / 2), Timestamp: sent, Latency: service, Code: code}})
	}
	// Vegeta gives results in the order they end.
	slices.SortStableFunc(out, func(a, b event) int { return a.res.End().Compare(b.res.End()) })
	return out
}

func record(tl *timeline, evs []event, p pacer, began time.Time) {
	for _, e := range evs {
		tl.add(&e.res, e.due)
	}
	last := began
	for _, e := range evs {
		if e.res.End().After(last) {
			last = e.res.End()
		}
	}
	tl.stage("load", p, began, last)
}

// roundTrip writes a timeline as a run does and reads it back.
func roundTrip(t *testing.T, tl *loadfile.Timeline) *loadfile.Timeline {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, loadfile.WriteTimeline(&b, tl))
	path := t.TempDir() + "/" + loadfile.TimelineFile
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	read, err := loadfile.ReadTimeline(path)
	require.NoError(t, err)
	return read
}

// TestShardTimelinesMergeToTheTimelineOfOne: two shards of one run that
// started 1.45 s apart, recorded each into its own timeline, written and
// read back, and merged, are the timeline of both recorded into one; and
// that timeline says, second by second, what the test counts and sorts
// from the raw requests by itself.
func TestShardTimelinesMergeToTheTimelineOfOne(t *testing.T) {
	t.Parallel()
	const rate, count = 60.0, 600
	beganA := time.Date(2026, 12, 1, 10, 0, 0, 300e6, time.UTC)
	beganB := beganA.Add(1450 * time.Millisecond)
	a, b := shardEvents(0, beganA, rate, count, 1), shardEvents(1, beganB, rate, count, 2)
	pa := pacer{s: Constant{PerSecond: rate}, b: Bounds{Count: count}, shard: Shard{0, 2}}
	pb := pacer{s: Constant{PerSecond: rate}, b: Bounds{Count: count}, shard: Shard{1, 2}}

	ta, tb, both := newTimeline(), newTimeline(), newTimeline()
	record(ta, a, pa, beganA)
	record(tb, b, pb, beganB)
	record(both, a, pa, beganA)
	record(both, b, pb, beganB)
	fa, err := ta.finish()
	require.NoError(t, err)
	fb, err := tb.finish()
	require.NoError(t, err)
	one, err := both.finish()
	require.NoError(t, err)
	merged, err := mergeTimelines([]*loadfile.Timeline{roundTrip(t, fb), roundTrip(t, fa)})
	require.NoError(t, err)
	assert.Equal(t, one, merged, "merging the shards' timelines is recording both into one")

	// The test's own per-second view of the raw requests.
	type want struct {
		offered, sent, ok, failed uint64
		intended, service         []int64 // µs, of the requests due in the second
	}
	w := map[int64]*want{}
	at := func(ts time.Time) *want {
		if w[ts.Unix()] == nil {
			w[ts.Unix()] = &want{}
		}
		return w[ts.Unix()]
	}
	for _, e := range append(slices.Clone(a), b...) {
		d := at(e.due)
		d.offered++
		d.intended = append(d.intended, e.res.End().Sub(e.due).Microseconds())
		d.service = append(d.service, e.res.Latency.Microseconds())
		at(e.res.Timestamp).sent++
		if e.res.Code == 200 {
			at(e.res.End()).ok++
		} else {
			at(e.res.End()).failed++
		}
	}
	require.NotEmpty(t, one.Seconds)
	first, last := one.Seconds[0].T, one.Seconds[len(one.Seconds)-1].T
	assert.Equal(t, beganA.Unix(), first)
	assert.GreaterOrEqual(t, last-first, int64(14), "the 5 s requests answer after the 10 s schedule")
	var sums want
	for i, row := range one.Seconds {
		require.Equal(t, first+int64(i), row.T, "a row for every second, in order")
		x := w[row.T]
		if x == nil {
			x = &want{}
		}
		assert.Equal(t, []uint64{x.offered, x.sent, x.ok, x.failed}, []uint64{row.Offered, row.Sent, row.OK, row.Failed}, "second %d: offered, sent, ok, failed", row.T)
		sums.offered += row.Offered
		sums.sent += row.Sent
		checkLatency(t, row.T, "intended", x.intended, row.Intended)
		checkLatency(t, row.T, "service", x.service, row.Service)
	}
	assert.Equal(t, uint64(count), sums.offered)
	assert.Equal(t, uint64(count), sums.sent)
	require.Len(t, one.Stages, 1, "both shards' parts of one stage")
	assert.Equal(t, loadfile.TimelineStage{Name: "load", Rate: rate, Start: beganA, End: one.Stages[0].End}, one.Stages[0])
}

// checkLatency holds a second's summary to the raw values: the count, and
// p50, p99 and max as nearest-rank picks of the sorted values, within the
// histogram's 3 significant digits; its histogram decodes (with the dense
// decoder) to the same figures.
func checkLatency(t *testing.T, sec int64, what string, raw []int64, got *loadfile.SecondLatency) {
	t.Helper()
	if len(raw) == 0 {
		assert.Nil(t, got, "second %d: no %s latency without a request due", sec, what)
		return
	}
	require.NotNil(t, got, "second %d %s", sec, what)
	sorted := slices.Clone(raw)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	rank := func(q float64) float64 {
		r := min(max(int(q*float64(len(sorted))+0.5), 1), len(sorted))
		return float64(max(sorted[r-1], 1)) / 1000
	}
	assert.Equal(t, int64(len(raw)), got.Count, "second %d %s count", sec, what)
	assert.InEpsilon(t, rank(0.50), got.P50Ms, 0.002, "second %d %s p50", sec, what)
	assert.InEpsilon(t, rank(0.99), got.P99Ms, 0.002, "second %d %s p99", sec, what)
	assert.InEpsilon(t, float64(sorted[len(sorted)-1])/1000, got.MaxMs, 0.002, "second %d %s max", sec, what)
	h, err := hdrhistogram.Decode([]byte(got.HDR))
	require.NoError(t, err)
	assert.Equal(t, got.Count, h.TotalCount())
	assert.InDelta(t, float64(h.ValueAtQuantile(99))/1000, got.P99Ms, 1e-4)
}

// The offered rate of a steps profile, second by second, against
// arithmetic done by hand: 50/s for 2 s then 100/s for 3 s, from
// 10:00:00.5.
func TestOfferedFollowsTheStepsAcrossSeconds(t *testing.T) {
	t.Parallel()
	began := time.Date(2026, 12, 1, 10, 0, 0, 500e6, time.UTC)
	steps := Steps{{PerSecond: 50, For: 2 * time.Second}, {PerSecond: 100, For: 3 * time.Second}}
	tl := newTimeline()
	tl.stage("load", pacer{s: steps, shard: Shard{0, 1}}, began, began.Add(5*time.Second+300*time.Millisecond))
	out, err := tl.finish()
	require.NoError(t, err)
	var offered []uint64
	for _, row := range out.Seconds {
		offered = append(offered, row.Offered)
	}
	// [.5,1): 25 at 50/s; [1,2): 50; [2,2.5): 25 + [2.5,3): 50; [3,4), [4,5): 100; [5,5.5): 50.
	assert.Equal(t, []uint64{25, 50, 75, 100, 100, 50}, offered)
	assert.Equal(t, []loadfile.TimelineStage{
		{Name: "step 1: 50/s", Rate: 50, Start: began, End: began.Add(2 * time.Second)},
		{Name: "step 2: 100/s", Rate: 100, Start: began.Add(2 * time.Second), End: began.Add(5*time.Second + 300*time.Millisecond)},
	}, out.Stages)

	// Cut short (interrupted) in the first step: one stage, and nothing
	// offered after the cut.
	tl = newTimeline()
	tl.stage("load", pacer{s: steps, shard: Shard{0, 1}}, began, began.Add(1200*time.Millisecond))
	out, err = tl.finish()
	require.NoError(t, err)
	require.Len(t, out.Stages, 1)
	assert.Equal(t, began.Add(1200*time.Millisecond), out.Stages[0].End)
	require.Len(t, out.Seconds, 2)
	assert.Equal(t, uint64(25), out.Seconds[0].Offered)
	assert.Equal(t, uint64(35), out.Seconds[1].Offered, "due in [1 s, 1.7 s) of the schedule: 0.7 s at 50/s")
}
