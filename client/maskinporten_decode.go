package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// TokenInfo is what an access token says about itself, for showing to a
// user. It is read without verifying the signature: only the API that
// receives the token can, and does, trust it.
type TokenInfo struct {
	Algorithm            string
	KeyID                string
	Issuer               string
	ClientID             string
	Consumer             contract.Org
	Scope                string
	AuthorizationDetails []contract.AuthorizationDetail
	IssuedAt             time.Time
	Expiry               time.Time
}

// SystembrukerOrgnr is the systembruker's organisasjonsnummer, or "".
func (t TokenInfo) SystembrukerOrgnr() string {
	d, _ := contract.Systemuser(t.AuthorizationDetails)
	return d.SystemuserOrg.Orgnr()
}

// DecodeToken reads the header and claims of a JWT access token without
// verifying it. Its errors never contain the token.
func DecodeToken(raw string) (TokenInfo, error) {
	msg, err := jws.Parse([]byte(raw), jws.WithCompact())
	if err != nil || len(msg.Signatures()) != 1 {
		return TokenInfo{}, errors.New("the access token is not a signed JWT (Maskinporten may have issued a reference token)")
	}
	var info TokenInfo
	hdr := msg.Signatures()[0].ProtectedHeaders()
	if alg, ok := hdr.Algorithm(); ok {
		info.Algorithm = alg.String()
	}
	info.KeyID, _ = hdr.KeyID()
	var c struct {
		Iss                  string                         `json:"iss"`
		ClientID             string                         `json:"client_id"`
		Consumer             contract.Org                   `json:"consumer"`
		Scope                string                         `json:"scope"`
		AuthorizationDetails []contract.AuthorizationDetail `json:"authorization_details"`
		Iat                  float64                        `json:"iat"`
		Exp                  float64                        `json:"exp"`
	}
	if err := json.Unmarshal(msg.Payload(), &c); err != nil {
		return TokenInfo{}, fmt.Errorf("the access token's claims are not the expected JSON: %s", jsonErrorKind(err))
	}
	info.Issuer, info.ClientID, info.Consumer, info.Scope, info.AuthorizationDetails = c.Iss, c.ClientID, c.Consumer, c.Scope, c.AuthorizationDetails
	info.IssuedAt, info.Expiry = contract.UnixSeconds(c.Iat), contract.UnixSeconds(c.Exp)
	return info, nil
}

// jsonErrorKind names a JSON error without quoting the input.
func jsonErrorKind(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("claim %q has the wrong type", te.Field)
	}
	return "malformed JSON"
}
