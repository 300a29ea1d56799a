package maskinporten

import (
	"fmt"
	"strings"
	"time"

	"github.com/finprod/finprod/contract"
)

// Error is a failed grant: Maskinporten was not reached, failed,
// or refused. Its message names the cause and what to fix; it never holds
// the assertion, the key or a token.
type Error struct {
	TokenURL string
	// Status is the HTTP status; 0 when Maskinporten was not reached.
	Status int
	// Code and Description are the OAuth2 error, when the answer was one.
	Code        string
	Description string
	// ClockOffset is this machine's clock minus Maskinporten's (from the
	// answer's Date header); zero when unknown.
	ClockOffset time.Duration
	// Fix tells the user what to change.
	Fix string
	err error
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Status == 0:
		fmt.Fprintf(&b, "cannot reach Maskinporten at %s: %v", e.TokenURL, e.err)
	case e.Status >= 500:
		fmt.Fprintf(&b, "Maskinporten at %s failed with HTTP %d", e.TokenURL, e.Status)
		if e.Code != "" {
			fmt.Fprintf(&b, " (%s)", e.Code)
		}
	case e.Code != "":
		fmt.Fprintf(&b, "Maskinporten rejected the grant (%s)", e.Code)
		if e.Description != "" {
			fmt.Fprintf(&b, ": %s", e.Description)
		}
	default:
		fmt.Fprintf(&b, "Maskinporten at %s answered HTTP %d", e.TokenURL, e.Status)
		if e.err != nil {
			fmt.Fprintf(&b, " (%v)", e.err)
		}
	}
	if e.Fix != "" {
		b.WriteString(" — ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.err }

// Refused reports whether Maskinporten answered and said no: retrying the
// same configuration will not help.
func (e *Error) Refused() bool { return e.Code != "" && e.Status < 500 }

// fix builds the advice for a refused grant from the error code, the words
// of the description and what the client sent.
func (m *Source) fix(code, desc string, offset time.Duration) string {
	d := strings.ToLower(desc)
	clock := "that this machine's clock is right"
	if offset.Abs() >= 2*time.Second {
		dir := "ahead of"
		if offset < 0 {
			dir = "behind"
		}
		clock = fmt.Sprintf("this machine's clock: it is %s %s Maskinporten's (set the time, or clockSkew)", offset.Abs().Round(time.Second), dir)
	}
	who := fmt.Sprintf("client %s", m.cfg.ClientID)
	cred := fmt.Sprintf("that the key id %s is registered on %s and that --key is its private key", m.key.kid, who)
	if m.key.kid == "" {
		cred = fmt.Sprintf("that the business certificate (x5c) is registered on %s, belongs to its organisation and is valid", who)
	}
	switch code {
	case "invalid_client":
		return fmt.Sprintf("check the client id %s: it must be an integration registered in Maskinporten's self-service for %s", m.cfg.ClientID, m.issuer)
	case "invalid_scope":
		return fmt.Sprintf("check that %s has been given the scopes %s (Skatteetaten grants %s to reporting systems)", who, strings.Join(m.scopes, " "), contract.Scope)
	case "invalid_authorization_details", "access_denied":
		return fmt.Sprintf("check that organisation %s has approved a systembruker for %s's system in Altinn, and that --systembruker is that organisation's number", m.cfg.Systembruker, who)
	case "invalid_request":
		return "the grant is malformed: this is likely a finprod bug; check the scope list and the systembruker organisation number"
	case "unsupported_grant_type":
		return "the endpoint does not take JWT-bearer grants: check that the token URL is Maskinporten's"
	case "invalid_grant":
		switch {
		case containsAny(d, "iat", "exp", "expired", "future", "clock", "time"):
			return fmt.Sprintf("check %s; the assertion lives %s", clock, m.ttl)
		case containsAny(d, "aud", "audience"):
			return fmt.Sprintf("check the issuer: the assertion's aud is %s, which must be exactly the issuer of the environment you call (%s)", m.issuer, m.issuer)
		case containsAny(d, "jti", "replay", "used"):
			return "the same assertion was sent twice; finprod makes a fresh jti for each grant, so check that no proxy replays requests"
		case containsAny(d, "certificate", "x5c", "kid", "signature", "key"):
			return "check " + cred
		case containsAny(d, "systemuser", "systembruker", "authorization_details"):
			return fmt.Sprintf("check that organisation %s has approved a systembruker for %s's system in Altinn", m.cfg.Systembruker, who)
		}
		return fmt.Sprintf("check %s, and %s", cred, clock)
	}
	return fmt.Sprintf("check %s, and %s", cred, clock)
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
