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
