package api

import (
	"encoding/json"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidOrganisasjonsnummer(t *testing.T) {
	for _, s := range []string{"310000000", "311234560", "974760673"} {
		assert.True(t, ValidOrganisasjonsnummer(s), s)
	}
	for _, s := range []string{"987546231", "310000001", "31000000", "31000000a", ""} {
		assert.False(t, ValidOrganisasjonsnummer(s), s)
	}
}

func TestValidFoedselsnummer(t *testing.T) {
	// 15858012314: a Tenor synthetic number (month + 80), worked by hand.
	assert.True(t, ValidFoedselsnummer("15858012314"))
	assert.False(t, ValidFoedselsnummer("15858012315"), "wrong K2")
	assert.False(t, ValidFoedselsnummer("15858012324"), "wrong K1")
	assert.False(t, ValidFoedselsnummer("00000000000"), "day and month 00")
	assert.False(t, ValidFoedselsnummer("1585801231"), "ten digits")
}

func example(t *testing.T) contract.Leveranse {
	t.Helper()
	var inn contract.Innsending
	require.NoError(t, json.Unmarshal(contract.Eksempel(), &inn))
	return inn.Leveranse
}

func stier(fs []contract.Feilspesifisering) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Sti] = f.AngittVerdi
	}
	return m
}

func TestCheckBusinessRulesOnTheExample(t *testing.T) {
	got := stier(CheckBusinessRules(example(t)))
	assert.Equal(t, map[string]string{
		"$.leveranse.oppgavegiver.organisasjonsnummer":             "987546231",
		"$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer": "00000000000",
		"$.leveranse.oppgaveoppsummering.sumSalgsvederlag":         "40",
	}, got)
}

func TestCheckBusinessRulesConsistent(t *testing.T) {
	l := example(t)
	l.Oppgavegiver.Organisasjonsnummer = "310000000"
	l.Oppgave[0].Oppgaveeier.Person.Foedselsnummer = "15858012314"
	l.Oppgaveoppsummering.SumSalgsvederlag = "110"
	assert.Empty(t, CheckBusinessRules(l))

	l.Oppgaveoppsummering.AntallOppgaver = 2
	l.Oppgaveoppsummering.SumFormuesverdi = "7801"
	l.Oppgave[0].Oppgaveeier.Person = nil
	l.Oppgave[0].Oppgaveeier.Organisasjon = &contract.Organisasjon{Organisasjonsnummer: "310000001"}
	fs := CheckBusinessRules(l)
	assert.Equal(t, map[string]string{
		"$.leveranse.oppgaveoppsummering.antallOppgaver":                      "2",
		"$.leveranse.oppgaveoppsummering.sumFormuesverdi":                     "7801",
		"$.leveranse.oppgave[0].oppgaveeier.organisasjon.organisasjonsnummer": "310000001",
	}, stier(fs))
	for _, f := range fs {
		assert.NotEmpty(t, f.Melding)
	}
}

func TestSumsDoNotOverflow(t *testing.T) {
	l := example(t)
	p := l.Oppgave[0].Konto.Finansprodukt
	p[0].Formuesverdi.BeloepINOK = "900000000000000000"
	p[1].Formuesverdi.BeloepINOK = "900000000000000000"
	l.Oppgaveoppsummering.SumFormuesverdi = "1800000000000000000"
	_, broken := stier(CheckBusinessRules(l))["$.leveranse.oppgaveoppsummering.sumFormuesverdi"]
	assert.False(t, broken)
}
