package maskinporten

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// signingAlgs are the assertion algorithms Maskinporten accepts.
var signingAlgs = []string{"RS256", "RS384", "RS512"}

// assertionClaims are the claims of a JWT-bearer grant. Times stay as JSON
// numbers so a missing or non-numeric claim is told apart from zero.
type assertionClaims struct {
	Iss                  string          `json:"iss"`
	Aud                  json.RawMessage `json:"aud"`
	Scope                string          `json:"scope"`
	Iat                  *float64        `json:"iat"`
	Exp                  *float64        `json:"exp"`
	Jti                  string          `json:"jti"`
	AuthorizationDetails json.RawMessage `json:"authorization_details"`
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	// Clients measure their clock against this header, so it follows the
	// server's clock rather than the wall clock.
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, refuse(errInvalidRequest, "the request body is not application/x-www-form-urlencoded"))
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != mptoken.GrantTypeJWTBearer {
		writeOAuthError(w, refuse(errUnsupportedGrantType, fmt.Sprintf("grant_type must be %s", mptoken.GrantTypeJWTBearer)))
		return
	}
	assertion := r.PostForm.Get("assertion")
	if assertion == "" {
		writeOAuthError(w, refuse(errInvalidRequest, "missing assertion"))
		return
	}
	resp, oerr := s.grant(now, assertion)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// grant checks an assertion in the order the real service reports problems:
// form of the JWT, client, signature, times, replay, scopes, systembruker.
func (s *Server) grant(now time.Time, assertion string) (mptoken.Response, *oauthError) {
	msg, err := jws.Parse([]byte(assertion), jws.WithCompact())
	if err != nil || len(msg.Signatures()) != 1 {
		return mptoken.Response{}, refuse(errInvalidGrant, "Invalid assertion. The assertion is not a compact signed JWT")
	}
	hdr := msg.Signatures()[0].ProtectedHeaders()
	alg, _ := hdr.Algorithm()
	if !slices.Contains(signingAlgs, alg.String()) {
		return mptoken.Response{}, refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. Unsupported signing algorithm %q; use one of %s", alg.String(), strings.Join(signingAlgs, ", ")))
	}
	var unverified assertionClaims
	if err := json.Unmarshal(msg.Payload(), &unverified); err != nil {
		return mptoken.Response{}, refuse(errInvalidGrant, "Invalid assertion. The claims are not a JSON object")
	}
	s.mu.RLock()
	cl := s.clients[unverified.Iss]
	s.mu.RUnlock()
	if cl == nil {
		return mptoken.Response{}, refuse(errInvalidClient, fmt.Sprintf("Invalid client: no client with client_id %q (the assertion's iss)", unverified.Iss))
	}
	pub, oerr := s.signingKey(now, cl, hdr)
	if oerr != nil {
		return mptoken.Response{}, oerr
	}
	payload, err := jws.Verify([]byte(assertion), jws.WithKey(alg, pub))
	if err != nil {
		return mptoken.Response{}, refuse(errInvalidGrant, "Invalid assertion. Client authentication failed: the signature does not verify with the registered key or certificate")
	}
	var c assertionClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return mptoken.Response{}, refuse(errInvalidGrant, "Invalid assertion. The claims are not a JSON object")
	}
	if oerr := s.checkClaims(now, cl, c); oerr != nil {
		return mptoken.Response{}, oerr
	}
	scopes := strings.Fields(c.Scope)
	if len(scopes) == 0 {
		return mptoken.Response{}, refuse(errInvalidRequest, "Invalid assertion. Missing scope")
	}
	for _, sc := range scopes {
		if !slices.Contains(cl.scopes, sc) {
			return mptoken.Response{}, refuse(errInvalidScope, fmt.Sprintf("Invalid scope: client %s has no access to scope %s", cl.id, sc))
		}
	}
	details, oerr := systembrukerDetails(cl, c.AuthorizationDetails)
	if oerr != nil {
		return mptoken.Response{}, oerr
	}
	// Replay is checked last so a refused grant does not burn its jti.
	if oerr := s.useJTI(now, cl.id, c.Jti, time.Unix(int64(*c.Exp), 0)); oerr != nil {
		return mptoken.Response{}, oerr
	}
	tok, _, err := s.issuer.Mint(mptoken.Claims{
		ClientID: cl.id, Consumer: mptoken.NewOrg(cl.org), Scope: strings.Join(scopes, " "),
		AuthorizationDetails: details,
	}, s.ttl)
	if err != nil {
		return mptoken.Response{}, &oauthError{status: http.StatusInternalServerError, code: "server_error", description: "could not sign the access token"}
	}
	return mptoken.Response{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(s.ttl / time.Second), Scope: strings.Join(scopes, " ")}, nil
}

