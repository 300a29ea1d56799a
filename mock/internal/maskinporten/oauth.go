package maskinporten

import (
	"encoding/json"
	"net/http"
)

// OAuth2 error codes the token endpoint answers with (RFC 6749 §5.2; RFC 9396
// §5 for authorization_details).
const (
	errInvalidRequest              = "invalid_request"
	errInvalidClient               = "invalid_client"
	errInvalidGrant                = "invalid_grant"
	errInvalidScope                = "invalid_scope"
	errUnsupportedGrantType        = "unsupported_grant_type"
	errInvalidAuthorizationDetails = "invalid_authorization_details"
)

// oauthError is a refused grant, written as {"error","error_description"}.
type oauthError struct {
	status      int
	code        string
	description string
}

func refuse(code, description string) *oauthError {
	status := http.StatusBadRequest
	if code == errInvalidClient {
		status = http.StatusUnauthorized
	}
	return &oauthError{status: status, code: code, description: description}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	// Token responses and errors must not be cached (RFC 6749 §5.1).
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.description})
}
