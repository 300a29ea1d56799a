package rules

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/jsonmutate"
	"github.com/finprod/finprod/internal/jsontree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Check reads most bodies through jsontree; its findings must be those of
// the encoding/json reading the rules were written against, for any body.
func TestCheckAgreesWithTypedDecoding(t *testing.T) {
	t.Parallel()
	bodies := mutatedBodies(t, 5000)
	// The bodies are judged in parallel shards; each stops at its first
	// disagreement.
	const shards = 4
	fast := make([]int, shards)
	t.Run("bodies", func(t *testing.T) {
		for i := range shards {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				for j := i; j < len(bodies); j += shards {
					b := bodies[j]
					if doc, dup, err := jsontree.DecodeDup([]byte(b)); err == nil && !dup {
						if _, ok := fromTree(doc); ok {
							fast[i]++
						}
					}
					want := checkTyped([]byte(b))
					got := Check([]byte(b))
					if !assert.Equal(t, want, got, "body %s", b) {
						return
					}
				}
			})
		}
	})
	// Most bodies must take the fast reading, or it is not worth having.
	total := 0
	for _, n := range fast {
		total += n
	}
	assert.Greater(t, total, len(bodies)/2)
}

// Stream, fed one oppgave at a time, must find what Check finds in the
// whole body, wherever the document has the shape a stream reads: an
// object with a leveranse object whose oppgave is an array, no repeated
// key, no key that differs from the schema's names only by case, and an
// oppgavegiver and oppgaveoppsummering of the schema's types.
func TestStreamAgreesWithCheck(t *testing.T) {
	streamed := 0
	for _, b := range mutatedBodies(t, 800) {
		doc, dup, err := jsontree.DecodeDup([]byte(b))
		if err != nil || dup {
			continue
		}
		root, ok := object(doc, "leveranse")
		if !ok || root == nil {
			continue
		}
		lev, ok := object(root["leveranse"], "oppgavegiver", "oppgave", "oppgaveoppsummering")
		if !ok || lev == nil {
			continue
		}
		list, ok := lev["oppgave"].([]any)
		if !ok {
			continue
		}
		if _, _, ok := headFromTree(lev); !ok {
			continue
		}
		var s Stream
		for _, item := range list {
			raw, err := json.Marshal(item)
			require.NoError(t, err)
			s.Oppgave(raw, item, false)
		}
		delete(lev, "oppgave")
		want, got := Check([]byte(b)), s.Finish(doc)
		if len(want) == 1 && want[0].Kode == KodeUgyldigJSON {
			// encoding/json names the field it could not fill from where
			// it started reading: the same failure, worded for the part.
			require.Len(t, got, 1, "body %s", b)
			assert.Equal(t, KodeUgyldigJSON, got[0].Kode)
			continue
		}
		if !assert.Equal(t, want, got, "body %s", b) {
			return
		}
		streamed++
	}
	assert.Greater(t, streamed, 150, "the corpus must exercise the stream")
}

func TestStreamResetKeepsTheLastArray(t *testing.T) {
	doc, err := jsontree.Decode([]byte(consistent()))
	require.NoError(t, err)
	lev := doc.(map[string]any)["leveranse"].(map[string]any)
	var s Stream
	s.Oppgave([]byte(`{"oppgaveeier":{"person":{"foedselsnummer":"1"}},"konto":{}}`), nil, true)
	s.Reset()
	for _, item := range lev["oppgave"].([]any) {
		raw, err := json.Marshal(item)
		require.NoError(t, err)
		s.Oppgave(raw, item, false)
	}
	assert.Empty(t, s.Finish(doc), "the first array's bad fødselsnummer and extra oppgave are forgotten")
}