// signingKey finds the key the assertion must verify with: a registered key
// by kid, or the leaf of an x5c chain registered for the client.
func (s *Server) signingKey(now time.Time, cl *client, hdr jws.Headers) (*rsa.PublicKey, *oauthError) {
	if chain, ok := hdr.X509CertChain(); ok && chain.Len() > 0 {
		certs := make([]*x509.Certificate, 0, chain.Len())
		for i := range chain.Len() {
			b64, _ := chain.Get(i)
			der, err := base64.StdEncoding.DecodeString(string(b64))
			if err != nil {
				return nil, refuse(errInvalidGrant, "Invalid assertion. x5c is not base64 DER")
			}
			crt, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, refuse(errInvalidGrant, "Invalid assertion. x5c holds an unreadable certificate")
			}
			certs = append(certs, crt)
		}
		return s.certificateKey(now, cl, certs)
	}
	kid, ok := hdr.KeyID()
	if !ok || kid == "" {
		return nil, refuse(errInvalidGrant, "Invalid assertion. The header has neither x5c (business certificate) nor kid (registered key)")
	}
	pub, ok := cl.keys[kid]
	if !ok {
		return nil, refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. Client authentication failed: no key with kid %q is registered on client %s", kid, cl.id))
	}
	return pub, nil
}

func (s *Server) certificateKey(now time.Time, cl *client, certs []*x509.Certificate) (*rsa.PublicKey, *oauthError) {
	leaf := certs[0]
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return nil, refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. The certificate is not valid now (valid %s to %s)",
			leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339)))
	}
	registered := cl.pinned[fingerprint(leaf)]
	if !registered && cl.cas != nil {
		inter := x509.NewCertPool()
		for _, c := range certs[1:] {
			inter.AddCert(c)
		}
		_, err := leaf.Verify(x509.VerifyOptions{Roots: cl.cas, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err == nil && certOrgnr(leaf) != cl.org {
			return nil, refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. The certificate belongs to organisation %q, client %s to %s", certOrgnr(leaf), cl.id, cl.org))
		}
		registered = err == nil
	}
	if !registered {
		return nil, refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. Client authentication failed: the certificate (sha256 %s) is not registered on client %s", fingerprint(leaf), cl.id))
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, refuse(errInvalidGrant, "Invalid assertion. The certificate's key is not RSA")
	}
	return pub, nil
}

func (s *Server) checkClaims(now time.Time, cl *client, c assertionClaims) *oauthError {
	if !audienceIs(c.Aud, s.IssuerURL()) {
		return refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. aud must be %s (the issuer, with trailing slash)", s.IssuerURL()))
	}
	if c.Iat == nil || c.Exp == nil || math.IsNaN(*c.Iat) || math.IsNaN(*c.Exp) {
		return refuse(errInvalidGrant, "Invalid assertion. iat and exp are required")
	}
	iat, exp := mptoken.UnixSeconds(*c.Iat), mptoken.UnixSeconds(*c.Exp)
	if exp.Sub(iat) > MaxAssertionLifetime {
		return refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. exp - iat is %s; at most %s is allowed", exp.Sub(iat), MaxAssertionLifetime))
	}
	if iat.After(now.Add(MaxClockSkew)) {
		return refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. iat is %s in the future; check the client's clock", iat.Sub(now).Round(time.Second)))
	}
	if !now.Before(exp) {
		return refuse(errInvalidGrant, fmt.Sprintf("Invalid assertion. The assertion expired %s ago; check the client's clock", now.Sub(exp).Round(time.Second)))
	}
	if c.Jti == "" {
		return refuse(errInvalidGrant, "Invalid assertion. jti is required")
	}
	return nil
}

func (s *Server) useJTI(now time.Time, clientID, jti string, exp time.Time) *oauthError {
	key := clientID + "\x00" + jti
	s.mu.Lock()
	defer s.mu.Unlock()
	if until, ok := s.jtis[key]; ok && now.Before(until) {
		return refuse(errInvalidGrant, "Invalid assertion. The jti has been used before; each grant needs a fresh jti")
	}
	// Sweeping at most once a second keeps a grant O(1) under load tests
	// that make thousands of grants.
	if now.Sub(s.swept) >= time.Second {
		for k, until := range s.jtis {
			if !now.Before(until) {
				delete(s.jtis, k)
			}
		}
		s.swept = now
	}
	s.jtis[key] = exp
	return nil
}

func audienceIs(raw json.RawMessage, want string) bool {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one == want
	}
	var many []string
	return json.Unmarshal(raw, &many) == nil && len(many) == 1 && many[0] == want
}

