package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
)

func TestRunChecksTheExample(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	// The mock's keys made once per test binary, not two fresh ones.
	ctx := mock.WithKeys(context.Background(), testkit.Key(t, "mock signing"), testkit.Key(t, "mock default client"))
	sum, err := Run(ctx, &out)
	require.NoError(t, err)
	assert.True(t, sum.OK, out.String())
	assert.Zero(t, sum.Failed())
	var names []string
	for _, c := range sum.Checks {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"submission accepted", "receipt matches the contract",
		"replay with the same idempotencyKey is byte-identical", "processed once"}, names)
	assert.Equal(t, 200, sum.Status)
	assert.Equal(t, 200, sum.ReplayStatus)
	assert.True(t, sum.ReplayIdentical)
	assert.Equal(t, 1, sum.Forsendelser)
	assert.NotEmpty(t, sum.DialogID)
	assert.Contains(t, out.String(), "Target: embedded mock at http://127.0.0.1:")
	assert.Contains(t, out.String(), "  ok   processed once: 1 forsendelse(r) stored")
}

// run.json is read by people and scripts; its keys stay as they are.
func TestSummaryJSONKeys(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(&Summary{Checks: []Check{{Name: "a", OK: false}, {Name: "b", OK: true}}})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"target", "started", "durationMs", "status", "replayStatus", "replayIdentical", "forsendelser", "checks", "ok"} {
		assert.Contains(t, m, k)
	}
	assert.Equal(t, 1, (&Summary{Checks: []Check{{OK: false}, {OK: true}}}).Failed())
}
