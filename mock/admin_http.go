package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/finprod/finprod/contract"
)

// ForsendelseList is the body of GET /admin/forsendelser.
type ForsendelseList struct {
	Count        int               `json:"count"`
	Forsendelser []ForsendelseInfo `json:"forsendelser"`
}

// TokenRequest is the body of POST /admin/token: a token for a systembruker
// of an organisation, or, with Consumer instead, a plain token without a
// systembruker (MintPlainToken).
type TokenRequest struct {
	Systembruker string   `json:"systembruker,omitempty"`
	Consumer     string   `json:"consumer,omitempty"`
	Scopes       []string `json:"scopes,omitempty"`
	TTL          Duration `json:"ttl,omitempty"`
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
	mux.HandleFunc("GET /admin/forsendelser", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		list := s.Forsendelser(ForsendelseFilter{Oppgavegiver: q.Get("oppgavegiver"), Referanse: q.Get("referanse")})
		writeJSON(w, http.StatusOK, ForsendelseList{Count: len(list), Forsendelser: list})
	})
	mux.HandleFunc("GET /admin/forsendelser/count", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int{"count": s.Count()})
	})
	mux.HandleFunc("POST /admin/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		writeJSON(w, http.StatusOK, map[string]int{"count": s.Count()})
	})
	mux.HandleFunc("GET /admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("PUT /admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if !readJSON(w, r, &f) {
			return
		}
		if err := s.SetFaults(f); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, s.Faults())
	})
	mux.HandleFunc("GET /admin/access", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Access())
	})
	mux.HandleFunc("PUT /admin/access", func(w http.ResponseWriter, r *http.Request) {
		var c AccessConfig
		if !readJSON(w, r, &c) {
			return
		}
		if err := s.SetAccess(c); err != nil {
			adminError(w, http.StatusBadRequest, err)
			return
		}
		writeJSON(w, http.StatusOK, s.Access())
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
		mint, org, key := s.MintTokenTTL, req.Systembruker, "systembruker"
		switch {
		case req.Systembruker != "" && req.Consumer != "":
			adminError(w, http.StatusBadRequest, fmt.Errorf("give systembruker (a systembruker token) or consumer (a plain token), not both"))
			return
		case req.Consumer != "":
			mint, org, key = s.MintPlainToken, req.Consumer, "consumer"
		}
		if !contract.IsOrgnrShape(org) {
			adminError(w, http.StatusBadRequest, fmt.Errorf("%s %q is not a 9-digit organisasjonsnummer", key, org))
			return
		}
		tok, err := mint(org, ttl, req.Scopes...)
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
