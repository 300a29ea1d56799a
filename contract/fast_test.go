package contract

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fast checker must agree with the library wherever it claims to be
// exact. These tests compare the two on many documents.

func compileSchema(t *testing.T, schema string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	require.NoError(t, c.AddResource("mem:///s.json", doc))
	s, err := c.Compile("mem:///s.json")
	require.NoError(t, err)
	return s
}

// agree checks one document: an exact answer from the checker must be the
// library's answer. It reports whether the checker was exact.
func agree(t *testing.T, f *fastChecker, s *jsonschema.Schema, doc any, what string) bool {
	t.Helper()
	ok, exact := f.valid(doc)
	if !exact {
		return false
	}
	libOK := s.Validate(doc) == nil
	if ok != libOK {
		b, _ := json.Marshal(doc)
		t.Errorf("%s: fast checker says valid=%v, library says valid=%v for %s", what, ok, libOK, b)
	}
	return true
}

func TestFastCheckerCoversTheEmbeddedSchema(t *testing.T) {
	c := Default()
	require.NotNil(t, c.fast, "the embedded submission schema should be within the fast checker's keywords")
	doc, err := DecodeJSON(Eksempel())
	require.NoError(t, err)
	ok, exact := c.fast.valid(doc)
	assert.True(t, ok)
	assert.True(t, exact)
}

// TestFastCheckerAgreesOnMutations mutates the documented example at random
// (delete, replace or add members, with values of every JSON type and
// strings near every pattern) and compares the checker with the library.
func TestFastCheckerAgreesOnMutations(t *testing.T) {
	c := Default()
	require.NotNil(t, c.fast)
	values := []any{
		nil, true, false, json.Number("0"), json.Number("-1"), json.Number("2024"), json.Number("2024.0"),
		json.Number("1e3"), json.Number("99999"), json.Number("0.5"), json.Number("12345678901234567890"),
		"", "x", "0", "12", "007", "123456789", "12345678", "1234567890", "00000000000", "1980-05-10",
		"NO", "no", "NOK", "US0378331005", "a@b.no", "a@b", "+47 80080000", "12.5", "1.", "ordinaer",
		"ukjent", "TIN", "aksjer", "ISIN", strings.Repeat("x", 201), "æøå",
		map[string]any{}, []any{}, []any{"a"}, []any{"a", "a"},
		map[string]any{"organisasjonsnummer": "987546231"},
		map[string]any{"foedselsnummer": "00000000000"},
		map[string]any{"beloepINOK": "1"},
		map[string]any{"skattepliktigGevinst": "1"},
		map[string]any{"skattepliktigGevinst": "1", "fradragsberettigetTap": "2"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	exactN, validN := 0, 0
	const n = 20000
	for i := range n {
		doc, err := DecodeJSON(Eksempel())
		require.NoError(t, err)
		for range 1 + rng.IntN(3) {
			mutate(rng, doc, values)
		}
		if agree(t, c.fast, c.innsending, doc, fmt.Sprint("mutation ", i)) {
			exactN++
		}
		if c.innsending.Validate(doc) == nil {
			validN++
		}
		if t.Failed() {
			return
		}
	}
	// Numbers the checker does not parse make it defer; most documents
	// must still be decided by it, or it is not worth having.
	assert.Greater(t, exactN, n*3/4)
	// Both verdicts must be well represented.
	assert.Greater(t, validN, n/40)
	assert.Less(t, validN, n*19/20)
	t.Logf("%d documents, %d decided by the fast checker, %d valid", n, exactN, validN)
}

// mutate changes one member somewhere in doc.
func mutate(rng *rand.Rand, doc any, values []any) {
	node := doc
	for {
		var children []any
		switch n := node.(type) {
		case map[string]any:
			for _, v := range n {
				children = append(children, v)
			}
		case []any:
			children = n
		}
		var containers []any
		for _, ch := range children {
			switch ch.(type) {
			case map[string]any, []any:
				containers = append(containers, ch)
			}
		}
		if len(containers) == 0 || rng.IntN(3) == 0 {
			break
		}
		node = containers[rng.IntN(len(containers))]
	}
	pick := func() any { return deepCopy(values[rng.IntN(len(values))]) }
	switch n := node.(type) {
	case map[string]any:
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		if len(keys) == 0 {
			n["x"] = pick()
			return
		}
		k := keys[rng.IntN(len(keys))]
		switch rng.IntN(4) {
		case 0:
			delete(n, k)
		case 1:
			// A known member name moved under another value, or a
			// sibling such as person/organisasjon added.
			for _, name := range []string{"organisasjon", "person", "ukjent", "adresseUstrukturert", "valutakode"} {
				if rng.IntN(3) == 0 {
					n[name] = pick()
					return
				}
			}
			n[k] = pick()
		default:
			n[k] = pick()
		}
	case []any:
		if len(n) > 0 && rng.IntN(2) == 0 {
			n[rng.IntN(len(n))] = pick()
		} else if len(n) > 0 {
			n[0] = deepCopy(n[len(n)-1])
		}
	}
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = deepCopy(x)
		}
		return a
	}
	return v
}

