package load

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

// faulty is one mock failing and dropping a tenth of the answers each,
// shared by the tests that want exactly that (a mock costs RSA keys).
var faulty struct {
	once sync.Once
	tg   *target.Target
	err  error
}

func faultyShared(t *testing.T) *target.Target {
	t.Helper()
	faulty.once.Do(func() {
		faulty.tg, faulty.err = target.Local(context.Background(), keyed(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{FailShare: 0.1, DropShare: 0.1, Seed: 7}}}))
	})
	require.NoError(t, faulty.err)
	return faulty.tg
}

// controlled is a mock of the test's own with the faults f, set through
// the admin API as a user of finprod mock sets them. With the keys made
// once (keyed) a mock costs little, so the tests that need faults of
// their own no longer take turns on one.
func controlled(t *testing.T, f mock.Faults) *target.Target {
	t.Helper()
	tg, err := target.Local(context.Background(), keyed(t, mock.Config{}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	admin(t, http.MethodPut, tg.APIURL+mock.AdminPrefix+"faults", f)
	return tg
}

// TestRetriesProveIdempotency: the mock fails a tenth of all requests
// with 500 and loses the answer of another tenth after storing the
// leveranse. Retries with the same key and body must get every leveranse
// accepted exactly once: the store holds as many forsendelser as there
// are distinct accepted leveranser, none twice, none missing.
func TestRetriesProveIdempotency(t *testing.T) {
	t.Parallel()
	tg := faultyShared(t)
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 1000}, Bounds: Bounds{Count: 400}, Seed: 5,
		Retry: retry.Policy{MaxRetries: 10, Base: time.Millisecond, Cap: 5 * time.Millisecond},
	})
	require.NoError(t, err)
	assert.Equal(t, uint64(400), s.Requests.Sent)
	assert.Equal(t, uint64(400), s.Requests.Success, "every leveranse gets through in the end")
	r := s.Retries
	assert.Positive(t, r.Attempts, "with 20%% faults some requests must have been retried")
	assert.Positive(t, r.Reasons["500"], "failed answers were retried")
	assert.Positive(t, r.Reasons[retry.ReasonConnection], "lost answers were retried")
	assert.Equal(t, uint64(400), r.FirstTry+r.Recovered)
	assert.Positive(t, r.Recovered)
	assert.Zero(t, r.GaveUp)
	assert.Zero(t, r.Conflicts, "the same key always came with the same body")

	c := s.Reconciliation
	assert.True(t, c.OK, "%+v", c)
	require.NotNil(t, c.Store)
	assert.Equal(t, uint64(400), c.Store.Forsendelser, "no leveranse stored twice, although answers were lost and retried")
	assert.Equal(t, uint64(400), c.Store.Distinct)
	assert.Zero(t, c.Store.Duplicated)
	assert.Zero(t, c.Store.Lost)
}

// TestGiveUpsAreAccountedFor: without retries, failed and lost answers
// are given up on with their reason, and the store shows that the lost
// ones were stored anyway (and the failed ones not).
func TestGiveUpsAreAccountedFor(t *testing.T) {
	t.Parallel()
	tg := faultyShared(t)
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 1000}, Bounds: Bounds{Count: 200}, Seed: 6,
		Retry: retry.Policy{MaxRetries: 0},
	})
	require.NoError(t, err)
	c := s.Reconciliation
	assert.Equal(t, uint64(200), c.Sent)
	assert.Positive(t, c.GaveUp)
	assert.Equal(t, c.Sent, c.Accepted+c.GaveUp+c.Refused, "every leveranse is accepted or given up with a reason")
	assert.Positive(t, c.Reasons["connection"])
	assert.Positive(t, c.Reasons["500"])
	assert.Equal(t, c.GaveUp, c.Reasons["connection"]+c.Reasons["500"])
	assert.True(t, c.OK)
	require.NotNil(t, c.Store)
	assert.Equal(t, c.Accepted+c.Reasons["connection"], c.Store.Distinct, "a dropped answer's leveranse was stored all the same")
	assert.Equal(t, c.Reasons["connection"], c.Store.StoredNotAccepted)
	assert.Zero(t, c.Store.Lost)
	assert.Zero(t, c.Store.Duplicated)
}

// TestAbortOnFailStopsALostRun: every request fails, so success>=99% is
// lost after 1% of the planned requests, and the run stops there: once the
// 51st failure is back, which (each failure retried first) takes a second
// or two on a busy machine, not the run's planned 10 s.
func TestAbortOnFailStopsALostRun(t *testing.T) {
	t.Parallel()
	tg := controlled(t, mock.Faults{FailShare: 1})
	gates := mustGates(t, "success>=99%:abort,p99<10s")
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 500}, Bounds: Bounds{Count: 5000}, Seed: 8,
		Gates: gates, SLO: "success>=99%:abort,p99<10s",
	})
	require.NoError(t, err)
	t.Logf("%+v %+v %+v", s.Requests, s.Status, s.GLD)
	assert.Equal(t, "success>=99%:abort", s.Aborted)
	assert.Less(t, s.Requests.Sent, uint64(2500), "the run stopped long before its 5000 requests")
	assert.Greater(t, s.Requests.Sent, uint64(50), "it is lost only after more than 1% of 5000 failed")
	assert.False(t, s.GatesPassed)
	assert.Equal(t, s.Requests.Sent, s.Status["500"])
	assert.Equal(t, s.Requests.Sent, s.GLD["GLD_023"]+s.GLD["GLD_1053"])
}

// TestARefusedTokenIsReplacedFromTheSource: the run's token cache holds an
// expired token for its first second, so the mock answers those requests
// 401 GLD_004. The retrying transport asks the token source itself, gets
// the current token and sends each once more, with the same key and body:
// every leveranse is accepted, once.
func TestARefusedTokenIsReplacedFromTheSource(t *testing.T) {
	t.Parallel()
	tg := localTarget(t)
	const seed = 21
	expired, err := tg.Controls.ExpiredToken(context.Background(), tg.Identity(seed).Systembruker)
	require.NoError(t, err)
	tg.Credentials = &testkit.StaleFirst{Credentials: tg.Credentials, Stale: expired}
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 200}, Bounds: Bounds{Count: 20}, Seed: seed,
		Retry: retry.Policy{MaxRetries: 2},
	})
	require.NoError(t, err)
	assert.Equal(t, uint64(20), s.Requests.Success, "%v %v", s.Status, s.GLD)
	r := s.Retries
	assert.Positive(t, r.Reasons[retry.ReasonUnauthorized], "the expired header was refused")
	assert.Equal(t, r.Reasons[retry.ReasonUnauthorized], r.Recovered, "each refused request got through with the new token")
	assert.Zero(t, r.GaveUp)
	require.NotNil(t, s.Reconciliation.Store)
	assert.Equal(t, uint64(20), s.Reconciliation.Store.Forsendelser)
	assert.Zero(t, s.Reconciliation.Store.Duplicated)
}
