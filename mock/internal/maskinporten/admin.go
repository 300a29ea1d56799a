package maskinporten

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// AdminHandler lets tests and users register clients at runtime, as Digdir's
// self-service does. It serves full paths under AdminPath:
//
//	GET  /admin/maskinporten/clients  the registered clients (public facts only)
//	POST /admin/maskinporten/clients  register or replace a client (a ClientConfig as JSON;
//	                                  keys as jwk or publicKeyPem, certificates as pem)
//
// Mount it with mux.Handle(maskinporten.AdminPath, s.AdminHandler()).
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+AdminPath+"clients", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Clients())
	})
	mux.HandleFunc("POST "+AdminPath+"clients", func(w http.ResponseWriter, r *http.Request) {
		var c ClientConfig
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "body is not a client: " + err.Error()})
			return
		}
		// Files are read on the mock's machine; over HTTP only inline keys
		// make sense, and a path would let a caller probe the filesystem.
		for _, k := range c.Keys {
			if k.PublicKeyFile != "" {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "give keys as jwk or publicKeyPem, not publicKeyFile"})
				return
			}
		}
		for _, crt := range c.Certificates {
			if crt.File != "" {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "give certificates as pem, not file"})
				return
			}
		}
		if err := s.Register(c); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		s.mu.RLock()
		info := s.clients[c.ID].info()
		s.mu.RUnlock()
		writeJSON(w, http.StatusCreated, info)
	})
	return mux
}

func sortInfos(in []ClientInfo) []ClientInfo {
	slices.SortFunc(in, func(a, b ClientInfo) int { return strings.Compare(a.ID, b.ID) })
	return in
}
