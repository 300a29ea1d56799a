package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/mock/internal/tokens"
)

// authenticate checks the bearer token, the API's scope and the
// systembruker and returns the organisation acting as systembruker. On
// false it has answered.
func (h *Handler) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		writeFeil(w, contract.GLD1007)
		return "", false
	}
	scheme, raw, _ := strings.Cut(auth, " ")
	raw = strings.TrimSpace(raw)
	if !strings.EqualFold(scheme, "Bearer") || raw == "" {
		writeFeil(w, contract.GLD1008, contract.Feilspesifisering{Melding: "Authorization må være \"Bearer <token>\""})
		return "", false
	}
	claims, err := h.verifier.Verify(raw)
	if err != nil {
		// The reason is safe to show: it names no part of the token.
		msg := "Token er ugyldig"
		if errors.Is(err, tokens.ErrExpired) {
			msg = "Token er utløpt"
		}
		writeFeil(w, contract.GLD1008, contract.Feilspesifisering{Melding: msg})
		return "", false
	}
	if !claims.HasScope(contract.Scope) {
		writeFeil(w, contract.GLD005, contract.Feilspesifisering{
			Melding: "Token mangler scope " + contract.Scope, Sti: "scope", AngittVerdi: claims.Scope,
		})
		return "", false
	}
	if org := claims.SystemuserOrgnr(); org != "" {
		return org, true
	}
	// "Bruk av API-et krever systemtilgang med systembruker" (the service
	// page): a plain Maskinporten token is refused unless the user chose
	// otherwise (ASSUMPTION A-SYSTEMBRUKER).
	if h.cfg.Systembruker != SystembrukerOptional {
		writeFeil(w, contract.GLD005, contract.Feilspesifisering{
			Melding: "Token mangler systembruker: API-et krever systemtilgang med systembruker " +
				"(authorization_details med type " + mptoken.AuthorizationTypeSystemuser + ")",
			Sti: "authorization_details",
		})
		return "", false
	}
	return claims.Consumer.Orgnr(), true
}
