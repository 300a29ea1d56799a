package contract

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// Maskinporten's systembruker vocabulary, shared by the token client and the
// local Maskinporten (FACTS §3).
const (
	// AuthorizationTypeSystemuser is the authorization_details type of a systembruker.
	AuthorizationTypeSystemuser = "urn:altinn:systemuser"
	// AuthorityISO6523 is the authority of Norwegian organisation identifiers.
	AuthorityISO6523 = "iso6523-actorid-upis"
	// OrgPrefix precedes an organisasjonsnummer in an ISO 6523 identifier.
	OrgPrefix = "0192:"
	// DialogportenScope is the scope Dialogporten accepts a systembruker token with.
	DialogportenScope = "digdir:dialogporten"
)

// Maskinporten's token endpoint as both the client and the local Maskinporten
// speak it (RFC 7523, FACTS §3).
const (
	// GrantTypeJWTBearer is the grant_type of a JWT-bearer grant.
	GrantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// MaxAssertionLifetime is Maskinporten's limit on exp − iat of an assertion.
	MaxAssertionLifetime = 120 * time.Second
	// DiscoveryPath follows the issuer URL (with its slash) to the discovery document.
	DiscoveryPath = ".well-known/oauth-authorization-server"
	// AccessTokenLifetime is how long Maskinporten's access tokens live.
	AccessTokenLifetime = 120 * time.Second
)

// TokenResponse is the token endpoint's answer to a granted request.
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
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

// PartyOrgPrefix precedes an organisasjonsnummer in an Altinn party URN, as
// Dialogporten names a dialog's party.
const PartyOrgPrefix = "urn:altinn:organization:identifier-no:"

// PartyURN names an organisation as a Dialogporten party.
func PartyURN(orgnr string) string { return PartyOrgPrefix + orgnr }
