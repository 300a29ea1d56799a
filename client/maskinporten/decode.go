package maskinporten

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/finprod/finprod/contract/mptoken"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// TokenInfo is what an access token says about itself, for showing to a
// user: its header, and its claims as the mock's Maskinporten mints them.
// It is read without verifying the signature: only the API that receives
// the token can, and does, trust it.
type TokenInfo struct {
	Algorithm string
	KeyID     string
	mptoken.Claims
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
	if err := json.Unmarshal(msg.Payload(), &info.Claims); err != nil {
		return TokenInfo{}, fmt.Errorf("the access token's claims are not the expected JSON: %s", jsonErrorKind(err))
	}
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
