package dialogporten

import (
	"strings"
	"time"

	"github.com/finprod/finprod/contract/dialogschema"
)

// Transmission types finprod follows, as Dialogporten spells them.
const (
	TransmissionSubmission = dialogschema.TransmissionSubmission
	TransmissionAcceptance = dialogschema.TransmissionAcceptance
	TransmissionRejection  = dialogschema.TransmissionRejection
)

// ConsumerAPI marks an attachment URL meant for systems (the other
// consumer type, GUI, is for people in a browser).
const ConsumerAPI = "API"

// unauthorizedURLPrefix starts the placeholder URLs Dialogporten puts where
// the caller may not see an attachment ("urn:dialogporten:unauthorized").
const unauthorizedURLPrefix = "urn:dialogporten:"

// Localization is one language's version of a text.
type Localization struct {
	LanguageCode string `json:"languageCode"`
	Value        string `json:"value"`
}

// Texts is a text in several languages.
type Texts []Localization

// String picks Norwegian bokmål, then English, then the first language.
func (t Texts) String() string {
	for _, lang := range []string{"nb", "en"} {
		for _, l := range t {
			if l.LanguageCode == lang {
				return l.Value
			}
		}
	}
	if len(t) > 0 {
		return t[0].Value
	}
	return ""
}

// DialogSummary is a dialog as a search lists it: without transmissions.
type DialogSummary struct {
	ID              string
	Org             string
	Party           string
	ServiceResource string
	Status          string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Title           Texts
}

// Dialog is one dialog with its transmissions, oldest first.
type Dialog struct {
	DialogSummary
	Transmissions []Transmission
}

// Transmission is one message in a dialog: a submission or feedback.
type Transmission struct {
	ID                    string
	Type                  string
	CreatedAt             time.Time
	IsAuthorized          bool
	ExternalReference     string
	RelatedTransmissionID string
	SenderType            string
	SenderName            string
	Title                 Texts
	Summary               Texts
	Attachments           []Attachment
}

// Attachment is a document attached to a transmission.
type Attachment struct {
	ID          string
	Name        string
	DisplayName Texts
	URLs        []AttachmentURL
}

// AttachmentURL is one representation of an attachment.
type AttachmentURL struct {
	URL          string
	MediaType    string
	ConsumerType string
}

// APIURL returns the URL meant for machines (consumerType API), and false if
// there is none or Dialogporten replaced it with its "unauthorized"
// placeholder.
func (a Attachment) APIURL() (AttachmentURL, bool) {
	for _, u := range a.URLs {
		if u.ConsumerType == ConsumerAPI && !strings.HasPrefix(u.URL, unauthorizedURLPrefix) {
			return u, true
		}
	}
	return AttachmentURL{}, false
}

// Concerns reports whether the transmission belongs to the forsendelse.
// finprod reads the forsendelseId from externalReference (ASSUMPTION
// A-DP-REF); as a fallback for a service that links them differently, an API
// attachment URL that names the forsendelse also counts.
func (t Transmission) Concerns(forsendelseID string) bool {
	if forsendelseID == "" {
		return false
	}
	if strings.EqualFold(t.ExternalReference, forsendelseID) {
		return true
	}
	for _, a := range t.Attachments {
		if u, ok := a.APIURL(); ok && strings.Contains(u.URL, "/"+forsendelseID+"/") {
			return true
		}
	}
	return false
}

// TransmissionsFor returns the transmissions of one forsendelse, in dialog order.
func (d Dialog) TransmissionsFor(forsendelseID string) []Transmission {
	var out []Transmission
	for _, t := range d.Transmissions {
		if t.Concerns(forsendelseID) {
			out = append(out, t)
		}
	}
	return out
}
