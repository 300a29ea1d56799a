package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

// shared is one local mock for the tests that do not change its faults:
// starting a mock and its Maskinporten makes RSA keys, the slowest part of
// these tests. Runs keep apart by seed (their references differ).
var shared struct {
	once sync.Once
	tg   *target.Target
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, tg := range []*target.Target{shared.tg, faulty.tg} {
		if tg != nil {
			_ = tg.Close()
		}
	}
	os.Exit(code)
}

// keyed is cfg with the mock's keys made once per test binary (testkit):
// two fresh 2048-bit keys were most of the time of a mock's start.
func keyed(t *testing.T, cfg mock.Config) mock.Config {
	cfg.SigningKey, cfg.DefaultClientKey = testkit.Key(t, "mock signing"), testkit.Key(t, "mock default client")
	return cfg
}

// localTarget is a copy of the shared local target, so a test may change
// its policy without touching the others'.
func localTarget(t *testing.T) *target.Target {
	t.Helper()
	shared.once.Do(func() { shared.tg, shared.err = target.Local(context.Background(), keyed(t, mock.Config{})) })
	require.NoError(t, shared.err)
	tg := *shared.tg
	return &tg
}

func TestARunSendsUniqueLeveranserAndAccountsForEachOne(t *testing.T) {
	t.Parallel()
	tg := localTarget(t)
	out := t.TempDir()
	s, err := Run(context.Background(), Options{
		Target: tg, Schedule: Constant{PerSecond: 1000}, Bounds: Bounds{Count: 300},
		Seed: 11, Oppgaver: 2, Out: out, SLO: "success>=99%", Gates: mustGates(t, "success>=99%,p99<5s"),
	})
	require.NoError(t, err)
	assert.Equal(t, loadfile.SummaryFormat, s.Format)
	assert.Equal(t, uint64(300), s.Requests.Sent)
	assert.Equal(t, uint64(300), s.Requests.Success)
	assert.Equal(t, uint64(300), s.Status["200"])
	assert.True(t, s.GatesPassed)
	require.Len(t, s.Gates, 2)
	assert.Equal(t, 1.0, s.Gates[0].Actual)

	c := s.Reconciliation
	assert.True(t, c.OK)
	assert.Equal(t, uint64(300), c.Accepted)
	require.NotNil(t, c.Store, "the mock's store is checked")
	assert.Equal(t, uint64(300), c.Store.Forsendelser)
	assert.Equal(t, uint64(300), c.Store.Distinct)
	assert.Zero(t, c.Store.Duplicated)
	assert.Zero(t, c.Store.Lost)

	// Every forsendelse in the mock has its own reference.
	refs, err := tg.Controls.Referanser(context.Background(), s.Parameters.Oppgavegiver, fmt.Sprintf("finprod-%016x-", 11))
	require.NoError(t, err)
	assert.Len(t, refs, 300)

	// The outputs: Vegeta reads results.bin; latency.hdr has three tags.
	var n int
	var metrics vegeta.Metrics
	require.NoError(t, readResults(filepath.Join(out, loadfile.ResultsFile), func(r *vegeta.Result) error {
		n++
		metrics.Add(r)
		assert.Equal(t, "load", r.Attack, "vegeta plot names the series by the attack")
		return nil
	}))
	metrics.Close()
	assert.Equal(t, 300, n)
	assert.Equal(t, 1.0, metrics.Success)
	hs, err := loadfile.ReadHistograms(filepath.Join(out, loadfile.LatencyFile))
	require.NoError(t, err)
	for _, tag := range []string{loadfile.TagIntended, loadfile.TagService, loadfile.TagLag} {
		assert.Equal(t, int64(300), hs[tag].TotalCount(), tag)
	}
	read, err := loadfile.ReadSummary(filepath.Join(out, loadfile.SummaryFile))
	require.NoError(t, err)
	assert.Equal(t, s.Requests, read.Requests)
}

func mustGates(t *testing.T, s string) []Gate {
	t.Helper()
	g, err := ParseSLO(s)
	require.NoError(t, err)
	return g
}

// TestALongRunRenewsItsToken: the mock's tokens live 3 s here, and the
// run lasts 3.5 s, longer than the first token (whose exp is whole seconds,
// so it may live just over 2 s), so it succeeds only if the run keeps
// asking its token source. The source is Maskinporten's client against the
// mock's Maskinporten, for the client the local target registers for the
// run's systembruker, with a refresh margin of 2.5 s: a token is replaced
// half a second after it was fetched, and a header the run's cache holds
// for at most a second then still has half a second to go. (The default
// margin, half a short life, would leave none; a real token lives 120 s.)
// The run is bounded by count, so every request is sent.
func TestALongRunRenewsItsToken(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tg, err := target.Local(ctx, keyed(t, mock.Config{Maskinporten: mock.MaskinportenConfig{TokenTTL: 3 * time.Second}}))
	require.NoError(t, err)
	defer tg.Close()
	const seed = 12
	local, ok := tg.Credentials.(interface {
		ClientConfig(org string) (maskinporten.Config, error)
	})
	require.True(t, ok, "a local target's credentials name their Maskinporten client")
	cfg, err := local.ClientConfig(tg.Identity(seed).Systembruker)
	require.NoError(t, err)
	cfg.Scopes, cfg.RefreshMargin = []string{contract.Scope}, 2500*time.Millisecond
	src, err := maskinporten.New(cfg)
	require.NoError(t, err)
	grants := &countingSource{src: src}
	tg.Credentials = grants
	s, err := Run(context.Background(), Options{Target: tg, Schedule: Constant{PerSecond: 60}, Bounds: Bounds{Count: 210}, Seed: seed})
	require.NoError(t, err)
	assert.Equal(t, uint64(210), s.Requests.Sent)
	assert.Equal(t, s.Requests.Sent, s.Requests.Success, "no request went out with an expired token: %v", s.Status)
	assert.GreaterOrEqual(t, grants.distinct(), 3, "the run used tokens that the source renewed")
}

// countingSource is a token source that counts the distinct tokens it gave.
type countingSource struct {
	src  *maskinporten.Source
	mu   sync.Mutex
	seen map[string]bool
}

func (c *countingSource) Token(ctx context.Context, _ string, _ ...string) (string, error) {
	tok, err := c.src.Token(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[tok] = true
	return tok, err
}

func (c *countingSource) distinct() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seen)
}
