// Package maskinporten is the local stand-in for Digdir's Maskinporten: a
// discovery document, the JWKS the mock APIs trust, and a token endpoint that
// verifies JWT-bearer grants with systembruker as strictly as the real one,
// so local runs exercise the same client code path as TT02.
package maskinporten

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/mock/internal/tokens"
)

// Limits of a grant, as Maskinporten documents them (FACTS §3).
const (
	// MaxAssertionLifetime bounds exp − iat of an assertion.
	MaxAssertionLifetime = mptoken.MaxAssertionLifetime
	// MaxClockSkew is how far in the future an assertion's iat may be.
	MaxClockSkew = 10 * time.Second
	// DefaultTokenTTL is the lifetime of an access token when Config sets none.
	DefaultTokenTTL = mptoken.Lifetime
	// AdminPath is where the lead mounts AdminHandler.
	AdminPath = "/admin/maskinporten/"
)

// Server is the local Maskinporten. It is safe for concurrent use.
type Server struct {
	issuer *tokens.Issuer
	base   string // path of the issuer URL, e.g. "/maskinporten/"
	ttl    time.Duration
	now    func() time.Time

	mu      sync.RWMutex
	clients map[string]*client
	jtis    map[string]time.Time // client+jti → assertion exp
	swept   time.Time

	outDir string
	defKey *rsa.PrivateKey // the default client's key when given; else generated
	def    *DefaultClient
}

// Option tunes New.
type Option func(*Server)

// WithClock makes the server judge iat, exp and certificate validity by now;
// give it the same clock as the tokens.Issuer.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithDefaultClientDir names the folder where the default client's private key
// and client YAML are written when Config registers no client.
func WithDefaultClientDir(dir string) Option { return func(s *Server) { s.outDir = dir } }

// WithDefaultClientKey gives the default client this key instead of a fresh
// one, for tests that make their keys once.
func WithDefaultClientKey(key *rsa.PrivateKey) Option { return func(s *Server) { s.defKey = key } }

// New makes a Maskinporten whose issuer URL (with trailing slash) is
// issuer.URL(). Without clients in cfg it registers a default client (see
// DefaultClient).
func New(cfg Config, issuer *tokens.Issuer, opts ...Option) (*Server, error) {
	if issuer == nil {
		return nil, errors.New("maskinporten: nil issuer")
	}
	u, err := url.Parse(issuer.URL())
	if err != nil || u.Path == "" || u.Path[len(u.Path)-1] != '/' {
		return nil, fmt.Errorf("maskinporten: issuer URL %q must be absolute and end with '/'", issuer.URL())
	}
	s := &Server{issuer: issuer, base: u.Path, ttl: cfg.TokenTTL, now: time.Now,
		clients: map[string]*client{}, jtis: map[string]time.Time{}}
	if s.ttl <= 0 {
		s.ttl = DefaultTokenTTL
	}
	for _, o := range opts {
		o(s)
	}
	for _, c := range cfg.Clients {
		if err := s.Register(c); err != nil {
			return nil, err
		}
	}
	if len(cfg.Clients) == 0 {
		if err := s.addDefaultClient(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Register adds a client, or replaces the one with the same id.
func (s *Server) Register(c ClientConfig) error {
	cl, err := compileClient(c)
	if err != nil {
		return fmt.Errorf("maskinporten: %w", err)
	}
	s.mu.Lock()
	s.clients[cl.id] = cl
	s.mu.Unlock()
	return nil
}

// Clients lists the registered clients.
func (s *Server) Clients() []ClientInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]ClientInfo, 0, len(s.clients))
	for _, c := range s.clients {
		out = append(out, c.info())
	}
	return sortInfos(out)
}

// IssuerURL is the issuer identifier, and the aud a grant must carry.
func (s *Server) IssuerURL() string { return s.issuer.URL() }

// TokenURL is the token endpoint.
func (s *Server) TokenURL() string { return s.issuer.URL() + "token" }

// Handler serves the full paths under the issuer URL's path, so it mounts
// without StripPrefix: mux.Handle("/maskinporten/", s.Handler()).
//
//	GET  <base>.well-known/oauth-authorization-server  discovery
//	GET  <base>jwk                                     JWKS of the tokens.Issuer
//	POST <base>token                                   JWT-bearer grant
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+s.base+mptoken.DiscoveryPath, s.discovery)
	mux.HandleFunc("GET "+s.base+"jwk", s.jwks)
	mux.HandleFunc("POST "+s.base+"token", s.token)
	return mux
}

func (s *Server) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.IssuerURL(),
		"token_endpoint":                        s.TokenURL(),
		"jwks_uri":                              s.IssuerURL() + "jwk",
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		"grant_types_supported":                 []string{mptoken.GrantTypeJWTBearer},
		"token_endpoint_auth_signing_alg_values_supported": signingAlgs,
		"authorization_details_types_supported":            []string{mptoken.AuthorizationTypeSystemuser},
	})
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(s.issuer.JWKS())
}
