package submit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
)

// Feedback values of a receipt besides contract.TilbakemeldingGodkjent and
// TilbakemeldingAvvist: none came within the timeout.
const FeedbackNone = "none"

// feedback follows an accepted forsendelse into Dialogporten until its
// feedback transmission (ACCEPTANCE or REJECTION) is there, downloads the
// transmission's documents as `finprod fetch` does (to DIR/feedback/), and
// writes a receipt with the feedback document's status and findings.
func (d *delivery) feedback(ctx context.Context, acc Receipt) error {
	dp := dialogporten.New(d.tg.DialogportenURL, d.tokens(acc.Oppgavegiver, dialogschema.Scope), d.http)
	wctx, cancel := context.WithTimeout(ctx, d.o.FeedbackTimeout)
	defer cancel()
	dlg, t, err := dp.WaitForTransmission(wctx, dialogporten.Submission{DialogID: acc.DialogID, ForsendelseID: acc.ForsendelseID},
		d.tg.PollInterval, dialogporten.TransmissionAcceptance, dialogporten.TransmissionRejection)

	r := acc
	r.Status, r.HTTPStatus, r.Kode, r.Melding, r.Attempts = StatusFeedback, 0, "", "", 0
	if err != nil {
		if ctx.Err() != nil {
			return nil // interrupted: the acceptance is on record
		}
		r.Feedback = FeedbackNone
		r.Melding = fmt.Sprintf("no feedback within %s: %v", d.o.FeedbackTimeout, err)
		d.count(func(s *Summary) { s.NoFeedback++ })
		return d.write(r)
	}
	// The transmission's type is the verdict when no document says more.
	r.Feedback = contract.TilbakemeldingGodkjent
	if t.Type == dialogporten.TransmissionRejection {
		r.Feedback = contract.TilbakemeldingAvvist
	}
	docs := &api.Client{HTTP: d.http, Tokens: d.tokens(acc.Oppgavegiver, contract.Scope)}
	dir := dialogporten.DownloadDir(filepath.Join(d.o.Dir, "feedback"), dlg)
	var saved []string
	_, derr := dialogporten.Download(ctx, docs, dir, []dialogporten.Transmission{t}, func(s dialogporten.Saved) {
		if s.Path != "" {
			saved = append(saved, s.Path)
		}
	})
	if derr != nil {
		r.Melding = "the feedback document could not be fetched: " + derr.Error()
	}
	for _, p := range saved {
		var tb contract.Tilbakemelding
		b, err := os.ReadFile(p)
		if err != nil || json.Unmarshal(b, &tb) != nil || tb.Status == "" {
			continue
		}
		r.Feedback, r.Funn, r.FeedbackFile = tb.Status, tb.Funn, p
		break
	}
	if r.FeedbackFile == "" && len(saved) > 0 {
		r.FeedbackFile = saved[0]
	}
	d.count(func(s *Summary) {
		if r.Feedback == contract.TilbakemeldingAvvist {
			s.Avvist++
		} else {
			s.Godkjent++
		}
	})
	return d.write(r)
}
