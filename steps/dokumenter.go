package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/google/uuid"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
)

// documentState is what the Dialogporten steps found and fetched.
type documentState struct {
	url string
	// fetched: the last answer the Så steps should read is a document
	// fetch's, not a submission's.
	fetched  bool
	doc      *api.Document
	feil     *contract.Feil
	feedback *dialogporten.Transmission
}

// dialogporten is a Dialogporten client acting as the scenario's
// systembruker, with Dialogporten's own scope.
func (s *scenario) dialogporten() *dialogporten.Client {
	return dialogporten.New(s.target.DialogportenURL,
		tokens{creds: s.target.Credentials, systembruker: s.systembrukerOrg(), scopes: []string{dialogschema.Scope}},
		s.http)
}

func (s *scenario) submission() (dialogporten.Submission, error) {
	if len(s.accepted) == 0 {
		return dialogporten.Submission{}, errors.New("no leveranse was received: send one first")
	}
	// The latest accepted one: the last answer may be a refusal.
	k := s.accepted[len(s.accepted)-1].Kvittering
	return dialogporten.Submission{DialogID: k.DialogID, ForsendelseID: k.ForsendelseID}, nil
}

// apiURL is the attachment URL meant for machines (consumerType API).
func apiURL(t dialogporten.Transmission) (string, error) {
	for _, a := range t.Attachments {
		if u, ok := a.APIURL(); ok {
			return u.URL, nil
		}
	}
	return "", fmt.Errorf("the %s transmission %s has no attachment with an API URL", t.Type, t.ID)
}

// dialogenHentes waits until Dialogporten shows the forsendelse's
// submission, since Dialogporten may lag behind the API.
func (s *scenario) dialogenHentes(ctx context.Context) error {
	sub, err := s.submission()
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, s.target.FeedbackTimeout)
	defer cancel()
	_, t, err := s.dialogporten().WaitForTransmission(wctx, sub, s.target.PollInterval, dialogporten.TransmissionSubmission)
	if err != nil {
		return fmt.Errorf("find forsendelse %s in Dialogporten: %w", sub.ForsendelseID, err)
	}
	s.documents.url, err = apiURL(t)
	return err
}

func (s *scenario) harInnsending() error {
	if s.documents.url == "" {
		return errors.New("the dialog has no submission with a document for the forsendelse")
	}
	return nil
}

// fetch follows a document URL as given; a GLD error is kept for the Så
// steps, any other failure fails the step.
func (s *scenario) fetch(ctx context.Context, u string) error {
	doc, err := s.api().GetDocument(ctx, u)
	s.documents.doc, s.documents.feil, s.documents.fetched = doc, nil, true
	var f *contract.Feil
	switch {
	case err == nil:
	case errors.As(err, &f):
		s.documents.feil = f
	default:
		return fmt.Errorf("fetch document: %w", err)
	}
	return nil
}

func (s *scenario) byteForByte(ctx context.Context) error {
	if err := s.fetch(ctx, s.documents.url); err != nil {
		return err
	}
	if s.documents.feil != nil {
		return fmt.Errorf("fetching the submitted document failed: %s", s.documents.feil.Error())
	}
	if !bytes.Equal(s.documents.doc.Body, s.body) {
		return fmt.Errorf("the document (%d bytes) is not the leveranse that was sent (%d bytes)", len(s.documents.doc.Body), len(s.body))
	}
	return nil
}

func (s *scenario) tilbakemeldingenKommer(ctx context.Context) error {
	sub, err := s.submission()
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, s.target.FeedbackTimeout)
	defer cancel()
	_, t, err := s.dialogporten().WaitForTransmission(wctx, sub, s.target.PollInterval,
		dialogporten.TransmissionAcceptance, dialogporten.TransmissionRejection)
	if err != nil {
		return fmt.Errorf("feedback for forsendelse %s within %s: %w", sub.ForsendelseID, s.target.FeedbackTimeout, err)
	}
	s.documents.feedback = &t
	return nil
}

func (s *scenario) tilbakemeldingAvType(typ string) error {
	if s.documents.feedback == nil {
		return errors.New("no feedback was fetched")
	}
	if s.documents.feedback.Type != typ {
		return fmt.Errorf("expected feedback of type %s, got %s", typ, s.documents.feedback.Type)
	}
	return nil
}

// tilbakemeldingPekerPaa fetches the feedback document and looks for the
// sti in it. Its format is not public, so the check is that the JSONPath
// appears in it, not where.
func (s *scenario) tilbakemeldingPekerPaa(ctx context.Context, sti string) error {
	if s.documents.feedback == nil {
		return errors.New("no feedback was fetched")
	}
	u, err := apiURL(*s.documents.feedback)
	if err != nil {
		return err
	}
	if err := s.fetch(ctx, u); err != nil {
		return err
	}
	if s.documents.feil != nil {
		return fmt.Errorf("fetching the feedback document failed: %s", s.documents.feil.Error())
	}
	body := s.documents.doc.Body
	if !bytes.Contains(body, []byte(strconv.Quote(sti))) {
		return fmt.Errorf("the feedback does not point at %s: %.600s", sti, body)
	}
	return nil
}

// alteredDocumentURL changes one segment of the submitted document's URL,
// whose shape is ASSUMPTION A-PATH (contract.DokumentRef).
func (s *scenario) alteredDocumentURL(ctx context.Context, alter func(*contract.DokumentRef)) (string, error) {
	if err := s.dialogenHentes(ctx); err != nil {
		return "", err
	}
	u, err := url.Parse(s.documents.url)
	if err != nil {
		return "", fmt.Errorf("document URL %q: %w", s.documents.url, err)
	}
	prefix, ref, ok := contract.ParseDokumentPath(u.Path)
	if !ok {
		return "", fmt.Errorf("document URL %s does not have the assumed shape (ASSUMPTION A-PATH)", s.documents.url)
	}
	alter(&ref)
	u.Path = prefix + ref.Path()
	return u.String(), nil
}

func (s *scenario) hentMedEndretSegment(ctx context.Context, alter func(*contract.DokumentRef)) error {
	u, err := s.alteredDocumentURL(ctx, alter)
	if err != nil {
		return err
	}
	return s.fetch(ctx, u)
}

func (s *scenario) ukjentDokument(ctx context.Context) error {
	return s.hentMedEndretSegment(ctx, func(d *contract.DokumentRef) { d.DokumentID = uuid.NewString() })
}

func (s *scenario) ukjentForsendelse(ctx context.Context) error {
	return s.hentMedEndretSegment(ctx, func(d *contract.DokumentRef) { d.ForsendelseID = uuid.NewString() })
}

func (s *scenario) aarUtenDialog(ctx context.Context) error {
	return s.hentMedEndretSegment(ctx, func(d *contract.DokumentRef) { d.Inntektsaar = strconv.Itoa(s.target.LukketInntektsaar) })
}
