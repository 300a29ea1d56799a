// Package maskinporten gets access tokens from Maskinporten with the
// systembruker JWT-bearer grant, as Digdir documents it: the client's
// configuration and key material (a registered key or a business
// certificate), the grant, the token cache, errors that say what to fix, and
// decoding a token's claims for a user to read.
package maskinporten

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
	"golang.org/x/sync/singleflight"
)

// Source is a client.TokenSource that gets systembruker tokens with the
// JWT-bearer grant (RFC 7523) as Digdir documents it. It caches the token
// until shortly before it expires and makes at most one grant at a time,
// however many goroutines ask.
type Source struct {
	cfg    Config
	key    assertionKey
	issuer string
	scopes []string
	ttl    time.Duration
	http   *http.Client
	now    func() time.Time
	newJTI func() string
	flight singleflight.Group

	mu       sync.Mutex
	tokenURL string // empty until discovery when Discover is set
	token    string
	refresh  time.Time // when the cached token is to be replaced
}

// Option tunes New.
type Option func(*Source)

// HTTPClient sets the HTTP client for grants and discovery.
func HTTPClient(c *http.Client) Option {
	return func(m *Source) { m.http = c }
}

// Clock sets the clock for assertions and the cache.
func Clock(now func() time.Time) Option {
	return func(m *Source) { m.now = now }
}

// New checks the configuration and reads the key material; it
// makes no network call. Its errors are the user's to fix in the config.
func New(cfg Config, opts ...Option) (*Source, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	issuer, tokenURL, err := cfg.endpoints()
	if err != nil {
		return nil, err
	}
	m := &Source{cfg: cfg, issuer: issuer, tokenURL: tokenURL, scopes: cfg.scopes(), ttl: cfg.AssertionTTL,
		http: &http.Client{Timeout: client.DefaultTimeout}, now: time.Now, newJTI: uuid.NewString}
	if m.ttl == 0 {
		m.ttl = DefaultAssertionTTL
	}
	for _, o := range opts {
		o(m)
	}
	if m.key, err = loadAssertionKey(cfg, os.Getenv); err != nil {
		return nil, err
	}
	return m, nil
}

