package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/target"
)

// referanse is unique per scenario, leveranse and run, so that forsendelser
// can be counted per scenario even on a shared test environment.
func (s *scenario) referanse(index int64) string {
	return fmt.Sprintf("finprod-%s-%016x-%d", s.suite.runID, s.seed, index)
}

// makeLeveranse generates leveranse number index of the scenario's seed for
// an oppgavegiver and year, with defects built into the body.
func (s *scenario) makeLeveranse(oppgavegiver string, year, oppgaver int, index int64, defects ...string) error {
	g, err := generators.New(generators.Config{
		Seed: s.seed, Inntektsaar: year, Oppgavegiver: oppgavegiver, Oppgaver: oppgaver,
		Kildesystem: "finprod test",
	})
	if err != nil {
		return fmt.Errorf("generate leveranse: %w", err)
	}
	l := g.Leveranse(index)
	l.OppgavegiversLeveranseReferanse = s.referanse(index)
	body, err := generators.Marshal(l, defects...)
	if err != nil {
		return fmt.Errorf("generate leveranse with %v: %w", defects, err)
	}
	s.leveranse, s.body, s.year, s.index = &l, body, year, index
	return nil
}

func (s *scenario) enOppgavegiver(ctx context.Context) error {
	// Getting a token now makes a credential problem fail here, with a
	// clear message, rather than as a puzzling GLD code later.
	if _, err := s.api().Tokens.Token(ctx); err != nil {
		return fmt.Errorf("token for systembruker %s: %w", s.id.Systembruker, err)
	}
	return nil
}

func (s *scenario) enGyldigLeveranse(oppgaver int) error {
	return s.makeLeveranse(s.id.Oppgavegiver, s.target.Inntektsaar, oppgaver, 0)
}

// enNyGyldigLeveranse is a new submission, so it gets a new idempotency key.
func (s *scenario) enNyGyldigLeveranse(oppgaver int) error {
	s.key = ""
	return s.makeLeveranse(s.id.Oppgavegiver, s.target.Inntektsaar, oppgaver, s.index+1)
}

func (s *scenario) enLeveranseMedDefekt(oppgaver int, defekt string) error {
	if _, ok := generators.LookupDefect(defekt); !ok {
		return fmt.Errorf("no defect %q in the generators' registry (finprod generate --list-defects)", defekt)
	}
	return s.makeLeveranse(s.id.Oppgavegiver, s.target.Inntektsaar, oppgaver, 0, defekt)
}

func (s *scenario) etAarSomIkkeErAapent() error {
	return s.makeLeveranse(s.id.Oppgavegiver, s.target.LukketInntektsaar, 1, 0)
}

// enAnnenOppgavegiver reports for a synthetic organisation other than the
// systembruker's, which no rule lets it report for.
func (s *scenario) enAnnenOppgavegiver() error {
	var org string
	for org == "" || org == s.id.Systembruker || org == s.id.Oppgavegiver {
		org = generators.NewOrganisasjonsnummer(s.rng)
	}
	return s.makeLeveranse(org, s.target.Inntektsaar, 1, 0)
}

func (s *scenario) eksempelleveransen() error {
	if s.target.Policy.SyntheticOnly {
		return fmt.Errorf("the service page's example is not synthetic: %w", target.ErrNotSynthetic)
	}
	var in contract.Innsending
	body := contract.Eksempel()
	if err := json.Unmarshal(body, &in); err != nil {
		return fmt.Errorf("the service page's example: %w", err)
	}
	s.leveranse, s.body, s.year = &in.Leveranse, body, in.Leveranse.Inntektsaar
	return nil
}

func (s *scenario) medSystembrukerForEksempelet(ctx context.Context) error {
	if s.leveranse == nil {
		return errors.New("no leveranse: a Gitt step must make one first")
	}
	s.systembruker = s.leveranse.Oppgavegiver.Organisasjonsnummer
	return s.submit(ctx)
}

