package target

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/ident"
)

// FromProfile makes a target from a profile: a test environment such as
// TT02, reached with the profile's Maskinporten client. It refuses a profile
// whose systembruker or oppgavegiver is not synthetic, and every request
// body it sends passes Guard. No network is used until a token is needed.
func FromProfile(p Profile) (*Target, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	if err := p.CheckNotProduction(); err != nil {
		return nil, err
	}
	p = p.withDefaults()
	for _, org := range []struct{ key, v string }{
		{"maskinporten.systembruker", p.Maskinporten.Systembruker}, {"oppgavegiver", p.Oppgavegiver},
	} {
		if !ident.IsSyntheticOrganisasjonsnummer(org.v) {
			return nil, fmt.Errorf("%w: profile %s %s is not a synthetic organisation (Tenor's start with 2 or 3)",
				ErrNotSynthetic, org.key, org.v)
		}
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	creds := &maskinportenCredentials{cfg: p.Maskinporten, http: &http.Client{Transport: base, Timeout: 30 * time.Second},
		sources: map[string]*maskinporten.Source{}}
	// Build the API's source now, so a bad key or password is a usage
	// error before any scenario runs.
	if _, err := creds.source(contract.Scope); err != nil {
		return nil, err
	}
	id := Identity{Systembruker: p.Maskinporten.Systembruker, Oppgavegiver: p.Oppgavegiver}
	vet := newVetter()
	return &Target{
		Name:              p.Name,
		APIURL:            strings.TrimRight(p.API, "/"),
		DialogportenURL:   p.Dialogporten,
		HTTP:              &http.Client{Transport: &guard{next: base, vet: vet}, Timeout: 2 * time.Minute},
		Credentials:       creds,
		Inntektsaar:       p.Inntektsaar,
		LukketInntektsaar: p.LukketInntektsaar,
		Policy:            Policy{SyntheticOnly: true, MaxRate: DefaultTestRateCeiling},
		FeedbackTimeout:   5 * time.Minute,
		PollInterval:      2 * time.Second,
		identity:          func(uint64) Identity { return id },
		systembruker:      func(string) string { return id.Systembruker },
		vet:               vet,
	}, nil
}

// maskinportenCredentials keeps one cached token source per scope set, all
// for the profile's one systembruker.
type maskinportenCredentials struct {
	cfg  maskinporten.Config
	http *http.Client

	mu      sync.Mutex
	sources map[string]*maskinporten.Source
}

func (m *maskinportenCredentials) source(scopes ...string) (*maskinporten.Source, error) {
	return m.sourceFor(m.cfg.Systembruker, scopes...)
}

// sourceFor is a cached token source for the scopes, acting as the
// systembruker, or for a plain token (no systembruker) when it is "".
func (m *maskinportenCredentials) sourceFor(systembruker string, scopes ...string) (*maskinporten.Source, error) {
	scopes = slices.Sorted(slices.Values(scopes))
	key := strings.Join(scopes, " ")
	if systembruker == "" {
		key = "plain\x00" + key
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sources[key]; ok {
		return s, nil
	}
	cfg := m.cfg
	cfg.Scopes = scopes
	cfg.Systembruker = systembruker
	s, err := maskinporten.New(cfg, maskinporten.HTTPClient(m.http))
	if err != nil {
		return nil, fmt.Errorf("maskinporten client: %w", err)
	}
	m.sources[key] = s
	return s, nil
}

func (m *maskinportenCredentials) Token(ctx context.Context, systembruker string, scopes ...string) (string, error) {
	if systembruker != m.cfg.Systembruker {
		return "", fmt.Errorf("the profile's Maskinporten client acts only for systembruker %s, not %s", m.cfg.Systembruker, systembruker)
	}
	if len(scopes) == 0 {
		scopes = []string{contract.Scope}
	}
	s, err := m.source(scopes...)
	if err != nil {
		return "", err
	}
	return s.Token(ctx)
}

// PlainToken is a token of the profile's Maskinporten client without a
// systembruker, as Maskinporten issues when none is asked for.
func (m *maskinportenCredentials) PlainToken(ctx context.Context, org string, scopes ...string) (string, error) {
	if org != m.cfg.Systembruker {
		return "", fmt.Errorf("the profile's Maskinporten client acts only for systembruker %s, not %s", m.cfg.Systembruker, org)
	}
	if len(scopes) == 0 {
		scopes = []string{contract.Scope}
	}
	s, err := m.sourceFor("", scopes...)
	if err != nil {
		return "", err
	}
	return s.Token(ctx)
}
