package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/rules"
	"github.com/spf13/cobra"
)

// mockGCPercent is the GC target of `finprod mock` unless GOGC is set.
const mockGCPercent = 400

// defaultMockListen is the CLI's port; tests and `finprod run` use a free one.
const defaultMockListen = "127.0.0.1:8080"

type mockFlags struct {
	listen, configFile, openapi  string
	latency                      time.Duration
	latencyRange                 string
	failShare, dropShare         float64
	resetShare, emptyShare       float64
	malformedShare, trickleShare float64
	trickle                      time.Duration
	seed                         uint64
	openYears, businessRules     string
	systembruker                 string
	discardDocuments, quiet      bool
	stateDir, store              string
	feedbackDelay                time.Duration
}

func newMockCmd() *cobra.Command {
	var f mockFlags
	cmd := &cobra.Command{
		Use:   "mock",
		Short: "Serve the local reporting API, Maskinporten and Dialogporten on loopback",
		Long: `Serve finprod's local stand-in for the reporting API on a loopback address, until Ctrl-C.

It answers POST /v1/{inntektsaar} and the document endpoint as documented (tokens, headers,
schema, GLD error codes, idempotency), and offers admin endpoints under /admin/ to list and
count forsendelser, reset, change faults and access rules, and mint test tokens.

On the same listener: a local Maskinporten under /maskinporten/ (discovery, JWKS, and a
token endpoint that verifies JWT-bearer grants like the real one) and a local Dialogporten
GraphQL endpoint at /dialogporten/graphql, where each accepted submission shows up as a
SUBMISSION transmission and, after --feedback-delay, Skatteetaten's feedback. Without
configured clients a default Maskinporten client is created and its key written under
--state-dir. With --store the state (forsendelser, dialogs, documents, idempotency records and
their answers) is kept in a SQLite file: a mock started again on the file, even after kill -9,
has lost nothing it answered, and replays give the same answers byte for byte. Flags override
the config file. See docs/mock.md.`,
		Example: `  finprod mock
  finprod mock --listen 127.0.0.1:9000 --latency-range 5ms-50ms --fail-share 0.05
  finprod mock --store out/mock/store.db           # state survives a restart, even kill -9
  finprod mock --reset-share 0.05 --empty-share 0.05 --malformed-chunk-share 0.05 --trickle-share 0.05 --trickle 3s
  finprod mock --config mock.yaml --openapi swaggerhub-export.yaml --business-rules sync`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config(cmd)
			if err != nil {
				return err
			}
			if !f.quiet {
				cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			}
			// The mock's garbage is short-lived per-request trees; fewer
			// collections buy throughput for a little memory.
			raiseGCTarget(mockGCPercent)
			s, err := mock.Start(cmd.Context(), cfg)
			if err != nil {
				return usageErr("%v", err)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "finprod mock serving on %s (validating against %s)\n", s.URL(), s.ContractSource())
			w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			for _, e := range s.Endpoints() {
				fmt.Fprintf(w, "  %s\t%s\n", e.Name, e.URL)
			}
			_ = w.Flush()
			if file := s.StoreFile(); file != "" {
				n, noun := s.Count(), "forsendelser"
				if n == 1 {
					noun = "forsendelse"
				}
				fmt.Fprintf(out, "State kept in %s (%d %s read back from it).\n", file, n, noun)
			}
			if d, ok := s.DefaultClient(); ok && d.ConfigFile != "" {
				fmt.Fprintf(out, "Default Maskinporten client %s (systembruker %s, %s):\n", d.ClientID, d.SystembrukerOrg, reportsFor(s.Access(), d.SystembrukerOrg))
				fmt.Fprintf(out, "  client file  %s\n  private key  %s\n", d.ConfigFile, d.KeyFile)
				fmt.Fprintf(out, "  try          finprod token --config %s\n", d.ConfigFile)
			}
			fmt.Fprintln(out, "Stop with Ctrl-C.")
			err = s.Wait()
			fmt.Fprintln(out, "finprod mock stopped.")
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", defaultMockListen, "loopback host:port to serve on (port 0 picks a free one)")
	fl.StringVar(&f.configFile, "config", "", "YAML config file (see docs/mock.md)")
	fl.StringVar(&f.openapi, "openapi", "", "validate against this OpenAPI 3.x document instead of the embedded one")
	fl.DurationVar(&f.latency, "latency", 0, "fixed latency added to every API request, e.g. 20ms")
	fl.StringVar(&f.latencyRange, "latency-range", "", "further random latency MIN-MAX, e.g. 5ms-50ms")
	fl.Float64Var(&f.failShare, "fail-share", 0, "share (0..1) of API requests answered 500 GLD_023/GLD_1053")
	fl.Float64Var(&f.dropShare, "drop-share", 0, "share (0..1) of submissions processed and then dropped without an answer")
	fl.Float64Var(&f.resetShare, "reset-share", 0, "share (0..1) of API requests processed and then answered with a TCP reset (connection reset by peer)")
	fl.Float64Var(&f.emptyShare, "empty-share", 0, "share (0..1) of API requests answered with an empty response: read, not processed, connection closed")
	fl.Float64Var(&f.malformedShare, "malformed-chunk-share", 0, "share (0..1) of API requests processed and answered with a malformed chunk after the headers")
	fl.Float64Var(&f.trickleShare, "trickle-share", 0, "share (0..1) of API requests processed and answered with a body that trickles over --trickle")
	fl.DurationVar(&f.trickle, "trickle", 0, "how long a trickled body takes, first byte to last (default 2s)")
	fl.Uint64Var(&f.seed, "seed", 0, "seed for the fault shares (0: from the clock)")
	fl.StringVar(&f.openYears, "open-years", "", "income years that may be reported, FROM-TO (default: this year and the three before)")
	fl.StringVar(&f.businessRules, "business-rules", "", "async (default: sums and check digits in the feedback) or sync (400 GLD_010 at once)")
	fl.StringVar(&f.systembruker, "systembruker", "", "required (default: a token without a systembruker gets 403 GLD_005) or optional (the token's consumer reports for itself)")
	fl.BoolVar(&f.discardDocuments, "discard-documents", false, "keep no document bodies (long load runs)")
	fl.BoolVar(&f.quiet, "quiet", false, "no request log")
	fl.StringVar(&f.stateDir, "state-dir", "out/mock", "folder for the default Maskinporten client's key and client YAML")
	fl.StringVar(&f.store, "store", "", "keep the mock's state in this SQLite file, across restarts and kills (default: in memory)")
	fl.DurationVar(&f.feedbackDelay, "feedback-delay", mock.DefaultFeedbackDelay, "time until Dialogporten shows the feedback of a submission (0: at once)")
	return cmd
}

// config merges the config file and the flags the user set.
func (f *mockFlags) config(cmd *cobra.Command) (mock.Config, error) {
	var cfg mock.Config
	if f.configFile != "" {
		c, err := mock.LoadConfig(f.configFile)
		if err != nil {
			return cfg, usageErr("%v", err)
		}
		cfg = c
	}
	set := cmd.Flags().Changed
	// A value the user typed as a flag is judged here, so the message
	// names the flag; mock.Start says the rest (in the config's words).
	if err := f.checkFlags(set); err != nil {
		return cfg, err
	}
	if set("listen") || cfg.Listen == "" {
		cfg.Listen = f.listen
	}
	if set("openapi") {
		ct, err := mock.LoadOpenAPI(f.openapi)
		if err != nil {
			return cfg, usageErr("--openapi %s: %v", f.openapi, strings.TrimPrefix(err.Error(), "openapi: "))
		}
		cfg.OpenAPI, cfg.Contract = f.openapi, ct
	}
	faults := &cfg.API.Faults
	if set("latency") {
		faults.Latency = mock.Duration(f.latency)
	}
	if set("latency-range") {
		lo, hi, err := parseRange(f.latencyRange)
		if err != nil {
			return cfg, usageErr("--latency-range: %v", err)
		}
		faults.LatencyMin, faults.LatencyMax = mock.Duration(lo), mock.Duration(hi)
	}
	if set("fail-share") {
		faults.FailShare = f.failShare
	}
	if set("drop-share") {
		faults.DropShare = f.dropShare
	}
	for _, sf := range []struct {
		flag string
		dst  *float64
		v    float64
	}{{"reset-share", &faults.ResetShare, f.resetShare}, {"empty-share", &faults.EmptyShare, f.emptyShare},
		{"malformed-chunk-share", &faults.MalformedChunkShare, f.malformedShare}, {"trickle-share", &faults.TrickleShare, f.trickleShare}} {
		if set(sf.flag) {
			*sf.dst = sf.v
		}
	}
	if set("trickle") {
		faults.Trickle = mock.Duration(f.trickle)
	}
	if set("seed") {
		faults.Seed = f.seed
	}
	if set("open-years") {
		r, err := mock.ParseYearRange(f.openYears)
		if err != nil {
			return cfg, usageErr("--open-years: %v", err)
		}
		cfg.API.OpenYears = r
	}
	if set("business-rules") {
		cfg.API.BusinessRules = f.businessRules
	}
	if set("systembruker") {
		cfg.API.Systembruker = f.systembruker
	}
	if set("store") {
		cfg.Store = f.store
	}
	if set("state-dir") || cfg.StateDir == "" {
		cfg.StateDir = f.stateDir
	}
	if set("feedback-delay") || f.configFile == "" {
		cfg.Dialogporten.FeedbackDelay = f.feedbackDelay
	}
	if set("discard-documents") {
		cfg.API.DiscardDocuments = f.discardDocuments
	}
	// mock.Start checks the whole config (loopback, OpenAPI, faults, years)
	// and says what is wrong; its error is a usage error.
	return cfg, nil
}

// checkFlags judges the values of the flags that were set.
func (f *mockFlags) checkFlags(set func(string) bool) error {
	share := func(name string, v float64) error {
		if set(name) && (v < 0 || v > 1 || v != v) {
			return usageErr("--%s %v is outside 0..1 (a share of requests, e.g. 0.05)", name, v)
		}
		return nil
	}
	if err := share("fail-share", f.failShare); err != nil {
		return err
	}
	if err := share("drop-share", f.dropShare); err != nil {
		return err
	}
	if set("listen") {
		if err := mock.CheckLoopback(f.listen); err != nil {
			return usageErr("--listen: %v", err)
		}
	}
	if set("latency") && f.latency < 0 {
		return usageErr("--latency %s must not be negative", f.latency)
	}
	if set("feedback-delay") && f.feedbackDelay < 0 {
		return usageErr("--feedback-delay %s must not be negative", f.feedbackDelay)
	}
	if set("business-rules") && rules.CheckMode(f.businessRules) != nil {
		return usageErr("--business-rules %q: use %s or %s", f.businessRules, rules.Async, rules.Sync)
	}
	return nil
}

// reportsFor says for whom a systembruker may report under the access rules.
func reportsFor(a mock.AccessConfig, systembruker string) string {
	var orgs []string
	for _, r := range a.Relationships {
		if r.Systembruker != systembruker {
			continue
		}
		for _, o := range r.Oppgavegivere {
			if o == mock.Any {
				return "may report for any oppgavegiver"
			}
			if o != systembruker && !slices.Contains(orgs, o) {
				orgs = append(orgs, o)
			}
		}
	}
	if len(orgs) == 0 {
		return "may report for itself only"
	}
	return "may report for itself and " + strings.Join(orgs, ", ")
}

func parseRange(s string) (time.Duration, time.Duration, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, errors.New("want MIN-MAX such as 5ms-50ms")
	}
	lo, err := time.ParseDuration(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, fmt.Errorf("want MIN-MAX such as 5ms-50ms: %w", err)
	}
	hi, err := time.ParseDuration(strings.TrimSpace(b))
	if err != nil {
		return 0, 0, fmt.Errorf("want MIN-MAX such as 5ms-50ms: %w", err)
	}
	if lo < 0 || hi < lo {
		return 0, 0, fmt.Errorf("%s: want 0 ≤ MIN ≤ MAX", s)
	}
	return lo, hi, nil
}

// raiseGCTarget sets the Go GC target for a long-running, allocation-heavy
// command (the mock, a load run), unless the user set GOGC, which wins.
func raiseGCTarget(percent int) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
}
