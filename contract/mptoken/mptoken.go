// Package mptoken is Maskinporten's access token and the grant that gets it,
// as both finprod's token client and the local Maskinporten speak them
// (FACTS §3): the token endpoint's wire facts, the systembruker vocabulary
// and the one Claims type of an access token.
//
// It lives beside contract/dialogschema because, like it, it is a peer's
// contract that the client and the mock must agree on while never importing
// each other. It imports nothing of finprod's. It is not named maskinporten
// so that client/maskinporten and the mock's Maskinporten, which both import
// it, need no import alias.
package mptoken

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// Maskinporten's systembruker vocabulary (FACTS §3).
const (
	// AuthorizationTypeSystemuser is the authorization_details type of a systembruker.
	AuthorizationTypeSystemuser = "urn:altinn:systemuser"
	// AuthorityISO6523 is the authority of Norwegian organisation identifiers.
	AuthorityISO6523 = "iso6523-actorid-upis"
	// OrgPrefix precedes an organisasjonsnummer in an ISO 6523 identifier.
	OrgPrefix = "0192:"
)

// Maskinporten's token endpoint (RFC 7523, FACTS §3).
const (
	// GrantTypeJWTBearer is the grant_type of a JWT-bearer grant.
	GrantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// MaxAssertionLifetime is Maskinporten's limit on exp − iat of an assertion.
	MaxAssertionLifetime = 120 * time.Second
	// DiscoveryPath follows the issuer URL (with its slash) to the discovery document.
	DiscoveryPath = ".well-known/oauth-authorization-server"
	// Lifetime is how long Maskinporten's access tokens live.
	Lifetime = 120 * time.Second
)

// Response is the token endpoint's answer to a granted request.
type Response struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

// Claims are the claims of a Maskinporten access token. The local
// Maskinporten mints them, the local API and Dialogporten verify them, and
// `finprod token` shows them.
type Claims struct {
	Issuer               string                `json:"iss"`
	ClientID             string                `json:"client_id"`
	Consumer             Org                   `json:"consumer"`
	Scope                string                `json:"scope"`
	AuthorizationDetails []AuthorizationDetail `json:"authorization_details,omitempty"`
	// IssuedAt and Expiry are iat and exp, NumericDates on the wire.
	IssuedAt time.Time `json:"-"`
	Expiry   time.Time `json:"-"`
	JTI      string    `json:"jti"`
}

// UnmarshalJSON reads a token's payload, iat and exp included.
func (c *Claims) UnmarshalJSON(b []byte) error {
	// Two passes rather than one embedding struct, so that a type error
	// names the claim alone ("client_id"), as a user knows it.
	type plain Claims
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var times struct {
		Iat float64 `json:"iat"`
		Exp float64 `json:"exp"`
	}
	if err := json.Unmarshal(b, &times); err != nil {
		return err
	}
	*c = Claims(p)
	c.IssuedAt, c.Expiry = UnixSeconds(times.Iat), UnixSeconds(times.Exp)
	return nil
}

// HasScope reports whether the space-separated scope claim contains s.
func (c Claims) HasScope(s string) bool {
	for f := range strings.FieldsSeq(c.Scope) { // per request: no slice
		if f == s {
			return true
		}
	}
	return false
}

// SystemuserOrgnr returns the organisasjonsnummer of the token's systembruker,
// or "" if the token carries none.
func (c Claims) SystemuserOrgnr() string {
	d, _ := Systemuser(c.AuthorizationDetails)
	return d.SystemuserOrg.Orgnr()
}

// UnixSeconds reads a JWT NumericDate (seconds since the epoch, possibly
// fractional); 0 is the zero time.
func UnixSeconds(f float64) time.Time {
	if f == 0 {
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// Org is an organisation as Maskinporten names it: {"authority", "ID"}.
// Skatteetaten's examples spell the key "ID", Altinn's "id"; both are read,
// "ID" is written.
type Org struct {
	Authority string `json:"authority"`
	ID        string `json:"ID"`
}

// UnmarshalJSON accepts both "ID" and "id".
func (o *Org) UnmarshalJSON(b []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	o.Authority, _ = raw["authority"].(string)
	if id, ok := raw["ID"].(string); ok {
		o.ID = id
	} else {
		o.ID, _ = raw["id"].(string)
	}
	return nil
}

// NewOrg names an organisation by its organisasjonsnummer.
func NewOrg(orgnr string) Org { return Org{Authority: AuthorityISO6523, ID: OrgPrefix + orgnr} }

// Orgnr returns the organisasjonsnummer without the "0192:" prefix.
func (o Org) Orgnr() string { return strings.TrimPrefix(o.ID, OrgPrefix) }

// AuthorizationDetail is one entry of a grant's or token's authorization_details.
type AuthorizationDetail struct {
	Type          string   `json:"type"`
	SystemuserOrg Org      `json:"systemuser_org"`
	SystemuserID  []string `json:"systemuser_id,omitempty"`
	SystemID      string   `json:"system_id,omitempty"`
}

// Systemuser is the first systembruker entry of authorization_details, if
// any: the one the API and Dialogporten act on.
func Systemuser(details []AuthorizationDetail) (AuthorizationDetail, bool) {
	for _, d := range details {
		if d.Type == AuthorizationTypeSystemuser {
			return d, true
		}
	}
	return AuthorizationDetail{}, false
}
