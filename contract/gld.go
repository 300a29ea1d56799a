package contract

import (
	"net/http"
	"sort"
	"sync"
)

// Kode is a GLD error code as the API spells it, e.g. "GLD_010" or "GLD_1052".
type Kode string

// The general error codes (feilkoder) of the service page.
const (
	GLD001 Kode = "GLD_001"
	GLD004 Kode = "GLD_004"
	GLD005 Kode = "GLD_005"
	GLD006 Kode = "GLD_006"
	GLD008 Kode = "GLD_008"
	GLD010 Kode = "GLD_010"
	GLD011 Kode = "GLD_011"
	GLD017 Kode = "GLD_017"
	GLD019 Kode = "GLD_019"
	GLD021 Kode = "GLD_021"
	GLD022 Kode = "GLD_022"
	GLD023 Kode = "GLD_023"
)

// The specification codes (feilspesifiseringskoder) of the service page, plus
// GLD_1047 and GLD_1061 documented by sister services.
const (
	GLD1007 Kode = "GLD_1007"
	GLD1008 Kode = "GLD_1008"
	GLD1015 Kode = "GLD_1015"
	GLD1022 Kode = "GLD_1022"
	GLD1023 Kode = "GLD_1023"
	GLD1027 Kode = "GLD_1027"
	GLD1028 Kode = "GLD_1028"
	GLD1030 Kode = "GLD_1030"
	GLD1047 Kode = "GLD_1047"
	GLD1050 Kode = "GLD_1050"
	GLD1052 Kode = "GLD_1052"
	GLD1053 Kode = "GLD_1053"
	GLD1054 Kode = "GLD_1054"
	GLD1061 Kode = "GLD_1061"
)

// Entry describes one code of the catalogue.
type Entry struct {
	Kode Kode
	// Status is the HTTP status the API answers with.
	Status int
	// Omraade is the Norwegian "feilområde" text of the service page; the
	// error body's melding starts with it.
	Omraade string
	// Aarsak is the service page's "årsak" column, where it has one.
	Aarsak string
	// Hovedkode is, for a specification code, the general code that carries
	// it in the error body (ASSUMPTION A-HOVEDKODE); empty for general codes.
	Hovedkode Kode
	// Kilde says where the code is documented.
	Kilde string
}

// Specific reports whether the code is a feilspesifiseringskode (GLD_1xxx).
func (e Entry) Specific() bool { return e.Hovedkode != "" }

const (
	kildeTjeneste = "service page"
	kildeSoester  = "sister services (BSU, dialogdokumenter)"
)

// catalogue is built once and never handed out: callers get copies of
// entries, so no caller can change what another sees.
var catalogue = sync.OnceValue(buildCatalogue)

func buildCatalogue() map[Kode]Entry {
	general := func(k Kode, status int, omraade string) Entry {
		return Entry{Kode: k, Status: status, Omraade: omraade, Kilde: kildeTjeneste}
	}
	specific := func(k, hoved Kode, status int, omraade, aarsak, kilde string) Entry {
		return Entry{Kode: k, Status: status, Omraade: omraade, Aarsak: aarsak, Hovedkode: hoved, Kilde: kilde}
	}
	entries := []Entry{
		general(GLD001, http.StatusInternalServerError, "Uventet feil på tjenesten"),
		general(GLD004, http.StatusUnauthorized, "Feil i forbindelse med autentisering"),
		general(GLD005, http.StatusForbidden, "Feil i forbindelse med autorisering"),
		general(GLD006, http.StatusBadRequest, "Feil i request"),
		general(GLD008, http.StatusBadRequest, "Strukturell feil i tilknyttet dataformat"),
		general(GLD010, http.StatusBadRequest, "Feil i forbindelse med validering av payload"),
		general(GLD011, http.StatusBadRequest, "Feil i metadata"),
		general(GLD017, http.StatusInternalServerError, "Uspesifisert systemfeil"),
		general(GLD019, http.StatusConflict, "Idempotensnøkkel er benyttet tidligere"),
		general(GLD021, http.StatusNotFound, "Finner ikke forespurt ressurs"),
		general(GLD022, http.StatusMethodNotAllowed, "HTTP-metode ikke støttet"),
		general(GLD023, http.StatusInternalServerError, "Uventet feil i et bakenforliggende system"),

		specific(GLD1007, GLD004, http.StatusUnauthorized, "Mangler Token",
			"Det er ikke lagt ved noen authorization header med token på request", kildeTjeneste),
		specific(GLD1008, GLD004, http.StatusUnauthorized, "Ugyldig token",
			"Token oppgitt i authorization header er ugyldig", kildeTjeneste),
		specific(GLD1015, GLD005, http.StatusForbidden, "Ikke autorisert for å levere på denne dialogen",
			"Organisasjonen som leverer har ikke rettighet til å levere for denne oppgavegiveren", kildeTjeneste),
		specific(GLD1022, GLD006, http.StatusBadRequest, "Feil i parametre",
			"Diverse feil med parametre i request", kildeTjeneste),
		specific(GLD1023, GLD021, http.StatusNotFound, "Finner ingen ressurs for denne URL-en",
			"Det er ikke noe innhold tilgjengelig på denne URL-en", kildeTjeneste),
		specific(GLD1027, GLD011, http.StatusBadRequest, "Inntektsår er ikke støttet",
			"Det er ikke tillatt å levere på oppgitt inntektsår", kildeTjeneste),
		specific(GLD1028, GLD006, http.StatusBadRequest, "Header mangler",
			"Påkrevd header er ikke med i requesten", kildeTjeneste),
		specific(GLD1030, GLD006, http.StatusBadRequest, "Accept-header må være av type application/json",
			"Accept header er feil. API-et har kun støtte for JSON i respons", kildeTjeneste),
		specific(GLD1047, GLD006, http.StatusBadRequest, "Content type må være application/json",
			"", kildeSoester),
		specific(GLD1050, GLD021, http.StatusNotFound, "Finner ikke et dokument med denne IDen på denne forsendelsen",
			"Det finnes ikke noe dokument med gitt id på angitt forsendelse", kildeTjeneste),
		specific(GLD1052, GLD011, http.StatusBadRequest, "Inntektsår i path og i innsending er ulike",
			"Inntektsår i innsending i JSON body og inntektsår i path må være like", kildeTjeneste),
		specific(GLD1053, GLD023, http.StatusInternalServerError,
			"Uventet feil i et bakenforliggende system, vennligst prøv igjen senere", "", kildeTjeneste),
		specific(GLD1054, GLD021, http.StatusNotFound,
			"Det finnes ingen dialog for denne kombinasjonen av inntektsår, organisjonsnummer og ordning", "", kildeTjeneste),
		specific(GLD1061, GLD021, http.StatusNotFound,
			"Det finnes ingen forsendelse med denne IDen for denne ordningen", "", kildeSoester),
	}
	m := make(map[Kode]Entry, len(entries))
	for _, e := range entries {
		m[e.Kode] = e
	}
	return m
}

// Lookup returns the catalogue entry for a code.
func Lookup(k Kode) (Entry, bool) {
	e, ok := catalogue()[k]
	return e, ok
}

// Catalogue returns every known code, general codes first, each group in order.
func Catalogue() []Entry {
	m := catalogue()
	out := make([]Entry, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Specific() != out[j].Specific() {
			return !out[i].Specific()
		}
		return out[i].Kode < out[j].Kode
	})
	return out
}
