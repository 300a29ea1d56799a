package contract

import (
	"strconv"
	"strings"
)

// DokumentRef names one document of a forsendelse by the segments of its
// path (ASSUMPTION A-PATH):
// /v1/{inntektsaar}/{organisasjonsnummer}/forsendelse/{forsendelseId}/dokument/{dokumentId}.
// The segments stay text: a request may carry anything in them, and the
// API answers what is wrong with each.
type DokumentRef struct {
	Inntektsaar         string
	Organisasjonsnummer string
	ForsendelseID       string
	DokumentID          string
}

// Path is the document's path.
func (d DokumentRef) Path() string {
	return "/v1/" + d.Inntektsaar + "/" + d.Organisasjonsnummer + "/forsendelse/" + d.ForsendelseID + "/dokument/" + d.DokumentID
}

// DokumentPath is the path of one document of a forsendelse. The mock
// builds its attachment URLs with it; clients follow the URL Dialogporten
// gives them and never build one.
func DokumentPath(inntektsaar int, organisasjonsnummer, forsendelseID, dokumentID string) string {
	return DokumentRef{strconv.Itoa(inntektsaar), organisasjonsnummer, forsendelseID, dokumentID}.Path()
}

// ParseDokumentPath reads a path that ends in a document's path. prefix is
// what comes before "/v1/" (empty on the API's own host; a gateway may put
// a base path there). ok is false when the path does not have the shape.
func ParseDokumentPath(path string) (prefix string, d DokumentRef, ok bool) {
	parts := strings.Split(path, "/")
	i := len(parts) - 7 // the index of "v1"
	if i < 1 || parts[i] != "v1" || parts[i+3] != "forsendelse" || parts[i+5] != "dokument" {
		return "", DokumentRef{}, false
	}
	return strings.Join(parts[:i], "/"), DokumentRef{parts[i+1], parts[i+2], parts[i+4], parts[i+6]}, true
}
