// Package rules checks the business rules of a leveranse that its JSON schema
// cannot express: that the oppgaveoppsummering adds up, and that identifiers
// carry valid check digits. Where the findings go (a synchronous 400 or the
// feedback document in Dialogporten) is the caller's choice (ASSUMPTION
// A-ASYNC).
package rules

import (
	"encoding/json"
	"fmt"
	"github.com/finprod/finprod/contract"
	"math/big"
	"strings"
)

// Codes of findings. They are finprod's own (ASSUMPTION A-TILBAKEMELDING):
// Skatteetaten has not published the codes of its feedback.
const (
	KodeUgyldigJSON         = "UGYLDIG_JSON"
	KodeAntallOppgaver      = "ANTALL_OPPGAVER_AVVIKER"
	KodeSum                 = "SUM_AVVIKER"
	KodeFoedselsnummer      = "UGYLDIG_FOEDSELSNUMMER"
	KodeOrganisasjonsnummer = "UGYLDIG_ORGANISASJONSNUMMER"
)

// Finding is one broken business rule, as the feedback document lists it.
type Finding = contract.Funn

// Checker checks a submission body and returns its findings; none means the
// body passes.
type Checker func(body []byte) []Finding

// leveranse is the part of the body the rules read. Amounts stay strings so
// that any number of digits adds up exactly.
type leveranse struct {
	Leveranse struct {
		Oppgavegiver struct {
			Organisasjonsnummer string `json:"organisasjonsnummer"`
		} `json:"oppgavegiver"`
		Oppgave []struct {
			Oppgaveeier struct {
				Person *struct {
					Foedselsnummer string `json:"foedselsnummer"`
				} `json:"person"`
				Organisasjon *struct {
					Organisasjonsnummer string `json:"organisasjonsnummer"`
				} `json:"organisasjon"`
			} `json:"oppgaveeier"`
			Konto struct {
				Finansprodukt []map[string]json.RawMessage `json:"finansprodukt"`
			} `json:"konto"`
		} `json:"oppgave"`
		Oppgaveoppsummering map[string]json.RawMessage `json:"oppgaveoppsummering"`
	} `json:"leveranse"`
}

// sums maps each field of oppgaveoppsummering to where its parts sit in a
// finansprodukt: an object's beloepINOK, or a plain string.
var sums = []struct{ sum, field, sub string }{
	{"sumFormuesverdi", "formuesverdi", "beloepINOK"},
	{"sumSkattepliktigUtbytte", "skattepliktigUtbytte", "beloepINOK"},
	{"sumUtdeltUtbytte", "utdeltUtbytte", "beloepINOK"},
	{"sumRenteinntekt", "renteinntekt", "beloepINOK"},
	{"sumAnnenInntektEllerUtbetaling", "annenInntektEllerUtbetaling", "beloepINOK"},
	{"sumSalgsvederlag", "salgsvederlag", "beloepINOK"},
	{"sumGevinst", "gevinstEllerTap", "skattepliktigGevinst"},
	{"sumTap", "gevinstEllerTap", "fradragsberettigetTap"},
	{"sumAnvendtSkjerming", "anvendtSkjerming", ""},
}

const oppsummering = "$.leveranse.oppgaveoppsummering"

// Check is the default Checker: counts, sums and check digits.
func Check(body []byte) []Finding {
	var l leveranse
	if err := json.Unmarshal(body, &l); err != nil {
		return []Finding{{Kode: KodeUgyldigJSON, Melding: "Leveransen kan ikke leses: " + err.Error(), Sti: "$"}}
	}
	lev := l.Leveranse
	var out []Finding

	if org := lev.Oppgavegiver.Organisasjonsnummer; !ValidOrganisasjonsnummer(org) {
		out = append(out, Finding{Kode: KodeOrganisasjonsnummer, Melding: "Organisasjonsnummeret har ugyldig kontrollsiffer.",
			Sti: "$.leveranse.oppgavegiver.organisasjonsnummer", AngittVerdi: org})
	}
	for i, o := range lev.Oppgave {
		base := fmt.Sprintf("$.leveranse.oppgave[%d].oppgaveeier", i)
		if p := o.Oppgaveeier.Person; p != nil && !ValidFoedselsnummer(p.Foedselsnummer) {
			out = append(out, Finding{Kode: KodeFoedselsnummer, Melding: "Fødselsnummeret har ugyldig dato eller kontrollsiffer.",
				Sti: base + ".person.foedselsnummer", AngittVerdi: p.Foedselsnummer})
		}
		if g := o.Oppgaveeier.Organisasjon; g != nil && !ValidOrganisasjonsnummer(g.Organisasjonsnummer) {
			out = append(out, Finding{Kode: KodeOrganisasjonsnummer, Melding: "Organisasjonsnummeret har ugyldig kontrollsiffer.",
				Sti: base + ".organisasjon.organisasjonsnummer", AngittVerdi: g.Organisasjonsnummer})
		}
	}

	if raw, ok := lev.Oppgaveoppsummering["antallOppgaver"]; ok {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil && n.String() != fmt.Sprint(len(lev.Oppgave)) {
			out = append(out, Finding{Kode: KodeAntallOppgaver,
				Melding: fmt.Sprintf("antallOppgaver er %s, men leveransen har %d oppgaver.", n, len(lev.Oppgave)),
				Sti:     oppsummering + ".antallOppgaver", AngittVerdi: n.String()})
		}
	}

	for _, s := range sums {
		raw, ok := lev.Oppgaveoppsummering[s.sum]
		if !ok {
			continue
		}
		stated, ok := amount(raw)
		if !ok {
			continue // not a number: the schema reports that
		}
		total := new(big.Int)
		for _, o := range lev.Oppgave {
			for _, fp := range o.Konto.Finansprodukt {
				if v, ok := part(fp, s.field, s.sub); ok {
					total.Add(total, v)
				}
			}
		}
		if stated.Cmp(total) != 0 {
			out = append(out, Finding{Kode: KodeSum,
				Melding: fmt.Sprintf("%s er %s, men summen av oppgavene er %s.", s.sum, stated, total),
				Sti:     oppsummering + "." + s.sum, AngittVerdi: stated.String()})
		}
	}
	return out
}

func part(fp map[string]json.RawMessage, field, sub string) (*big.Int, bool) {
	raw, ok := fp[field]
	if !ok {
		return nil, false
	}
	if sub == "" {
		return amount(raw)
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil, false
	}
	return amount(obj[sub])
}

// amount reads an amount written as a string of digits or as a JSON number.
func amount(raw json.RawMessage) (*big.Int, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = strings.TrimSpace(string(raw))
	}
	return new(big.Int).SetString(s, 10)
}
