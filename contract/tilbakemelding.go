package contract

// Tilbakemelding is the feedback document finprod's mock attaches to the
// ACCEPTANCE or REJECTION transmission of a forsendelse in Dialogporten.
// Skatteetaten has not published the format of its feedback; this one is
// finprod's (ASSUMPTION A-TILBAKEMELDING), shaped like the error body's
// feilspesifisering so a reader sees one vocabulary.
type Tilbakemelding struct {
	ForsendelseID  string `json:"forsendelseId"`
	DialogID       string `json:"dialogId"`
	Inntektsaar    int    `json:"inntektsaar"`
	Oppgavegiver   string `json:"oppgavegiver"`
	AntallOppgaver int    `json:"antallOppgaver"`
	// Status is TilbakemeldingGodkjent or TilbakemeldingAvvist.
	Status string `json:"status"`
	// Funn lists the broken business rules; empty when Status is godkjent.
	Funn []Funn `json:"funn"`
}

// Statuses of a Tilbakemelding.
const (
	TilbakemeldingGodkjent = "godkjent"
	TilbakemeldingAvvist   = "avvist"
)

// Funn is one finding in a Tilbakemelding: a code, a Norwegian message, the
// JSONPath of the value and the value as given.
type Funn struct {
	Kode        string `json:"kode"`
	Melding     string `json:"melding"`
	Sti         string `json:"sti"`
	AngittVerdi string `json:"angittVerdi,omitempty"`
}
