package load

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/mock"
)

// An interrupt while the first token is fetched (a fresh target has none
// yet) is an interrupt, not an unreachable target: a user who pressed
// Ctrl-C is told so, and gets the interrupted exit code.
func TestAnInterruptBeforeTheFirstRequestIsAnInterrupt(t *testing.T) {
	t.Parallel()
	tg := controlled(t, mock.Faults{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := Run(ctx, Options{Target: tg, Schedule: Constant{PerSecond: 100}, Bounds: Bounds{Count: 10}, Seed: 31, Out: t.TempDir()})
	require.ErrorIs(t, err, ErrInterrupted)
	var ue *UnreachableError
	assert.False(t, errors.As(err, &ue), "not an unreachable target: %v", err)
	if s != nil {
		assert.True(t, s.Interrupted)
		assert.Zero(t, s.Requests.Sent)
	}
}

// TestAnInterruptedRunWritesConsistentOutputs: cancelled halfway, the run
// returns ErrInterrupted with a summary, and its three files agree.
func TestAnInterruptedRunWritesConsistentOutputs(t *testing.T) {
	t.Parallel()
	tg := localTarget(t)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Run(ctx, Options{
		Target: tg, Schedule: Constant{PerSecond: 200}, Bounds: Bounds{Duration: time.Minute}, Seed: 1, Out: out,
		Progress: func(s Snapshot) {
			if s.Sent >= 50 {
				cancel()
			}
		}, ProgressEvery: 20 * time.Millisecond,
	})
	require.ErrorIs(t, err, ErrInterrupted)
	require.NotNil(t, s)
	assert.True(t, s.Interrupted)
	assert.GreaterOrEqual(t, s.Requests.Sent, uint64(50))
	assert.Less(t, s.Requests.Sent, uint64(12000), "it stopped long before the minute was up")
	assert.True(t, s.Reconciliation.OK, "%+v", s.Reconciliation)

	read, err := loadfile.ReadSummary(filepath.Join(out, loadfile.SummaryFile))
	require.NoError(t, err)
	assert.True(t, read.Interrupted)
	var n uint64
	require.NoError(t, readResults(filepath.Join(out, loadfile.ResultsFile), func(*vegeta.Result) error { n++; return nil }))
	assert.Equal(t, read.Requests.Sent, n)
	hs, err := loadfile.ReadHistograms(filepath.Join(out, loadfile.LatencyFile))
	require.NoError(t, err)
	assert.Equal(t, int64(n), hs[loadfile.TagIntended].TotalCount())
	tl, err := loadfile.ReadTimeline(filepath.Join(out, loadfile.TimelineFile))
	require.NoError(t, err)
	var sent, offered uint64
	for _, row := range tl.Seconds {
		sent, offered = sent+row.Sent, offered+row.Offered
	}
	assert.Equal(t, n, sent)
	assert.Equal(t, read.Requests.Planned, offered, "offered until the interruption, as planned says")
}

func TestRunsThatCannotBeAllowedAreRefused(t *testing.T) {
	t.Parallel()
	tg := localTarget(t)
	_, err := Run(context.Background(), Options{Target: tg, Schedule: Constant{PerSecond: 10}})
	require.ErrorContains(t, err, "unbounded")

	tg.Policy.MaxRate = 10 // as a test environment's
	_, err = Run(context.Background(), Options{Target: tg, Schedule: Constant{PerSecond: 200}, Bounds: Bounds{Count: 1}})
	require.ErrorContains(t, err, "--max-rate 200")
	_, err = Run(context.Background(), Options{Target: tg, Schedule: Linear{From: 1, To: 50, Over: time.Second}, Bounds: Bounds{Count: 1}})
	require.ErrorContains(t, err, "peak rate of 50/s", "a ramp's peak counts")

	s, err := Run(context.Background(), Options{Target: tg, Schedule: Constant{PerSecond: 200}, Bounds: Bounds{Count: 5}, MaxRate: 200})
	require.NoError(t, err, "an explicit --max-rate raises the ceiling")
	assert.Equal(t, 200.0, s.Parameters.MaxRate)

	_, err = Run(context.Background(), Options{Target: tg, Schedule: Constant{PerSecond: 1}, Bounds: Bounds{Count: 1}, Shard: Shard{Index: 2, Count: 2}})
	require.ErrorContains(t, err, "shard 2/2")
}
