package load

import (
	"sync/atomic"
	"time"

	"github.com/finprod/finprod/internal/loadfile"
)

// Vegeta starts another worker whenever a request is due and every worker
// is busy, and it never stops one; each worker holds a connection. Against
// a target that stalls, a run without a cap opens connections until the
// process runs out of file descriptors, after which every new connection
// fails and the run reports the target's stall as a flood of errors. So a
// run always has a cap, derived from the open-file limit unless given.

// MaxWorkersCeiling is the largest default worker cap: at rate R and
// latency L a run needs about R·L workers, and 4096 covers 4000/s at one
// second; beyond it, memory (tens of KiB a worker) speaks for sharding.
const MaxWorkersCeiling = 4096

// minDefaultMaxWorkers is the smallest default cap, however low the limit.
const minDefaultMaxWorkers = 16

// DefaultMaxWorkers is the worker cap of a run that sets none: an eighth of
// the process's open-file limit (RLIMIT_NOFILE), at least 16 and at most
// MaxWorkersCeiling. A run's connections are capped at twice its workers
// (DefaultConnectionsPerWorker), each is a descriptor, and with --target
// local the in-process mock holds the other end of each: at most half the
// limit, the other half left for everything else.
func DefaultMaxWorkers() uint64 { return maxWorkersFor(openFileLimit()) }

func maxWorkersFor(limit uint64) uint64 {
	return min(max(limit/8, minDefaultMaxWorkers), MaxWorkersCeiling)
}

// DefaultConnectionsPerWorker: a worker uses one connection at a time, but
// net/http may dial a new one while the worker's last is still on its way
// back to the idle pool. Room for that keeps a worker from waiting for its
// own connection (with one a worker, a run on the bare handler spent about
// a tenth more CPU a request, client and server); a cap keeps the
// connections from outgrowing the workers.
const DefaultConnectionsPerWorker = 2

// workerGauge follows how many workers are busy without a lock: the
// targeter counts requests started (the runner's sequence), the stage's
// loop results recorded, and busy is the difference.
type workerGauge struct {
	max      uint64
	finished atomic.Uint64
	peak     atomic.Uint64
	// reached is when every worker was first busy (Unix nanoseconds), 0
	// before.
	reached atomic.Int64
}

// started notes that the started-th request (counted from 1 over the whole
// run) is being built by a worker.
func (g *workerGauge) started(started uint64) {
	// A result the loop has taken but not yet counted makes busy one too
	// many for a moment (its worker may already be on its next request);
	// busy never truly exceeds the cap.
	busy := min(started-g.finished.Load(), g.max)
	for p := g.peak.Load(); busy > p; p = g.peak.Load() {
		if g.peak.CompareAndSwap(p, busy) {
			break
		}
	}
	if busy >= g.max && g.reached.Load() == 0 {
		g.reached.CompareAndSwap(0, time.Now().UnixNano())
	}
}

// done notes a result recorded: its worker is free.
func (g *workerGauge) done() { g.finished.Add(1) }

// busy is how many workers are busy now, given the requests started.
func (g *workerGauge) busy(started uint64) uint64 {
	if f := g.finished.Load(); started > f {
		return min(started-f, g.max)
	}
	return 0
}

// stats are the gauge's figures for a run that started at began.
func (g *workerGauge) stats(began time.Time) *loadfile.WorkerStats {
	w := &loadfile.WorkerStats{Max: g.max, Peak: g.peak.Load()}
	if at := g.reached.Load(); at != 0 {
		w.CapReached = true
		w.CapReachedAtMs = round(ms(max(time.Unix(0, at).Sub(began), 0)))
	}
	return w
}