// mutatedBodies are hand-made edge cases and n random mutations of the
// service page's example.
func mutatedBodies(t *testing.T, n int) []string {
	t.Helper()
	ex := string(contract.Eksempel())
	bodies := []string{
		ex, `{}`, `null`, `[]`, `"x"`, `{"leveranse":null}`, `{"leveranse":[]}`, `{"x":1}`, `not json`, ``,
		strings.Replace(ex, `"leveranse"`, `"Leveranse"`, 1),
		strings.Replace(ex, `"oppgave":`, `"OPPGAVE":`, 1),
		strings.Replace(ex, `"person":`, `"perſon":`, 1),
		strings.Replace(ex, `"person": {`, `"person": {"foedselsnummer": "15858012314"}, "person": {`, 1),
		strings.Replace(ex, `"organisasjonsnummer": "987546231"`, `"organisasjonsnummer": 987546231`, 1),
		strings.Replace(ex, `"organisasjonsnummer": "987546231"`, `"organisasjonsnummer": null`, 1),
		strings.Replace(ex, `"antallOppgaver": 1`, `"antallOppgaver": "1"`, 1),
		strings.Replace(ex, `"antallOppgaver": 1`, `"antallOppgaver": "x"`, 1),
		strings.Replace(ex, `"antallOppgaver": 1`, `"antallOppgaver": null`, 1),
		strings.Replace(ex, `"antallOppgaver": 1`, `"antallOppgaver": 1.0`, 1),
		strings.Replace(ex, `"sumTap": "90"`, `"sumTap": 90`, 1),
		strings.Replace(ex, `"sumTap": "90"`, `"sumTap": "\u0039\u0030"`, 1),
		strings.Replace(ex, `"anvendtSkjerming": "8"`, `"anvendtSkjerming": 8`, 1),
		strings.Replace(ex, `"beloepINOK": "7700"`, `"beloepINOK": 7700`, 1),
	}
	values := []any{nil, true, 1, 1.5, "1", "x", "15858012314", "310000000", map[string]any{}, []any{}, []any{nil},
		map[string]any{"beloepINOK": "5"}, map[string]any{"foedselsnummer": "15858012314"}, []any{map[string]any{}}}
	rng := rand.New(rand.NewPCG(3, 4))
	var example any
	require.NoError(t, json.Unmarshal(contract.Eksempel(), &example))
	for range n {
		doc := cloneAny(example)
		for range 1 + rng.IntN(3) {
			jsonmutate.Mutate(rng, doc, values)
		}
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		bodies = append(bodies, string(b))
	}
	return bodies
}

// cloneAny deep-copies a document decoded by encoding/json, so each
// mutation starts from the example without decoding it again.
func cloneAny(v any) any {
	switch n := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(n))
		for k, x := range n {
			m[k] = cloneAny(x)
		}
		return m
	case []any:
		l := make([]any, len(n))
		for i, x := range n {
			l[i] = cloneAny(x)
		}
		return l
	default:
		return v // strings, float64s, bools and nil are values
	}
}

// number and amount read generic values; they must read them as the
// encoding/json code they replaced read the raw JSON.
func TestNumberAndAmountReadAsEncodingJSON(t *testing.T) {
	t.Parallel()
	oldAmount := func(raw json.RawMessage) (string, bool) {
		if len(raw) == 0 {
			return "", false
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			s = strings.TrimSpace(string(raw))
		}
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return "", false
		}
		return n.String(), true
	}
	for _, raw := range []string{
		`1`, `-1`, `0`, `1.0`, `1e2`, `"1"`, `"1.5"`, `"x"`, `""`, `null`, `true`, `false`, `{}`, `[]`, `[1]`,
		`"\u0031"`, `" 1"`, `"+1"`, `"-0"`, `12345678901234567890123`, `"1_000"`, `"0x10"`, `"+"`, `"-"`,
		`"999999999999999999"`, `"-999999999999999999"`, `"9999999999999999999"`, `"000000000000000000001"`, `"007"`,
	} {
		x, err := jsontree.Decode([]byte(raw))
		require.NoError(t, err)
		var want json.Number
		wantOK := json.Unmarshal([]byte(raw), &want) == nil
		got, gotOK := number(x)
		assert.Equal(t, wantOK, gotOK, "number(%s)", raw)
		if wantOK {
			assert.Equal(t, want, got, "number(%s)", raw)
		}
		wantA, wantAOK := oldAmount(json.RawMessage(raw))
		gotA, gotAOK := amount(x)
		assert.Equal(t, wantAOK, gotAOK, "amount(%s)", raw)
		if wantAOK && gotAOK {
			assert.Equal(t, wantA, gotA.String(), "amount(%s)", raw)
		}
	}
}

func TestNumAddsAsBigInt(t *testing.T) {
	t.Parallel()
	vals := []string{"0", "1", "-1", "999999999999999999", "-999999999999999999", "123456789012345678901234567890", "-5"}
	for _, a := range vals {
		total, want := num{}, new(big.Int)
		for range 12 {
			for _, b := range vals {
				n, ok := amount(b)
				require.True(t, ok)
				total = total.add(n)
				w, _ := new(big.Int).SetString(b, 10)
				want.Add(want, w)
				x, _ := amount(a)
				wa, _ := new(big.Int).SetString(a, 10)
				assert.Equal(t, want.String(), total.String())
				assert.Equal(t, want.Cmp(wa), total.Cmp(x))
			}
		}
	}
}
