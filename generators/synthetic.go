package generators

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/ident"
)

// Problem names one identity in a leveranse that is not synthetic.
type Problem struct {
	// Sti is the JSONPath of the identity, e.g.
	// $.leveranse.oppgave[3].oppgaveeier.person.foedselsnummer.
	Sti   string
	Verdi string
	// Grunn says why it is refused, in English.
	Grunn string
}

// String names the identity by its path. An organisasjonsnummer is public
// and shown; a fødselsnummer that is not synthetic may be a real person's,
// so only its length is: refusals end up in logs and test reports.
func (p Problem) String() string {
	shown := fmt.Sprintf("%q", p.Verdi)
	if strings.HasSuffix(strings.ToLower(p.Sti), "foedselsnummer") {
		shown = fmt.Sprintf("<%d characters, not shown>", len(p.Verdi))
	}
	return fmt.Sprintf("%s = %s: %s", p.Sti, shown, p.Grunn)
}

// CheckSynthetic walks every Norwegian identity in the leveranse (the
// oppgavegiver's organisasjonsnummer, each owner's fødselsnummer or
// D-nummer, each owner organisation's organisasjonsnummer) and returns one
// Problem for each that is not in Tenor's synthetic ranges. nil means the
// leveranse may go to a test environment.
//
// The check is on shape, not check digits: month + 80 (fødselsnummer) and a
// first digit 2 or 3 (organisasjonsnummer) can never be a real person or
// organisation, so a synthetic number with a deliberately wrong check digit
// is still safe. Foreign identifiers (TIN, alternativIdentifikator) cannot
// be classified and are not checked.
func CheckSynthetic(l contract.Leveranse) []Problem {
	var out []Problem
	org := func(sti, v string) {
		out = append(out, Problem{Sti: sti, Verdi: v,
			Grunn: "organisasjonsnummer is not synthetic (Tenor's synthetic organisations start with 2 or 3)"})
	}
	if v := l.Oppgavegiver.Organisasjonsnummer; !ident.IsSyntheticOrganisasjonsnummer(v) {
		org("$.leveranse.oppgavegiver.organisasjonsnummer", v)
	}
	// An oppgave's path is made only for a problem: a load run checks every
	// leveranse it sends, and nearly all have none.
	base := func(i int) string { return "$.leveranse.oppgave[" + strconv.Itoa(i) + "].oppgaveeier" }
	for i := range l.Oppgave {
		e := &l.Oppgave[i].Oppgaveeier
		if p := e.Person; p != nil && !ident.IsSyntheticFoedselsnummer(p.Foedselsnummer) {
			out = append(out, Problem{Sti: base(i) + ".person.foedselsnummer", Verdi: p.Foedselsnummer,
				Grunn: "foedselsnummer is not synthetic (Tenor's synthetic persons have month + 80)"})
		}
		if g := e.Organisasjon; g != nil && !ident.IsSyntheticOrganisasjonsnummer(g.Organisasjonsnummer) {
			org(base(i)+".organisasjon.organisasjonsnummer", g.Organisasjonsnummer)
		}
	}
	return out
}

// CheckSyntheticBody decodes a request body and runs CheckSynthetic on it.
func CheckSyntheticBody(body []byte) ([]Problem, error) {
	var in contract.Innsending
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, fmt.Errorf("checking identities: the body is not a leveranse: %w", err)
	}
	return CheckSynthetic(in.Leveranse), nil
}
