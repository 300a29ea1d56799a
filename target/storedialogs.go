package target

import (
	"context"
	"errors"
	"fmt"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/mock/store"
)

// storeDialogs reads dialogs from the mock's store. It stands in for the
// Dialogporten GraphQL client until the mock serves Dialogporten; it gives
// the same URLs the mock's attachments will carry.
type storeDialogs struct{ srv *mock.Server }

func (d storeDialogs) dialog(dialogID string) (store.Dialog, error) {
	dl, ok := d.srv.Store().Dialog(dialogID)
	if !ok {
		return store.Dialog{}, fmt.Errorf("no dialog %s", dialogID)
	}
	return dl, nil
}

func (d storeDialogs) SubmissionDocument(_ context.Context, dialogID, forsendelseID string) (string, error) {
	dl, err := d.dialog(dialogID)
	if err != nil {
		return "", err
	}
	for _, t := range dl.Transmissions {
		if t.Type == store.TransmissionSubmission && t.ForsendelseID == forsendelseID && len(t.Attachments) > 0 {
			return d.srv.URL() + contract.DokumentPath(dl.Inntektsaar, dl.Oppgavegiver, forsendelseID, t.Attachments[0].DocumentID), nil
		}
	}
	return "", fmt.Errorf("dialog %s has no submission for forsendelse %s", dialogID, forsendelseID)
}

func (d storeDialogs) Feedback(context.Context, string, string) (Feedback, error) {
	return Feedback{}, errors.New("the mock does not yet give feedback without its Dialogporten")
}
