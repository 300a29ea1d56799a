package load

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/mock"
)

// admin calls the mock's admin API, as a user of `finprod mock` would.
func admin(t *testing.T, method, url string, body any) map[string]any {
	t.Helper()
	var rd bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = *bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, &rd)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s", method, url)
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// TestAStallShowsInIntendedLatencyAndHidesInServiceTime stalls the mock
// once for a known time S while a single worker sends 100/s. The stall
// guarantees this much, however slow the machine: the worker is held for
// S, so every request due in the first half of the stall (about 20 of the
// run's 200) waits at least S/2 from when it was due, which puts the
// honest p99 above S/2; by service time only the stalled request itself
// took that long, and whatever the machine adds. So far fewer requests
// look slow by service time than by intended time, and its p99 stays far
// below the honest one (on a quiet machine: a few ms against S).
//
// The stall starts 0.3 s into a wall-clock second B that lies wholly in
// the run, so the requests that waited for it were all due in B: the
// timeline's row for B shows the stall in its intended-time p99, and not
// in its service-time p99 (one slow request among about 100).
func TestAStallShowsInIntendedLatencyAndHidesInServiceTime(t *testing.T) {
	t.Parallel()
	const stall = 400 * time.Millisecond
	tg := controlled(t, mock.Faults{}) // the test sets the stall itself
	base := tg.APIURL + mock.AdminPrefix
	var wg sync.WaitGroup
	var stalledSecond time.Time
	wg.Go(func() {
		// Once the run has begun, the stall starts 0.3 s into the first
		// whole second at least 0.1 s ahead (the run lasts 2 s, so that
		// second and the stall's 0.7 s are in it).
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if admin(t, http.MethodGet, base+"forsendelser/count", nil)["count"].(float64) >= 1 {
				break
			}
		}
		stalledSecond = time.Now().Add(100 * time.Millisecond).Truncate(time.Second).Add(time.Second)
		time.Sleep(time.Until(stalledSecond.Add(300 * time.Millisecond)))
		// The one worker's next request arrives within the window and is
		// held for the whole stall; the window is shorter than the stall,
		// so no second request can arrive in it.
		admin(t, http.MethodPut, base+"faults", map[string]any{"latency": stall.String()})
		time.Sleep(stall / 2)
		admin(t, http.MethodPut, base+"faults", map[string]any{"latency": "0s"})
	})
	out := t.TempDir()
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 100}, Bounds: Bounds{Count: 200},
		Seed: 3, Workers: 1, MaxWorkers: 1, Out: out,
	})
	wg.Wait()
	require.NoError(t, err)
	require.Equal(t, uint64(200), s.Requests.Sent, "a count-bounded run sends every request, late or not")
	assert.Equal(t, s.Requests.Sent, s.Requests.Success)

	t.Logf("intended %+v service %+v lag %+v", s.Latency.Intended, s.Latency.Service, s.ScheduleLag)
	half := stall / 2
	hs, err := loadfile.ReadHistograms(filepath.Join(out, loadfile.LatencyFile))
	require.NoError(t, err)
	slowIntended, slowService := atLeast(hs[loadfile.TagIntended], half), atLeast(hs[loadfile.TagService], half)
	t.Logf("requests that took %s or more: %d by intended time, %d by service time", half, slowIntended, slowService)

	require.GreaterOrEqual(t, slowService, int64(1), "the stall must have hit a request")
	assert.GreaterOrEqual(t, slowIntended, int64(15), "the requests due during the stall waited for it")
	assert.Greater(t, s.Latency.Intended.P99Ms, float64(half/time.Millisecond), "the stall shows in the honest p99")
	assert.Less(t, 4*slowService, slowIntended, "service time shows only the stalled request, not those that waited for it")
	assert.Less(t, s.Latency.Service.P99Ms, s.Latency.Intended.P99Ms/2, "service time alone hides the stall (coordinated omission)")
	assert.Greater(t, s.ScheduleLag.P99Ms, float64(half/time.Millisecond)/2, "the sender fell behind its schedule during the stall")
	assert.NotEmpty(t, s.Bottleneck, "a run whose sender fell behind says so")

	// The timeline, read as any JSON reader would.
	type latency struct {
		Count        int64
		P99Ms, MaxMs float64
		HDR          string
	}
	var tl struct {
		Format  string
		Seconds []struct {
			T                      int64
			Offered, Sent, OK      uint64
			Intended, Service, Lag *latency
		}
	}
	b, err := os.ReadFile(filepath.Join(out, loadfile.TimelineFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &tl))
	assert.Equal(t, "finprod.load.timeline/v1", tl.Format)
	var offered, sent, ok uint64
	var due int64
	var stalled, stalledService *latency
	for _, row := range tl.Seconds {
		offered, sent, ok = offered+row.Offered, sent+row.Sent, ok+row.OK
		t.Logf("second %d: offered %d sent %d ok %d", row.T, row.Offered, row.Sent, row.OK)
		if row.Intended == nil || row.Service == nil {
			continue // nothing was due in it
		}
		due += row.Intended.Count
		t.Logf("  %d due: intended p99 %.1f ms, service p99 %.1f ms", row.Intended.Count, row.Intended.P99Ms, row.Service.P99Ms)
		if row.T == stalledSecond.Unix() {
			stalled, stalledService = row.Intended, row.Service
		}
	}
	assert.Equal(t, []uint64{200, 200, 200}, []uint64{offered, sent, ok}, "offered, sent and answered 2xx over the seconds")
	assert.Equal(t, int64(200), due)
	require.NotNil(t, stalled, "the run had requests due in the stalled second %s", stalledSecond)
	require.NotNil(t, stalledService)
	assert.GreaterOrEqual(t, stalled.Count, int64(51), "the stalled second is (nearly) whole, so one request is not its p99")
	assert.Greater(t, stalled.P99Ms, float64(half/time.Millisecond), "the stall shows in the intended-time p99 of its second")
	assert.Less(t, stalledService.P99Ms, stalled.P99Ms/2, "and not in its service-time p99")
	// As over the whole run: in that second many waited for the stall, and
	// by service time only the stalled request (and what a loaded machine
	// adds) was slow.
	hi, err := hdrhistogram.Decode([]byte(stalled.HDR))
	require.NoError(t, err)
	hsv, err := hdrhistogram.Decode([]byte(stalledService.HDR))
	require.NoError(t, err)
	secIntended, secService := atLeast(hi, half), atLeast(hsv, half)
	t.Logf("in the stalled second, %d requests took %s or more by intended time, %d by service time", secIntended, half, secService)
	assert.GreaterOrEqual(t, secIntended, int64(15), "the requests due in the stalled second waited for it")
	assert.Less(t, 4*secService, secIntended)
}

// atLeast counts the recorded values of d or more.
func atLeast(h *hdrhistogram.Histogram, d time.Duration) int64 {
	var n int64
	for _, b := range h.Distribution() {
		if b.From >= d.Microseconds() {
			n += b.Count
		}
	}
	return n
}
