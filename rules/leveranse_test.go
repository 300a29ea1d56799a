package rules

import (
	"encoding/json"
	"testing"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// check runs Check on the body a leveranse makes, so tests can edit typed values.
func check(t *testing.T, l contract.Leveranse) []Finding {
	t.Helper()
	b, err := json.Marshal(contract.Innsending{Leveranse: l})
	require.NoError(t, err)
	return Check(b)
}

func example(t *testing.T) contract.Leveranse {
	t.Helper()
	var inn contract.Innsending
	require.NoError(t, json.Unmarshal(contract.Eksempel(), &inn))
	return inn.Leveranse
}

func stier(fs []Finding) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.Sti] = f.AngittVerdi
	}
	return m
}

func TestCheckBusinessRulesOnTheExample(t *testing.T) {
	t.Parallel()
	got := stier(check(t, example(t)))
	assert.Equal(t, map[string]string{
		"$.leveranse.oppgavegiver.organisasjonsnummer":             "987546231",
		"$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer": "00000000000",
		"$.leveranse.oppgaveoppsummering.sumSalgsvederlag":         "40",
	}, got)
}

func TestCheckBusinessRulesConsistent(t *testing.T) {
	t.Parallel()
	l := example(t)
	l.Oppgavegiver.Organisasjonsnummer = "310000000"
	l.Oppgave[0].Oppgaveeier.Person.Foedselsnummer = "15858012314"
	l.Oppgaveoppsummering.SumSalgsvederlag = "110"
	assert.Empty(t, check(t, l))

	l.Oppgaveoppsummering.AntallOppgaver = 2
	l.Oppgaveoppsummering.SumFormuesverdi = "7801"
	l.Oppgave[0].Oppgaveeier.Person = nil
	l.Oppgave[0].Oppgaveeier.Organisasjon = &contract.Organisasjon{Organisasjonsnummer: "310000001"}
	fs := check(t, l)
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
	t.Parallel()
	l := example(t)
	p := l.Oppgave[0].Konto.Finansprodukt
	p[0].Formuesverdi.BeloepINOK = "900000000000000000"
	p[1].Formuesverdi.BeloepINOK = "900000000000000000"
	l.Oppgaveoppsummering.SumFormuesverdi = "1800000000000000000"
	_, broken := stier(check(t, l))["$.leveranse.oppgaveoppsummering.sumFormuesverdi"]
	assert.False(t, broken)
}
