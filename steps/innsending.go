package steps

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/target"
)

func (s *scenario) sendesInn(ctx context.Context) error { return s.submit(ctx) }

func (s *scenario) erSendtInnOgMottatt(ctx context.Context) error {
	if err := s.submit(ctx); err != nil {
		return err
	}
	return s.erMottatt()
}

func (s *scenario) erSendtInnOgAvvist(ctx context.Context, kode string) error {
	if err := s.submit(ctx); err != nil {
		return err
	}
	return s.avvisesMedFeilkode(kode)
}

func (s *scenario) paaNyttSammeNoekkel(ctx context.Context) error {
	if s.key == "" {
		return fmt.Errorf("nothing was sent before: there is no idempotency key to reuse")
	}
	return s.submit(ctx)
}

func (s *scenario) paaNyttNyNoekkel(ctx context.Context) error {
	s.key = uuid.NewString()
	return s.submit(ctx)
}

// enAnnenLeveranseSammeNoekkel sends the next leveranse of the scenario
// (another body) with the key the first one used.
func (s *scenario) enAnnenLeveranseSammeNoekkel(ctx context.Context) error {
	if s.key == "" {
		return fmt.Errorf("nothing was sent before: there is no idempotency key to reuse")
	}
	n := 1
	if s.leveranse != nil {
		n = len(s.leveranse.Oppgave)
	}
	if err := s.makeLeveranse(s.id.Oppgavegiver, s.year, n, s.index+1); err != nil {
		return err
	}
	return s.submit(ctx)
}

// samtidig sends the same body with the same key n times at once. The
// goroutines start together behind a gate so the requests overlap.
func (s *scenario) samtidig(ctx context.Context, n int) error {
	s.key = uuid.NewString()
	sctx, err := s.sendCtx(ctx)
	if err != nil {
		return err
	}
	c := s.api()
	results := make([]*api.SubmitResult, n)
	errs := make([]error, n)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-gate
			results[i], errs[i] = c.Submit(sctx, s.year, s.key, s.body)
		})
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("submission %d of %d got no answer: %w", i+1, n, err)
		}
		s.record(results[i], nil)
	}
	s.burst = results
	return nil
}

func (s *scenario) tilAaretEtter(ctx context.Context) error {
	s.year++
	return s.submit(ctx)
}

func (s *scenario) tilInntektsaar(ctx context.Context, aar string) error {
	return s.submit(ctx, api.WithPath("/v1/"+aar))
}

func (s *scenario) tilStien(ctx context.Context, sti string) error {
	return s.submit(ctx, api.WithPath(sti))
}

func (s *scenario) medMetoden(ctx context.Context, metode string) error {
	return s.submit(ctx, api.WithMethod(strings.ToUpper(metode)))
}

func (s *scenario) utenHeaderen(ctx context.Context, header string) error {
	if strings.EqualFold(header, contract.HeaderIdempotencyKey) {
		return s.submitWith(ctx, "")
	}
	return s.submit(ctx, api.WithoutHeader(header))
}

func (s *scenario) medHeaderen(ctx context.Context, header, verdi string) error {
	if strings.EqualFold(header, contract.HeaderIdempotencyKey) {
		return s.submitWith(ctx, verdi)
	}
	return s.submit(ctx, api.WithHeader(header, verdi))
}

func (s *scenario) utenToken(ctx context.Context) error {
	return s.submit(ctx, api.WithoutHeader("Authorization"))
}

// ugyldigToken is shaped like a JWT (three base64url parts) but signed by
// nobody the API trusts.
const ugyldigToken = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." +
	"eyJpc3MiOiJodHRwczovL2lra2UtbWFza2lucG9ydGVuLmV4YW1wbGUvIiwic2NvcGUiOiJza2F0dGVldGF0ZW46aW5ucmFwcG9ydGVyaW5nZmluYW5zcHJvZHVrdGVyIn0." +
	"aW52YWxpZC1zaWduYXR1cmU"

func (s *scenario) ugyldigToken(ctx context.Context) error {
	return s.submit(ctx, api.WithHeader("Authorization", "Bearer "+ugyldigToken))
}

func (s *scenario) utloeptToken(ctx context.Context) error {
	c, err := s.controls()
	if err != nil {
		return err
	}
	tok, err := c.ExpiredToken(ctx, s.systembrukerOrg())
	if err != nil {
		return fmt.Errorf("expired token: %w", err)
	}
	return s.submit(ctx, api.WithHeader("Authorization", "Bearer "+tok))
}

func (s *scenario) tokenMedScope(ctx context.Context, scope string) error {
	tok, err := s.target.Credentials.Token(ctx, s.systembrukerOrg(), scope)
	if err != nil {
		return fmt.Errorf("token with scope %s: %w", scope, err)
	}
	return s.submit(ctx, api.WithHeader("Authorization", "Bearer "+tok))
}

// utenSystembruker gets a token the way a client does whose grant asks for
// no systembruker, from the same Maskinporten client the scenario uses.
func (s *scenario) utenSystembruker(ctx context.Context) error {
	pc, ok := s.target.Credentials.(target.PlainCredentials)
	if !ok {
		return fmt.Errorf("target %s cannot get a token without a systembruker", s.target.Name)
	}
	tok, err := pc.PlainToken(ctx, s.systembrukerOrg(), contract.Scope)
	if err != nil {
		return fmt.Errorf("a Maskinporten token without a systembruker (ASSUMPTION A-SYSTEMBRUKER): %w", err)
	}
	return s.submit(ctx, api.WithHeader("Authorization", "Bearer "+tok))
}

func (s *scenario) kroppenSendesInn(ctx context.Context) error {
	return s.submit(ctx)
}
