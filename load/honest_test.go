package load

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
// once for a known time while a single worker sends. The requests due
// during the stall wait, unseen by Vegeta's service time, behind the one
// stalled request: a quarter of the run is due in the stall, so the honest
// p99 must be well above half the stall, while the service-time p99 (one
// slow request in 200) stays far below it. The margins are wide on
// purpose: only quantities the stall itself guarantees are asserted.
func TestAStallShowsInIntendedLatencyAndHidesInServiceTime(t *testing.T) {
	t.Parallel()
	const stall = 400 * time.Millisecond
	tg := controlled(t, mock.Faults{}) // the test sets the stall itself
	base := tg.APIURL + mock.AdminPrefix
	var wg sync.WaitGroup
	wg.Go(func() {
		// After 40 stored leveranser, one request gets the stall.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if admin(t, http.MethodGet, base+"forsendelser/count", nil)["count"].(float64) >= 40 {
				break
			}
		}
		admin(t, http.MethodPut, base+"faults", map[string]any{"latency": stall.String()})
		time.Sleep(30 * time.Millisecond)
		admin(t, http.MethodPut, base+"faults", map[string]any{"latency": "0s"})
	})
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 100}, Bounds: Bounds{Count: 200},
		Seed: 3, Workers: 1, MaxWorkers: 1,
	})
	wg.Wait()
	require.NoError(t, err)
	require.Equal(t, uint64(200), s.Requests.Sent, "a count-bounded run sends every request, late or not")
	assert.Equal(t, s.Requests.Sent, s.Requests.Success)

	t.Logf("intended %+v service %+v lag %+v", s.Latency.Intended, s.Latency.Service, s.ScheduleLag)
	stallMs := float64(stall / time.Millisecond)
	// The stall happened: one request took at least the stall.
	require.GreaterOrEqual(t, s.Latency.Service.MaxMs, stallMs*0.95, "the stall must have hit a request")
	assert.Greater(t, s.Latency.Intended.P99Ms, stallMs/2, "the stall must show in the honest p99")
	assert.Less(t, s.Latency.Service.P99Ms, stallMs/2, "service time alone hides the stall (coordinated omission)")
	assert.Greater(t, s.ScheduleLag.P99Ms, stallMs/4, "the sender fell behind its schedule during the stall")
	assert.NotEmpty(t, s.Bottleneck, "a run whose sender fell behind says so")
}
