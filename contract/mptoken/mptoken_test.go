package mptoken

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A payload as Maskinporten documents it for a systembruker token, with
// Altinn's lower-case "id" in one place and Skatteetaten's "ID" in another.
const payload = `{
  "iss": "https://test.maskinporten.no/",
  "client_id": "finprod-test",
  "consumer": {"authority": "iso6523-actorid-upis", "ID": "0192:314417224"},
  "scope": "skatteetaten:innrapporteringfinansprodukter digdir:dialogporten",
  "authorization_details": [
    {"type": "urn:altinn:resource", "systemuser_org": {"authority": "iso6523-actorid-upis", "ID": "0192:999999999"}},
    {"type": "urn:altinn:systemuser", "systemuser_org": {"authority": "iso6523-actorid-upis", "id": "0192:315300029"},
     "systemuser_id": ["5b0f8a53-2c1e-4a53-9e1a-6f3c2a9d7e10"], "system_id": "314417224_finprod"}
  ],
  "iat": 1764072000,
  "exp": 1764072120.5,
  "jti": "b3f1"
}`

func TestClaimsReadAPayload(t *testing.T) {
	var c Claims
	require.NoError(t, json.Unmarshal([]byte(payload), &c))
	assert.Equal(t, "https://test.maskinporten.no/", c.Issuer)
	assert.Equal(t, "finprod-test", c.ClientID)
	assert.Equal(t, "314417224", c.Consumer.Orgnr())
	assert.Equal(t, "315300029", c.SystemuserOrgnr(), "the systembruker entry, not the first one")
	assert.True(t, c.HasScope("digdir:dialogporten"))
	assert.False(t, c.HasScope("digdir"), "whole scopes only")
	assert.Equal(t, time.Date(2025, 11, 25, 12, 0, 0, 0, time.UTC), c.IssuedAt.UTC())
	assert.Equal(t, time.Date(2025, 11, 25, 12, 2, 0, 5e8, time.UTC), c.Expiry.UTC())
	assert.Equal(t, "b3f1", c.JTI)
}

func TestClaimsTypeErrorNamesTheClaim(t *testing.T) {
	var c Claims
	err := json.Unmarshal([]byte(`{"client_id": 7}`), &c)
	var te *json.UnmarshalTypeError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "client_id", te.Field)
	err = json.Unmarshal([]byte(`{"exp": "soon"}`), &c)
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "exp", te.Field)
}

func TestNoTimesAreZero(t *testing.T) {
	var c Claims
	require.NoError(t, json.Unmarshal([]byte(`{"iss": "x"}`), &c))
	assert.True(t, c.IssuedAt.IsZero())
	assert.True(t, c.Expiry.IsZero())
	assert.Empty(t, c.SystemuserOrgnr())
}

func TestOrgWritesID(t *testing.T) {
	b, err := json.Marshal(NewOrg("310000000"))
	require.NoError(t, err)
	assert.JSONEq(t, `{"authority": "iso6523-actorid-upis", "ID": "0192:310000000"}`, string(b))
}
