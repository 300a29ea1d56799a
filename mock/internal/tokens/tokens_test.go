package tokens

import (
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMintVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	iss, err := NewIssuer("http://127.0.0.1:1/maskinporten/", clock)
	require.NoError(t, err)
	tok, minted, err := iss.Mint(mptoken.Claims{
		ClientID: "c1", Consumer: mptoken.NewOrg("310000001"), Scope: contract.Scope + " other",
		AuthorizationDetails: []mptoken.AuthorizationDetail{{Type: mptoken.AuthorizationTypeSystemuser, SystemuserOrg: mptoken.NewOrg("310000002")}},
	}, 120*time.Second)
	require.NoError(t, err)
	v := NewVerifier(iss.URL(), iss.KeySet(), clock)
	got, err := v.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, minted.JTI, got.JTI)
	assert.True(t, got.HasScope(contract.Scope))
	assert.False(t, got.HasScope("skatteetaten"))
	assert.Equal(t, "310000002", got.SystemuserOrgnr())
	assert.Equal(t, "310000001", got.Consumer.Orgnr())

	now = now.Add(121 * time.Second)
	_, err = v.Verify(tok)
	assert.ErrorIs(t, err, ErrExpired, "a cached token must still expire")

	_, err = NewIssuerWithKey(iss.URL(), nil, clock)
	assert.Error(t, err, "an issuer needs a key")
}

func TestVerifyRejectsForeignAndTamperedTokens(t *testing.T) {
	t.Parallel()
	a, err := NewIssuerWithKey("http://a/", testkit.Key(t, "a"), nil)
	require.NoError(t, err)
	b, err := NewIssuerWithKey("http://a/", testkit.Key(t, "b"), nil)
	require.NoError(t, err)
	tok, _, err := b.Mint(mptoken.Claims{ClientID: "x"}, time.Minute)
	require.NoError(t, err)
	_, err = NewVerifier(a.URL(), a.KeySet(), nil).Verify(tok)
	assert.ErrorIs(t, err, ErrInvalid, "a token signed by another key")

	tok, _, err = a.Mint(mptoken.Claims{ClientID: "x"}, time.Minute)
	require.NoError(t, err)
	_, err = NewVerifier("http://other/", a.KeySet(), nil).Verify(tok)
	assert.ErrorIs(t, err, ErrInvalid, "a token from another issuer")
	_, err = NewVerifier(a.URL(), a.KeySet(), nil).Verify(tok[:len(tok)-4] + "AAAA")
	assert.ErrorIs(t, err, ErrInvalid, "a tampered signature")
	_, err = NewVerifier(a.URL(), a.KeySet(), nil).Verify("not.a.jwt")
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestOrgReadsBothSpellings(t *testing.T) {
	t.Parallel()
	var o mptoken.Org
	require.NoError(t, o.UnmarshalJSON([]byte(`{"authority":"iso6523-actorid-upis","id":"0192:310000003"}`)))
	assert.Equal(t, "310000003", o.Orgnr())
}

// TestExpiryBoundary holds the verifier to RFC 7519 §4.1.4: a token "MUST NOT
// be accepted on or after" its exp. It is accepted a nanosecond before exp
// and refused at exp exactly, whether the verifier has seen the token before
// (cached) or not.
func TestExpiryBoundary(t *testing.T) {
	issued := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	exp := issued.Add(120 * time.Second) // Mint truncates to whole seconds, so exp is exact
	now := issued
	clock := func() time.Time { return now }
	iss, err := NewIssuer("http://127.0.0.1:1/maskinporten/", clock)
	require.NoError(t, err)
	tok, minted, err := iss.Mint(mptoken.Claims{ClientID: "c1", Scope: contract.Scope}, 120*time.Second)
	require.NoError(t, err)
	require.Equal(t, exp, minted.Expiry, "the test's exp must be the token's")

	t.Run("uncached", func(t *testing.T) {
		now = exp.Add(-time.Nanosecond)
		_, err := NewVerifier(iss.URL(), iss.KeySet(), clock).Verify(tok)
		assert.NoError(t, err, "a nanosecond before exp")
		now = exp
		_, err = NewVerifier(iss.URL(), iss.KeySet(), clock).Verify(tok)
		assert.ErrorIs(t, err, ErrExpired, "at exp exactly")
		now = exp.Add(time.Nanosecond)
		_, err = NewVerifier(iss.URL(), iss.KeySet(), clock).Verify(tok)
		assert.ErrorIs(t, err, ErrExpired, "after exp")
	})
	t.Run("cached", func(t *testing.T) {
		v := NewVerifier(iss.URL(), iss.KeySet(), clock)
		now = exp.Add(-time.Nanosecond)
		_, err := v.Verify(tok) // verified and remembered
		require.NoError(t, err, "a nanosecond before exp")
		_, err = v.Verify(tok) // from the cache
		assert.NoError(t, err, "a nanosecond before exp, cached")
		now = exp
		_, err = v.Verify(tok)
		assert.ErrorIs(t, err, ErrExpired, "at exp exactly, cached")
	})
}
