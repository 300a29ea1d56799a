package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/finprod/finprod/check"
	"github.com/finprod/finprod/client/retry"
	"github.com/finprod/finprod/submit"
)

type submitOpts struct {
	target, profile string
	out             string
	resume, fresh   bool
	inntektsaar     int
	concurrency     int
	retries         int
	attemptTimeout  time.Duration
	waitFeedback    bool
	feedbackTimeout time.Duration
}

func newSubmitCmd() *cobra.Command {
	var o submitOpts
	cmd := &cobra.Command{
		Use:   "submit FILE...",
		Short: "Deliver your own leveranser to the mock or TT02, never twice, and follow them to their feedback",
		Long: `Send leveranser (one JSON document, NDJSON, "-" for standard input, or a folder of .json,
.ndjson and .jsonl files) to a target, each to its own inntektsaar (or --inntektsaar), each
with an idempotency key of its own.

Never twice: the key is written to the receipts (OUT/submit/receipts.ndjson) before the
request leaves, and it is the leveranse's for good. A timeout, a dropped connection, 429 or
5xx is retried with the same key and body (--retries, with backoff and Retry-After), so the
API answers a repeat with its first answer. An interrupted delivery goes on with --resume:
what the receipts show accepted is skipped, the rest is sent again with the keys they
recorded. Without --resume or --fresh, earlier receipts in OUT are an error, so a second run
never delivers everything again by accident. Each receipt line is synced to disk when it is
written; a crash never costs an earlier one.

--wait-feedback follows each accepted forsendelse into Dialogporten (the clients finprod
fetch uses), saves the feedback document under OUT/submit/feedback/, and reports it:
godkjent, or avvist with the fields it names.

Targets:
  local    the mock, in-process for this run only (a dry run: what would the service say?)
  tt02     a test environment described by --profile or $FINPROD_PROFILE
  FILE     a profile file, e.g. profiles/mock.yaml for a running 'finprod mock'
Only synthetic identities are ever sent to a profile target; a leveranse with others is
refused before it leaves (exit 2). Production hosts (skatteetaten.no, maskinporten.no,
platform.altinn.no), in a profile or the environment, are refused outright.

Exit codes: 0 every leveranse accepted (and godkjent, with --wait-feedback), 1 some were
rejected, failed or avvist, 2 bad usage, input that cannot be read, is empty, is not JSON
or has no inntektsaar, earlier receipts, or identities that are not synthetic (what could be
sent is sent, the others are not), 3 target or credentials unreachable, 130 interrupted.`,
		Example: `  # against a running finprod mock, as a TT02 run would go (profiles/README.md)
  finprod mock &
  finprod generate --oppgaver 100 --seed 7 --out out/lev.json
  finprod submit --target profiles/mock.yaml --wait-feedback out/lev.json

  # go on with a delivery that was interrupted; nothing accepted is sent again
  finprod submit --target profiles/mock.yaml --resume leveranser/

  # a dry run against the embedded mock: what would the service and its feedback say?
  finprod submit --wait-feedback leveranser/

  # TT02, with your own Maskinporten client
  finprod submit --target tt02 --profile profiles/tt02.yaml --wait-feedback leveranser/`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("submit needs at least one FILE (or - for standard input); see %s --help", c.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runSubmit(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.target, "target", "local", "local (an in-process mock), tt02 (with --profile) or a profile file")
	f.StringVar(&o.profile, "profile", "", "profile YAML for --target tt02 (default $"+EnvProfile+")")
	f.StringVar(&o.out, "out", "out", "output folder; receipts go to OUT/submit/receipts.ndjson")
	f.BoolVar(&o.resume, "resume", false, "go on with the delivery the receipts in OUT record: skip what was accepted, send the rest with the same keys")
	f.BoolVar(&o.fresh, "fresh", false, "start a new delivery: keep earlier receipts as receipts-<time>.ndjson and send everything with new keys")
	f.IntVar(&o.inntektsaar, "inntektsaar", 0, "send every leveranse to this income year (default: each leveranse's own)")
	f.IntVar(&o.concurrency, "concurrency", 4, "leveranser in flight at once")
	f.IntVar(&o.retries, "retries", 5, "retries of one request after a timeout, a dropped connection, 429 or 5xx (same key, same body)")
	f.DurationVar(&o.attemptTimeout, "attempt-timeout", time.Minute, "longest wait for one attempt's answer")
	f.BoolVar(&o.waitFeedback, "wait-feedback", false, "follow each accepted forsendelse into Dialogporten and report its feedback")
	f.DurationVar(&o.feedbackTimeout, "feedback-timeout", 0, "longest wait for one feedback (default: the target's, 10s local, 5m TT02)")
	return cmd
}

func runSubmit(cmd *cobra.Command, o submitOpts, args []string) error {
	switch {
	case o.resume && o.fresh:
		return usageErr("--resume and --fresh exclude each other: go on with the earlier delivery, or start a new one")
	case o.inntektsaar != 0 && (o.inntektsaar < 1000 || o.inntektsaar > 9999):
		return usageErr("--inntektsaar %d is not a four-digit year", o.inntektsaar)
	case o.concurrency < 1:
		return usageErr("--concurrency must be at least 1, got %d", o.concurrency)
	case o.retries < 0:
		return usageErr("--retries must be 0 or more, got %d", o.retries)
	case o.attemptTimeout <= 0:
		return usageErr("--attempt-timeout must be positive, got %s", o.attemptTimeout)
	case o.feedbackTimeout < 0:
		return usageErr("--feedback-timeout must not be negative, got %s", o.feedbackTimeout)
	}
	files, err := check.Inputs(args)
	if err != nil {
		return usageErr("%v", err)
	}
	dir := filepath.Join(o.out, "submit")
	if err := submit.CheckEarlier(dir, o.resume, o.fresh); err != nil {
		return usageErr("%v: give --resume to go on with it (nothing accepted is sent again), or --fresh to start a new delivery", err)
	}
	// The receipts' folder is made before a target is opened (a mock
	// started, a token asked for), so an --out that cannot hold it is
	// named first.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return usageErr("output folder %s: %v (--out)", o.out, err)
	}
	ctx := cmd.Context()
	tg, _, err := openTarget(ctx, targetChoice{Target: o.target, Profile: o.profile})
	if err != nil {
		return err
	}
	defer tg.Close()
	if err := checkReachable(ctx, tg); err != nil {
		return err
	}
	stderr, stdout := cmd.ErrOrStderr(), cmd.OutOrStdout()
	if tg.Name == "local" {
		fmt.Fprintln(stderr, "finprod submit: target local is a mock in this process; it stops when submit ends (for a running finprod mock: --target profiles/mock.yaml)")
	}
	sum, err := submit.Deliver(ctx, tg, submit.Options{
		Inputs: files, Stdin: cmd.InOrStdin(), Dir: dir,
		Resume: o.resume, Fresh: o.fresh, Inntektsaar: o.inntektsaar, Concurrency: o.concurrency,
		Retry:        retry.Policy{MaxRetries: o.retries, AttemptTimeout: o.attemptTimeout},
		WaitFeedback: o.waitFeedback, FeedbackTimeout: o.feedbackTimeout,
		Report: func(r submit.Receipt, skipped string) { printReceipt(stdout, r, skipped) },
	})
	if sum.Moved != "" {
		fmt.Fprintf(stderr, "finprod submit: the earlier receipts are kept in %s\n", sum.Moved)
	}
	if sum.Torn > 0 {
		fmt.Fprintf(stderr, "finprod submit: %d receipt line(s) could not be read (cut short by a crash?) and were skipped\n", sum.Torn)
	}
	switch {
	case errors.Is(err, submit.ErrEarlierDelivery):
		return usageErr("%v: give --resume to go on with it (nothing accepted is sent again), or --fresh to start a new delivery", err)
	case err != nil && ctx.Err() != nil:
		fmt.Fprintln(stderr, "finprod submit: "+submitSummary(sum))
		return interruptedErr("interrupted; the receipts in %s are complete up to here: go on with --resume", sum.Receipts)
	case err != nil:
		return usageErr("%v", err)
	}
	fmt.Fprintln(stderr, "finprod submit: "+submitSummary(sum))
	switch {
	case sum.Refused > 0:
		return usageErr("%s; fix the input and send it again with --resume", refusedSummary(sum))
	case !sum.OK():
		return failedErr("not every leveranse got through (see %s)", sum.Receipts)
	}
	return nil
}

func submitSummary(s submit.Summary) string {
	parts := []string{fmt.Sprintf("%d leveranse(r)", s.Leveranser), fmt.Sprintf("%d accepted", s.Accepted)}
	for _, c := range []struct {
		n    int
		what string
	}{
		{s.Skipped, "skipped (accepted before)"}, {s.Duplicates, "skipped (the same bytes twice)"},
		{s.Rejected, "rejected"}, {s.Failed, "failed"}, {s.Refused, "not sent"},
		{s.Godkjent, "feedback godkjent"}, {s.Avvist, "feedback avvist"}, {s.NoFeedback, "without feedback"},
	} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	if s.Retries > 0 {
		parts = append(parts, fmt.Sprintf("%d retries", s.Retries))
	}
	return strings.Join(parts, ", ") + "; receipts in " + s.Receipts
}

// refusedSummary says why leveranser were not sent: the input's fault
// (exit 2), whatever the others' fate.
func refusedSummary(s submit.Summary) string {
	var why []string
	if n := s.Refused - s.NotSynthetic; n > 0 {
		why = append(why, fmt.Sprintf("%d not JSON, or without an inntektsaar or oppgavegiver to send to (finprod check names what is wrong)", n))
	}
	if s.NotSynthetic > 0 {
		why = append(why, fmt.Sprintf("%d with identities that are not synthetic (only Tenor-synthetic data may go to a test environment)", s.NotSynthetic))
	}
	return fmt.Sprintf("%d leveranse(r) were not sent: %s", s.Refused, strings.Join(why, "; "))
}

// printReceipt is one line per outcome: the "sending" receipts are for the
// file, not the console.
func printReceipt(w io.Writer, r submit.Receipt, skipped string) {
	where := fmt.Sprintf("%s #%d (line %d)", r.File, r.Document, r.Line)
	if skipped != "" {
		fmt.Fprintf(w, "skipped   %s: %s (forsendelse %s)\n", where, skipped, orNone(r.ForsendelseID))
		return
	}
	switch r.Status {
	case submit.StatusSending:
		return
	case submit.StatusAccepted:
		fmt.Fprintf(w, "accepted  %s: forsendelse %s, dialog %s\n", where, r.ForsendelseID, r.DialogID)
	case submit.StatusFeedback:
		line := fmt.Sprintf("feedback  %s: %s", where, r.Feedback)
		for i, f := range r.Funn {
			if i == 5 {
				line += fmt.Sprintf("; and %d more (%s)", len(r.Funn)-5, r.FeedbackFile)
				break
			}
			line += fmt.Sprintf("; %s at %s (given %q)", f.Kode, f.Sti, f.AngittVerdi)
		}
		if r.Melding != "" {
			line += ": " + r.Melding
		}
		fmt.Fprintln(w, line)
	default:
		fmt.Fprintf(w, "%-9s %s: %s\n", r.Status, where, r.Melding)
	}
}
