package load

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/internal/testkit"
)

func snap(sent uint64, done bool) Snapshot {
	return Snapshot{
		Stage: "load", Elapsed: time.Duration(sent) * 100 * time.Millisecond, Length: 10 * time.Second,
		Planned: 100, Sent: sent, Success: sent - 1, Offered: 10, Achieved: 9.5,
		P50: 2 * time.Millisecond, P99: 40 * time.Millisecond, Service99: 5 * time.Millisecond,
		Status: loadfile.Counts{"200": sent - 1, "500": 1}, GLD: loadfile.Counts{"GLD_023": 1},
		Retries: retry.Stats{Retries: 3, Recovered: 2, GaveUp: 1},
		Gates:   []loadfile.GateResult{{Gate: "p99<30ms", Actual: 40, Unit: "ms", Pass: false}},
		Workers: 3, PeakWorkers: 7, MaxWorkers: 4096,
		Done: done,
	}
}

// Once every worker has been busy, both views say so: that is when the
// schedule lag comes from the cap rather than the machine.
func TestTheViewsSayWhenTheWorkerCapWasReached(t *testing.T) {
	t.Parallel()
	s := snap(50, false)
	assert.Contains(t, Line(s), "workers 3/4096 gates")
	assert.Equal(t, "3 busy, peak 7 of 4096", workersPart(s))
	s.Workers, s.PeakWorkers, s.MaxWorkers, s.WorkersCapped = 64, 64, 64, true
	assert.Contains(t, Line(s), "workers 64/64 (cap reached)")
	assert.Contains(t, workersPart(s), "64 busy, peak 64 of 64  CAP REACHED: requests wait for a free worker")
}

func TestPlainLinesAreThrottledAndComplete(t *testing.T) {
	t.Parallel()
	var b testkit.Buffer
	v := NewView(&b, false)
	v.Update(snap(10, false))
	v.Update(snap(20, false)) // within LineEvery: no line
	v.Update(snap(100, true)) // the end always gets one
	v.Close()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	assert.Len(t, lines, 2)
	assert.Contains(t, lines[0], "sent 10/100")
	assert.Contains(t, lines[1], "sent 100/100 ok 99 errors 1")
	assert.Contains(t, lines[1], "p99 40ms")
	assert.Contains(t, lines[1], "p99<30ms FAILING (40.00ms)")
	assert.NotContains(t, b.String(), "\x1b[", "no terminal control codes in a log")
}

func TestThePanelRefreshesInPlace(t *testing.T) {
	t.Parallel()
	var b testkit.Buffer
	v := NewView(&b, true)
	v.Update(snap(10, false))
	time.Sleep(3 * PanelEvery / 2)
	v.Update(snap(50, false))
	time.Sleep(3 * PanelEvery / 2)
	v.Update(snap(100, true))
	v.Close()
	out := b.String()
	for _, want := range []string{"offered 10/s", "achieved 10/s", "p99 40ms (intended)", "p99 5ms (service)",
		"HTTP 200: 99, HTTP 500: 1", "GLD_023: 1", "retries  3 (recovered 2, gave up 1", "workers  3 busy, peak 7 of 4096", "p99<30ms FAILING"} {
		assert.Contains(t, out, want)
	}
	// Off a terminal mpb draws frame after frame; on one it redraws in place
	// (seen under tmux: docs/load.md).
	assert.GreaterOrEqual(t, strings.Count(out, "  rate     offered"), 2, "the panel is redrawn as the run goes")
	assert.Contains(t, out, "100/100 sent, 0s left", "the last frame shows the end")
}
