package reports

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDriftBetweenAsyncAndSyncBusinessRules(t *testing.T) {
	// A: the mock's default (business rules in the feedback), B: the same
	// suite against a mock that checks them at once (A-ASYNC's other answer).
	d, err := Compare(open(t, "testdata/async-rules"), open(t, "testdata/sync-rules"))
	require.NoError(t, err)
	facts := factsOf(t, "testdata/sync-rules")
	assert.Len(t, d.Scenarios, facts.scenarios)
	assert.Equal(t, facts.failed, d.Different())
	assert.Empty(t, d.OnlyA)
	assert.Empty(t, d.OnlyB)

	var sum ScenarioDrift
	var differing []string
	for _, s := range d.Scenarios {
		if !s.Same {
			differing = append(differing, s.Name)
		}
		if s.Name == "En leveranse med defekten feil-sum blir mottatt, men tilbakemeldingen avviser den" {
			sum = s
		}
	}
	assert.ElementsMatch(t, facts.failedNames, differing)
	assert.Equal(t, []Difference{
		{What: "outcome", A: "passed", B: "failed"},
		{What: "status", A: "200", B: "400"},
		{What: "kode", A: "SUM_AVVIKER", B: "GLD_010"},
	}, sum.Differences, "the sti is the same: both point at the sum")
	assert.Equal(t, []string{"$.leveranse.oppgaveoppsummering.sumFormuesverdi"}, sum.A.Stier)
	assert.Equal(t, sum.A.Stier, sum.B.Stier)
	assert.Equal(t, "Og leveransen er sendt inn og mottatt", sum.B.FailingStep)

	ids := map[string]AssumptionDrift{}
	for _, a := range d.Assumptions {
		ids[a.ID] = a
	}
	assert.Len(t, ids, 3)
	for _, id := range []string{"A-FORRETNINGSREGEL", "A-ASYNC", "A-TILBAKEMELDING"} {
		assert.Equal(t, 4, ids[id].Contradicted, id)
		assert.Len(t, ids[id].Scenarios, 4, id)
	}

	var text bytes.Buffer
	require.NoError(t, WriteDriftText(&text, d))
	out := text.String()
	assert.Contains(t, out, "18 scenarios in both: 14 the same, 4 different")
	assert.Contains(t, out, "DIFFERENT  Oppfølging i Dialogporten › En leveranse med defekten feil-sum")
	assert.Contains(t, out, "kode     A: SUM_AVVIKER")
	assert.Contains(t, out, "A-ASYNC              held on A, contradicted on B (local): 4 scenarios")

	var js bytes.Buffer
	require.NoError(t, WriteDriftJSON(&js, d))
	var back struct {
		Format    string
		Scenarios []struct {
			Same        bool
			Differences []struct{ What, A, B string }
		}
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &back))
	assert.Equal(t, "finprod.drift/v1", back.Format)
	assert.Len(t, back.Scenarios, facts.scenarios)
}

func TestDriftOfARunWithItselfIsNone(t *testing.T) {
	r := open(t, "testdata/sync-rules")
	d, err := Compare(r, r)
	require.NoError(t, err)
	assert.Zero(t, d.Different())
	assert.Empty(t, d.Assumptions)
}

// keepFeatures writes a run folder whose Cucumber JSON has only the
// features with the given URIs.
func keepFeatures(t *testing.T, from string, uris ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(from, "cucumber.json"))
	require.NoError(t, err)
	var fs []map[string]any
	require.NoError(t, json.Unmarshal(b, &fs))
	var kept []map[string]any
	for _, f := range fs {
		for _, u := range uris {
			if f["uri"] == u {
				kept = append(kept, f)
			}
		}
	}
	dir := t.TempDir()
	out, err := json.Marshal(kept)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cucumber.json"), out, 0o644))
	return dir
}

func TestDriftNamesScenariosOnlyOneRunRan(t *testing.T) {
	b := open(t, keepFeatures(t, "testdata/sync-rules", "auth.feature"))
	d, err := Compare(open(t, "testdata/async-rules"), b)
	require.NoError(t, err)
	assert.Len(t, d.Scenarios, 5, "the five auth scenarios")
	assert.Len(t, d.OnlyA, 13)
	assert.Empty(t, d.OnlyB)
	assert.Equal(t, "unknown", d.B.Target, "a folder without acceptance.json")

	none := open(t, keepFeatures(t, "testdata/sync-rules", "nothing.feature"))
	_, err = Compare(open(t, "testdata/async-rules"), none)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "no scenario in common"), err.Error())
}
