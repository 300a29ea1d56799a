package dialogporten

import (
	"context"
	"fmt"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/google/uuid"
)

// The resolver types mirror the SDL; graphql-go reads their exported fields
// (UseFieldResolvers) and only the fields a query selects reach the answer.

type payloadError struct {
	typ     string
	message string
}

func (e *payloadError) Message() string { return e.message }

func (e *payloadError) is(t string) (*payloadError, bool) { return e, e.typ == t }

func (e *payloadError) ToDialogByIdNotFound() (*payloadError, bool) {
	return e.is("DialogByIdNotFound")
}

func (e *payloadError) ToDialogByIdForbidden() (*payloadError, bool) {
	return e.is("DialogByIdForbidden")
}

func (e *payloadError) ToDialogByIdDeleted() (*payloadError, bool) { return e.is("DialogByIdDeleted") }

func (e *payloadError) ToSearchDialogValidationError() (*payloadError, bool) {
	return e.is("SearchDialogValidationError")
}

func (e *payloadError) ToSearchDialogForbidden() (*payloadError, bool) {
	return e.is("SearchDialogForbidden")
}

func (e *payloadError) ToSearchDialogContinuationTokenParsingError() (*payloadError, bool) {
	return e.is("SearchDialogContinuationTokenParsingError")
}

type localization struct {
	LanguageCode string
	Value        string
}

type contentValue struct {
	MediaType string
	Value     []*localization
}

func norsk(s string) *contentValue {
	return &contentValue{MediaType: "text/plain", Value: []*localization{{LanguageCode: "nb", Value: s}}}
}

type content struct {
	Title   *contentValue
	Summary *contentValue
}

type actor struct {
	ActorType *string
	ActorName *string
}

type attachmentURL struct {
	ID           uuidScalar
	URL          urlScalar
	MediaType    *string
	ConsumerType string
}

type attachment struct {
	ID          uuidScalar
	Name        *string
	DisplayName []*localization
	URLs        []*attachmentURL
	ExpiresAt   *dateTime
}

type transmission struct {
	ID                    uuidScalar
	Type                  string
	CreatedAt             dateTime
	IsAuthorized          bool
	ExternalReference     *string
	RelatedTransmissionID *uuidScalar
	Sender                *actor
	Content               *content
	Attachments           []*attachment
}

type dialog struct {
	ID               uuidScalar
	Revision         uuidScalar
	Org              string
	ServiceResource  string
	Party            string
	Status           string
	CreatedAt        dateTime
	UpdatedAt        dateTime
	ContentUpdatedAt dateTime
	IsAPIOnly        bool
	Content          *content
	Transmissions    []*transmission
}

type searchDialog struct {
	ID               uuidScalar
	Org              string
	ServiceResource  string
	Party            string
	Status           string
	CreatedAt        dateTime
	UpdatedAt        dateTime
	ContentUpdatedAt dateTime
	Content          *content
}

type dialogByIDPayload struct {
	Errors []*payloadError
	Dialog *dialog
}

type sortType struct {
	CreatedAt        *string
	UpdatedAt        *string
	ContentUpdatedAt *string
}

type searchPayload struct {
	Errors            []*payloadError
	Items             *[]*searchDialog
	HasNextPage       bool
	ContinuationToken *string
	OrderBy           []*sortType
}

// query is the root resolver (type Queries).
type query struct{ s *Server }

func (q *query) DialogByID(ctx context.Context, args struct{ DialogID uuidScalar }) *dialogByIDPayload {
	notFound := &dialogByIDPayload{Errors: []*payloadError{{typ: "DialogByIdNotFound",
		message: fmt.Sprintf("Entity 'DialogEntity' with key '%s' was not found.", args.DialogID)}}}
	d, ok := q.s.st.Dialog(string(args.DialogID))
	// A dialog the caller may not see is "not found", as Dialogporten
	// answers it, so its existence does not leak.
	if !ok || !q.s.visible(ctx, d) {
		return notFound
	}
	return &dialogByIDPayload{Errors: []*payloadError{}, Dialog: q.s.dialogOf(d)}
}

func strp(s string) *string { return &s }

// namespace makes stable ids for things the store does not name.
var namespace = uuid.MustParse("6f1c2b8e-5d0a-4c51-9a0e-2f9b0c7d4e13")

