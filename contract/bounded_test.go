package contract

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wholeViolations is one validation of the whole document, as the
// validator gives it: the reference the bounded validation must agree with.
func wholeViolations(c *Contract, doc any) []string {
	var out []string
	for _, v := range violationsAt(c.innsending, doc, doc, nil) {
		out = append(out, v.Sti+" | "+v.Melding+" | "+v.AngittVerdi)
	}
	sort.Strings(out)
	return out
}

func keyed(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Sti+" | "+v.Melding+" | "+v.AngittVerdi)
	}
	sort.Strings(out)
	return out
}

// longExample is the service page's example with n oppgaver, each with m
// finansprodukter: long enough that the bounded validation splits both.
func longExample(t *testing.T, n, m int) map[string]any {
	t.Helper()
	doc, err := DecodeJSON(Eksempel())
	require.NoError(t, err)
	lev := doc.(map[string]any)["leveranse"].(map[string]any)
	first := lev["oppgave"].([]any)[0]
	var list []any
	for range n {
		o := clone(t, first).(map[string]any)
		fp := o["konto"].(map[string]any)["finansprodukt"].([]any)
		for len(fp) < m {
			fp = append(fp, clone(t, fp[0]))
		}
		o["konto"].(map[string]any)["finansprodukt"] = fp
		list = append(list, o)
	}
	lev["oppgave"] = list
	return doc.(map[string]any)
}

func clone(t *testing.T, v any) any {
	switch n := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, c := range n {
			out[k] = clone(t, c)
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, c := range n {
			out[i] = clone(t, c)
		}
		return out
	}
	return v
}

// TestBoundedAgreesWithWholeValidation breaks long documents in random
// places and ways and compares the bounded validation with one validation
// of the whole document.
func TestBoundedAgreesWithWholeValidation(t *testing.T) {
	c := Default()
	breaks := []func(r *rand.Rand, lev map[string]any){
		func(r *rand.Rand, lev map[string]any) { // a wrong enum in some oppgave
			o := pick(r, lev["oppgave"]).(map[string]any)
			o["konto"].(map[string]any)["kontonummertype"] = "x"
		},
		func(r *rand.Rand, lev map[string]any) { // a missing required property
			delete(pick(r, lev["oppgave"]).(map[string]any), "konto")
		},
		func(r *rand.Rand, lev map[string]any) { // an unknown property deep down
			o := pick(r, lev["oppgave"]).(map[string]any)
			pick(r, o["konto"].(map[string]any)["finansprodukt"]).(map[string]any)["ukjent"] = "1"
		},
		func(r *rand.Rand, lev map[string]any) { // an item of the wrong type
			list := lev["oppgave"].([]any)
			list[r.IntN(len(list))] = json.Number("1")
		},
		func(r *rand.Rand, lev map[string]any) { // an empty list where one item is required
			o := pick(r, lev["oppgave"]).(map[string]any)
			o["konto"].(map[string]any)["finansprodukt"] = []any{}
		},
		func(r *rand.Rand, lev map[string]any) { // the header
			lev["leveransetype"] = "ukjent"
		},
		func(r *rand.Rand, lev map[string]any) { // oppgave is not a list
			lev["oppgave"] = "ingen"
		},
		func(r *rand.Rand, lev map[string]any) {}, // nothing
	}
	r := rand.New(rand.NewPCG(13, 13))
	broken := 0
	for trial := range 30 {
		doc := longExample(t, 33+r.IntN(8), 1+r.IntN(36))
		lev := doc["leveranse"].(map[string]any)
		var did []int
		for range 1 + r.IntN(3) {
			k := r.IntN(len(breaks))
			did = append(did, k)
			if _, ok := lev["oppgave"].([]any); !ok && k != 5 {
				continue
			}
			breaks[k](r, lev)
		}
		want := wholeViolations(c, doc)
		got := c.ValidateInnsending(doc)
		require.Less(t, len(want), MaxViolations, "trial %d: the reference must stay below the bound", trial)
		assert.Equal(t, want, keyed(got), "trial %d, breaks %v", trial, did)
		if len(want) > 0 {
			broken++
		}
	}
	assert.Greater(t, broken, 20, "most trials must break the document, or the comparison says little")
}

func pick(r *rand.Rand, list any) any {
	l := list.([]any)
	return l[r.IntN(len(l))]
}

// TestBoundedStopsAtTheBound: many wrong items make at most
// MaxViolations violations and one saying that more were left out.
func TestBoundedStopsAtTheBound(t *testing.T) {
	ex := string(Eksempel())
	i := strings.Index(ex, `"oppgave": [`) + len(`"oppgave": [`)
	j := strings.Index(ex, "],\n    \"oppgaveoppsummering\"")
	require.Positive(t, i)
	require.Positive(t, j)
	items := strings.Repeat("1,", 200_000) + "1"
	doc, err := DecodeJSON([]byte(ex[:i] + items + ex[j:]))
	require.NoError(t, err)
	vs := Default().ValidateInnsending(doc)
	require.Len(t, vs, MaxViolations+1)
	assert.Equal(t, "$.leveranse.oppgave[0]", vs[0].Sti)
	assert.Contains(t, vs[MaxViolations].Melding, fmt.Sprint(MaxViolations))
}

// TestErrorBodiesListAtMostTheBound: an answer lists MaxViolations details
// and one saying how many more there were.
func TestErrorBodiesListAtMostTheBound(t *testing.T) {
	many := make([]Feilspesifisering, 5000)
	for i := range many {
		many[i] = Feilspesifisering{Sti: fmt.Sprintf("$.x[%d]", i), Melding: "feil"}
	}
	_, f := NewFeil(GLD010, "k", many...)
	require.Len(t, f.Feilspesifisering, MaxViolations+1)
	assert.Equal(t, "$.x[99]", f.Feilspesifisering[MaxViolations-1].Sti)
	assert.Contains(t, f.Feilspesifisering[MaxViolations].Melding, "4900 feilspesifiseringer til")
	_, f = NewFeil(GLD010, "k", many[:MaxViolations+1]...)
	assert.Len(t, f.Feilspesifisering, MaxViolations+1, "one more than the bound is listed as it is")
	assert.Equal(t, "$.x[0]", many[0].Sti, "the caller's details are not changed")
}
