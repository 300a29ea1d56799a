package contract

// The payload types mirror openapi.yaml field for field, in the API's own
// Norwegian names. Amounts and counts are strings of digits, as in the
// documented example (ASSUMPTION A-BELOEP).

// Innsending is the body of POST /v1/{inntektsaar}.
type Innsending struct {
	Leveranse Leveranse `json:"leveranse"`
}

// Leveranse is one delivery for one oppgavegiver and one income year.
type Leveranse struct {
	Kildesystem                     string              `json:"kildesystem"`
	Oppgavegiver                    Oppgavegiver        `json:"oppgavegiver"`
	Inntektsaar                     int                 `json:"inntektsaar"`
	OppgavegiversLeveranseReferanse string              `json:"oppgavegiversLeveranseReferanse"`
	Leveransetype                   string              `json:"leveransetype"`
	Oppgave                         []Oppgave           `json:"oppgave"`
	Oppgaveoppsummering             Oppgaveoppsummering `json:"oppgaveoppsummering"`
}

// Leveransetype values (ASSUMPTION A-ENUM: only "ordinaer" is documented).
const (
	LeveransetypeOrdinaer   = "ordinaer"
	LeveransetypeErstatning = "erstatning"
	LeveransetypeSletting   = "sletting"
)

// Oppgavegiver is the reporting organisation.
type Oppgavegiver struct {
	Organisasjonsnummer string              `json:"organisasjonsnummer"`
	Kontaktinformasjon  *Kontaktinformasjon `json:"kontaktinformasjon,omitempty"`
}

// Kontaktinformasjon is the oppgavegiver's contact person.
type Kontaktinformasjon struct {
	Navn                 string `json:"navn"`
	Telefonnummer        string `json:"telefonnummer,omitempty"`
	VarselEpostadresse   string `json:"varselEpostadresse,omitempty"`
	VarselSmsMobilnummer string `json:"varselSmsMobilnummer,omitempty"`
}

// Oppgave is one account owner's account with its financial products.
type Oppgave struct {
	Oppgaveeier Oppgaveeier `json:"oppgaveeier"`
	Konto       Konto       `json:"konto"`
}

// Oppgaveeier is the owner: exactly one of Person or Organisasjon.
type Oppgaveeier struct {
	Person                     *Person                     `json:"person,omitempty"`
	Organisasjon               *Organisasjon               `json:"organisasjon,omitempty"`
	AlternativIdentifikator    string                      `json:"alternativIdentifikator,omitempty"`
	InternasjonalIdentifikator *InternasjonalIdentifikator `json:"internasjonalIdentifikator,omitempty"`
	Adresse                    *Adresse                    `json:"adresse,omitempty"`
}

// Person is a personal owner.
type Person struct {
	Foedselsnummer string `json:"foedselsnummer"`
	Fornavn        string `json:"fornavn,omitempty"`
	Etternavn      string `json:"etternavn,omitempty"`
	Foedselsdato   string `json:"foedselsdato,omitempty"`
}

// Organisasjon is an organisational owner.
type Organisasjon struct {
	Organisasjonsnummer string `json:"organisasjonsnummer"`
	Navn                string `json:"navn,omitempty"`
}

// InternasjonalIdentifikator is a foreign identifier such as a TIN.
type InternasjonalIdentifikator struct {
	Identifikator     string `json:"identifikator"`
	Identifikatortype string `json:"identifikatortype"`
	UtstedtAvLand     string `json:"utstedtAvLand"`
}

// Adresse is the owner's address; landkode is ISO 3166-1 alpha-2.
type Adresse struct {
	Landkode            string              `json:"landkode"`
	AdresseStrukturert  *AdresseStrukturert `json:"adresseStrukturert,omitempty"`
	AdresseUstrukturert []string            `json:"adresseUstrukturert,omitempty"`
}

// AdresseStrukturert is a structured address.
type AdresseStrukturert struct {
	Adresselinje     string `json:"adresselinje,omitempty"`
	Postnummer       string `json:"postnummer,omitempty"`
	ByEllerStedsnavn string `json:"byEllerStedsnavn,omitempty"`
}

