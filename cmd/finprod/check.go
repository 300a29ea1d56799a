package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/finprod/finprod/check"
	"github.com/finprod/finprod/contract"
)

type checkOpts struct {
	format      string
	inntektsaar int
	openYears   string
	maxBody     int64
	maxFindings int
}

// checkGCPercent is finprod check's GC target unless GOGC is set: its
// garbage is small per-oppgave trees, and fewer collections buy speed for
// a little memory (about 120 MB at the most on a 774 MB file).
const checkGCPercent = 400

// checkMemoryLimit is finprod check's soft memory limit unless GOMEMLIMIT
// is set.
const checkMemoryLimit = 160 << 20

// newCheckCmd is `finprod check`, and under another name `finprod contract
// validate`: one implementation.
func newCheckCmd(use, path, short string) *cobra.Command {
	var o checkOpts
	cmd := &cobra.Command{
		Use:   use + " FILE...",
		Short: short,
		Long: `Check leveranser offline as the service checks them, and say what it would answer:

  body size   over 10 MiB: 413 GLD_1022 (--max-body-size)
  JSON        not JSON: GLD_008
  year        the income year the leveranse is sent to must be open: GLD_1027 (--open-years);
              with --inntektsaar, the body's year must be that year: GLD_1052
  schema      every violation of the contract's JSON Schema: GLD_010 with its sti and given value
  rules       what the feedback reports (after the API has accepted): antallOppgaver, the nine
              sums of oppgaveoppsummering, the check digits of fødselsnummer and
              organisasjonsnummer (marked "feedback"); the same rules as the local mock's

FILE is one JSON document, NDJSON (one leveranse per line, as finprod generate writes them),
"-" for standard input, or a folder (its .json, .ndjson and .jsonl files). Each finding names
the document (counted from 1) and the line it starts on.

It streams: each oppgave is read, validated and counted on its own, so memory stays small
however large the leveranse or the file. Progress is shown on a terminal.

Exit codes: 0 no findings, 1 findings, 2 a file that cannot be read, is empty or is not JSON
(or bad usage), 130 interrupted.`,
		Example: strings.ReplaceAll(`  # a file finprod generate wrote (NDJSON of leveranser of at most 10 MiB)
  finprod generate --oppgaver 100000 --out out/lev.ndjson
  finprod check out/lev.ndjson

  # every file of a folder, as JUnit for CI
  finprod check --format junit leveranser/ > out/check-junit.xml

  # from standard input, JSON for a script, for the year you will send to
  cat lev.json | finprod check --format json --inntektsaar 2025 -`, "finprod check", path),
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("%s needs at least one FILE (or - for standard input); see %s --help", c.CommandPath(), c.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, o, args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", check.FormatText, "report format: "+strings.Join(check.Formats(), "|"))
	f.IntVar(&o.inntektsaar, "inntektsaar", 0, "the income year in the path you will send to (default: each leveranse's own)")
	f.StringVar(&o.openYears, "open-years", "", "income years the service takes, FROM-TO (default: this year and the three before, as the mock)")
	f.Int64Var(&o.maxBody, "max-body-size", contract.MaxBody, "largest body in bytes the service takes (0: no limit)")
	f.IntVar(&o.maxFindings, "max-findings", check.DefaultMaxFindings, "findings listed per document; the rest are counted")
	return cmd
}

func runCheck(cmd *cobra.Command, o checkOpts, args []string) error {
	opt := check.Options{Inntektsaar: o.inntektsaar, MaxBody: o.maxBody, MaxFindings: o.maxFindings}
	switch {
	case o.inntektsaar != 0 && (o.inntektsaar < 1000 || o.inntektsaar > 9999):
		return usageErr("--inntektsaar %d is not a four-digit year", o.inntektsaar)
	case o.maxBody < 0:
		return usageErr("--max-body-size %d: give 0 (no limit) or a number of bytes", o.maxBody)
	case o.maxBody == 0:
		opt.MaxBody = -1
	case o.maxFindings < 1:
		return usageErr("--max-findings must be at least 1, got %d", o.maxFindings)
	}
	if o.openYears != "" {
		r, err := contract.ParseYearRange(o.openYears)
		if err != nil {
			return usageErr("--open-years %q: want FROM-TO such as 2023-2026, both four-digit years", o.openYears)
		}
		opt.OpenYears = r
	}
	rep, err := check.NewReport(cmd.OutOrStdout(), o.format)
	if err != nil {
		return usageErr("--format %q: use one of %s", o.format, strings.Join(check.Formats(), ", "))
	}
	files, err := check.Inputs(args)
	if err != nil {
		return usageErr("%v", err)
	}
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(checkGCPercent))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// The GC target above lets the heap grow to five times what is
		// live; on a busy machine, where the collector gets little CPU,
		// that is more than the check needs. The soft limit has the
		// collector work harder instead, whatever the file's size.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(checkMemoryLimit))
	}

	ctx := cmd.Context()
	for _, name := range files {
		if err := checkFile(ctx, cmd, rep, name, opt); err != nil {
			if ctx.Err() != nil {
				return interruptedErr("interrupted while checking %s; nothing was written but this report", name)
			}
			return err
		}
	}
	if err := rep.Close(); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	t := rep.Totals()
	summary := "finprod check: " + rep.Summary()
	if o.format == check.FormatText {
		fmt.Fprintln(cmd.OutOrStdout(), summary)
	} else {
		fmt.Fprintln(cmd.ErrOrStderr(), summary)
	}
	switch {
	case t.InputErrors > 0:
		return usageErr("%d of %d file(s) could not be checked (see above)", t.InputErrors, t.Files)
	case t.WithFindings > 0:
		return failedErr("%d of %d document(s) have findings", t.WithFindings, t.Documents)
	}
	return nil
}

