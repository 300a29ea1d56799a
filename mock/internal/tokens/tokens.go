// Package tokens mints and verifies the access tokens of the local
// Maskinporten (their claims are mptoken.Claims). The reporting API and
// Dialogporten stand-ins trust exactly the keys of one Issuer, as the real
// services trust Maskinporten's JWKS.
package tokens

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/finprod/finprod/contract/mptoken"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// Issuer signs access tokens with its own RSA key.
type Issuer struct {
	url  string
	key  jwk.Key
	pub  jwk.Set
	now  func() time.Time
	kid  string
	json []byte
}

// NewIssuer makes an issuer for the given issuer URL (with trailing slash,
// as Maskinporten's) and a fresh 2048-bit key. now may be nil.
func NewIssuer(issuerURL string, now func() time.Time) (*Issuer, error) {
	raw, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate signing key: %w", err)
	}
	return NewIssuerWithKey(issuerURL, raw, now)
}

// NewIssuerWithKey is NewIssuer with a signing key of the caller's, for
// tests that make their keys once instead of one per issuer.
func NewIssuerWithKey(issuerURL string, raw *rsa.PrivateKey, now func() time.Time) (*Issuer, error) {
	if now == nil {
		now = time.Now
	}
	if raw == nil {
		return nil, errors.New("nil signing key")
	}
	key, err := jwk.Import(raw)
	if err != nil {
		return nil, fmt.Errorf("import signing key: %w", err)
	}
	kid := "finprod-mock-" + uuid.NewString()[:8]
	if err := key.Set(jwk.KeyIDKey, kid); err != nil {
		return nil, err
	}
	if err := key.Set(jwk.AlgorithmKey, jwa.RS256()); err != nil {
		return nil, err
	}
	if err := key.Set(jwk.KeyUsageKey, "sig"); err != nil {
		return nil, err
	}
	set := jwk.NewSet()
	if err := set.AddKey(key); err != nil {
		return nil, err
	}
	pub, err := jwk.PublicSetOf(set)
	if err != nil {
		return nil, fmt.Errorf("public key set: %w", err)
	}
	js, err := json.Marshal(pub)
	if err != nil {
		return nil, err
	}
	return &Issuer{url: issuerURL, key: key, pub: pub, now: now, kid: kid, json: js}, nil
}

// URL is the issuer identifier (the tokens' iss).
func (i *Issuer) URL() string { return i.url }

// JWKS returns the public key set as JSON, as served at <issuer>jwk.
func (i *Issuer) JWKS() []byte { return append([]byte(nil), i.json...) }

// KeySet returns the public keys, for a Verifier.
func (i *Issuer) KeySet() jwk.Set { return i.pub }

// Mint signs an access token with the given claims; iss, iat, exp and jti are
// set here. ttl is the token's lifetime.
func (i *Issuer) Mint(c mptoken.Claims, ttl time.Duration) (string, mptoken.Claims, error) {
	now := i.now().Truncate(time.Second)
	c.Issuer = i.url
	c.IssuedAt = now
	c.Expiry = now.Add(ttl)
	c.JTI = uuid.NewString()
	b := jwt.NewBuilder().
		Issuer(c.Issuer).IssuedAt(c.IssuedAt).Expiration(c.Expiry).JwtID(c.JTI).
		Claim("client_id", c.ClientID).
		Claim("consumer", c.Consumer).
		Claim("scope", c.Scope).
		Claim("token_type", "Bearer")
	if len(c.AuthorizationDetails) > 0 {
		b = b.Claim("authorization_details", c.AuthorizationDetails)
	}
	tok, err := b.Build()
	if err != nil {
		return "", mptoken.Claims{}, fmt.Errorf("build token: %w", err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256(), i.key))
	if err != nil {
		return "", mptoken.Claims{}, fmt.Errorf("sign token: %w", err)
	}
	return string(signed), c, nil
}

// Errors of Verify, for mapping to GLD_1008 with a precise message.
var (
	ErrInvalid = errors.New("token is not a valid signed JWT from the trusted issuer")
	ErrExpired = errors.New("token has expired")
)

// Verifier checks tokens against an issuer's keys. It remembers verified
// tokens until they expire, so a load run that reuses one token does not pay
// for an RSA verification on every request.
type Verifier struct {
	issuer string
	keys   jwk.Set
	now    func() time.Time

	mu    sync.Mutex
	cache map[string]mptoken.Claims
}

const maxCachedTokens = 4096

// NewVerifier trusts the given keys for tokens issued by issuer.
func NewVerifier(issuer string, keys jwk.Set, now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{issuer: issuer, keys: keys, now: now, cache: map[string]mptoken.Claims{}}
}

// Verify checks signature, issuer and expiry and returns the claims.
func (v *Verifier) Verify(raw string) (mptoken.Claims, error) {
	now := v.now()
	v.mu.Lock()
	c, ok := v.cache[raw]
	v.mu.Unlock()
	if ok {
		if !now.Before(c.Expiry) {
			return mptoken.Claims{}, ErrExpired
		}
		return c, nil
	}
	tok, err := jwt.Parse([]byte(raw), jwt.WithKeySet(v.keys), jwt.WithValidate(false))
	if err != nil {
		return mptoken.Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if iss, _ := tok.Issuer(); iss != v.issuer {
		return mptoken.Claims{}, fmt.Errorf("%w: issuer %q is not %q", ErrInvalid, iss, v.issuer)
	}
	c, err = claimsOf(tok)
	if err != nil {
		return mptoken.Claims{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if c.Expiry.IsZero() {
		return mptoken.Claims{}, fmt.Errorf("%w: no exp claim", ErrInvalid)
	}
	if !now.Before(c.Expiry) {
		return mptoken.Claims{}, ErrExpired
	}
	v.mu.Lock()
	if len(v.cache) >= maxCachedTokens {
		clear(v.cache)
	}
	v.cache[raw] = c
	v.mu.Unlock()
	return c, nil
}

func claimsOf(tok jwt.Token) (mptoken.Claims, error) {
	// Private claims come back as generic JSON values; a JSON round-trip
	// puts them into the typed fields (and reads both "ID" and "id").
	private := map[string]any{}
	for _, k := range []string{"client_id", "consumer", "scope", "authorization_details"} {
		if tok.Has(k) {
			var v any
			if err := tok.Get(k, &v); err != nil {
				return mptoken.Claims{}, fmt.Errorf("claim %s: %w", k, err)
			}
			private[k] = v
		}
	}
	b, err := json.Marshal(private)
	if err != nil {
		return mptoken.Claims{}, err
	}
	var c mptoken.Claims
	if err := json.Unmarshal(b, &c); err != nil {
		return mptoken.Claims{}, fmt.Errorf("claims: %w", err)
	}
	// Set after the private claims, which leave them empty.
	c.Issuer, _ = tok.Issuer()
	c.IssuedAt, _ = tok.IssuedAt()
	c.Expiry, _ = tok.Expiration()
	c.JTI, _ = tok.JwtID()
	return c, nil
}
