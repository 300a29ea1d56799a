package dialogporten

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Submission names a submission to follow into Dialogporten: by the dialogId
// from the API's receipt, or, without it, by the oppgavegiver (Party), the
// service resource and a time bound that the search uses.
type Submission struct {
	DialogID      string
	ForsendelseID string
	DialogFilter
}

// FindSubmission returns the dialog holding the submission. With a DialogID
// it reads that dialog; otherwise it searches the party's dialogs and reads
// each until one has a transmission for the forsendelse. ErrNoSubmission
// means the dialog(s) were found but none names the forsendelse (yet).
func (d *Client) FindSubmission(ctx context.Context, s Submission) (Dialog, error) {
	if s.DialogID != "" {
		dlg, err := d.DialogByID(ctx, s.DialogID)
		if err != nil {
			return Dialog{}, err
		}
		if s.ForsendelseID != "" && len(dlg.TransmissionsFor(s.ForsendelseID)) == 0 {
			return dlg, fmt.Errorf("dialog %s, forsendelse %s: %w", s.DialogID, s.ForsendelseID, ErrNoSubmission)
		}
		return dlg, nil
	}
	if s.ForsendelseID == "" || s.Party == "" {
		return Dialog{}, errors.New("find submission: give a dialogId, or a forsendelseId with the party's organisasjonsnummer")
	}
	found, err := d.SearchDialogs(ctx, s.DialogFilter)
	if err != nil {
		return Dialog{}, err
	}
	for _, sum := range found {
		dlg, err := d.DialogByID(ctx, sum.ID)
		if err != nil {
			return Dialog{}, err
		}
		if len(dlg.TransmissionsFor(s.ForsendelseID)) > 0 {
			return dlg, nil
		}
	}
	return Dialog{}, fmt.Errorf("forsendelse %s in %d dialog(s) of party %s: %w", s.ForsendelseID, len(found), s.Party, ErrNoSubmission)
}

// WaitForTransmission reads the dialog every interval until it has a
// transmission for the forsendelse of one of the given types (any type if
// none is given), and returns the dialog as read then and that transmission.
// It gives up when ctx ends; the error then says what was last seen. A
// dialog not found yet is waited for too, since Dialogporten may lag behind
// the API.
func (d *Client) WaitForTransmission(ctx context.Context, s Submission, interval time.Duration, types ...string) (Dialog, Transmission, error) {
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	var last error
	for {
		select {
		case <-ctx.Done():
			if last == nil {
				last = errors.New("nothing read yet")
			}
			return Dialog{}, Transmission{}, fmt.Errorf("waiting for %v transmission of forsendelse %s: %w (last: %v)", typesOrAny(types), s.ForsendelseID, ctx.Err(), last)
		case <-timer.C:
		}
		dlg, err := d.FindSubmission(ctx, s)
		switch {
		case err != nil && ctx.Err() != nil:
			// The deadline cut a request short; what was seen before says more.
			if last == nil {
				last = err
			}
		case err == nil:
			for _, t := range dlg.TransmissionsFor(s.ForsendelseID) {
				if len(types) == 0 || slices.Contains(types, t.Type) {
					return dlg, t, nil
				}
			}
			last = fmt.Errorf("dialog %s has %d transmission(s) for it, none of the wanted type", dlg.ID, len(dlg.TransmissionsFor(s.ForsendelseID)))
		case errors.Is(err, ErrNoSubmission), errors.Is(err, ErrDialogNotFound):
			last = err
		default:
			return Dialog{}, Transmission{}, err
		}
		timer.Reset(interval)
	}
}

func typesOrAny(types []string) any {
	if len(types) == 0 {
		return "any"
	}
	return types
}
