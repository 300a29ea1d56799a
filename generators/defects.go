package generators

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/big"
	"sort"
	"strings"
	"sync"

	"github.com/finprod/finprod/contract"
)

// Defect describes one named flaw that can be built into a body for a
// negative test, and what the API is expected to answer.
//
//	Name                       breaks                                             Kode      Spes.     Sti                                                           SchemaValid
//	feil-sum                   sumFormuesverdi is 1 more than the real sum         GLD_010   –         $.leveranse.oppgaveoppsummering.sumFormuesverdi                yes (business rule)
//	feil-antall                antallOppgaver is 1 more than the oppgaver         GLD_010   –         $.leveranse.oppgaveoppsummering.antallOppgaver                 yes (business rule)
//	feil-kontrollsiffer-fnr    first oppgave's owner is a person whose K2 is wrong GLD_010   –         $.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer       yes (business rule)
//	feil-kontrollsiffer-orgnr  first oppgave's owner is an organisation, bad check GLD_010   –         $.leveranse.oppgave[0].oppgaveeier.organisasjon.organisasjonsnummer yes (business rule)
//	aar-ulikt                  body inntektsaar is the requested year + 1         GLD_011   GLD_1052  $.leveranse.inntektsaar                                        yes
//	mangler-felt               required kildesystem left out                      GLD_010   –         $.leveranse                                                    no
//	feil-type                  sumFormuesverdi as a JSON number, not a string     GLD_010   –         $.leveranse.oppgaveoppsummering.sumFormuesverdi                no
//	ukjent-enum                leveransetype "ukjent", not in the enum            GLD_010   –         $.leveranse.leveransetype                                      no
//	ugyldig-json               body cut off after "oppgaveoppsummering":          GLD_008   –         (none)                                                         no
//
// Business-rule defects pass the schema; whether the API rejects them at once
// (GLD_010) or in its feedback is not public (ASSUMPTIONS.md A-FORRETNINGSREGEL).
// aar-ulikt is decided by the caller: send the body to the path year the
// generator was asked for, and the body says the next year.
type Defect struct {
	Name        string
	Description string
	// Kode is the general GLD code expected in the error body.
	Kode contract.Kode
	// Spesifisering is the GLD_1xxx code expected, if any.
	Spesifisering contract.Kode
	// Sti is the JSONPath the API (and contract.ValidateInnsending, for
	// schema defects) points at; empty for unparseable bodies.
	Sti string
	// SchemaValid: the body still passes the JSON schema.
	SchemaValid bool
	// BusinessRule: the defect breaks a rule beyond the schema (sums, check
	// digits) that the API may report only in its feedback.
	BusinessRule bool
}

type encodeFlags struct{ omitKildesystem, beloepAsNumber, truncate bool }

type defect struct {
	Defect
	header  func(*contract.Leveranse)
	first   func(*contract.Oppgave)
	summary func(*contract.Oppgaveoppsummering)
	flags   encodeFlags
}

var defectTable = sync.OnceValue(func() []defect {
	return []defect{
		{
			Defect: Defect{Name: "feil-sum", Kode: contract.GLD010, SchemaValid: true, BusinessRule: true,
				Sti:         "$.leveranse.oppgaveoppsummering.sumFormuesverdi",
				Description: "oppgaveoppsummering.sumFormuesverdi is 1 more than the sum of the oppgaver's formuesverdi"},
			summary: func(s *contract.Oppgaveoppsummering) { s.SumFormuesverdi = plusOne(s.SumFormuesverdi) },
		},
		{
			Defect: Defect{Name: "feil-antall", Kode: contract.GLD010, SchemaValid: true, BusinessRule: true,
				Sti:         "$.leveranse.oppgaveoppsummering.antallOppgaver",
				Description: "oppgaveoppsummering.antallOppgaver is 1 more than the number of oppgaver"},
			summary: func(s *contract.Oppgaveoppsummering) { s.AntallOppgaver++ },
		},
		{
			Defect: Defect{Name: "feil-kontrollsiffer-fnr", Kode: contract.GLD010, SchemaValid: true, BusinessRule: true,
				Sti:         "$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer",
				Description: "the first oppgave's owner is a person whose synthetic fødselsnummer has a wrong K2"},
			first: breakFoedselsnummer,
		},
		{
			Defect: Defect{Name: "feil-kontrollsiffer-orgnr", Kode: contract.GLD010, SchemaValid: true, BusinessRule: true,
				Sti:         "$.leveranse.oppgave[0].oppgaveeier.organisasjon.organisasjonsnummer",
				Description: "the first oppgave's owner is an organisation whose synthetic organisasjonsnummer has a wrong check digit"},
			first: breakOrganisasjonsnummer,
		},
		{
			Defect: Defect{Name: "aar-ulikt", Kode: contract.GLD011, Spesifisering: contract.GLD1052, SchemaValid: true,
				Sti:         "$.leveranse.inntektsaar",
				Description: "the body's inntektsaar is the requested year + 1; send it to the requested path year"},
			header: func(l *contract.Leveranse) { l.Inntektsaar++ },
		},
		{
			Defect: Defect{Name: "mangler-felt", Kode: contract.GLD010,
				Sti:         "$.leveranse",
				Description: "the required field leveranse.kildesystem is left out (the schema reports the missing property at its parent)"},
			flags: encodeFlags{omitKildesystem: true},
		},
		{
			Defect: Defect{Name: "feil-type", Kode: contract.GLD010,
				Sti:         "$.leveranse.oppgaveoppsummering.sumFormuesverdi",
				Description: "oppgaveoppsummering.sumFormuesverdi is a JSON number instead of a string of digits"},
			flags: encodeFlags{beloepAsNumber: true},
		},
		{
			Defect: Defect{Name: "ukjent-enum", Kode: contract.GLD010,
				Sti:         "$.leveranse.leveransetype",
				Description: `leveransetype is "ukjent", which is not in the enum`},
			header: func(l *contract.Leveranse) { l.Leveransetype = "ukjent" },
		},
		{
			Defect: Defect{Name: "ugyldig-json", Kode: contract.GLD008,
				Description: `the body is cut off right after "oppgaveoppsummering": and is not JSON`},
			flags: encodeFlags{truncate: true},
		},
	}
})

