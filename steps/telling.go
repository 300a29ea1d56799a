package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
)

// clockSlack is how far the target's clock may be behind this machine's
// when a transmission's createdAt is compared with the scenario's start.
const clockSlack = 10 * time.Minute

// forsendelserIDialogporten counts this scenario's forsendelser the way a
// user of the real service would: in the oppgavegiver's dialogs in
// Dialogporten. It waits until every forsendelse the API acknowledged to
// this scenario shows as a SUBMISSION (Dialogporten may lag behind the API),
// then reads every SUBMISSION transmission made since the scenario began,
// fetches its document through its API attachment URL, and keeps those
// whose oppgavegiversLeveranseReferanse is one of this scenario's. The
// receipts only say when to stop waiting; the count is what Dialogporten
// holds, so a leveranse stored twice, or stored although refused, shows.
func (s *scenario) forsendelserIDialogporten(ctx context.Context) ([]string, error) {
	dp := s.dialogporten()
	mine := map[string]bool{}
	for i := int64(0); i <= s.index; i++ {
		mine[s.referanse(i)] = true
	}
	wctx, cancel := context.WithTimeout(ctx, s.target.FeedbackTimeout)
	defer cancel()
	for _, r := range s.accepted {
		sub := dialogporten.Submission{DialogID: r.Kvittering.DialogID, ForsendelseID: r.Kvittering.ForsendelseID}
		if _, _, err := dp.WaitForTransmission(wctx, sub, s.target.PollInterval, dialogporten.TransmissionSubmission); err != nil {
			return nil, fmt.Errorf("count forsendelser in Dialogporten: forsendelse %s acknowledged by the API: %w", sub.ForsendelseID, err)
		}
	}
	since := s.started.Add(-clockSlack)
	found, err := dp.SearchDialogs(ctx, dialogporten.DialogFilter{
		Party: s.leveranse.Oppgavegiver.Organisasjonsnummer, ServiceResource: dialogschema.ServiceResource, UpdatedAfter: since,
	})
	if err != nil {
		return nil, fmt.Errorf("count forsendelser in Dialogporten: %w", err)
	}
	var ids []string
	for _, sum := range found {
		dlg, err := dp.DialogByID(ctx, sum.ID)
		if err != nil {
			return nil, fmt.Errorf("count forsendelser in Dialogporten: dialog %s: %w", sum.ID, err)
		}
		for _, t := range dlg.Transmissions {
			if t.Type != dialogporten.TransmissionSubmission || t.CreatedAt.Before(since) {
				continue
			}
			ref, fid, err := s.submitted(ctx, t)
			if err != nil {
				return nil, fmt.Errorf("count forsendelser in Dialogporten: dialog %s, transmission %s: %w", dlg.ID, t.ID, err)
			}
			if mine[ref] && !slices.Contains(ids, fid) {
				ids = append(ids, fid)
			}
		}
	}
	return ids, nil
}

// submitted reads which leveranse a SUBMISSION transmission holds: its
// document's oppgavegiversLeveranseReferanse, and the forsendelseId from
// the document's URL (ASSUMPTION A-PATH) or else from externalReference
// (A-DP-REF). Documents do not change, so each is fetched once per run.
func (s *scenario) submitted(ctx context.Context, t dialogporten.Transmission) (ref, forsendelseID string, err error) {
	if v, ok := s.suite.submitted.Load(t.ID); ok {
		c := v.([2]string)
		return c[0], c[1], nil
	}
	u, err := apiURL(t)
	if err != nil {
		return "", "", err
	}
	doc, err := s.api().GetDocument(ctx, u)
	if err != nil {
		return "", "", fmt.Errorf("fetch the submitted document: %w", err)
	}
	var in struct {
		Leveranse struct {
			Referanse string `json:"oppgavegiversLeveranseReferanse"`
		} `json:"leveranse"`
	}
	if err := json.Unmarshal(doc.Body, &in); err != nil {
		return "", "", fmt.Errorf("the submitted document is not a leveranse: %w", err)
	}
	forsendelseID = t.ExternalReference
	if pu, perr := url.Parse(u); perr == nil {
		if _, ref, ok := contract.ParseDokumentPath(pu.Path); ok {
			forsendelseID = ref.ForsendelseID
		}
	}
	if forsendelseID == "" {
		return "", "", errors.New("the transmission names no forsendelse (no externalReference, and its URL has no forsendelseId)")
	}
	s.suite.submitted.Store(t.ID, [2]string{in.Leveranse.Referanse, forsendelseID})
	return in.Leveranse.Referanse, forsendelseID, nil
}
