package load

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

func localTarget(t *testing.T) *target.Target {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tg, err := target.Local(ctx, mock.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close(); cancel() })
	return tg
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
	assert.Equal(t, SummaryFormat, s.Format)
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

	// Every forsendelse in the mock has its own reference and two oppgaver.
	refs, err := tg.Controls.Referanser(context.Background(), s.Parameters.Oppgavegiver, "finprod-")
	require.NoError(t, err)
	assert.Len(t, refs, 300)

	// The outputs: Vegeta reads results.bin; latency.hdr has three tags.
	var n int
	var metrics vegeta.Metrics
	require.NoError(t, readResults(filepath.Join(out, ResultsFile), func(r *vegeta.Result) error {
		n++
		metrics.Add(r)
		return nil
	}))
	metrics.Close()
	assert.Equal(t, 300, n)
	assert.Equal(t, 1.0, metrics.Success)
	hs, err := ReadHistograms(filepath.Join(out, LatencyFile))
	require.NoError(t, err)
	for _, tag := range []string{TagIntended, TagService, TagLag} {
		assert.Equal(t, int64(300), hs[tag].TotalCount(), tag)
	}
	read, err := ReadSummary(filepath.Join(out, SummaryFile))
	require.NoError(t, err)
	assert.Equal(t, s.Requests, read.Requests)
}

func mustGates(t *testing.T, s string) []Gate {
	t.Helper()
	g, err := ParseSLO(s)
	require.NoError(t, err)
	return g
}

var _ = time.Second