// Konto is the account holding the products.
type Konto struct {
	Kontonummer     string          `json:"kontonummer"`
	Kontonummertype string          `json:"kontonummertype"`
	Finansprodukt   []Finansprodukt `json:"finansprodukt"`
}

// Kontonummertype values (ASSUMPTION A-ENUM).
const (
	KontonummertypeKontonummer = "kontonummer"
	KontonummertypeIBAN        = "IBAN"
	KontonummertypeISIN        = "ISIN"
	KontonummertypeAnnet       = "annet"
)

// Finansprodukt is one product on the account with its amounts for the year.
type Finansprodukt struct {
	Finansprodukttype           string           `json:"finansprodukttype"`
	Finansproduktnavn           string           `json:"finansproduktnavn,omitempty"`
	ISIN                        string           `json:"isin,omitempty"`
	Antall                      string           `json:"antall,omitempty"`
	Formuesverdi                *Beloepsverdi    `json:"formuesverdi,omitempty"`
	SkattepliktigUtbytte        *Beloepsverdi    `json:"skattepliktigUtbytte,omitempty"`
	UtdeltUtbytte               *Beloepsverdi    `json:"utdeltUtbytte,omitempty"`
	Renteinntekt                *Beloepsverdi    `json:"renteinntekt,omitempty"`
	AnnenInntektEllerUtbetaling *Beloepsverdi    `json:"annenInntektEllerUtbetaling,omitempty"`
	Salgsvederlag               *Beloepsverdi    `json:"salgsvederlag,omitempty"`
	GevinstEllerTap             *GevinstEllerTap `json:"gevinstEllerTap,omitempty"`
	AnvendtSkjerming            string           `json:"anvendtSkjerming,omitempty"`
}

// Finansprodukttype values (ASSUMPTION A-ENUM: only "aksjer" is documented).
func Finansprodukttyper() []string {
	return []string{"aksjer", "egenkapitalbevis", "aksjefond", "rentefond", "kombinasjonsfond",
		"obligasjoner", "sertifikater", "derivater", "bankinnskudd", "annet"}
}

// Beloepsverdi is an amount in NOK, optionally with the foreign-currency amount.
type Beloepsverdi struct {
	BeloepINOK    string `json:"beloepINOK"`
	BeloepIValuta string `json:"beloepIValuta,omitempty"`
	Valutakode    string `json:"valutakode,omitempty"`
}

// GevinstEllerTap holds either a taxable gain or a deductible loss.
type GevinstEllerTap struct {
	SkattepliktigGevinst  string `json:"skattepliktigGevinst,omitempty"`
	FradragsberettigetTap string `json:"fradragsberettigetTap,omitempty"`
}

// Oppgaveoppsummering sums the oppgaver of the leveranse.
type Oppgaveoppsummering struct {
	AntallOppgaver                 int    `json:"antallOppgaver"`
	SumFormuesverdi                string `json:"sumFormuesverdi"`
	SumSkattepliktigUtbytte        string `json:"sumSkattepliktigUtbytte"`
	SumRenteinntekt                string `json:"sumRenteinntekt"`
	SumAnnenInntektEllerUtbetaling string `json:"sumAnnenInntektEllerUtbetaling"`
	SumGevinst                     string `json:"sumGevinst"`
	SumTap                         string `json:"sumTap"`
	SumAnvendtSkjerming            string `json:"sumAnvendtSkjerming"`
	SumUtdeltUtbytte               string `json:"sumUtdeltUtbytte"`
	SumSalgsvederlag               string `json:"sumSalgsvederlag"`
}

// Kvittering is the 200 response of a submission.
type Kvittering struct {
	DialogID                        string `json:"dialogId"`
	ForsendelseID                   string `json:"forsendelseId"`
	OppgavegiversLeveranseReferanse string `json:"oppgavegiversLeveranseReferanse"`
	AntallOppgaver                  int    `json:"antallOppgaver"`
}

// Scope is the Maskinporten scope of the API.
const Scope = "skatteetaten:innrapporteringfinansprodukter"

// MaxBody is the largest request body accepted (ASSUMPTION A-MAXBODY: 10 MB
// as documented for sister services, read as 10 × 1024 × 1024 bytes).
const MaxBody = 10 << 20
