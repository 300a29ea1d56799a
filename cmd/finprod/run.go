package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/spf13/cobra"
)

// runCheck is one verified expectation of a run.
type runCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// runSummary is written to OUT/run.json.
type runSummary struct {
	Target          string     `json:"target"`
	Started         time.Time  `json:"started"`
	DurationMS      int64      `json:"durationMs"`
	Status          int        `json:"status"`
	DialogID        string     `json:"dialogId,omitempty"`
	ForsendelseID   string     `json:"forsendelseId,omitempty"`
	Korrelasjonsid  string     `json:"korrelasjonsid,omitempty"`
	ReplayStatus    int        `json:"replayStatus"`
	ReplayIdentical bool       `json:"replayIdentical"`
	Forsendelser    int        `json:"forsendelser"`
	Checks          []runCheck `json:"checks"`
	OK              bool       `json:"ok"`
}

func newRunCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the whole acceptance suite against the embedded mock (make run)",
		Long: `Start the local mock in-process on a free loopback port and, as a quick smoke check, submit the
service page's example leveranse with a fresh idempotencyKey, submit it again with the same key, and
check that the first answer is a receipt, that the replay is byte-identical and that exactly one
forsendelse was stored (written as JSON to OUT/run.json). Then run every acceptance feature against
an in-process mock, as 'finprod test' does, with JUnit XML and Cucumber JSON under OUT.
Exit 0 when everything passed, 1 if not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return usageErr("cannot create output folder %s: %v", out, err)
			}
			sum, err := runExample(cmd, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			b, err := json.MarshalIndent(sum, "", "  ")
			if err != nil {
				return fmt.Errorf("run summary: %w", err)
			}
			path := filepath.Join(out, "run.json")
			if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
				return usageErr("cannot write %s: %v", path, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Summary written to %s\n", path)
			if !sum.OK {
				return failedErr("run failed: %d of %d checks failed", failed(sum.Checks), len(sum.Checks))
			}
			return runFullSuite(cmd, out)
		},
	}
	cmd.Flags().StringVar(&out, "out", "out", "folder for everything the run writes")
	return cmd
}

func failed(cs []runCheck) int {
	n := 0
	for _, c := range cs {
		if !c.OK {
			n++
		}
	}
	return n
}

func runExample(cmd *cobra.Command, w io.Writer) (*runSummary, error) {
	ctx := cmd.Context()
	started := time.Now()
	s, err := mock.Start(ctx, mock.Config{})
	if err != nil {
		return nil, unreachableErr("cannot start the embedded mock: %v", err)
	}
	defer s.Close()
	// The token comes through the local Maskinporten's JWT-bearer grant
	// with the default client, whose systembruker may report for any
	// oppgavegiver in the default set-up, the example's included.
	def, ok := s.DefaultClient()
	if !ok {
		return nil, unreachableErr("the embedded mock has no default Maskinporten client")
	}
	tokens, err := maskinporten.New(maskinporten.Config{
		Issuer: def.Issuer, TokenURL: def.TokenURL, ClientID: def.ClientID, KID: def.KID,
		PrivateKey: def.Key, Systembruker: def.SystembrukerOrg, Scopes: []string{contract.Scope},
	})
	if err != nil {
		return nil, unreachableErr("cannot set up the Maskinporten client: %v", err)
	}
	if _, err := tokens.Token(ctx); err != nil {
		return nil, unreachableErr("cannot get a token from the local Maskinporten: %v", err)
	}
	a := &api.Client{BaseURL: s.URL(), Tokens: tokens}
	fmt.Fprintf(w, "Target: embedded mock at %s\n", s.URL())

	var inn contract.Innsending
	if err := json.Unmarshal(contract.Eksempel(), &inn); err != nil {
		return nil, fmt.Errorf("documented example: %w", err)
	}
	year := inn.Leveranse.Inntektsaar
	key := uuid.NewString()
	sum := &runSummary{Target: s.URL(), Started: started}
	check := func(name string, ok bool, format string, a ...any) {
		c := runCheck{Name: name, OK: ok, Detail: fmt.Sprintf(format, a...)}
		sum.Checks = append(sum.Checks, c)
		mark := "ok  "
		if !ok {
			mark = "FAIL"
		}
		fmt.Fprintf(w, "  %s %s: %s\n", mark, c.Name, c.Detail)
	}

	first, err := a.Submit(ctx, year, key, contract.Eksempel())
	if err != nil {
		return nil, unreachableErr("%v", err)
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
		vs := contract.Default().ValidateKvittering(doc) // the contract of mock.Config{}
		check("receipt matches the contract", len(vs) == 0, "%d violation(s)", len(vs))
	}

	replay, err := a.Submit(ctx, year, key, contract.Eksempel())
	if err != nil {
		return nil, unreachableErr("%v", err)
	}
	sum.ReplayStatus = replay.Status
	sum.ReplayIdentical = replay.Status == first.Status && bytes.Equal(replay.Body, first.Body)
	check("replay with the same idempotencyKey is byte-identical", sum.ReplayIdentical,
		"HTTP %d, %d bytes, korrelasjonsid %s", replay.Status, len(replay.Body), replay.Korrelasjonsid)

	sum.Forsendelser = s.Count()
	check("processed once", sum.Forsendelser == 1, "%d forsendelse(r) stored", sum.Forsendelser)

	sum.DurationMS = time.Since(started).Milliseconds()
	sum.OK = failed(sum.Checks) == 0
	return sum, nil
}
