package load

import (
	"context"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
)

// The default cap, as docs/load.md states it: an eighth of the open-file
// limit, at least 16, at most 4096; twice as many connections.
func TestTheDefaultWorkerCapIsAnEighthOfTheFileLimit(t *testing.T) {
	t.Parallel()
	for limit, want := range map[uint64]uint64{
		0: 16, 64: 16, 200: 25, 1024: 128, 20000: 2500, 32768: 4096, 1 << 20: 4096, ^uint64(0): 4096,
	} {
		assert.Equal(t, want, maxWorkersFor(limit), "limit %d", limit)
	}
	o := Options{Workers: 5000}
	o.withDefaults()
	assert.Equal(t, uint64(5000), o.MaxWorkers, "more workers to start with than the default cap raise the cap")
	assert.Equal(t, 10000, o.Connections, "two connections a worker")
}

// openFiles counts this process's open file descriptors.
func openFiles(t *testing.T) int {
	t.Helper()
	es, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(es)
}

// TestTheDefaultWorkerCapKeepsAStalledRunWithinTheFileLimit lowers this
// process's open-file limit to what it has open plus 400, and stalls the
// mock for 600 ms while a run without --max-workers sends 1000/s: without
// a cap Vegeta would start a worker, and open a connection, for each of
// the ~600 requests due during the stall, two descriptors each with the
// mock in-process, and run out. With the default cap (an eighth of the
// limit, and twice as many connections) the workers stop at the cap, the
// descriptors stay within half the limit, every request is answered, and
// the summary says the cap was reached, which is why the schedule lagged.
//
// The limit is the whole process's: the test runs in a process of its own.
func TestTheDefaultWorkerCapKeepsAStalledRunWithinTheFileLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts open files in /proc/self/fd")
	}
	if !testkit.OwnProcess(t) {
		return
	}
	const (
		rate  = 1000
		count = 1500
		stall = 600 * time.Millisecond
	)
	tg := controlled(t, mock.Faults{})
	base := tg.APIURL + mock.AdminPrefix

	var old syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old))
	before := openFiles(t)
	limit := uint64(before + 400)
	require.LessOrEqual(t, limit, old.Max)
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: limit, Max: old.Max}))
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
	cap := min(max(limit/8, 16), 4096)
	require.Greater(t, 2*uint64(rate*stall/time.Second), limit-uint64(before), "without a cap the stall alone would need more descriptors than are left")

	var peak atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if es, err := os.ReadDir("/proc/self/fd"); err == nil && int64(len(es)) > peak.Load() {
				peak.Store(int64(len(es)))
			}
		}
	})
	wg.Go(func() {
		// Every request arriving in the window is held for the stall.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if admin(t, http.MethodGet, base+"forsendelser/count", nil)["count"].(float64) >= 200 {
				break
			}
		}
		admin(t, http.MethodPut, base+"faults", map[string]any{"latency": stall.String()})
		time.Sleep(stall)
		admin(t, http.MethodPut, base+"faults", map[string]any{"latency": "0s"})
	})
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: rate}, Bounds: Bounds{Count: count}, Seed: 29, Out: t.TempDir(),
	})
	close(done)
	wg.Wait()
	require.NoError(t, err)
	t.Logf("limit %d, open before %d, at most %d during the run; workers %+v; lag %+v", limit, before, peak.Load(), s.Workers, s.ScheduleLag)

	assert.Equal(t, cap, s.Parameters.MaxWorkers, "the default cap")
	assert.Equal(t, uint64(count), s.Requests.Sent)
	assert.Equal(t, uint64(count), s.Requests.Success, "no request failed for want of a descriptor: %v", s.Errors)
	assert.Less(t, peak.Load(), int64(limit), "the run stayed within the open-file limit")
	assert.LessOrEqual(t, peak.Load(), int64(before)+4*int64(cap)+32, "at most two connections a worker (and the mock's end of each)")
	assert.Equal(t, 2*int(cap), s.Parameters.Connections)
	require.NotNil(t, s.Workers)
	assert.True(t, s.Workers.CapReached, "every worker was busy during the stall")
	assert.Equal(t, cap, s.Workers.Peak)
	assert.Greater(t, s.ScheduleLag.P99Ms, float64(stall/time.Millisecond)/4, "requests waited for a free worker")
	assert.Contains(t, s.Bottleneck, "workers were busy")
	var report strings.Builder
	require.NoError(t, WriteReport(&report, s))
	assert.Regexp(t, `workers +peak \d+ of at most \d+: the cap was reached [0-9.]+m?s into the run`, report.String())
}

// Merged shards keep their workers apart: the cap and the peak are the
// largest shard's, and the cap was reached when it was first reached in
// any shard, counted from the merged run's start.
func TestMergedWorkersAreTheBusiestShards(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sums := []*loadfile.Summary{
		{Started: t0, Workers: &loadfile.WorkerStats{Max: 64, Peak: 64, CapReached: true, CapReachedAtMs: 1500}},
		{Started: t0.Add(time.Second), Workers: &loadfile.WorkerStats{Max: 64, Peak: 64, CapReached: true, CapReachedAtMs: 200}},
		{Started: t0, Workers: &loadfile.WorkerStats{Max: 128, Peak: 30}},
	}
	assert.Equal(t, &loadfile.WorkerStats{Max: 128, Peak: 64, CapReached: true, CapReachedAtMs: 1200}, mergeWorkers(sums, t0))
	assert.Equal(t, &loadfile.WorkerStats{Max: 128, Peak: 30}, mergeWorkers(sums[2:], t0))
	assert.Nil(t, mergeWorkers(append(sums, &loadfile.Summary{Started: t0}), t0), "a shard's summary without workers: unknown")
}
