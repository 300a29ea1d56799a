// Package smoke is the quick check `finprod run` makes before the
// acceptance suite: it starts the embedded mock, submits the service page's
// documented example with a fresh idempotencyKey, submits it again with the
// same key, and checks that the first answer is a receipt that matches the
// contract, that the replay is byte-identical and that exactly one
// forsendelse was stored. The token comes through the local Maskinporten's
// JWT-bearer grant with the default client, as a user's run gets one.
package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
)

// Check is one verified expectation of a run.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// Summary is what a run found; `finprod run` writes it to OUT/run.json.
type Summary struct {
	Target          string    `json:"target"`
	Started         time.Time `json:"started"`
	DurationMS      int64     `json:"durationMs"`
	Status          int       `json:"status"`
	DialogID        string    `json:"dialogId,omitempty"`
	ForsendelseID   string    `json:"forsendelseId,omitempty"`
	Korrelasjonsid  string    `json:"korrelasjonsid,omitempty"`
	ReplayStatus    int       `json:"replayStatus"`
	ReplayIdentical bool      `json:"replayIdentical"`
	Forsendelser    int       `json:"forsendelser"`
	Checks          []Check   `json:"checks"`
	OK              bool      `json:"ok"`
}

// Failed counts the checks that failed.
func (s *Summary) Failed() int {
	n := 0
	for _, c := range s.Checks {
		if !c.OK {
			n++
		}
	}
	return n
}

// UnreachableError is a run that could not reach its target: the embedded
// mock, its Maskinporten, or the API gave no answer. Its message is the
// cause's.
type UnreachableError struct{ Err error }

func (e *UnreachableError) Error() string { return e.Err.Error() }
func (e *UnreachableError) Unwrap() error { return e.Err }

func unreachable(format string, a ...any) error {
	return &UnreachableError{Err: fmt.Errorf(format, a...)}
}

// Run makes the check against a fresh embedded mock, writing one line per
// check to w. A failed check is in the Summary; an error means the run
// could not be made (an *UnreachableError when the target did not answer).
func Run(ctx context.Context, w io.Writer) (*Summary, error) {
	started := time.Now()
	s, err := mock.Start(ctx, mock.Config{})
	if err != nil {
		return nil, unreachable("cannot start the embedded mock: %v", err)
	}
	defer s.Close()
	// The default client's systembruker may report for any oppgavegiver in
	// the default set-up, the example's included.
	def, ok := s.DefaultClient()
	if !ok {
		return nil, unreachable("the embedded mock has no default Maskinporten client")
	}
	tokens, err := maskinporten.New(maskinporten.Config{
		Issuer: def.Issuer, TokenURL: def.TokenURL, ClientID: def.ClientID, KID: def.KID,
		PrivateKey: def.Key, Systembruker: def.SystembrukerOrg, Scopes: []string{contract.Scope},
	})
	if err != nil {
		return nil, unreachable("cannot set up the Maskinporten client: %v", err)
	}
	if _, err := tokens.Token(ctx); err != nil {
		return nil, unreachable("cannot get a token from the local Maskinporten: %v", err)
	}
	a := &api.Client{BaseURL: s.URL(), Tokens: tokens}
	fmt.Fprintf(w, "Target: embedded mock at %s\n", s.URL())

	var inn contract.Innsending
	if err := json.Unmarshal(contract.Eksempel(), &inn); err != nil {
		return nil, fmt.Errorf("documented example: %w", err)
	}
	year := inn.Leveranse.Inntektsaar
	key := uuid.NewString()
	sum := &Summary{Target: s.URL(), Started: started}
	check := func(name string, ok bool, format string, a ...any) {
		c := Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, a...)}
		sum.Checks = append(sum.Checks, c)
		mark := "ok  "
		if !ok {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", mark, c.Name, c.Detail)
	}

	first, err := a.Submit(ctx, year, key, contract.Eksempel())
	if err != nil {
		return nil, unreachable("%v", err)
	}
	sum.Status, sum.Korrelasjonsid = first.Status, first.Korrelasjonsid
	if first.Kvittering != nil {
		sum.DialogID, sum.ForsendelseID = first.Kvittering.DialogID, first.Kvittering.ForsendelseID
		check("submission accepted", first.Status == http.StatusOK,
			"HTTP %d, dialogId %s, forsendelseId %s, antallOppgaver %d",
			first.Status, first.Kvittering.DialogID, first.Kvittering.ForsendelseID, first.Kvittering.AntallOppgaver)
	} else {
		check("submission accepted", false, "HTTP %d: %s", first.Status, first.Body)
	}
	if doc, err := contract.DecodeJSON(first.Body); err == nil && first.Status == http.StatusOK {
		// mock.Config{} validates against the embedded contract.
		vs := contract.Default().ValidateKvittering(doc)
		check("receipt matches the contract", len(vs) == 0, "%d violation(s)", len(vs))
	}

	replay, err := a.Submit(ctx, year, key, contract.Eksempel())
	if err != nil {
		return nil, unreachable("%v", err)
	}
	sum.ReplayStatus = replay.Status
	sum.ReplayIdentical = replay.Status == first.Status && bytes.Equal(replay.Body, first.Body)
	check("replay with the same idempotencyKey is byte-identical", sum.ReplayIdentical,
		"HTTP %d, %d bytes, korrelasjonsid %s", replay.Status, len(replay.Body), replay.Korrelasjonsid)

	sum.Forsendelser = s.Count()
	check("processed once", sum.Forsendelser == 1, "%d forsendelse(r) stored", sum.Forsendelser)

	sum.DurationMS = time.Since(started).Milliseconds()
	sum.OK = sum.Failed() == 0
	return sum, nil
}
