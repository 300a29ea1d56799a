package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/access"
	"github.com/finprod/finprod/mock/api"
	"github.com/finprod/finprod/mock/store"
)

// ForsendelseInfo is one forsendelse as the admin endpoint lists it.
type ForsendelseInfo struct {
	ForsendelseID  string    `json:"forsendelseId"`
	DialogID       string    `json:"dialogId"`
	Inntektsaar    int       `json:"inntektsaar"`
	Oppgavegiver   string    `json:"oppgavegiver"`
	Referanse      string    `json:"oppgavegiversLeveranseReferanse"`
	AntallOppgaver int       `json:"antallOppgaver"`
	Systembruker   string    `json:"systembruker"`
	DokumentID     string    `json:"dokumentId"`
	DokumentPath   string    `json:"dokumentPath"`
	Mottatt        time.Time `json:"mottatt"`
}

// ForsendelseList is the body of GET /admin/forsendelser.
type ForsendelseList struct {
	Count        int               `json:"count"`
	Forsendelser []ForsendelseInfo `json:"forsendelser"`
}

// TokenRequest is the body of POST /admin/token.
type TokenRequest struct {
	Systembruker string       `json:"systembruker"`
	Scopes       []string     `json:"scopes,omitempty"`
	TTL          api.Duration `json:"ttl,omitempty"`
}

// TokenResponse is its answer.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

const maxAdminBody = 1 << 20

// admin serves the loopback-only admin endpoints. They have no auth: the
// listener is refused anywhere but loopback (see CheckLoopback).
func (s *Server) admin() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/forsendelser", func(w http.ResponseWriter, _ *http.Request) {
		all := s.store.Forsendelser()
		out := ForsendelseList{Count: len(all), Forsendelser: make([]ForsendelseInfo, 0, len(all))}
		for _, f := range all {
			out.Forsendelser = append(out.Forsendelser, info(f))
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /admin/forsendelser/count", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int{"count": s.store.Count()})
	})
	mux.HandleFunc("POST /admin/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		writeJSON(w, http.StatusOK, map[string]int{"count": s.store.Count()})
	})
	mux.HandleFunc("GET /admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.api.Faults())
	})
	mux.HandleFunc("PUT /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var f api.Faults
		if !readJSON(w, r, &f) {
			return
		}
		if err := s.api.SetFaults(f); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, s.api.Faults())
	})
	mux.HandleFunc("GET /admin/access", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.access.Config())
	})
	mux.HandleFunc("PUT /admin/access", func(w http.ResponseWriter, r *http.Request) {
		var c access.Config
		if !readJSON(w, r, &c) {
			return
		}
		if err := s.access.Set(c); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, s.access.Config())
	})
	mux.HandleFunc("POST /admin/token", func(w http.ResponseWriter, r *http.Request) {
		var req TokenRequest
		if !readJSON(w, r, &req) {
			return
		}
		ttl := time.Duration(req.TTL)
		if ttl <= 0 {
			ttl = TokenTTL
		}
		if !contract.IsOrgnrShape(req.Systembruker) {
			adminError(w, http.StatusBadRequest, fmt.Errorf("systembruker %q is not a 9-digit organisasjonsnummer", req.Systembruker))
			return
		}
		tok, err := s.MintTokenTTL(req.Systembruker, ttl, req.Scopes...)
		if err != nil {
			adminError(w, http.StatusInternalServerError, err)
			return
		}
		writeJSON(w, http.StatusOK, TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(ttl / time.Second)})
	})
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, fmt.Errorf("no admin endpoint %s %s; see docs/mock.md", r.Method, r.URL.Path))
	})
	return mux
}

func info(f store.Forsendelse) ForsendelseInfo {
	return ForsendelseInfo{
		ForsendelseID: f.ID, DialogID: f.DialogID, Inntektsaar: f.Inntektsaar, Oppgavegiver: f.Oppgavegiver,
		Referanse: f.Referanse, AntallOppgaver: f.AntallOppgaver, Systembruker: f.Systembruker,
		DokumentID: f.DocumentID, DokumentPath: dokumentPath(f), Mottatt: f.CreatedAt,
	}
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		adminError(w, http.StatusBadRequest, fmt.Errorf("request body: %w", err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// adminError answers in a plain {"error": ...} shape: admin endpoints are
// finprod's own, not part of the API's contract.
func adminError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}