func derivedID(parts ...string) uuidScalar {
	return uuidScalar(uuid.NewSHA1(namespace, []byte(strings.Join(parts, "/"))).String())
}

// status sums the dialog up by its newest transmission.
func status(d store.Dialog) string {
	if n := len(d.Transmissions); n > 0 {
		switch d.Transmissions[n-1].Type {
		case store.TransmissionAcceptance:
			return "COMPLETED"
		case store.TransmissionRejection:
			return "REQUIRES_ATTENTION"
		}
		return "AWAITING"
	}
	return "NOT_APPLICABLE"
}

func dialogContent(d store.Dialog) *content {
	return &content{
		Title:   norsk(fmt.Sprintf("Innrapportering finansprodukter %d", d.Inntektsaar)),
		Summary: norsk("Oppgavegiver " + d.Oppgavegiver),
	}
}

func (s *Server) dialogOf(d store.Dialog) *dialog {
	out := &dialog{
		ID:               uuidScalar(d.ID),
		Revision:         derivedID(d.ID, d.UpdatedAt.String()),
		Org:              s.cfg.ServiceOwner,
		ServiceResource:  s.cfg.ServiceResource,
		Party:            dialogschema.PartyURN(d.Oppgavegiver),
		Status:           status(d),
		CreatedAt:        dateTime{d.CreatedAt},
		UpdatedAt:        dateTime{d.UpdatedAt},
		ContentUpdatedAt: dateTime{d.UpdatedAt},
		IsAPIOnly:        true,
		Content:          dialogContent(d),
		Transmissions:    []*transmission{},
	}
	submissions := map[string]string{} // forsendelseID → its SUBMISSION transmission
	for _, t := range d.Transmissions {
		tr := &transmission{
			ID:                uuidScalar(t.ID),
			Type:              t.Type,
			CreatedAt:         dateTime{t.CreatedAt},
			IsAuthorized:      true,
			ExternalReference: strp(t.ForsendelseID),
			Content:           &content{Title: norsk(t.Title)},
			Attachments:       []*attachment{},
		}
		if t.Summary != "" {
			tr.Content.Summary = norsk(t.Summary)
		}
		if t.Type == store.TransmissionSubmission {
			submissions[t.ForsendelseID] = t.ID
			tr.Sender = &actor{ActorType: strp("PARTY_REPRESENTATIVE"), ActorName: strp(s.submitter(t.ForsendelseID))}
		} else {
			tr.Sender = &actor{ActorType: strp("SERVICE_OWNER"), ActorName: strp("Skatteetaten")}
			if sub, ok := submissions[t.ForsendelseID]; ok {
				id := uuidScalar(sub)
				tr.RelatedTransmissionID = &id
			}
		}
		for _, a := range t.Attachments {
			tr.Attachments = append(tr.Attachments, s.attachmentOf(d, t, a))
		}
		out.Transmissions = append(out.Transmissions, tr)
	}
	return out
}

func (s *Server) submitter(forsendelseID string) string {
	if f, ok := s.st.Forsendelse(forsendelseID); ok && f.Systembruker != "" {
		return "Systembruker for " + f.Systembruker
	}
	return "Systembruker"
}

// attachmentOf gives the document's API URL on the reporting API (the path
// of ASSUMPTION A-PATH) and a GUI URL for people, which the mock does not
// serve.
func (s *Server) attachmentOf(d store.Dialog, t store.Transmission, a store.Attachment) *attachment {
	api := s.baseURL + contract.DokumentPath(d.Inntektsaar, d.Oppgavegiver, t.ForsendelseID, a.DocumentID)
	gui := s.baseURL + "/dialogporten/gui/dialogs/" + d.ID + "/attachments/" + a.ID
	return &attachment{
		ID:          uuidScalar(a.ID),
		Name:        strp(a.Name),
		DisplayName: []*localization{{LanguageCode: "nb", Value: a.DisplayName}},
		URLs: []*attachmentURL{
			{ID: derivedID(a.ID, "API"), URL: urlScalar(api), MediaType: strp(a.MediaType), ConsumerType: "API"},
			{ID: derivedID(a.ID, "GUI"), URL: urlScalar(gui), MediaType: strp("text/html"), ConsumerType: "GUI"},
		},
	}
}
