package load

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/mock"
)

func TestTheSearchDoublesThenBisects(t *testing.T) {
	// A target that holds up to 700/s, searched from 100/s up to 10 000/s.
	best, failed := 0.0, 0.0
	rate := 100.0
	var tried []float64
	for range 20 {
		tried = append(tried, rate)
		next, done := nextRate(rate, rate <= 700, &best, &failed, 10000, 0.1)
		if done {
			break
		}
		rate = next
	}
	assert.Equal(t, []float64{100, 200, 400, 800, 600, 700, 750}, tried)
	assert.Equal(t, 700.0, best)
	assert.Equal(t, 750.0, failed)

	// The start already fails: step down.
	best, failed = 0, 0
	next, done := nextRate(100, false, &best, &failed, 10000, 0.1)
	assert.False(t, done)
	assert.Equal(t, 50.0, next)

	// The top passes: stop there.
	best, failed = 0, 0
	_, done = nextRate(10000, true, &best, &failed, 10000, 0.1)
	assert.True(t, done)
	assert.Equal(t, 10000.0, best)
}

func TestTheDeadlineAnswer(t *testing.T) {
	// 5 000 000 oppgaver, 10 per leveranse: 500 000 leveranser. In 72 h
	// that needs 500000/259200 = 1.929/s; at 100/s it takes 5000 s.
	d := deadlineAnswer(100, 5_000_000, 10, 72*time.Hour)
	assert.Equal(t, int64(500_000), d.Leveranser)
	assert.InDelta(t, 1.929, d.RequiredRate, 1e-3)
	assert.InDelta(t, 5_000_000, d.NeededMs, 1)
	assert.InDelta(t, 51.84, d.Headroom, 1e-2)
	assert.True(t, d.Fits)

	// 7 oppgaver at 3 per leveranse are 3 leveranser, not 2.
	assert.Equal(t, int64(3), deadlineAnswer(1, 7, 3, time.Hour).Leveranser)

	tight := deadlineAnswer(1, 5_000_000, 10, 72*time.Hour)
	assert.False(t, tight.Fits)
	c := &loadfile.Capacity{Rate: 1, Deadline: tight}
	s := capacitySentence(c, "p99<500ms", CapacityOptions{Start: 1}, false)
	assert.Contains(t, s, "does NOT fit in 72h")
	assert.Contains(t, s, "1.9× the rate found")

	c = &loadfile.Capacity{Rate: 100, Deadline: d}
	s = capacitySentence(c, "p99<500ms", CapacityOptions{Start: 50}, false)
	assert.Equal(t, "The highest rate that met p99<500ms was 100 leveranser/s (1 000 oppgaver/s at 10 per leveranse): "+
		"5 000 000 oppgaver take 1h23m at that rate, which fits in 72h with 51.8× headroom (it needs 1.9 leveranser/s).", s)

	none := capacitySentence(&loadfile.Capacity{Stages: []loadfile.Stage{{Rate: 50}, {Rate: 25}}}, "p99<1ms", CapacityOptions{Start: 50}, false)
	assert.Contains(t, none, "No stage met p99<1ms, down to 25 leveranser/s")
}

// TestCapacityFindsAWorkerBoundLimit: with two workers and 20 ms per
// request the mock can answer at most 100/s, so the rate found is below
// 200/s (a stage there falls 40 requests behind in 0.4 s: its last
// requests wait 400 ms, past p99<300ms), however fast the machine. On a
// quiet one it is 50 or 100/s; a machine that freezes for seconds fails
// the 25/s start too, and the search steps down until a stage passes.
func TestCapacityFindsAWorkerBoundLimit(t *testing.T) {
	t.Parallel()
	tg := controlled(t, mock.Faults{Latency: mock.Duration(20 * time.Millisecond)})
	out := t.TempDir()
	s, err := FindCapacity(context.Background(), CapacityOptions{
		Options: Options{Target: tg, Seed: 4, Workers: 2, MaxWorkers: 2, Gates: mustGates(t, "p99<300ms,success>=99%"), SLO: "p99<300ms,success>=99%", Out: out},
		Start:   25, Max: 400, Stage: 400 * time.Millisecond, Precision: 0.3, MaxStages: 4,
		Volume: 1000, Deadline: time.Hour,
	})
	require.NoError(t, err)
	c := s.Capacity
	require.NotNil(t, c)
	for _, st := range c.Stages {
		t.Logf("stage %g/s: sent %d, p99 %.1f ms, pass %v %+v", st.Rate, st.Sent, st.P99Ms, st.Pass, st.Gates)
	}
	assert.Positive(t, c.Rate, "a stage passed")
	assert.Less(t, c.Rate, 200.0, "two workers cannot keep up with 200/s at 20 ms each")
	require.NotEmpty(t, c.Stages)
	var failed bool
	for _, st := range c.Stages {
		failed = failed || !st.Pass
	}
	assert.True(t, failed, "the search went past the limit")
	require.NotNil(t, c.Deadline)
	assert.True(t, c.Deadline.Fits, "1000 oppgaver in an hour need 0.28/s")
	assert.Contains(t, c.Sentence, "fits in 1h")
	assert.True(t, s.GatesPassed)
	assert.True(t, s.Reconciliation.OK)
	assert.Equal(t, loadfile.KindCapacity, s.Kind)

	// The timeline shows each stage, at its rate, one after the other.
	tl, err := loadfile.ReadTimeline(filepath.Join(out, loadfile.TimelineFile))
	require.NoError(t, err)
	require.Len(t, tl.Stages, len(c.Stages))
	var planned, offered uint64
	for i, st := range tl.Stages {
		assert.Equal(t, c.Stages[i].Rate, st.Rate)
		assert.Contains(t, st.Name, fmt.Sprintf("stage-%d-", i+1))
		if i > 0 {
			assert.False(t, st.Start.Before(tl.Stages[i-1].End), "stage %d starts after the one before ends", i+1)
		}
		planned += c.Stages[i].Planned
	}
	for _, row := range tl.Seconds {
		offered += row.Offered
	}
	assert.LessOrEqual(t, offered, planned, "what the stages' schedules had due until each stopped")
	assert.Positive(t, offered)
}
