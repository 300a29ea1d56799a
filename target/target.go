package target

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Policy says what a target may be used for.
type Policy struct {
	// SyntheticOnly: every identity in a request body must be synthetic
	// (enforced by Guard in the target's HTTP client).
	SyntheticOnly bool
	// Controls: the target is a mock whose levers (fault injection, token
	// minting, reading its store) the suite may pull.
	Controls bool
	// MaxRate is the highest request rate (per second) a load run may
	// offer the target; 0 means no ceiling (the local mock). Only an
	// explicit flag of the load command raises it (WithMaxRate).
	MaxRate float64
}

// DefaultTestRateCeiling is the rate ceiling of a test environment such as
// TT02: low, since its throughput limits are not published (FACTS §7,
// ASSUMPTION A-RATE) and other vendors share it. `finprod load --max-rate`
// raises it.
const DefaultTestRateCeiling = 10.0

// CheckRate refuses a load rate above the policy's ceiling, saying how to
// raise it.
func (p Policy) CheckRate(target string, rate float64) error {
	if p.MaxRate > 0 && rate > p.MaxRate {
		return fmt.Errorf("%w: a peak rate of %g/s is above %s's ceiling of %g/s for a test environment; if the environment's owners agree, raise it with --max-rate %g",
			ErrRateCeiling, rate, target, p.MaxRate, rate)
	}
	return nil
}

// ErrRateCeiling is returned (wrapped) by CheckRate.
var ErrRateCeiling = errors.New("refused: rate above the ceiling")

// Identity is who a scenario reports as.
type Identity struct {
	// Systembruker is the organisation the token's systembruker acts for.
	Systembruker string
	// Oppgavegiver is the organisation the leveranse reports for.
	Oppgavegiver string
}

// Credentials give bearer tokens for a systembruker organisation.
type Credentials interface {
	// Token returns a token for the systembruker with the given scopes.
	Token(ctx context.Context, systembruker string, scopes ...string) (string, error)
}

// PlainCredentials give a Maskinporten token without a systembruker for
// the client that acts for the organisation: what a client gets when its
// grant asks for no systembruker. Both the local and the profile targets'
// credentials have it.
type PlainCredentials interface {
	PlainToken(ctx context.Context, org string, scopes ...string) (string, error)
}

// Faults are the mock's injected failures, as its admin API takes them.
type Faults struct {
	// FailShare (0..1) of API requests get GLD_023/GLD_1053.
	FailShare float64 `json:"failShare"`
	// DropShare (0..1) of submissions are stored and their response lost.
	DropShare float64 `json:"dropShare"`
}

// Controls are a mock's levers. Only a local target has them.
type Controls interface {
	// ExpiredToken is a token that was valid for the systembruker and the
	// API's scope, and has expired.
	ExpiredToken(ctx context.Context, systembruker string) (string, error)
	// SetFaults replaces the faults in force. The mock's faults are global:
	// the caller must keep every other scenario out while they are set.
	SetFaults(ctx context.Context, f Faults) error
	// Forsendelser returns the ids of the stored forsendelser of an
	// oppgavegiver with the given oppgavegiversLeveranseReferanse.
	Forsendelser(ctx context.Context, oppgavegiver, referanse string) ([]string, error)
	// Referanser counts the stored forsendelser of an oppgavegiver per
	// oppgavegiversLeveranseReferanse that starts with prefix, for a load
	// run's reconciliation.
	Referanser(ctx context.Context, oppgavegiver, prefix string) (map[string]int, error)
}

// Target is one environment. It is safe for concurrent use by scenarios.
type Target struct {
	// Name labels the target in reports ("local", "tt02").
	Name string
	// APIURL is the reporting API's base URL, without /v1.
	APIURL string
	// DialogportenURL is Dialogporten's GraphQL endpoint.
	DialogportenURL string
	// HTTP is the client every request goes through; for a synthetic-only
	// target its transport is wrapped in Guard.
	HTTP *http.Client
	// Credentials give tokens; see Identity for whom.
	Credentials Credentials
	// Inntektsaar is an income year the target accepts; LukketInntektsaar
	// one it refuses (GLD_1027).
	Inntektsaar       int
	LukketInntektsaar int
	// Policy says what the target may be used for.
	Policy Policy
	// Controls are the mock's levers; nil unless Policy.Controls.
	Controls Controls
	// FeedbackTimeout bounds how long a step waits for asynchronous
	// feedback in Dialogporten, and PollInterval is how often it looks.
	FeedbackTimeout time.Duration
	PollInterval    time.Duration

	identity     func(seed uint64) Identity
	systembruker func(oppgavegiver string) string
	close        func() error
	// vet marks bodies VetLeveranse checked, for the guard of Transport.
	vet *vetter
}

// Transport wraps base (a load run's own connection pool) in the target's
// policy: for a synthetic-only target, Guard checks every body before it
// leaves, as for the target's own HTTP client.
func (t *Target) Transport(base http.RoundTripper) http.RoundTripper {
	if t.Policy.SyntheticOnly {
		return &guard{next: base, vet: t.vet}
	}
	return base
}

// Identity returns who a scenario with the given seed reports as. On a
// local target every seed gets its own synthetic organisation, which is its
// own systembruker, so concurrent scenarios never share a dialog; a profile
// target has one systembruker and one oppgavegiver for all.
func (t *Target) Identity(seed uint64) Identity { return t.identity(seed) }

// Systembruker is who reports a user's own leveranse for oppgavegiver: on
// a local target the oppgavegiver itself (an organisation may always
// report for itself), on a profile target the profile's one systembruker.
func (t *Target) Systembruker(oppgavegiver string) string { return t.systembruker(oppgavegiver) }

// Close stops what the target started (the local mock).
func (t *Target) Close() error {
	if t.close == nil {
		return nil
	}
	return t.close()
}

// ErrNoControls is returned when a scenario needs the mock's levers and the
// target has none.
var ErrNoControls = errors.New("this target has no mock controls (fault injection, token minting, store); run @mock scenarios against --target local")

var (
	_ PlainCredentials = (*grantCredentials)(nil)
	_ PlainCredentials = (*maskinportenCredentials)(nil)
)