// nearLimit makes a valid leveranse whose body is within slack of the
// API's maximum body size, below it (over = false) or above it.
func (s *scenario) nearLimit(over bool) error {
	const slack = 64 << 10
	lo, hi := contract.MaxBody-slack, contract.MaxBody-1
	if over {
		lo, hi = contract.MaxBody+1, contract.MaxBody+slack
	}
	n := 1000
	for range 8 {
		if err := s.makeLeveranse(s.id.Oppgavegiver, s.target.Inntektsaar, n, 0); err != nil {
			return err
		}
		size := len(s.body)
		if size >= lo && size <= hi {
			return nil
		}
		// Oppgaver vary in size; aim at the middle of the window.
		per := float64(size) / float64(n)
		n = int(float64(lo+hi) / 2 / per)
	}
	return fmt.Errorf("could not make a leveranse between %d and %d bytes (last %d bytes)", lo, hi, len(s.body))
}

// forespørselskroppen is a body written in the feature, as a Go-quoted
// string so that quotes and an empty body can be written.
func (s *scenario) forespoerselskroppen(quoted string) error {
	body, err := strconv.Unquote(`"` + quoted + `"`)
	if err != nil {
		return fmt.Errorf("body %q is not a quoted string: %w", quoted, err)
	}
	s.leveranse, s.body = nil, []byte(body)
	return nil
}

// kildesystemByttet puts text written in the feature (Go-quoted, so that
// raw bytes such as \xff and JSON escapes such as \\ud800 can be written)
// in place of the leveranse's kildesystem, byte for byte.
func (s *scenario) kildesystemByttet(quoted string) error {
	if s.leveranse == nil {
		return errors.New("no leveranse: a Gitt step must make one first")
	}
	text, err := strconv.Unquote(`"` + quoted + `"`)
	if err != nil {
		return fmt.Errorf("text %q is not a quoted string: %w", quoted, err)
	}
	old := []byte(`"kildesystem":` + strconv.Quote(s.leveranse.Kildesystem))
	if !bytes.Contains(s.body, old) {
		return fmt.Errorf("the leveranse's body has no %s to replace", old)
	}
	s.body = bytes.Replace(s.body, old, []byte(`"kildesystem":"`+text+`"`), 1)
	return nil
}

// tallByttet writes a number literal, as given, in place of one of the
// leveranse's two integer fields.
func (s *scenario) tallByttet(felt, tall string) error {
	if s.leveranse == nil {
		return errors.New("no leveranse: a Gitt step must make one first")
	}
	var now int
	switch felt {
	case "inntektsaar":
		now = s.leveranse.Inntektsaar
	case "antallOppgaver":
		now = s.leveranse.Oppgaveoppsummering.AntallOppgaver
	default:
		return fmt.Errorf("%s is not an integer field of the leveranse (inntektsaar, antallOppgaver)", felt)
	}
	old := []byte(`"` + felt + `":` + strconv.Itoa(now))
	if !bytes.Contains(s.body, old) {
		return fmt.Errorf("the leveranse's body has no %s to replace", old)
	}
	s.body = bytes.Replace(s.body, old, []byte(`"`+felt+`":`+tall), 1)
	return nil
}

// eierenEr makes the first oppgave's owner a person with the fødselsnummer,
// or an organisation with the organisasjonsnummer, written in the feature:
// a fixed value judged against the service's rules, never one the
// generators computed.
func (s *scenario) eierenEr(hva, nummer string) error {
	if s.leveranse == nil || len(s.leveranse.Oppgave) == 0 {
		return errors.New("no leveranse with an oppgave: a Gitt step must make one first")
	}
	eier := &s.leveranse.Oppgave[0].Oppgaveeier
	switch hva {
	case "fødselsnummeret":
		eier.Person, eier.Organisasjon = &contract.Person{Foedselsnummer: nummer, Fornavn: "Syntetisk", Etternavn: "Eier"}, nil
	case "organisasjonsnummeret":
		eier.Person, eier.Organisasjon = nil, &contract.Organisasjon{Organisasjonsnummer: nummer, Navn: "Syntetisk Eier AS"}
	default:
		return fmt.Errorf("%q: say fødselsnummeret or organisasjonsnummeret", hva)
	}
	body, err := generators.Marshal(*s.leveranse)
	if err != nil {
		return fmt.Errorf("encode the leveranse: %w", err)
	}
	s.body = body
	return nil
}

// isLostResponse tells a request the API may have received but whose answer
// never came (a dropped connection) from one that was never sent.
func (s *scenario) isLostResponse(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) && !errors.Is(err, target.ErrNotSynthetic) && strings.HasPrefix(ue.URL, s.target.APIURL)
}
