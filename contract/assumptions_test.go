package contract

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAssumptionsAreTheDocumentsRows(t *testing.T) {
	as := Assumptions()
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	// The first and last rows of ASSUMPTIONS.md, and some between.
	require.NotEmpty(t, ids)
	assert.Equal(t, "A-SCHEMA", ids[0])
	assert.Equal(t, "A-DP-PARTI", ids[len(ids)-1])
	for _, id := range []string{"A-PATH", "A-HOVEDKODE", "A-IDEMPOTENS", "A-TILBAKEMELDING", "A-DP-REF"} {
		assert.Contains(t, ids, id)
	}
	for _, a := range as {
		if a.ID == "A-PATH" {
			assert.Equal(t, "The path of `GET uthenting_dokument`.", a.Unknown)
			assert.Equal(t, "Only the mock serves this path; clients are unaffected.", a.Change)
		}
		if a.ID == "A-TILBAKEMELDING" {
			assert.Contains(t, a.Default, `status: "godkjent"|"avvist"`, "an escaped pipe stays in its cell")
		}
	}
}

func TestParseAssumptionsSkipsWhatIsNotARow(t *testing.T) {
	got := parseAssumptions("# T\n\n| ID | What | Default | How |\n|---|---|---|---|\n| A-X | a \\| b | c | d |\n| A-SHORT | x |\ntext | A-NOT\n")
	assert.Equal(t, []Assumption{{ID: "A-X", Unknown: "a | b", Default: "c", Change: "d"}}, got)
}
