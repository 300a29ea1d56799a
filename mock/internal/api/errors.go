package api

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/finprod/finprod/contract"
	"github.com/google/uuid"
)

// errorBody builds an error response for a code of the catalogue, with a
// fresh korrelasjonsid.
func errorBody(k contract.Kode, detaljer ...contract.Feilspesifisering) response {
	korr := uuid.NewString()
	status, f := contract.NewFeil(k, korr, detaljer...)
	b, err := json.Marshal(f)
	if err != nil {
		// Feil holds only strings; this cannot happen short of a broken build.
		b = []byte(`{"kode":"GLD_001","melding":"Uventet feil på tjenesten","korrelasjonsid":"` + korr + `"}`)
		status = http.StatusInternalServerError
	}
	return response{status: status, korrelasjonsid: korr, body: b}
}

func writeFeil(w http.ResponseWriter, k contract.Kode, detaljer ...contract.Feilspesifisering) {
	errorBody(k, detaljer...).write(w)
}

// response is a whole answer, kept so that an idempotent replay can repeat
// it byte for byte.
type response struct {
	status         int
	korrelasjonsid string
	body           []byte
}

func (r response) write(w http.ResponseWriter) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(r.body))}
	h[contract.HeaderKorrelasjonsid] = []string{r.korrelasjonsid}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