// systembrukerDetails reads the grant's authorization_details, accepting
// both "ID" and "id", and answers with the token's: the systembruker's id
// and system id echoed next to the org.
func systembrukerDetails(cl *client, raw json.RawMessage) ([]mptoken.AuthorizationDetail, *oauthError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil // a plain Maskinporten token, without systembruker
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil || len(entries) == 0 {
		return nil, refuse(errInvalidAuthorizationDetails, "authorization_details must be a non-empty JSON array")
	}
	out := make([]mptoken.AuthorizationDetail, 0, len(entries))
	for i, e := range entries {
		var d struct {
			Type          string          `json:"type"`
			SystemuserOrg json.RawMessage `json:"systemuser_org"`
		}
		if err := json.Unmarshal(e, &d); err != nil {
			return nil, refuse(errInvalidAuthorizationDetails, fmt.Sprintf("authorization_details[%d] is not an object", i))
		}
		if d.Type != mptoken.AuthorizationTypeSystemuser {
			return nil, refuse(errInvalidAuthorizationDetails, fmt.Sprintf("authorization_details[%d].type must be %s", i, mptoken.AuthorizationTypeSystemuser))
		}
		var org mptoken.Org
		if len(d.SystemuserOrg) == 0 || json.Unmarshal(d.SystemuserOrg, &org) != nil {
			return nil, refuse(errInvalidAuthorizationDetails, fmt.Sprintf("authorization_details[%d].systemuser_org must be {\"authority\",\"ID\"}", i))
		}
		if org.Authority != mptoken.AuthorityISO6523 || !strings.HasPrefix(org.ID, mptoken.OrgPrefix) || !contract.IsOrgnrShape(org.Orgnr()) {
			return nil, refuse(errInvalidAuthorizationDetails, fmt.Sprintf("authorization_details[%d].systemuser_org must have authority %s and ID %s<9-digit orgnr>", i, mptoken.AuthorityISO6523, mptoken.OrgPrefix))
		}
		sb, ok := cl.systemer[org.Orgnr()]
		if !ok {
			return nil, refuse(errInvalidAuthorizationDetails, fmt.Sprintf("No systembruker for organisation %s is approved for client %s", org.Orgnr(), cl.id))
		}
		out = append(out, mptoken.AuthorizationDetail{Type: mptoken.AuthorizationTypeSystemuser,
			SystemuserOrg: mptoken.NewOrg(sb.Org), SystemuserID: []string{sb.ID}, SystemID: sb.SystemID})
	}
	return out, nil
}
