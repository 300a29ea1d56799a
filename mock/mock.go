// Package mock composes the local stand-ins on one loopback listener: the
// reporting API under /v1/, its admin endpoints under /admin/, and mount
// points for the Maskinporten and Dialogporten stand-ins. Tests start it
// in-process with Start; `finprod mock` serves it from the command line.
//
// The parts live under mock/internal; this package is their facade. A
// Server offers the admin operations (reset, faults, access rules, the
// forsendelser, minting and verifying tokens, Maskinporten clients) as
// methods, and the admin endpoints over HTTP call the very same methods, so
// in-process and over-HTTP use always agree. The configuration types users
// must name are aliases of the parts' own (types.go).
package mock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/flock"
	"github.com/finprod/finprod/mock/internal/access"
	"github.com/finprod/finprod/mock/internal/api"
	"github.com/finprod/finprod/mock/internal/dialogporten"
	"github.com/finprod/finprod/mock/internal/maskinporten"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
)

// Endpoint is one service the server offers, for printing.
type Endpoint struct {
	Name string
	URL  string
}

// mount is one service under one path prefix (ending in "/").
type mount struct {
	name    string
	prefix  string
	handler http.Handler
	// show is the path printed for users when it is not the prefix itself
	// (Dialogporten's clients want the GraphQL endpoint).
	show string
}

// mounts is the table of services on the listener; `finprod mock` prints
// their base URLs. The Maskinporten admin is more specific than /admin/, so
// the mux sends it to Maskinporten.
func (s *Server) mounts() []mount {
	return []mount{
		{"API", "/v1/", s.api, ""},
		{"Maskinporten", MaskinportenPrefix, s.maskinporten.Handler(), ""},
		{"Dialogporten GraphQL", DialogportenPrefix, s.dialogporten.Handler(), dialogporten.GraphQLPath},
		{"admin", AdminPrefix, s.admin(), ""},
		{"Maskinporten admin", maskinporten.AdminPath, s.maskinporten.AdminHandler(), ""},
	}
}

// Path prefixes of the services.
const (
	AdminPrefix        = "/admin/"
	MaskinportenPrefix = "/maskinporten/"
	DialogportenPrefix = "/dialogporten/"
)

// Server is a running mock.
type Server struct {
	cfg      Config
	base     string
	ln       net.Listener
	srv      *http.Server
	contract *contract.Contract
	issuer   *tokens.Issuer
	verifier *tokens.Verifier
	store    *store.Store
	access   *access.Rules
	api      *api.Handler
	endpts   []Endpoint

	maskinporten *maskinporten.Server
	dialogporten *dialogporten.Server

	// stateLock keeps other mocks out of StateDir while this one runs.
	stateLock *flock.Lock

	done      chan struct{}
	serveErr  error
	closeOnce sync.Once
	closeErr  error
}

