package steps

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
)

// describe says what came back, for failure messages a tester can act on.
func describe(res *api.SubmitResult) string {
	if res == nil {
		return "no answer"
	}
	body := res.Body
	if len(body) > 600 {
		body = append(body[:600:600], "…"...)
	}
	return fmt.Sprintf("HTTP %d %s", res.Status, body)
}

func (s *scenario) answer() (*api.SubmitResult, error) {
	if s.last == nil {
		if s.lastErr != nil {
			return nil, fmt.Errorf("the request got no answer: %w", s.lastErr)
		}
		return nil, fmt.Errorf("nothing was sent: a Når step must send first")
	}
	return s.last, nil
}

func (s *scenario) erMottatt() error {
	res, err := s.answer()
	if err != nil {
		return err
	}
	if res.Status != 200 || res.Kvittering == nil {
		return fmt.Errorf("expected the leveranse to be received (HTTP 200 with a kvittering), got %s", describe(res))
	}
	return nil
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

func (s *scenario) kvitteringUUIDer() error {
	if err := s.erMottatt(); err != nil {
		return err
	}
	k := s.last.Kvittering
	if !isUUID(k.DialogID) {
		return fmt.Errorf("dialogId %q is not a UUID", k.DialogID)
	}
	if !isUUID(k.ForsendelseID) {
		return fmt.Errorf("forsendelseId %q is not a UUID", k.ForsendelseID)
	}
	if k.DialogID == k.ForsendelseID {
		return fmt.Errorf("dialogId and forsendelseId are the same (%s)", k.DialogID)
	}
	return nil
}

func (s *scenario) kvitteringGjengir() error {
	if err := s.erMottatt(); err != nil {
		return err
	}
	k, l := s.last.Kvittering, s.leveranse
	if k.OppgavegiversLeveranseReferanse != l.OppgavegiversLeveranseReferanse {
		return fmt.Errorf("oppgavegiversLeveranseReferanse is %q, the leveranse said %q",
			k.OppgavegiversLeveranseReferanse, l.OppgavegiversLeveranseReferanse)
	}
	if k.AntallOppgaver != len(l.Oppgave) {
		return fmt.Errorf("antallOppgaver is %d, the leveranse had %d oppgaver", k.AntallOppgaver, len(l.Oppgave))
	}
	return nil
}

func (s *scenario) sammeDialogNyForsendelse() error {
	if err := s.erMottatt(); err != nil {
		return err
	}
	if len(s.accepted) < 2 {
		return fmt.Errorf("expected two received leveranser, have %d", len(s.accepted))
	}
	a, b := s.first.Kvittering, s.last.Kvittering
	if a.DialogID != b.DialogID {
		return fmt.Errorf("dialogId changed from %s to %s for the same oppgavegiver and inntektsår", a.DialogID, b.DialogID)
	}
	if a.ForsendelseID == b.ForsendelseID {
		return fmt.Errorf("forsendelseId %s was given to both leveranser", a.ForsendelseID)
	}
	return nil
}

func (s *scenario) identiskMedFoerste() error {
	if s.first == nil {
		return fmt.Errorf("no earlier answer to compare with")
	}
	res, err := s.answer()
	if err != nil {
		return err
	}
	if res == s.first {
		return fmt.Errorf("only one answer was received")
	}
	if res.Status != s.first.Status || !bytes.Equal(res.Body, s.first.Body) {
		return fmt.Errorf("the replay's answer differs:\nfirst:  %s\nreplay: %s", describe(s.first), describe(res))
	}
	return nil
}

func (s *scenario) alleSammeKvittering() error {
	if len(s.burst) == 0 {
		return fmt.Errorf("no concurrent submissions were made")
	}
	want := s.burst[0]
	for i, r := range s.burst {
		if r.Status != 200 || r.Kvittering == nil {
			return fmt.Errorf("concurrent submission %d: expected HTTP 200 with a kvittering, got %s", i+1, describe(r))
		}
		if *r.Kvittering != *want.Kvittering {
			return fmt.Errorf("concurrent submission %d got forsendelseId %s, submission 1 got %s",
				i+1, r.Kvittering.ForsendelseID, want.Kvittering.ForsendelseID)
		}
	}
	return nil
}

// forsendelser returns the ids of the forsendelser of this scenario's
// leveranse(r). With the mock's controls they come from its store, which
// also sees a forsendelse whose answer was lost; elsewhere from Dialogporten
// (forsendelserIDialogporten), never from the receipts the target gave this
// scenario, which cannot show a forsendelse stored twice or stored in
// spite of a refusal.
func (s *scenario) forsendelser(ctx context.Context) ([]string, error) {
	if s.leveranse == nil {
		return nil, fmt.Errorf("no leveranse to count forsendelser for")
	}
	if c := s.target.Controls; c != nil {
		var ids []string
		seen := map[string]bool{}
		for i := int64(0); i <= s.index; i++ {
			got, err := c.Forsendelser(ctx, s.leveranse.Oppgavegiver.Organisasjonsnummer, s.referanse(i))
			if err != nil {
				return nil, fmt.Errorf("count forsendelser: %w", err)
			}
			for _, id := range got {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		return ids, nil
	}
	return s.forsendelserIDialogporten(ctx)
}

func (s *scenario) noeyaktigForsendelser(ctx context.Context, n int) error {
	ids, err := s.forsendelser(ctx)
	if err != nil {
		return err
	}
	if len(ids) != n {
		return fmt.Errorf("expected exactly %d forsendelse(r) for the leveranse, found %d: %v", n, len(ids), ids)
	}
	return nil
}

func (s *scenario) ingenForsendelse(ctx context.Context) error {
	return s.noeyaktigForsendelser(ctx, 0)
}

func (s *scenario) ingenSvar() error {
	if s.last != nil {
		return fmt.Errorf("expected the answer to be lost, got %s", describe(s.last))
	}
	if s.lastErr == nil {
		return fmt.Errorf("nothing was sent")
	}
	return nil
}

func (s *scenario) gjelderTaptForsendelse(ctx context.Context) error {
	if err := s.erMottatt(); err != nil {
		return err
	}
	if s.target.Controls == nil {
		return fmt.Errorf("which forsendelse was stored when the answer was lost can only be read from the mock's store")
	}
	ids, err := s.forsendelser(ctx)
	if err != nil {
		return err
	}
	if len(ids) != 1 || ids[0] != s.last.Kvittering.ForsendelseID {
		return fmt.Errorf("the retry answered forsendelseId %s; the mock stored %v when the answer was lost",
			s.last.Kvittering.ForsendelseID, ids)
	}
	return nil
}

// feil returns the error body of the last answer, checking that it is one.
func (s *scenario) feil() (*api.SubmitResult, *contract.Feil, error) {
	if s.documents.fetched {
		if s.documents.feil == nil {
			return nil, nil, fmt.Errorf("expected an error, the document was returned (%d bytes)", len(s.documents.doc.Body))
		}
		return nil, s.documents.feil, nil
	}
	res, err := s.answer()
	if err != nil {
		return nil, nil, err
	}
	if res.Status < 400 {
		return nil, nil, fmt.Errorf("expected an error, got %s", describe(res))
	}
	if res.Feil == nil {
		return nil, nil, fmt.Errorf("the error body is not in Skatteetaten's error format: %s", describe(res))
	}
	return res, res.Feil, nil
}

func (s *scenario) avvisesMedFeilkode(kode string) error {
	e, ok := contract.Lookup(contract.Kode(kode))
	if !ok {
		return fmt.Errorf("%s is not in the GLD catalogue", kode)
	}
	return s.avvisesMedStatusOgFeilkode(e.Status, kode)
}

func (s *scenario) avvisesMedStatusOgFeilkode(status int, kode string) error {
	res, f, err := s.feil()
	if err != nil {
		return err
	}
	if !f.Has(contract.Kode(kode)) {
		return fmt.Errorf("expected feilkode %s, got %v: %s", kode, f.Koder(), f.Error())
	}
	// A document fetch reports its status only through the error body.
	if res != nil && res.Status != status {
		return fmt.Errorf("expected HTTP %d with %s, got %s", status, kode, describe(res))
	}
	return nil
}

func (s *scenario) harFeilspesifisering(kode string) error {
	_, f, err := s.feil()
	if err != nil {
		return err
	}
	if !f.Has(contract.Kode(kode)) {
		return fmt.Errorf("expected feilspesifisering %s, got %v: %s", kode, f.Koder(), f.Error())
	}
	return nil
}

func (s *scenario) pekerPaaSti(sti string) error {
	_, f, err := s.feil()
	if err != nil {
		return err
	}
	var got []string
	for _, sp := range f.Feilspesifisering {
		if sp.Sti == sti {
			return nil
		}
		got = append(got, sp.Sti)
	}
	return fmt.Errorf("expected the error to point at %s, it points at %q: %s", sti, got, f.Error())
}

func (s *scenario) harHeader(name, verdi string) error {
	res, err := s.answer()
	if err != nil {
		return err
	}
	if got := res.Header.Values(name); len(got) != 1 || got[0] != verdi {
		return fmt.Errorf("expected header %s: %s, got %q", name, verdi, got)
	}
	return nil
}

func (s *scenario) svarerMedStatus(status int) error {
	res, err := s.answer()
	if err != nil {
		return err
	}
	if res.Status != status {
		return fmt.Errorf("expected HTTP %d, got %s", status, describe(res))
	}
	return nil
}

func (s *scenario) harKodeOgSpesifisering(hoved, spes string) error {
	_, f, err := s.feil()
	if err != nil {
		return err
	}
	if string(f.Kode) != hoved {
		return fmt.Errorf("expected kode %s in the error body, got %s (ASSUMPTION A-HOVEDKODE): %s", hoved, f.Kode, f.Error())
	}
	for _, sp := range f.Feilspesifisering {
		if string(sp.Kode) == spes {
			return nil
		}
	}
	return fmt.Errorf("expected feilspesifisering %s under %s, got %v (ASSUMPTION A-HOVEDKODE): %s", spes, hoved, f.Koder(), f.Error())
}

func (s *scenario) meldingOgKorrelasjonsid() error {
	res, f, err := s.feil()
	if err != nil {
		return err
	}
	if strings.TrimSpace(f.Melding) == "" {
		return fmt.Errorf("the error body has no melding: %s", describe(res))
	}
	if !isUUID(f.Korrelasjonsid) {
		return fmt.Errorf("korrelasjonsid %q is not a UUID", f.Korrelasjonsid)
	}
	return nil
}
