package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/internal/loadfile"
)

// `finprod load` with retries, as a user runs it, against the local mock
// given faults by --mock-config: every leveranse is delivered exactly once.
// The store holds as many forsendelser as the run has distinct leveranser,
// none twice, none accepted and missing, although a fifth of the answers
// were dropped after commit and a tenth were 500s (the mix), and,
// in the second case, although the socket-level faults struck as well.
// docs/load.md quotes a run of 100 000 with the first mix.
func TestLoadThroughFaultsDeliversEachLeveranseOnce(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, faults string
		reasons      []string // retry reasons the faults must have caused
	}{
		{"20% dropped after commit, 10% 500", "{dropShare: 0.2, failShare: 0.1, seed: 15}",
			[]string{"500", retry.ReasonConnection}},
		{"and the socket-level faults", "{dropShare: 0.1, failShare: 0.1, resetShare: 0.1, emptyShare: 0.1, malformedChunkShare: 0.1, trickleShare: 0.05, trickle: 2s, seed: 16}",
			[]string{"500", retry.ReasonConnection, retry.ReasonBody, retry.ReasonTimeout}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cfg := filepath.Join(dir, "faults.yaml")
			require.NoError(t, os.WriteFile(cfg, []byte("api:\n  faults: "+c.faults+"\n"), 0o600))
			// A trickled body (2 s) outlasts the attempt's timeout (1 s);
			// nothing else comes near it, even under the race detector on a
			// busy machine, and an answer slowed past it would only be one
			// more timeout retried.
			const n = 300
			all, code := runCLIExit(t, "load", "--mock-config", cfg, "--count", strconv.Itoa(n), "--rate", "300",
				"--retries", "15", "--retry-base", "1ms", "--retry-cap", "20ms", "--timeout", "1s", "--seed", "31",
				"--slo", "success>=100%", "--progress", "none", "--out", dir)
			require.Equal(t, exitOK, code, all)
			s, err := loadfile.ReadSummary(filepath.Join(dir, "load", loadfile.SummaryFile))
			require.NoError(t, err)
			assert.Equal(t, uint64(n), s.Requests.Sent)
			assert.Equal(t, uint64(n), s.Requests.Success, "every leveranse got through in the end")
			assert.Zero(t, s.Retries.GaveUp)
			assert.Zero(t, s.Retries.Conflicts, "the same key always came with the same body")
			for _, r := range c.reasons {
				assert.Positive(t, s.Retries.Reasons[r], "retries for %s: %v", r, s.Retries.Reasons)
			}
			rc := s.Reconciliation
			assert.True(t, rc.OK, "%+v", rc)
			require.NotNil(t, rc.Store)
			assert.Equal(t, uint64(n), rc.Store.Forsendelser, "forsendelser = distinct leveranser")
			assert.Equal(t, uint64(n), rc.Store.Distinct)
			assert.Zero(t, rc.Store.Duplicated, "none duplicated")
			assert.Zero(t, rc.Store.Lost, "none lost")
			t.Logf("%d leveranser, %d attempts retried %v, %d forsendelser stored, %d duplicated, %d lost",
				n, s.Retries.Attempts, s.Retries.Reasons, rc.Store.Forsendelser, rc.Store.Duplicated, rc.Store.Lost)
		})
	}
}
