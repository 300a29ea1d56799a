package load

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/finprod/finprod/internal/loadfile"
)

// TestShardsMergeToTheSameTotalsAsOneRun: three shards against one mock,
// merged, give the totals of one process at the full rate against
// another: the same requests, answers and stored leveranser, and the
// store shows no leveranse sent by two shards.
func TestShardsMergeToTheSameTotalsAsOneRun(t *testing.T) {
	t.Parallel()
	const count = 300
	opts := func(seed uint64) Options {
		return Options{Schedule: Constant{PerSecond: 1500}, Bounds: Bounds{Count: count}, Seed: seed, SLO: "success>=99%",
			Gates: mustGates(t, "success>=99%")}
	}
	// One mock for both: the single run has a seed of its own, so its
	// leveranser are not the shards'.
	shared := localTarget(t)
	o := opts(43)
	o.Target, o.Out = shared, t.TempDir()
	one, err := Run(context.Background(), o)
	require.NoError(t, err)

	root := t.TempDir()
	dirs := make([]string, 3)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		dirs[i] = filepath.Join(root, fmt.Sprintf("shard-%d", i))
		wg.Go(func() {
			o := opts(42)
			o.Target, o.Out, o.Shard = shared, dirs[i], Shard{Index: i, Count: 3}
			_, errs[i] = Run(context.Background(), o)
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	merged, err := Merge(MergeOptions{Dirs: []string{dirs[2], dirs[0], dirs[1]}, Out: filepath.Join(root, "merged")})
	require.NoError(t, err)

	assert.Equal(t, loadfile.KindMerge, merged.Kind)
	assert.Equal(t, one.Requests.Sent, merged.Requests.Sent)
	assert.Equal(t, uint64(count), merged.Requests.Sent)
	assert.Equal(t, one.Requests.Success, merged.Requests.Success)
	assert.Equal(t, one.Status, merged.Status)
	assert.Equal(t, one.Reconciliation.Accepted, merged.Reconciliation.Accepted)
	assert.Equal(t, one.Latency.Intended.Count, merged.Latency.Intended.Count)
	require.NotNil(t, merged.Reconciliation.Store)
	assert.Equal(t, one.Reconciliation.Store.Distinct, merged.Reconciliation.Store.Distinct)
	assert.Zero(t, merged.Reconciliation.Store.Duplicated)
	assert.True(t, merged.Reconciliation.OK)
	assert.True(t, merged.GatesPassed, "the shards' own SLO is evaluated once over the merged set")
	assert.Len(t, merged.Shards, 3)
	assert.Equal(t, 0, merged.Shards[0].Index)
	var report strings.Builder
	require.NoError(t, WriteReport(&report, merged))
	assert.Contains(t, report.String(), "constant 1500/s, shards 0–2 of 3 merged, seed 42", "a merge is every shard, not shard 0")

	// One mock, three shards: every leveranse stored once, none by two shards.
	refs, err := shared.Controls.Referanser(context.Background(), merged.Parameters.Oppgavegiver, fmt.Sprintf("finprod-%016x-", 42))
	require.NoError(t, err)
	assert.Len(t, refs, count)
	for ref, n := range refs {
		assert.Equal(t, 1, n, ref)
	}

	// The merged results are one file in time order that Vegeta reads.
	var prev vegeta.Result
	var n int
	require.NoError(t, readResults(filepath.Join(root, "merged", loadfile.ResultsFile), func(r *vegeta.Result) error {
		if n > 0 {
			assert.False(t, r.Timestamp.Before(prev.Timestamp), "results in time order")
		}
		prev = *r
		n++
		return nil
	}))
	assert.Equal(t, count, n)
	hs, err := loadfile.ReadHistograms(filepath.Join(root, "merged", loadfile.LatencyFile))
	require.NoError(t, err)
	assert.Equal(t, int64(count), hs[loadfile.TagIntended].TotalCount())

	// The merged timeline is the shards' rows added up by wall-clock second.
	assert.Equal(t, loadfile.TimelineFile, merged.Files.Timeline)
	mt, err := loadfile.ReadTimeline(filepath.Join(root, "merged", loadfile.TimelineFile))
	require.NoError(t, err)
	bySecond := map[int64][4]uint64{}
	var due int64
	for _, d := range dirs {
		st, err := loadfile.ReadTimeline(filepath.Join(d, loadfile.TimelineFile))
		require.NoError(t, err)
		for _, row := range st.Seconds {
			c := bySecond[row.T]
			bySecond[row.T] = [4]uint64{c[0] + row.Offered, c[1] + row.Sent, c[2] + row.OK, c[3] + row.Failed}
			if row.Intended != nil {
				due += row.Intended.Count
			}
		}
	}
	var sent, offered uint64
	for _, row := range mt.Seconds {
		assert.Equal(t, bySecond[row.T], [4]uint64{row.Offered, row.Sent, row.OK, row.Failed}, "second %d", row.T)
		sent, offered = sent+row.Sent, offered+row.Offered
		if row.Intended != nil {
			due -= row.Intended.Count
		}
	}
	assert.Equal(t, uint64(count), sent)
	assert.Equal(t, uint64(count), offered)
	assert.Zero(t, due, "every request's latency is in the merged seconds")

	// A merge of an incomplete or mixed set is refused.
	_, err = Merge(MergeOptions{Dirs: dirs[:2], Out: t.TempDir()})
	require.ErrorContains(t, err, "shards [2] of 3 are missing")
	_, err = Merge(MergeOptions{Dirs: []string{dirs[0], dirs[0], dirs[1], dirs[2]}, Out: t.TempDir()})
	require.ErrorContains(t, err, "are both shard 0/3")
	_, err = Merge(MergeOptions{Dirs: []string{dirs[0], o.Out}, Out: t.TempDir()})
	require.Error(t, err)
	_, err = Merge(MergeOptions{Dirs: []string{t.TempDir()}, Out: t.TempDir()})
	require.ErrorContains(t, err, "summary.json")
}
