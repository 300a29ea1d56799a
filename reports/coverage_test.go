package reports

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
)

// fixtures caches the recorded runs of testdata: reading one (its
// exchanges decoded and redacted again) is the slow part of these tests
// under -race, and no test changes a Run.
var fixtures sync.Map

func open(t *testing.T, dir string) *Run {
	t.Helper()
	if strings.HasPrefix(dir, "testdata/") {
		if r, ok := fixtures.Load(dir); ok {
			return r.(*Run)
		}
	}
	r, err := Open(dir)
	require.NoError(t, err)
	if strings.HasPrefix(dir, "testdata/") {
		fixtures.Store(dir, r)
	}
	return r
}

func row(t *testing.T, rows []CodeCoverage, k string) CodeCoverage {
	t.Helper()
	for _, r := range rows {
		if string(r.Entry.Kode) == k {
			return r
		}
	}
	t.Fatalf("no row for %s", k)
	return CodeCoverage{}
}

func TestCoverageHasARowPerCatalogueCode(t *testing.T) {
	rows := Coverage(open(t, "testdata/async-rules").Acceptance)
	// 12 general codes and 14 specification codes (the service page's
	// 12 + 12, GLD_1047 and GLD_1061), general first.
	require.Len(t, rows, 26)
	assert.Equal(t, contract.Kode("GLD_001"), rows[0].Entry.Kode)
	assert.Equal(t, contract.Kode("GLD_1007"), rows[12].Entry.Kode)
}

func TestCoverageOfTheFixtureRuns(t *testing.T) {
	// The fixtures ran @dialogporten, @auth and @inntektsaar.
	async := Coverage(open(t, "testdata/async-rules").Acceptance)
	gld1050 := row(t, async, "GLD_1050")
	assert.Equal(t, CoverageSeen, gld1050.State())
	require.Len(t, gld1050.Provoked, 1)
	assert.Equal(t, "Et dokument som ikke finnes på forsendelsen", gld1050.Provoked[0].Name)
	assert.Equal(t, 1, gld1050.Observed)

	gld1008 := row(t, async, "GLD_1008")
	assert.Equal(t, CoverageSeen, gld1008.State())
	// A forged and an expired token.
	assert.Len(t, gld1008.Provoked, 2)

	// GLD_1022 is expected under GLD_006, so GLD_006 is provoked too.
	gld006 := row(t, async, "GLD_006")
	assert.Equal(t, CoverageSeen, gld006.State())
	assert.Len(t, gld006.Provoked, 2)

	assert.Equal(t, CoverageNone, row(t, async, "GLD_001").State())
	assert.Equal(t, CoverageNone, row(t, async, "GLD_010").State(), "no payload scenario ran")

	// With the business rules checked at once, the defect leveranser are
	// refused with GLD_010, which none of these scenarios expected.
	sync := Coverage(open(t, "testdata/sync-rules").Acceptance)
	gld010 := row(t, sync, "GLD_010")
	assert.Equal(t, CoverageUnexpected, gld010.State())
	assert.Equal(t, 4, gld010.Observed)
	assert.Len(t, gld010.ObservedIn, 4)
}

func assumption(t *testing.T, as []AssumptionStatus, id string) AssumptionStatus {
	t.Helper()
	for _, a := range as {
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("no assumption %s", id)
	return AssumptionStatus{}
}

func TestAssumptionsHeldContradictedUntested(t *testing.T) {
	async := Assumptions(open(t, "testdata/async-rules").Acceptance)
	assert.Len(t, async, len(contract.Assumptions()))
	assert.Equal(t, AssumptionHeld, assumption(t, async, "A-ASYNC").State())
	assert.Len(t, assumption(t, async, "A-ASYNC").Scenarios, 4)
	assert.Equal(t, AssumptionHeld, assumption(t, async, "A-PATH").State())
	assert.Equal(t, AssumptionUntested, assumption(t, async, "A-SCHEMA").State(), "no @payload scenario ran")

	sync := Assumptions(open(t, "testdata/sync-rules").Acceptance)
	a := assumption(t, sync, "A-ASYNC")
	assert.Equal(t, AssumptionContradicted, a.State())
	var names []string
	for _, s := range a.Failed() {
		names = append(names, s.Name)
	}
	assert.ElementsMatch(t, []string{
		"En leveranse med defekten feil-sum blir mottatt, men tilbakemeldingen avviser den",
		"En leveranse med defekten feil-antall blir mottatt, men tilbakemeldingen avviser den",
		"En leveranse med defekten feil-kontrollsiffer-fnr blir mottatt, men tilbakemeldingen avviser den",
		"En leveranse med defekten feil-kontrollsiffer-orgnr blir mottatt, men tilbakemeldingen avviser den",
	}, names)
	assert.Equal(t, AssumptionHeld, assumption(t, sync, "A-PATH").State())
}

func TestAssumptionTagsUnknownToThisVersionAreListed(t *testing.T) {
	a := &Acceptance{Features: []Feature{{URI: "x.feature", Name: "X", Scenarios: []Scenario{
		{ID: "x;y", Name: "Y", Line: 3, Tags: []string{"@antakelse", "@A-GONE"}, Status: Passed},
	}}}}
	got := assumption(t, Assumptions(a), "A-GONE")
	assert.Equal(t, AssumptionHeld, got.State())
	assert.Contains(t, got.Unknown, "not in this finprod")
}
