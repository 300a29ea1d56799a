package contract

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmbeddedExampleIsValid(t *testing.T) {
	doc, err := DecodeJSON(Eksempel())
	require.NoError(t, err)
	assert.Empty(t, Default().ValidateInnsending(doc))

	var inn Innsending
	require.NoError(t, json.Unmarshal(Eksempel(), &inn))
	assert.Equal(t, 2024, inn.Leveranse.Inntektsaar)
	assert.Len(t, inn.Leveranse.Oppgave[0].Konto.Finansprodukt, 2)
}

func TestViolationsNameEveryPathAndValue(t *testing.T) {
	body := strings.Replace(string(Eksempel()), `"leveransetype": "ordinaer"`, `"leveransetype": "ukjent"`, 1)
	body = strings.Replace(body, `"antall": "77"`, `"antall": 77`, 1)
	body = strings.Replace(body, `"kildesystem": "Kildesystemet v2.0.5",`, ``, 1)
	doc, err := DecodeJSON([]byte(body))
	require.NoError(t, err)
	vs := Default().ValidateInnsending(doc)
	byPath := map[string]Violation{}
	for _, v := range vs {
		byPath[v.Sti] = v
	}
	require.Contains(t, byPath, "$.leveranse.leveransetype")
	assert.Equal(t, "ukjent", byPath["$.leveranse.leveransetype"].AngittVerdi)
	require.Contains(t, byPath, "$.leveranse.oppgave[0].konto.finansprodukt[0].antall")
	assert.Equal(t, "77", byPath["$.leveranse.oppgave[0].konto.finansprodukt[0].antall"].AngittVerdi)
	require.Contains(t, byPath, "$.leveranse")
	assert.Contains(t, byPath["$.leveranse"].Melding, "kildesystem")
}

func TestCatalogueIsComplete(t *testing.T) {
	all := Catalogue()
	var general, specific int
	for _, e := range all {
		if e.Specific() {
			specific++
			h, ok := Lookup(e.Hovedkode)
			require.True(t, ok, "%s has unknown hovedkode %s", e.Kode, e.Hovedkode)
			assert.Equal(t, h.Status, e.Status, "%s must share its hovedkode's status", e.Kode)
		} else {
			general++
		}
		assert.NotEmpty(t, e.Omraade, e.Kode)
	}
	assert.Equal(t, 12, general)
	assert.Equal(t, 14, specific)
}

func TestNewFeilCarriesSpecificCodeUnderGeneral(t *testing.T) {
	status, f := NewFeil(GLD1052, "k", Feilspesifisering{Sti: "$.leveranse.inntektsaar", AngittVerdi: "2023"})
	assert.Equal(t, 400, status)
	assert.Equal(t, GLD011, f.Kode)
	assert.True(t, f.Has(GLD1052))
	assert.Equal(t, "$.leveranse.inntektsaar", f.Feilspesifisering[0].Sti)

	b, err := json.Marshal(f)
	require.NoError(t, err)
	back, err := ParseFeil(b)
	require.NoError(t, err)
	assert.Equal(t, &f, back)
	doc, err := DecodeJSON(b)
	require.NoError(t, err)
	assert.Empty(t, Default().ValidateFeil(doc))
}

func TestParseFeilAcceptsOtherSpellings(t *testing.T) {
	f, err := ParseFeil([]byte(`{"kode":"GLD_010","melding":"m","korrelasjonsid":"x","detaljer":{"code":"GLD_1022","path":"$.a","value":3}}`))
	require.NoError(t, err)
	assert.True(t, f.Has(GLD1022))
	assert.Equal(t, "3", f.Feilspesifisering[0].AngittVerdi)
	_, err = ParseFeil([]byte(`<html>`))
	assert.Error(t, err)
}

func TestLoadRejectsBadDocuments(t *testing.T) {
	for name, doc := range map[string]string{
		"not yaml":      "{{{",
		"not openapi":   "swagger: '2.0'\npaths: {}",
		"no submission": "openapi: 3.1.0\npaths:\n  /x:\n    get: {}",
		"bad schema": `openapi: 3.1.0
paths:
  /v1/{aar}:
    post:
      requestBody:
        content:
          application/json:
            schema: {type: 12}`,
	} {
		_, err := Load([]byte(doc), "test.yaml")
		assert.Error(t, err, name)
		if err != nil {
			assert.Contains(t, err.Error(), "test.yaml", name)
		}
	}
}

func TestLoadKeepsRecursiveReferences(t *testing.T) {
	doc := `openapi: 3.1.0
paths:
  /v1/{aar}:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Navn: {type: string, minLength: 1}
    Node:
      type: object
      additionalProperties: false
      required: [navn]
      properties:
        navn: {$ref: '#/components/schemas/Navn'}
        barn: {$ref: '#/components/schemas/Node'}`
	c, err := Load([]byte(doc), "recursive.yaml")
	require.NoError(t, err)
	ok, err := DecodeJSON([]byte(`{"navn":"a","barn":{"navn":"b","barn":{"navn":"c"}}}`))
	require.NoError(t, err)
	assert.Empty(t, c.ValidateInnsending(ok))
	bad, err := DecodeJSON([]byte(`{"navn":"a","barn":{"navn":"b","barn":{"navn":""}}}`))
	require.NoError(t, err)
	vs := c.ValidateInnsending(bad)
	require.Len(t, vs, 1)
	assert.Equal(t, "$.barn.barn.navn", vs[0].Sti, "an inlined reference deep in a recursive schema still reports its path")
}

// A comma inside a YAML flow mapping ends the value: `{description: a, b}`
// makes "b" a key of its own. No key of the document has a space in it, so
// a key with one is such leaked text.
func TestOpenAPIHasNoTextLeakedIntoKeys(t *testing.T) {
	var doc any
	require.NoError(t, yaml.Unmarshal(OpenAPI(), &doc))
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				assert.NotContains(t, k, " ", "key %q under %s", k, path)
				walk(path+"."+k, c)
			}
		case []any:
			for i, c := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), c)
			}
		}
	}
	walk("$", doc)
}

// Finansprodukttyper is the schema's enum, for code that draws from it.
func TestFinansprodukttyperAreTheSchemasEnum(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Finansprodukt struct {
					Properties struct {
						Finansprodukttype struct {
							Enum []string `yaml:"enum"`
						} `yaml:"finansprodukttype"`
					} `yaml:"properties"`
				} `yaml:"Finansprodukt"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	require.NoError(t, yaml.Unmarshal(OpenAPI(), &doc))
	assert.Equal(t, doc.Components.Schemas.Finansprodukt.Properties.Finansprodukttype.Enum, Finansprodukttyper())
}
