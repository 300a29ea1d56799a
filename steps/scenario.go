package steps

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/cucumber/godog"
	"github.com/google/uuid"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/target"
)

// scenario is the state of one scenario. godog builds one per scenario and
// runs its steps in order on one goroutine; only the concurrent-submission
// step fans out, and it joins before returning.
type scenario struct {
	suite  *Suite
	target *target.Target
	// http is the target's client, recording each exchange for the report.
	http *http.Client

	started   time.Time // when the scenario began, on this machine's clock
	seed      uint64
	rng       *rand.Rand
	id        target.Identity
	exclusive bool // holds suite.faults exclusively (a @feilinjeksjon scenario)
	locked    bool
	faultsSet bool // the mock's faults were changed and must be reset
	faultOnce bool // clear the faults after the next submission

	// What is sent: the leveranse the body was made from (for expectations
	// and the synthetic check), the body itself, the year in the path.
	leveranse *contract.Leveranse
	body      []byte
	year      int
	index     int64
	key       string
	// systembruker overrides the scenario's identity for one scenario
	// (the service page's example).
	systembruker string

	// What came back.
	last      *api.SubmitResult
	lastErr   error
	first     *api.SubmitResult // the first accepted submission
	accepted  []*api.SubmitResult
	burst     []*api.SubmitResult
	documents documentState
}

func (s *scenario) begin(ctx context.Context, p *godog.Scenario) error {
	if ctx.Err() != nil {
		// The run was interrupted: what has not started is skipped, not
		// failed.
		return godog.ErrSkip
	}
	s.started = time.Now()
	s.seed = seedOf(p)
	s.rng = rand.New(rand.NewPCG(s.seed, s.seed^0x5deece66d))
	s.id = s.target.Identity(s.seed)
	s.year = s.target.Inntektsaar
	tags := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		tags[i] = t.Name
	}
	if slices.Contains(tags, TagMock) && s.target.Controls == nil {
		return fmt.Errorf("%q is tagged %s and needs the mock's controls: %w", p.Name, TagMock, target.ErrNoControls)
	}
	s.exclusive = slices.Contains(tags, TagFeilinjeksjon)
	if s.exclusive {
		s.suite.faults.Lock()
	} else {
		s.suite.faults.RLock()
	}
	s.locked = true
	return nil
}

// end resets what the scenario changed on the target and lets fault
// scenarios in; it runs even when a step failed.
func (s *scenario) end(ctx context.Context) error {
	var err error
	if s.faultsSet {
		err = s.clearFaults(context.WithoutCancel(ctx))
	}
	if s.locked {
		if s.exclusive {
			s.suite.faults.Unlock()
		} else {
			s.suite.faults.RUnlock()
		}
		s.locked = false
	}
	if err != nil {
		return fmt.Errorf("reset the mock's faults after the scenario: %w", err)
	}
	return nil
}

func (s *scenario) controls() (target.Controls, error) {
	if s.target.Controls == nil {
		return nil, target.ErrNoControls
	}
	return s.target.Controls, nil
}

func (s *scenario) setFaults(ctx context.Context, f target.Faults) error {
	c, err := s.controls()
	if err != nil {
		return err
	}
	if !s.exclusive {
		return fmt.Errorf("scenario changes the mock's global faults and must be tagged %s", TagFeilinjeksjon)
	}
	s.faultsSet = true
	return c.SetFaults(ctx, f)
}

func (s *scenario) clearFaults(ctx context.Context) error {
	c, err := s.controls()
	if err != nil {
		return err
	}
	if err := c.SetFaults(ctx, target.Faults{}); err != nil {
		return err
	}
	s.faultsSet = false
	return nil
}

// tokens is a client.TokenSource for the scenario's systembruker.
type tokens struct {
	creds        target.Credentials
	systembruker string
	scopes       []string
}

func (t tokens) Token(ctx context.Context) (string, error) {
	return t.creds.Token(ctx, t.systembruker, t.scopes...)
}

func (s *scenario) systembrukerOrg() string {
	if s.systembruker != "" {
		return s.systembruker
	}
	return s.id.Systembruker
}

func (s *scenario) api(scopes ...string) *api.Client {
	return &api.Client{
		BaseURL: s.target.APIURL,
		HTTP:    s.http,
		Tokens:  tokens{creds: s.target.Credentials, systembruker: s.systembrukerOrg(), scopes: scopes},
	}
}

// sendCtx marks the request as made from a checked leveranse, so that a
// deliberately broken body may pass a synthetic-only target's guard.
func (s *scenario) sendCtx(ctx context.Context) (context.Context, error) {
	if s.leveranse == nil || !s.target.Policy.SyntheticOnly {
		return ctx, nil
	}
	return target.Vetted(ctx, *s.leveranse)
}

// submitWith sends the scenario's body with the given key and options and
// records the answer. Only an error that is not an HTTP answer (no token,
// refused by the guard) is returned; a lost response is recorded.
func (s *scenario) submitWith(ctx context.Context, key string, opts ...api.SubmitOption) error {
	if s.body == nil {
		return fmt.Errorf("no leveranse to send: a Gitt step must make one first")
	}
	sctx, err := s.sendCtx(ctx)
	if err != nil {
		return err
	}
	res, err := s.api().Submit(sctx, s.year, key, s.body, opts...)
	if s.faultOnce {
		s.faultOnce = false
		if cerr := s.clearFaults(ctx); cerr != nil {
			return fmt.Errorf("clear the mock's faults after one submission: %w", cerr)
		}
	}
	s.record(res, err)
	if err != nil && !s.isLostResponse(err) {
		return err
	}
	return nil
}

func (s *scenario) submit(ctx context.Context, opts ...api.SubmitOption) error {
	if s.key == "" {
		s.key = uuid.NewString()
	}
	return s.submitWith(ctx, s.key, opts...)
}

func (s *scenario) record(res *api.SubmitResult, err error) {
	s.last, s.lastErr = res, err
	if res != nil && res.Status == 200 && res.Kvittering != nil {
		if s.first == nil {
			s.first = res
		}
		s.accepted = append(s.accepted, res)
	}
}
