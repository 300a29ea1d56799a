package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/google/uuid"
)

// document serves GET /v1/{inntektsaar}/{orgnr}/forsendelse/{fid}/dokument/{did}
// (ASSUMPTION A-PATH) with the submission's auth rules.
func (h *Handler) document(w http.ResponseWriter, r *http.Request, ref contract.DokumentRef) {
	yearSeg, orgnr, fid, did := ref.Inntektsaar, ref.Organisasjonsnummer, ref.ForsendelseID, ref.DokumentID
	systembruker, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	if !acceptsJSON(r.Header.Get("Accept")) {
		writeFeil(w, contract.GLD1030, contract.Feilspesifisering{Sti: "Accept", AngittVerdi: r.Header.Get("Accept")})
		return
	}
	year, ok := parsePathYear(yearSeg)
	if !ok {
		writeFeil(w, contract.GLD1022, contract.Feilspesifisering{Melding: "inntektsaar må være et årstall med fire sifre", Sti: "inntektsaar", AngittVerdi: shorten(yearSeg)})
		return
	}
	var bad []contract.Feilspesifisering
	if !contract.IsOrgnrShape(orgnr) {
		bad = append(bad, contract.Feilspesifisering{Melding: "organisasjonsnummer må ha ni sifre", Sti: "organisasjonsnummer", AngittVerdi: shorten(orgnr)})
	}
	if _, err := uuid.Parse(fid); err != nil {
		bad = append(bad, contract.Feilspesifisering{Melding: "forsendelseId må være en UUID", Sti: "forsendelseId", AngittVerdi: shorten(fid)})
	}
	if _, err := uuid.Parse(did); err != nil {
		bad = append(bad, contract.Feilspesifisering{Melding: "dokumentId må være en UUID", Sti: "dokumentId", AngittVerdi: shorten(did)})
	}
	if len(bad) > 0 {
		writeFeil(w, contract.GLD1022, bad...)
		return
	}
	if !h.access.MayReport(systembruker, orgnr) {
		writeFeil(w, contract.GLD1015, contract.Feilspesifisering{
			Melding: "Organisasjonen " + systembruker + " har ikke rettighet til denne oppgavegiverens dokumenter",
			Sti:     "organisasjonsnummer", AngittVerdi: orgnr,
		})
		return
	}
	doc, err := h.store.Document(year, orgnr, fid, did)
	switch {
	case errors.Is(err, store.ErrNoDialog):
		writeFeil(w, contract.GLD1054)
		return
	case errors.Is(err, store.ErrNoForsendelse):
		writeFeil(w, contract.GLD1061)
		return
	case errors.Is(err, store.ErrNoDocument):
		writeFeil(w, contract.GLD1050)
		return
	case err != nil:
		writeFeil(w, contract.GLD001)
		return
	}
	hd := w.Header()
	mt := doc.MediaType
	if mt == "" {
		mt = "application/json"
	}
	hd.Set("Content-Type", mt)
	hd.Set("Content-Length", strconv.Itoa(len(doc.Body)))
	hd.Set(contract.HeaderKorrelasjonsid, uuid.NewString())
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(doc.Body)
	}
}
