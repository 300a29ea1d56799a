package target

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/mock"
)

// Local starts the mock in-process on a loopback port and returns a target
// for it. cfg is the mock's configuration (the zero value is the documented
// API); the target stops the mock on Close or when ctx ends.
func Local(ctx context.Context, cfg mock.Config) (*Target, error) {
	srv, err := mock.Start(ctx, cfg)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	year := now().Year()
	// Many scenarios and a concurrent burst share one loopback server;
	// keep enough idle connections that they are reused, not re-dialled.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	httpc := &http.Client{Transport: tr, Timeout: time.Minute}
	creds, err := newGrantCredentials(srv, httpc)
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &Target{
		Name:            "local",
		APIURL:          srv.URL(),
		DialogportenURL: srv.URL() + mock.DialogportenGraphQLPath,
		HTTP:            httpc,
		Credentials:     creds,
		// The mock's default open years are the current year and the
		// three before it (ASSUMPTION A-AAR); last year is always open.
		Inntektsaar:       year - 1,
		LukketInntektsaar: year - 10,
		Policy:            Policy{Controls: true},
		Controls:          &mockControls{srv: srv, http: httpc, now: now},
		FeedbackTimeout:   10 * time.Second,
		// The mock gives feedback a fixed, short delay after a submission.
		PollInterval: 20 * time.Millisecond,
		identity:     localIdentity,
		systembruker: func(oppgavegiver string) string { return oppgavegiver },
		close:        srv.Close,
	}, nil
}

// localIdentity gives every scenario its own synthetic organisation, which
// reports for itself (an organisation may always report for itself), so
// scenarios running side by side never share a dialog.
func localIdentity(seed uint64) Identity {
	org := generators.NewOrganisasjonsnummer(rand.New(rand.NewPCG(seed, 0x6f7267)))
	return Identity{Systembruker: org, Oppgavegiver: org}
}

type mockControls struct {
	srv  *mock.Server
	http *http.Client
	now  func() time.Time
}

func (m *mockControls) ExpiredToken(_ context.Context, systembruker string) (string, error) {
	tok, err := m.srv.MintTokenTTL(systembruker, -time.Minute)
	if err != nil {
		return "", fmt.Errorf("mint an expired token: %w", err)
	}
	return tok, nil
}

// SetFaults goes through the admin HTTP API, as a user of `finprod mock`
// would, so the suite also proves that endpoint.
func (m *mockControls) SetFaults(ctx context.Context, f Faults) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, m.srv.URL()+mock.AdminPrefix+"faults", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.http.Do(req)
	if err != nil {
		return fmt.Errorf("PUT /admin/faults: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("PUT /admin/faults: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// Forsendelser asks the mock in-process, through the same facade method the
// admin endpoint GET /admin/forsendelser calls.
func (m *mockControls) Forsendelser(_ context.Context, oppgavegiver, referanse string) ([]string, error) {
	var ids []string
	for _, f := range m.srv.Forsendelser(mock.ForsendelseFilter{Oppgavegiver: oppgavegiver, Referanse: referanse}) {
		ids = append(ids, f.ForsendelseID)
	}
	return ids, nil
}

// Referanser asks the mock in-process for the oppgavegiver's forsendelser,
// in one pass however long the run.
func (m *mockControls) Referanser(_ context.Context, oppgavegiver, prefix string) (map[string]int, error) {
	out := map[string]int{}
	for _, f := range m.srv.Forsendelser(mock.ForsendelseFilter{Oppgavegiver: oppgavegiver}) {
		if strings.HasPrefix(f.Referanse, prefix) {
			out[f.Referanse]++
		}
	}
	return out, nil
}
