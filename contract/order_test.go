package contract

import (
	"encoding/json"
	"maps"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareSti(t *testing.T) {
	// Each path comes before the next, top to bottom through a document.
	ordered := []string{
		"$",
		"$.leveranse",
		"$.leveranse.oppgave",
		"$.leveranse.oppgave[2]",
		"$.leveranse.oppgave[2].konto",
		"$.leveranse.oppgave[2].konto.finansprodukt[9].antall",
		"$.leveranse.oppgave[2].konto.finansprodukt[10]",
		"$.leveranse.oppgave[10]",
		"$.leveranse.oppgave[10].oppgaveeier",
		"$.leveranse.oppgave[100]",
		"$.leveranse.oppgavegiver",
		"$.leveranse['x y']",
		"$.leveranse['x y'][0]",
		"$.leveranse['x\\'z']",
	}
	for i := range ordered {
		assert.Zero(t, compareSti(ordered[i], ordered[i]), ordered[i])
		for j := i + 1; j < len(ordered); j++ {
			assert.Negative(t, compareSti(ordered[i], ordered[j]), "%s before %s", ordered[i], ordered[j])
			assert.Positive(t, compareSti(ordered[j], ordered[i]), "%s after %s", ordered[j], ordered[i])
		}
	}
}

// Violations in oppgave[1], [2] and [10] come in that order, not in the
// order of their path strings ([1], [10], [2]); so do they in a list long
// enough to be validated item by item (bounded), in the numbers no type
// holds, and in the parts of a cut validation put together (Combine, as
// finprod check lists them).
func TestViolationsComeInDocumentOrder(t *testing.T) {
	for _, n := range []int{12, splitLen + 8} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			doc, oppgaver := withOppgaver(t, n)
			for _, i := range []int{10, 2, 1} {
				finansprodukt(oppgaver[i])["antall"] = 77 // a number where the schema wants a string
			}
			doc["leveranse"].(map[string]any)["leveransetype"] = "ukjent"
			want := []string{
				"$.leveranse.leveransetype",
				"$.leveranse.oppgave[1].konto.finansprodukt[0].antall",
				"$.leveranse.oppgave[2].konto.finansprodukt[0].antall",
				"$.leveranse.oppgave[10].konto.finansprodukt[0].antall",
			}
			d := decodeAgain(t, doc)
			assert.Equal(t, want, stier(Default().ValidateInnsending(d)))
			assert.Equal(t, want, stier(validateInParts(t, d)))

			for _, i := range []int{10, 2, 1} {
				finansprodukt(oppgaver[i])["antall"] = json.Number("1e999") // no type holds it
			}
			d = decodeAgain(t, doc)
			want = want[1:]
			assert.Equal(t, want, stier(Default().ValidateInnsending(d)))
			assert.Equal(t, want, stier(validateInParts(t, d)))
		})
	}
}

// withOppgaver is the example with n copies of its oppgave.
func withOppgaver(t *testing.T, n int) (map[string]any, []any) {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(Eksempel(), &doc))
	lev := doc["leveranse"].(map[string]any)
	one := lev["oppgave"].([]any)[0]
	var oppgaver []any
	for range n {
		b, err := json.Marshal(one)
		require.NoError(t, err)
		var o any
		require.NoError(t, json.Unmarshal(b, &o))
		oppgaver = append(oppgaver, o)
	}
	lev["oppgave"] = oppgaver
	return doc, oppgaver
}

func finansprodukt(oppgave any) map[string]any {
	return oppgave.(map[string]any)["konto"].(map[string]any)["finansprodukt"].([]any)[0].(map[string]any)
}

// decodeAgain gives doc as the validator reads a body.
func decodeAgain(t *testing.T, doc any) any {
	t.Helper()
	body, err := json.Marshal(doc)
	require.NoError(t, err)
	d, err := DecodeJSON(body)
	require.NoError(t, err)
	return d
}

// validateInParts validates each oppgave on its own and the rest around
// them, as a stream does, in reverse order so that only the sort can put
// them right.
func validateInParts(t *testing.T, doc any) []Violation {
	t.Helper()
	p := Default().Parts()
	require.NotNil(t, p)
	lev := doc.(map[string]any)["leveranse"].(map[string]any)
	list := lev["oppgave"].([]any)
	var parts []PartViolations
	var ol OppgaveList
	for i := len(list) - 1; i >= 0; i-- {
		parts = append(parts, p.ValidateOppgave(i, list[i]))
	}
	for _, e := range list {
		ol.Add(e)
	}
	env := maps.Clone(doc.(map[string]any))
	envLev := maps.Clone(lev)
	envLev["oppgave"] = ol.Value()
	env["leveranse"] = envLev
	return Combine(append(parts, p.ValidateEnvelope(env)), 0)
}

func stier(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Sti)
	}
	return out
}
