package contract

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/jsonmutate"
)

// wholeValueText is valueText as it was written first: the whole value
// marshalled by encoding/json, then cut. valueText must say exactly what it
// says, for any value.
func wholeValueText(v any) string {
	var s string
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		s = t
	case json.Number:
		s = t.String()
	case bool:
		s = "false"
		if t {
			s = "true"
		}
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return ""
		}
		s = string(b)
	}
	if r := []rune(s); len(r) > maxValueText {
		s = string(r[:maxValueText]) + "…"
	}
	return s
}

func TestValueTextIsTheWholeEncodingCut(t *testing.T) {
	var doc any
	require.NoError(t, json.Unmarshal(Eksempel(), &doc))
	lev := doc.(map[string]any)["leveranse"].(map[string]any)
	oppgave := lev["oppgave"].([]any)[0]
	long := make([]any, 500)
	for i := range long {
		long[i] = oppgave
	}
	values := []any{
		nil, true, false, "", "x", json.Number("1e999"), json.Number("-0.5"), 1.5,
		strings.Repeat("å", maxValueText), strings.Repeat("å", maxValueText+1), strings.Repeat("x", 10_000),
		strings.Repeat("a\xffb", 150), "\xff", strings.Repeat("€", 199) + "\xe2\x82", // not UTF-8, and cut inside a rune
		"<&>", map[string]any{"<b>": "&", "a": []any{nil, "\u2028"}}, []any{}, map[string]any{}, []any(nil), map[string]any(nil),
		[]any{[]any(nil), map[string]any(nil)}, long, lev, doc, oppgave,
		[]any{strings.Repeat("ø", 1000)}, map[string]any{strings.Repeat("k", 900): 1, "b": strings.Repeat("é", 300)},
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		var c any
		require.NoError(t, json.Unmarshal(Eksempel(), &c))
		for range 1 + rng.IntN(4) {
			jsonmutate.Mutate(rng, c, values[:len(values)-6])
		}
		values = append(values, c)
	}
	for _, v := range values {
		want := wholeValueText(v)
		if !assert.Equal(t, want, valueText(v), "%.300v", v) {
			return
		}
	}
}