// Token returns a cached access token, or makes a grant when there is none
// or it is about to expire. Concurrent callers share one grant.
func (m *Source) Token(ctx context.Context) (string, error) {
	if tok, ok := m.cached(); ok {
		return tok, nil
	}
	ch := m.flight.DoChan("grant", func() (any, error) {
		// A caller that found the cache empty may arrive just after the
		// previous flight filled it.
		if tok, ok := m.cached(); ok {
			return tok, nil
		}
		// The grant serves every waiter, so one caller's cancellation must
		// not fail the others; the HTTP client's timeout bounds it.
		return m.grant(context.WithoutCancel(ctx))
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (m *Source) cached() (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token != "" && m.now().Before(m.refresh) {
		return m.token, true
	}
	return "", false
}

// tokenAnswer is the token endpoint's answer, granted or refused.
type tokenAnswer struct {
	mptoken.Response
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func (m *Source) grant(ctx context.Context) (string, error) {
	tokenURL, err := m.endpoint(ctx)
	if err != nil {
		return "", err
	}
	started := m.now()
	assertion, err := m.assertion(started)
	if err != nil {
		return "", err
	}
	form := url.Values{"grant_type": {mptoken.GrantTypeJWTBearer}, "assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token request to %s: %w", tokenURL, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", client.UserAgent)
	resp, err := m.http.Do(req)
	if err != nil {
		return "", &Error{TokenURL: tokenURL, err: err,
			Fix: "check the token URL (--token-url, --env) and this machine's network and proxy settings"}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", &Error{TokenURL: tokenURL, err: fmt.Errorf("read answer: %w", err), Fix: "try again; check the network"}
	}
	offset := time.Duration(0)
	if d, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		offset = started.Sub(d).Truncate(time.Second)
	}
	var a tokenAnswer
	jsonErr := errors.New("the answer is not JSON")
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "application/json" || json.Valid(body) {
		jsonErr = json.Unmarshal(body, &a)
	}
	switch {
	case resp.StatusCode == http.StatusOK && jsonErr == nil && a.AccessToken != "":
	case resp.StatusCode >= 500:
		return "", &Error{TokenURL: tokenURL, Status: resp.StatusCode, Code: a.Error, Description: a.ErrorDescription, ClockOffset: offset,
			Fix: "Maskinporten has trouble on its side; try again in a while (status.digdir.no)"}
	case jsonErr == nil && a.Error != "":
		return "", &Error{TokenURL: tokenURL, Status: resp.StatusCode, Code: a.Error, Description: a.ErrorDescription, ClockOffset: offset,
			Fix: m.fix(a.Error, a.ErrorDescription, offset)}
	default:
		return "", &Error{TokenURL: tokenURL, Status: resp.StatusCode, ClockOffset: offset, err: errors.New("not an OAuth2 token answer"),
			Fix: "check that the token URL (--token-url, --env) is Maskinporten's token endpoint"}
	}
	lifetime := time.Duration(a.ExpiresIn) * time.Second
	if lifetime <= 0 {
		// Without expires_in the token is used once; a fresh grant is cheap
		// next to a request refused for an expired token.
		return a.AccessToken, nil
	}
	m.mu.Lock()
	m.token = a.AccessToken
	// Counted from before the request, so a slow answer errs on the early side.
	m.refresh = started.Add(lifetime - m.margin(lifetime))
	m.mu.Unlock()
	return a.AccessToken, nil
}

func (m *Source) margin(lifetime time.Duration) time.Duration {
	if m.cfg.RefreshMargin > 0 {
		return min(m.cfg.RefreshMargin, lifetime)
	}
	return min(max(lifetime/10, 10*time.Second), lifetime/2)
}

// assertion signs the JWT-bearer grant. The claims are Digdir's: aud, iss,
// scope, iat, exp, jti, and the systembruker's authorization_details.
func (m *Source) assertion(now time.Time) (string, error) {
	now = now.Add(m.cfg.ClockSkew)
	b := jwt.NewBuilder().
		Audience([]string{m.issuer}).
		Issuer(m.cfg.ClientID).
		IssuedAt(now).
		Expiration(now.Add(m.ttl)).
		JwtID(m.newJTI()).
		Claim("scope", strings.Join(m.scopes, " "))
	if m.cfg.Systembruker != "" {
		b = b.Claim("authorization_details", []mptoken.AuthorizationDetail{{
			Type: mptoken.AuthorizationTypeSystemuser, SystemuserOrg: mptoken.NewOrg(m.cfg.Systembruker)}})
	}
	tok, err := b.Build()
	if err != nil {
		return "", fmt.Errorf("build assertion: %w", err)
	}
	// Digdir's examples send aud as a string; some servers refuse an array.
	tok.Options().Enable(jwt.FlattenAudience)
	hdr := jws.NewHeaders()
	if len(m.key.chain) > 0 {
		var chain cert.Chain
		for _, c := range m.key.chain {
			if err := chain.AddString(base64.StdEncoding.EncodeToString(c.Raw)); err != nil {
				return "", fmt.Errorf("certificate chain: %w", err)
			}
		}
		err = hdr.Set(jws.X509CertChainKey, &chain)
	} else {
		err = hdr.Set(jws.KeyIDKey, m.key.kid)
	}
	if err != nil {
		return "", fmt.Errorf("assertion header: %w", err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.RS256(), m.key.key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", errors.New("sign assertion: the key cannot sign RS256")
	}
	return string(signed), nil
}

// TokenURL is the token endpoint; empty before discovery has run.
func (m *Source) TokenURL() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokenURL
}

// endpoint returns the token URL, reading the issuer's discovery document
// the first time when the config asks for it.
func (m *Source) endpoint(ctx context.Context) (string, error) {
	if u := m.TokenURL(); u != "" {
		return u, nil
	}
	docURL := m.issuer + mptoken.DiscoveryPath
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, docURL, nil)
	if err != nil {
		return "", fmt.Errorf("discovery request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", client.UserAgent)
	resp, err := m.http.Do(req)
	if err != nil {
		return "", &Error{TokenURL: docURL, err: err, Fix: "check the issuer (--issuer, --env) and this machine's network"}
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc) != nil || doc.TokenEndpoint == "" {
		return "", &Error{TokenURL: docURL, Status: resp.StatusCode, err: errors.New("no discovery document"),
			Fix: "check the issuer (--issuer), or give the token URL (--token-url)"}
	}
	if doc.Issuer != m.issuer {
		return "", &Error{TokenURL: docURL, Status: resp.StatusCode, err: fmt.Errorf("the document names issuer %q", doc.Issuer),
			Fix: fmt.Sprintf("set the issuer to %s exactly (it is the grant's aud)", doc.Issuer)}
	}
	m.mu.Lock()
	m.tokenURL = doc.TokenEndpoint
	m.mu.Unlock()
	return doc.TokenEndpoint, nil
}