// Defects returns every defect, in a fixed order; names are stable.
func Defects() []Defect {
	t := defectTable()
	out := make([]Defect, len(t))
	for i, d := range t {
		out[i] = d.Defect
	}
	return out
}

// LookupDefect finds a defect by name.
func LookupDefect(name string) (Defect, bool) {
	for _, d := range defectTable() {
		if d.Name == name {
			return d.Defect, true
		}
	}
	return Defect{}, false
}

// lookupDefects resolves names (each may be a comma list) in registry
// order, so the same set gives the same body however it was spelled.
func lookupDefects(names []string) ([]defect, error) {
	if len(names) == 0 {
		// Marshal's usual case, once for every body a load run sends.
		return nil, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		for _, part := range strings.Split(n, ",") {
			if part = strings.TrimSpace(part); part != "" {
				want[part] = true
			}
		}
	}
	var out []defect
	for _, d := range defectTable() {
		if want[d.Name] {
			out = append(out, d)
			delete(want, d.Name)
		}
	}
	if len(want) > 0 {
		unknown := make([]string, 0, len(want))
		for n := range want {
			unknown = append(unknown, n)
		}
		sort.Strings(unknown)
		known := make([]string, 0, len(defectTable()))
		for _, d := range defectTable() {
			known = append(known, d.Name)
		}
		return nil, fmt.Errorf("unknown defect %s (known: %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	firsts := 0
	for _, d := range out {
		if d.first != nil {
			firsts++
		}
	}
	if firsts > 1 {
		return nil, errors.New("feil-kontrollsiffer-fnr and feil-kontrollsiffer-orgnr both replace the first oppgave's owner; use one at a time")
	}
	return out, nil
}

func flagsOf(ds []defect) encodeFlags {
	var f encodeFlags
	for _, d := range ds {
		f.omitKildesystem = f.omitKildesystem || d.flags.omitKildesystem
		f.beloepAsNumber = f.beloepAsNumber || d.flags.beloepAsNumber
		f.truncate = f.truncate || d.flags.truncate
	}
	return f
}

func hasFirst(ds []defect) bool {
	for _, d := range ds {
		if d.first != nil {
			return true
		}
	}
	return false
}

func applyHeader(l *contract.Leveranse, ds []defect) {
	for _, d := range ds {
		if d.header != nil {
			d.header(l)
		}
	}
}

// applyFirst returns a changed copy; o's pointers are shared with the
// caller's leveranse and must not be written through.
func applyFirst(o contract.Oppgave, ds []defect) contract.Oppgave {
	for _, d := range ds {
		if d.first != nil {
			d.first(&o)
		}
	}
	return o
}

func applySummary(s *contract.Oppgaveoppsummering, ds []defect) {
	for _, d := range ds {
		if d.summary != nil {
			d.summary(s)
		}
	}
}

func plusOne(digits string) string {
	n, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return "1"
	}
	return n.Add(n, big.NewInt(1)).String()
}

// ownerDraw gives a deterministic replacement owner, different per oppgave.
func ownerDraw(o *contract.Oppgave) draw {
	h := fnv.New64a()
	h.Write([]byte(o.Konto.Kontonummer))
	return newDraw(h.Sum64(), streamDefault, 1)
}

func breakFoedselsnummer(o *contract.Oppgave) {
	var p contract.Person
	if o.Oppgaveeier.Person != nil {
		p = *o.Oppgaveeier.Person
	} else {
		d := ownerDraw(o)
		fnr, born := NewFoedselsnummer(d.Rand, FoedselsnummerOptions{})
		p.Foedselsnummer, p.Foedselsdato = fnr, formatDate(born)
		p.Fornavn, p.Etternavn = NewNavn(d.Rand)
		o.Oppgaveeier.Organisasjon = nil
	}
	p.Foedselsnummer = breakLastDigit(p.Foedselsnummer)
	o.Oppgaveeier.Person = &p
}

func breakOrganisasjonsnummer(o *contract.Oppgave) {
	var org contract.Organisasjon
	if o.Oppgaveeier.Organisasjon != nil {
		org = *o.Oppgaveeier.Organisasjon
	} else {
		d := ownerDraw(o)
		org.Organisasjonsnummer, org.Navn = NewOrganisasjonsnummer(d.Rand), NewSelskapsnavn(d.Rand)
		o.Oppgaveeier.Person = nil
		// A person's foreign TIN would make no sense on an organisation.
		o.Oppgaveeier.InternasjonalIdentifikator = nil
	}
	org.Organisasjonsnummer = breakLastDigit(org.Organisasjonsnummer)
	o.Oppgaveeier.Organisasjon = &org
}