// Start builds the mock and serves it until ctx is cancelled or Close is
// called. Every error is one clear sentence: a bad config, a bad OpenAPI
// file, a non-loopback address or a port in use.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg = cfg.withKeysOf(ctx)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	ct, err := cfg.contractFor()
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	if len(cfg.Maskinporten.Clients) == 0 && len(cfg.Access.Relationships) == 0 {
		// With nothing configured, the default client's systembruker acts as
		// an accountant for every oppgavegiver, so any synthetic leveranse
		// can be sent with the default credentials; other orgs still may
		// report only for themselves (GLD_1015).
		cfg.Access.Relationships = []access.Relationship{{
			Systembruker:  maskinporten.DefaultSystembrukerOrg,
			Tilgangspakke: access.RegnskapsforerMedSigneringsrettighet,
			Oppgavegivere: []string{access.Any},
		}}
	}
	rules, err := access.New(cfg.Access)
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	// The state folder is this mock's alone while it runs: a second mock
	// there would replace the client files the first one's users hold.
	var stateLock *flock.Lock
	if cfg.StateDir != "" {
		if stateLock, err = lockStateDir(cfg.StateDir); err != nil {
			return nil, fmt.Errorf("mock: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		_ = stateLock.Unlock()
		return nil, fmt.Errorf("mock: cannot listen on %s: %w", cfg.Listen, err)
	}
	fail := func(err error) (*Server, error) {
		ln.Close()
		_ = stateLock.Unlock()
		return nil, fmt.Errorf("mock: %w", err)
	}
	s := &Server{cfg: cfg, ln: ln, contract: ct, access: rules, done: make(chan struct{}), stateLock: stateLock}
	s.base = "http://" + ln.Addr().String()
	if stateLock != nil {
		_ = stateLock.Write(fmt.Sprintf("finprod mock, pid %d, serving %s\n", os.Getpid(), s.base))
	}
	if cfg.SigningKey != nil {
		s.issuer, err = tokens.NewIssuerWithKey(s.base+MaskinportenPrefix, cfg.SigningKey, cfg.Now)
	} else {
		s.issuer, err = tokens.NewIssuer(s.base+MaskinportenPrefix, cfg.Now)
	}
	if err != nil {
		return fail(err)
	}
	s.verifier = tokens.NewVerifier(s.issuer.URL(), s.issuer.KeySet(), cfg.Now)
	if cfg.Store == "" {
		s.store = store.New(store.WithClock(cfg.Now))
	} else if s.store, err = store.Open(ctx, cfg.Store, store.WithClock(cfg.Now)); err != nil {
		return fail(err)
	}
	failBeforeStore := fail
	fail = func(err error) (*Server, error) {
		_ = s.store.Close()
		return failBeforeStore(err)
	}
	s.api, err = api.New(cfg.API, api.Deps{Contract: ct, Store: s.store, Verifier: s.verifier, Access: rules, Now: cfg.Now, Log: cfg.Logger})
	if err != nil {
		return fail(err)
	}
	mpOpts := []maskinporten.Option{maskinporten.WithClock(cfg.Now)}
	if cfg.StateDir != "" {
		mpOpts = append(mpOpts, maskinporten.WithDefaultClientDir(cfg.StateDir))
	}
	if cfg.DefaultClientKey != nil {
		mpOpts = append(mpOpts, maskinporten.WithDefaultClientKey(cfg.DefaultClientKey))
	}
	if s.maskinporten, err = maskinporten.New(cfg.Maskinporten, s.issuer, mpOpts...); err != nil {
		return fail(err)
	}
	// Registered before the API serves, so every accepted forsendelse gets
	// its feedback.
	dpCfg := cfg.Dialogporten
	dpCfg.BusinessRules = cfg.API.BusinessRules
	if s.dialogporten, err = dialogporten.New(dpCfg, s.store, s.verifier, s.base, rules.MayReport); err != nil {
		return fail(err)
	}

	mux := http.NewServeMux()
	for _, m := range s.mounts() {
		mux.Handle(m.prefix, m.handler)
		show := m.show
		if show == "" {
			show = strings.TrimSuffix(m.prefix, "/")
		}
		s.endpts = append(s.endpts, Endpoint{Name: m.name, URL: s.base + show})
	}
	// Everything else answers in the API's error format (GLD_1023).
	mux.Handle("/", s.api)
	var h http.Handler = mux
	if cfg.Logger != nil {
		h = logRequests(cfg.Logger, h)
	}
	lim := cfg.Limits.withDefaults()
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: time.Duration(lim.ReadHeaderTimeout),
		ReadTimeout:       time.Duration(lim.ReadTimeout),
		WriteTimeout:      time.Duration(lim.WriteTimeout),
		IdleTimeout:       time.Duration(lim.IdleTimeout),
		MaxHeaderBytes:    maxHeaderBytes,
	}

	go func() {
		err := s.srv.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = err
		}
		close(s.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// stateLockFile is the lock a running mock holds in its state folder.
const stateLockFile = "mock.lock"

// lockStateDir takes the state folder for this mock, or says which mock
// has it.
func lockStateDir(dir string) (*flock.Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state folder %s: %w", dir, err)
	}
	l, holder, err := flock.TryLock(filepath.Join(dir, stateLockFile))
	if errors.Is(err, flock.ErrLocked) {
		if holder = strings.TrimSpace(holder); holder == "" {
			holder = "another finprod mock"
		}
		return nil, fmt.Errorf("the state folder %s is in use by %s, whose clients use the key and client files there; "+
			"stop that mock, or give this one a folder of its own (--state-dir)", dir, holder)
	}
	if err != nil {
		return nil, fmt.Errorf("state folder %s: %w", dir, err)
	}
	return l, nil
}

// URL is the base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
func (s *Server) URL() string { return s.base }

// Endpoints lists the services with their base URLs, in mount order.
func (s *Server) Endpoints() []Endpoint { return append([]Endpoint(nil), s.endpts...) }

// Close stops the server. Requests in flight get a moment to finish; then
// every connection is closed, including idle keep-alive ones a client never
// used (which a graceful shutdown alone would wait for).
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			if err := s.srv.Close(); err != nil {
				s.closeErr = fmt.Errorf("mock: close: %w", err)
			}
		}
		<-s.done
		if err := s.dialogporten.Close(); err != nil && s.closeErr == nil {
			s.closeErr = fmt.Errorf("mock: close dialogporten: %w", err)
		}
		if err := s.store.Close(); err != nil && s.closeErr == nil {
			s.closeErr = fmt.Errorf("mock: %w", err)
		}
		_ = s.stateLock.Unlock()
	})
	return s.closeErr
}

// Wait blocks until the server has stopped and everything it holds is let
// go (its state folder among them), and returns why: nil after a clean
// Close or cancellation.
func (s *Server) Wait() error {
	<-s.done
	closeErr := s.Close()
	if s.serveErr != nil {
		return fmt.Errorf("mock: serve: %w", s.serveErr)
	}
	return closeErr
}

func dokumentPath(f store.Forsendelse) string {
	return contract.DokumentPath(f.Inntektsaar, f.Oppgavegiver, f.ID, f.DocumentID)
}
