package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/reports"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

// EnvProfile names a profile file when --profile is not given.
const EnvProfile = "FINPROD_PROFILE"

// acceptanceOptions is one run of the acceptance suite; `finprod test` fills
// it from flags, and `finprod run` (make run) from its defaults.
type acceptanceOptions struct {
	Target      string // "local", "tt02" or a profile file
	Profile     string // profile YAML for a non-local target
	Tags        string
	Concurrency int
	// Format is the console formatter: pretty, progress, junit or cucumber.
	Format string
	// Out is the folder for junit.xml and cucumber.json.
	Out string
	// Getenv reads the environment (os.Getenv outside tests).
	Getenv func(string) string
}

// consoleFormats are the formatters finprod offers on the console.
func consoleFormats() []string { return []string{"pretty", "progress", "junit", "cucumber"} }

func newTestCmd() *cobra.Command {
	o := acceptanceOptions{Getenv: os.Getenv}
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the acceptance features against the local mock or TT02",
		Long: `Run the acceptance features (Norwegian Gherkin, embedded in finprod) against a target and
report a verdict per documented behaviour. Results are written as JUnit XML and Cucumber JSON
under --out; the console shows --format (pretty on a terminal, progress otherwise).

Targets:
  local   the mock, started in-process on loopback (every scenario)
  tt02    a test environment described by a profile (--profile or $FINPROD_PROFILE; only
          scenarios tagged @tt02: no fault injection, only synthetic data; every request body
          is checked to carry only synthetic identities before it is sent)
  FILE    the same, with the profile file given as the target (--target profiles/tt02.yaml)
Production hosts (skatteetaten.no, maskinporten.no, platform.altinn.no) are refused outright.

Tags select scenarios: "," is or, "&&" is and, "~" is not. Areas: @innsending @idempotens
@inntektsaar @headere @auth @payload @metode @bakenforliggende @dialogporten @feilformat
@storrelse; @antakelse with an assumption ID (e.g. @A-PATH) marks a scenario that tests an
assumption from contract/ASSUMPTIONS.md. An expression that is malformed, names a tag no
scenario has, or selects no scenario on the target is an error (exit 2) that lists the known
tags: a run of zero scenarios is never green.

Ctrl-C (or SIGTERM) stops the run: the scenarios that had not started are skipped, the
reports are written whole, and the exit code is 130. A second Ctrl-C ends it at once.

Examples:
  finprod test
  finprod test --tags @idempotens --format pretty
  finprod test --target profiles/mock.yaml                 # a TT02 dry run against finprod mock (profiles/README.md)
  finprod test --target tt02 --profile profiles/tt02.yaml --concurrency 2
  finprod test --tags "@antakelse" --target tt02 --profile profiles/tt02.yaml

Exit codes: 0 every scenario passed, 1 a scenario failed, 2 bad usage, tags or profile, 3
target or credentials unreachable, 130 interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("format") {
				o.Format = defaultConsoleFormat(cmd.OutOrStdout())
			}
			return runAcceptance(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Target, "target", "local", "local (in-process mock), tt02 (with --profile) or a profile file")
	f.StringVar(&o.Profile, "profile", "", "profile YAML for --target tt02 (default $"+EnvProfile+"); see profiles/tt02.example.yaml")
	f.StringVar(&o.Tags, "tags", "", `scenarios to run, e.g. "@idempotens,@auth" or "@tt02 && ~@storrelse"`)
	f.IntVar(&o.Concurrency, "concurrency", 4, "scenarios run at once")
	f.StringVar(&o.Format, "format", "pretty", "console output: "+strings.Join(consoleFormats(), "|"))
	f.StringVar(&o.Out, "out", "out", "folder for junit.xml and cucumber.json")
	return cmd
}

func defaultConsoleFormat(w io.Writer) string {
	if isTerminal(w) {
		return "pretty"
	}
	return "progress"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// runAcceptance runs the acceptance suite and maps the outcome to finprod's
// exit codes. It is what `finprod test` does, and what `finprod run`
// (make run) does with the default options.
func runAcceptance(ctx context.Context, o acceptanceOptions, stdout, stderr io.Writer) error {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if !slices.Contains(consoleFormats(), o.Format) {
		return usageErr("--format %q: use one of %s", o.Format, strings.Join(consoleFormats(), ", "))
	}
	if o.Concurrency < 1 {
		return usageErr("--concurrency must be at least 1, got %d", o.Concurrency)
	}
	if err := steps.CheckTags(o.Tags); err != nil {
		return tagsErr("--tags: %v", err)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return usageErr("output folder %s: %v", o.Out, err)
	}
	tg, runID, err := openTarget(ctx, targetChoice{Target: o.Target, Profile: o.Profile, Getenv: o.Getenv})
	if err != nil {
		return interruptedOr(ctx, err)
	}
	defer tg.Close()
	n, err := steps.Count(tg, o.Tags)
	if err := selectsScenarios(o.Tags, n, err, tg.Name, steps.EffectiveTags(tg, o.Tags)); err != nil {
		return err
	}
	if err := checkReachable(ctx, tg); err != nil {
		return err
	}

	// godog writes the Cucumber JSON as it goes; it is renamed into place
	// only when complete, so an interrupted or killed run never leaves a
	// half file where a CI system or the report looks.
	cucumber := filepath.Join(o.Out, reports.CucumberFile)
	partCucumber := filepath.Join(o.Out, "."+reports.CucumberFile+".part")
	so := steps.Options{
		Tags: o.Tags, Concurrency: o.Concurrency, Output: stdout, NoColors: !isTerminal(stdout), RunID: runID,
		Format: fmt.Sprintf("%s,cucumber:%s", o.Format, partCucumber),
	}
	fmt.Fprintln(stderr, steps.Describe(tg, so))
	start := time.Now()
	status := steps.Run(ctx, tg, so)
	took := time.Since(start)
	if status == steps.StatusBadOptions {
		_ = os.Remove(partCucumber)
	} else if err := os.Rename(partCucumber, cucumber); err != nil {
		return usageErr("cannot write %s: %v", cucumber, err)
	}
	// The JUnit is finprod's own (reports), made from the Cucumber JSON and
	// the run's manifest: classname, file and line, the failing step.
	junit, err := reports.FinishAcceptance(o.Out, reports.AcceptanceManifest{
		Target: tg.Name, APIURL: tg.APIURL, Tags: steps.EffectiveTags(tg, o.Tags), Concurrency: o.Concurrency,
		FeaturesDir: "features", Started: start.UTC(), DurationMS: float64(took.Microseconds()) / 1000,
		Status: acceptanceStatus(ctx, status),
	})
	if err != nil && status != steps.StatusBadOptions {
		return usageErr("%v", err)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "finprod test: interrupted after %s; the scenarios that had not started are skipped; results so far in %s and %s\n",
			took.Round(time.Millisecond), junit, cucumber)
		return interruptedErr("interrupted")
	}
	fmt.Fprintf(stderr, "finprod test: %s in %s; results in %s and %s\n",
		verdict(status), took.Round(time.Millisecond), junit, cucumber)
	switch status {
	case steps.StatusPassed:
		return nil
	case steps.StatusFailed:
		return failedErr("scenarios failed against %s (see %s)", tg.Name, junit)
	default:
		return usageErr("the suite could not run with these options (tags %q, output %s)", o.Tags, o.Out)
	}
}

// acceptanceStatus is the suite's outcome for acceptance.json.
func acceptanceStatus(ctx context.Context, status int) string {
	switch {
	case ctx.Err() != nil:
		return string(reports.VerdictInterrupted)
	case status == steps.StatusPassed:
		return string(reports.VerdictPassed)
	case status == steps.StatusFailed:
		return string(reports.VerdictFailed)
	}
	return string(reports.VerdictNotRun)
}

// selectsScenarios is the usage error, if any, of a --tags expression that
// selects n scenarios (count err) against target name, which runs the
// expression effective: one that is not an expression, or that selects no
// scenario, since a run of none would pass.
func selectsScenarios(tags string, n int, err error, name, effective string) error {
	switch {
	case err != nil:
		return tagsErr("--tags: %v", err)
	case n > 0:
		return nil
	}
	if unknown := steps.UnknownTags(tags); len(unknown) > 0 {
		return tagsErr("--tags %q: no scenario is tagged %s", tags, strings.Join(unknown, ", "))
	}
	return tagsErr("--tags %q selects no scenario against target %s (which runs %q): a run of none would pass without testing anything",
		tags, name, effective)
}

// tagsErr is a usage error about --tags that lists the tags there are.
func tagsErr(format string, a ...any) error {
	return usageErr(format+"; known tags: %s", append(a, strings.Join(steps.KnownTags(), " "))...)
}

// interruptedOr is err, or the interrupt that caused it.
func interruptedOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return interruptedErr("interrupted")
	}
	return err
}

func verdict(status int) string {
	switch status {
	case steps.StatusPassed:
		return "passed"
	case steps.StatusFailed:
		return "FAILED"
	}
	return "not run"
}

// checkReachable gets a token and asks the API for a path that does not
// exist: any HTTP answer shows the target is there; no answer, or no
// token, is exit code 3 before any scenario runs. An interrupt meanwhile
// (Ctrl-C while the token is fetched) is exit code 130, not an unreachable
// target.
func checkReachable(ctx context.Context, tg *target.Target) error {
	err := reachable(ctx, tg)
	if err != nil && ctx.Err() != nil {
		return interruptedErr("interrupted before the first request: nothing was sent")
	}
	return err
}

func reachable(ctx context.Context, tg *target.Target) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	id := tg.Identity(0)
	if _, err := tg.Credentials.Token(ctx, id.Systembruker, contract.Scope); err != nil {
		return unreachableErr("target %s: no token for systembruker %s: %w", tg.Name, id.Systembruker, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tg.APIURL+"/v1/", nil)
	if err != nil {
		return usageErr("target %s: API URL %q: %v", tg.Name, tg.APIURL, err)
	}
	resp, err := tg.HTTP.Do(req)
	if err != nil {
		return unreachableErr("target %s: the API at %s does not answer: %w", tg.Name, tg.APIURL, err)
	}
	_ = resp.Body.Close()
	return nil
}
