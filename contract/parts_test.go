package contract_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/internal/jsonmutate"
)

// The cut schema, element by element plus the envelope, must give exactly
// the violations the whole schema gives, for valid documents, documents
// with every named defect, and thousands of random mutations of both.
func TestPartsAgreeWithTheWholeSchema(t *testing.T) {
	c := contract.Default()
	parts := c.Parts()
	require.NotNil(t, parts, "the embedded schema can be cut at leveranse.oppgave")

	var docs [][]byte
	docs = append(docs, contract.Eksempel())
	for seed := range uint64(4) {
		g, err := generators.New(generators.Config{Seed: seed, Oppgaver: 3})
		require.NoError(t, err)
		docs = append(docs, g.Body(0))
	}
	for _, d := range generators.Defects() {
		if d.Name == "ugyldig-json" {
			continue
		}
		g, err := generators.New(generators.Config{Seed: 9, Oppgaver: 3, Defects: []string{d.Name}})
		require.NoError(t, err, d.Name)
		docs = append(docs, g.Body(0))
	}
	rng := rand.New(rand.NewPCG(12, 13))
	values := []any{nil, true, 7, "x", "", strings.Repeat("å", 300), map[string]any{}, []any{}, []any{nil}, json.Number("1e999"),
		map[string]any{"oppgaveeier": map[string]any{}}, map[string]any{"konto": 1}}
	cases, withViolations := 0, 0
	for _, body := range docs {
		for k := range 30 {
			doc, err := contract.DecodeJSON(body)
			require.NoError(t, err)
			if k > 0 {
				for range 1 + rng.IntN(3) {
					jsonmutate.Mutate(rng, doc, values)
				}
			}
			whole := c.ValidateInnsending(doc)
			cut, ok := validateCut(parts, doc)
			if !ok {
				continue
			}
			cases++
			if len(whole) > 0 {
				withViolations++
			}
			// The same violations in the same order: one sort puts both in
			// document order.
			if !assert.Equal(t, whole, cut, "document %s", mustJSON(doc)) {
				return
			}
		}
	}
	assert.Greater(t, cases, 200)
	assert.Greater(t, withViolations, cases/2)
}

// validateCut validates doc as a stream would: each element of
// leveranse.oppgave alone, then the rest with an OppgaveList in its place.
func validateCut(p *contract.Parts, doc any) ([]contract.Violation, bool) {
	root, _ := doc.(map[string]any)
	lev, _ := root["leveranse"].(map[string]any)
	list, ok := lev["oppgave"].([]any)
	if !ok {
		return nil, false
	}
	var parts []contract.PartViolations
	var ol contract.OppgaveList
	for i, e := range list {
		parts = append(parts, p.ValidateOppgave(i, e))
		ol.Add(e)
	}
	envLev := map[string]any{}
	for k, v := range lev {
		envLev[k] = v
	}
	envLev["oppgave"] = ol.Value()
	env := map[string]any{}
	for k, v := range root {
		env[k] = v
	}
	env["leveranse"] = envLev
	return contract.Combine(append(parts, p.ValidateEnvelope(env)), 0), true
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestASchemaThatCannotBeCutHasNoParts(t *testing.T) {
	src := string(contract.OpenAPI())
	for name, edit := range map[string]func(string) string{
		"uniqueItems on the list": func(s string) string {
			return strings.Replace(s, "          minItems: 1\n          items: {$ref: '#/components/schemas/Oppgave'}",
				"          minItems: 1\n          uniqueItems: true\n          items: {$ref: '#/components/schemas/Oppgave'}", 1)
		},
		"allOf on the leveranse": func(s string) string {
			return strings.Replace(s, "    Leveranse:\n      type: object\n", "    Leveranse:\n      type: object\n      allOf: [{required: [oppgave]}]\n", 1)
		},
	} {
		changed := edit(src)
		require.NotEqual(t, src, changed, name)
		c, err := contract.Load([]byte(changed), name)
		require.NoError(t, err, name)
		assert.Nil(t, c.Parts(), name)
	}
}

// The list's own length keywords are checked on the count of its elements,
// as the whole validation checks them: a cut schema with maxItems agrees
// with the whole one below, at and above the bound.
func TestPartsCheckTheListsLengthAsTheWholeSchema(t *testing.T) {
	src := strings.Replace(string(contract.OpenAPI()), "          minItems: 1\n          items: {$ref: '#/components/schemas/Oppgave'}",
		"          minItems: 1\n          maxItems: 5\n          items: {$ref: '#/components/schemas/Oppgave'}", 1)
	require.NotEqual(t, string(contract.OpenAPI()), src)
	c, err := contract.Load([]byte(src), "maxItems 5")
	require.NoError(t, err)
	parts := c.Parts()
	require.NotNil(t, parts)
	over := 0
	for _, n := range []int{1, 5, 6, 40} {
		g, err := generators.New(generators.Config{Seed: uint64(n), Oppgaver: n})
		require.NoError(t, err)
		doc, err := contract.DecodeJSON(g.Body(0))
		require.NoError(t, err)
		whole := c.ValidateInnsending(doc)
		cut, ok := validateCut(parts, doc)
		require.True(t, ok)
		assert.Equal(t, whole, cut, "%d oppgaver", n)
		for _, v := range whole {
			if v.Sti == "$.leveranse.oppgave" {
				over++
			}
		}
	}
	assert.Equal(t, 2, over, "6 and 40 oppgaver are over maxItems 5")
}