// checkFile checks one input into the report. An input problem (cannot be
// opened, empty, not JSON) goes into the report; only the report's own
// failure to write, or an interrupt, is returned.
func checkFile(ctx context.Context, cmd *cobra.Command, rep *check.Report, name string, opt check.Options) error {
	if name == check.Stdin {
		rep.BeginFile("stdin")
	} else {
		rep.BeginFile(name)
	}
	var in io.Reader
	var size int64 = -1
	if name == check.Stdin {
		in = cmd.InOrStdin()
	} else {
		f, err := os.Open(name)
		if err != nil {
			return rep.FileError(fmt.Errorf("cannot be read: %w", unwrapPathError(err)))
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			size = st.Size()
		}
		in = f
	}
	if bar := progressBar(cmd.ErrOrStderr(), size, "checking "+name, true); bar != nil {
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
		defer func() { _ = bar.Finish() }()
	}
	err := check.Read(ctx, in, opt, func(d check.Document) error {
		if err := rep.Document(d); err != nil {
			return &writeError{err}
		}
		return nil
	})
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, check.ErrEmpty), errors.Is(err, check.ErrNotJSON):
		return rep.FileError(err)
	}
	var we *writeError
	if errors.As(err, &we) {
		return err
	}
	return rep.FileError(fmt.Errorf("cannot be read: %w", err))
}

// writeError marks a failure to write the report, as opposed to reading input.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// progressBar shows progress on stderr when it is a terminal: of total
// units (bytes when bytes is set), or a spinner when total is unknown (-1).
func progressBar(stderr io.Writer, total int64, description string, bytes bool) *progressbar.ProgressBar {
	if !isTerminal(stderr) {
		return nil
	}
	f := stderr.(*os.File)
	opts := []progressbar.Option{progressbar.OptionSetWriter(f), progressbar.OptionSetDescription(description),
		progressbar.OptionThrottle(100 * time.Millisecond), progressbar.OptionClearOnFinish(), progressbar.OptionSetPredictTime(true)}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts())
	}
	return progressbar.NewOptions64(total, opts...)
}