// TestFastCheckerAgreesOnKeywords covers keywords the embedded schema does
// not use, so a document given with --openapi is checked as the library would.
func TestFastCheckerAgreesOnKeywords(t *testing.T) {
	instances := []string{
		`null`, `true`, `false`, `0`, `1`, `-1`, `1.5`, `2.0`, `10`, `1e2`, `"a"`, `"ab"`, `"abc"`, `"é"`, `"1"`,
		`[]`, `[1]`, `[1,1]`, `[1,"1"]`, `[1,2,3]`, `["a",1]`, `[{"a":1},{"a":1.0}]`, `{}`, `{"a":1}`, `{"b":"x"}`,
		`{"a":1,"b":2}`, `{"a":"x","c":true}`, `{"x1":1}`, `{"x1":"s"}`, `{"a":null}`, `{"p":1,"q":2}`, `{"p":1}`,
	}
	schemas := []string{
		`{"type":"integer"}`,
		`{"type":["string","null"]}`,
		`{"type":"number","minimum":0,"exclusiveMaximum":10}`,
		`{"maximum":1.5,"exclusiveMinimum":-1}`,
		`{"multipleOf":2}`,
		`{"const":{"a":1}}`,
		`{"enum":[1,"a",null,[1,1]]}`,
		`{"not":{"type":"string"}}`,
		`{"oneOf":[{"type":"integer"},{"minimum":1}]}`,
		`{"anyOf":[{"type":"string","minLength":2},{"type":"array","maxItems":1}]}`,
		`{"allOf":[{"type":"object"},{"required":["a"]}]}`,
		`{"if":{"type":"integer"},"then":{"minimum":1},"else":{"type":"string"}}`,
		`{"if":{"required":["a"]},"then":{"required":["b"]}}`,
		`{"uniqueItems":true}`,
		`{"prefixItems":[{"type":"integer"}],"items":{"type":"string"}}`,
		`{"items":false,"prefixItems":[true]}`,
		`{"minItems":2,"maxItems":2}`,
		`{"minLength":1,"maxLength":2,"pattern":"^[a-z]+$"}`,
		`{"properties":{"a":{"type":"integer"}},"patternProperties":{"^x[0-9]$":{"type":"string"}},"additionalProperties":false}`,
		`{"properties":{"a":true},"additionalProperties":{"type":"string"}}`,
		`{"minProperties":1,"maxProperties":1}`,
		`{"dependentRequired":{"p":["q"]}}`,
		`{"dependentSchemas":{"p":{"required":["q"]}}}`,
		`{"$defs":{"n":{"type":"object","properties":{"a":{"$ref":"#/$defs/n"}}}},"$ref":"#/$defs/n"}`,
		`{"required":["a"],"not":{"required":["b"]},"oneOf":[{"required":["a"]},{"required":["c"]}]}`,
		`{"format":"email"}`,
		`false`, `true`,
	}
	for _, schema := range schemas {
		t.Run(schema, func(t *testing.T) {
			s := compileSchema(t, schema)
			f := newFastChecker(s)
			require.NotNil(t, f)
			for _, inst := range instances {
				doc, err := DecodeJSON([]byte(inst))
				require.NoError(t, err)
				agree(t, f, s, doc, inst)
			}
		})
	}
}

func TestFastCheckerStepsAsideForWhatItDoesNotImplement(t *testing.T) {
	for _, schema := range []string{
		`{"unevaluatedProperties":false}`,
		`{"properties":{"a":{"unevaluatedItems":false}}}`,
		`{"contains":{"type":"integer"}}`,
		`{"propertyNames":{"maxLength":1}}`,
		`{"$dynamicAnchor":"x","$dynamicRef":"#x"}`,
		`{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}`,
	} {
		assert.Nil(t, newFastChecker(compileSchema(t, schema)), schema)
	}
}
