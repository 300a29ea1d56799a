package generators

import (
	"encoding/json"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/require"
)

func TestAppendOppgaveMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	odd := []contract.Oppgave{
		{},
		{Konto: contract.Konto{Finansprodukt: []contract.Finansprodukt{}}},
		{
			Oppgaveeier: contract.Oppgaveeier{
				Person:                     &contract.Person{Foedselsnummer: `a"b\c`, Fornavn: "<Ærlig & Ødegård>"},
				Organisasjon:               &contract.Organisasjon{Organisasjonsnummer: "\x01\u2028", Navn: "bad \xff utf8"},
				AlternativIdentifikator:    "tab\there",
				InternasjonalIdentifikator: &contract.InternasjonalIdentifikator{},
				Adresse: &contract.Adresse{AdresseStrukturert: &contract.AdresseStrukturert{ByEllerStedsnavn: "Å"},
					AdresseUstrukturert: []string{"x", "y\n"}},
			},
			Konto: contract.Konto{Finansprodukt: []contract.Finansprodukt{
				{GevinstEllerTap: &contract.GevinstEllerTap{}, Renteinntekt: &contract.Beloepsverdi{Valutakode: "SEK"}},
				{GevinstEllerTap: &contract.GevinstEllerTap{FradragsberettigetTap: "1", SkattepliktigGevinst: "2"}, AnvendtSkjerming: "3"},
			}},
		},
		{Oppgaveeier: contract.Oppgaveeier{Adresse: &contract.Adresse{Landkode: "SE", AdresseStrukturert: &contract.AdresseStrukturert{}}}},
	}
	g := mustNew(t, Config{Seed: 77, MaxFinansprodukter: 10})
	for i := range int64(3000) {
		odd = append(odd, g.Oppgave(i))
	}
	for i, o := range odd {
		want, err := json.Marshal(o)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendOppgave(nil, &o)), "oppgave %d", i)
	}
}

// TestMarshalMatchesEncodingJSON holds the header and the summary to
// encoding/json too: escaping, omitempty and a missing kontaktinformasjon,
// on hand-made leveranser and on generated ones.
func TestMarshalMatchesEncodingJSON(t *testing.T) {
	g := mustNew(t, Config{Seed: 78, Oppgaver: 3})
	odd := []contract.Leveranse{
		{Oppgave: []contract.Oppgave{}},
		{
			Kildesystem: `a"b\c <&>`, Inntektsaar: -1, OppgavegiversLeveranseReferanse: "\u2028\x7f", Leveransetype: "bad \xff",
			Oppgavegiver: contract.Oppgavegiver{Organisasjonsnummer: "\t", Kontaktinformasjon: &contract.Kontaktinformasjon{}},
			Oppgave:      []contract.Oppgave{{}, g.Oppgave(1)},
			Oppgaveoppsummering: contract.Oppgaveoppsummering{AntallOppgaver: 2, SumFormuesverdi: `"`, SumTap: "Æ",
				SumSalgsvederlag: "\n"},
		},
		{
			Oppgavegiver: contract.Oppgavegiver{Kontaktinformasjon: &contract.Kontaktinformasjon{Navn: "Ø", VarselSmsMobilnummer: "+47 <1>"}},
			Oppgave:      []contract.Oppgave{g.Oppgave(2)},
		},
	}
	for k := range int64(200) {
		odd = append(odd, g.Leveranse(k))
	}
	for i, l := range odd {
		want, err := json.Marshal(contract.Innsending{Leveranse: l})
		require.NoError(t, err)
		got, err := Marshal(l)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "leveranse %d", i)
	}
}
