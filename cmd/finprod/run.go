package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/finprod/finprod/reports"
	"github.com/finprod/finprod/smoke"
	"github.com/finprod/finprod/steps"
)

func newRunCmd() *cobra.Command {
	var o runOptions
	cmd := &cobra.Command{
		Use:   "run",
		Short: "The main job (make run): the acceptance suite against the embedded mock, then the report",
		Long: `Run the whole product against the embedded mock (no credentials, no network), in parts:
  example     submit the service page's example leveranse, replay it with the same
              idempotencyKey: a receipt, a byte-identical replay, one forsendelse
  acceptance  every acceptance feature, as 'finprod test' does (cucumber.json,
              acceptance.json, junit.xml); --tags runs only the scenarios it selects
  load        a short load run with an SLO: finprod load --rate 50 --duration 3s
              --slo 'p99<500ms,success>=99%' (OUT/load/); --load-duration sets its length
  report      'finprod report': OUT/report.html, junit.xml, the run in the history
and end by printing the verdict and the report's path. OUT/run.json (format finprod.run/v1)
is written when the run ends, however it ends (failed, interrupted): its verdict and exit
code are the run's.

Examples:
  finprod run
  finprod run --out runs/today --history runs/history.db
  finprod run --tags "@auth,@idempotens"            # the main job over two areas only
  finprod run --load-duration 1m                     # a longer load part, for a nightly job
  make run

Exit codes: 0 every part passed, 1 a check or scenario failed, 2 bad usage or the report
could not be written, 3 the embedded mock could not be reached, 4 the load part's SLO gate
failed, 130 interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.noHistory && cmd.Flags().Changed("history") {
				return usageErr("--history and --no-history: choose one")
			}
			// A --tags or --load-duration mistake is told before any part runs.
			if o.loadDuration <= 0 {
				return usageErr("--load-duration must be positive, got %s", o.loadDuration)
			}
			n, err := steps.CountLocal(o.tags)
			if err := selectsScenarios(o.tags, n, err, "local", o.tags); err != nil {
				return err
			}
			return runMain(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "out", "folder for everything the run writes")
	f.StringVar(&o.history, "history", "", "SQLite history of runs (default OUT/history.db)")
	f.BoolVar(&o.noHistory, "no-history", false, "record nothing and show no trends")
	f.DurationVar(&o.loadDuration, "load-duration", defaultLoadDuration, "how long the load part sends, at 50 leveranser a second")
	f.StringVar(&o.tags, "tags", "", `acceptance scenarios to run (default all), as finprod test --tags, e.g. "@auth,@idempotens"`)
	return cmd
}

type runOptions struct {
	out, history string
	noHistory    bool
	// tags selects the acceptance scenarios (all when empty).
	tags string
	// loadDuration is how long the load part sends.
	loadDuration time.Duration
}

// mainRun is one `finprod run`: its parts, and the run.json that tells
// what they did.
type mainRun struct {
	o   runOptions
	sum reports.RunSummary
	// err is the first error that decides the exit code.
	err error
}

func (m *mainRun) part(p reports.RunPart) { m.sum.Parts = append(m.sum.Parts, p) }

func (m *mainRun) fail(err error) {
	if m.err == nil {
		m.err = err
	}
}

func runMain(ctx context.Context, o runOptions, stdout, stderr io.Writer) error {
	if o.loadDuration == 0 {
		o.loadDuration = defaultLoadDuration
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return usageErr("cannot create output folder %s: %v", o.out, err)
	}
	path := filepath.Join(o.out, reports.RunFile)
	// A run.json left by an earlier run must not speak for this one while
	// it runs, nor afterwards if this one cannot write its own.
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return usageErr("cannot replace %s: %v", path, err)
	}
	started := time.Now()
	m := &mainRun{o: o, sum: reports.RunSummary{Format: reports.RunFormat, Started: started.UTC()}}

	m.example(ctx, stdout)
	if !isUnreachable(m.err) && ctx.Err() == nil {
		m.acceptance(ctx, stdout, stderr)
	}
	if !isUnreachable(m.err) && ctx.Err() == nil {
		m.load(ctx, stdout, stderr)
	}

	// The parts are done (or the run was stopped): settle the verdict
	// first, so the report shows it, then make the report.
	m.settle(ctx, started)
	if err := reports.WriteJSON(path, m.sum); err != nil {
		return usageErr("cannot write %s: %v", path, err)
	}
	built := m.report(context.WithoutCancel(ctx))
	m.settle(ctx, started)
	if err := reports.WriteJSON(path, m.sum); err != nil {
		return usageErr("cannot write %s: %v", path, err)
	}

	fmt.Fprintln(stdout)
	headline := m.sum.Error
	if built != nil {
		headline = built.Headline
	}
	fmt.Fprintf(stdout, "%s: %s\n", verdictWord(m.sum.Verdict), headline)
	if built != nil {
		fmt.Fprintf(stdout, "Report: %s (opens offline in any browser)\n", built.Report)
	}
	fmt.Fprintf(stdout, "Run:    %s\n", path)
	return m.err
}

func isUnreachable(err error) bool {
	var ee *exitError
	return errors.As(err, &ee) && ee.code == exitUnreachable
}

// example is the smoke check of the service page's example.
func (m *mainRun) example(ctx context.Context, w io.Writer) {
	p := reports.RunPart{Name: "example"}
	sum, err := smoke.Run(ctx, w)
	var ue *smoke.UnreachableError
	switch {
	case ctx.Err() != nil:
		p.Verdict, p.Detail = reports.VerdictInterrupted, "interrupted"
	case errors.As(err, &ue):
		p.Verdict, p.Detail = reports.VerdictFailed, ue.Error()
		m.fail(unreachableErr("%v", ue))
	case err != nil:
		p.Verdict, p.Detail = reports.VerdictFailed, err.Error()
		m.fail(failedErr("the example: %v", err))
	default:
		p.Verdict = reports.VerdictPassed
		for _, c := range sum.Checks {
			p.Checks = append(p.Checks, reports.RunCheck{Name: c.Name, OK: c.OK, Detail: c.Detail})
		}
		p.Detail = fmt.Sprintf("%d of %d checks passed: the example is received, its replay is byte-identical, it is stored once", len(sum.Checks)-sum.Failed(), len(sum.Checks))
		if !sum.OK {
			p.Verdict = reports.VerdictFailed
			var failed []string
			for _, c := range sum.Checks {
				if !c.OK {
					failed = append(failed, c.Name+" ("+c.Detail+")")
				}
			}
			p.Detail = fmt.Sprintf("%d of %d checks failed: %s", sum.Failed(), len(sum.Checks), strings.Join(failed, "; "))
			m.fail(failedErr("the example: %s", p.Detail))
		}
	}
	m.part(p)
}

// acceptance is every feature against the embedded mock.
func (m *mainRun) acceptance(ctx context.Context, stdout, stderr io.Writer) {
	p := reports.RunPart{Name: "acceptance", Files: []string{reports.CucumberFile, reports.AcceptanceFile, reports.JUnitFile}}
	err := runAcceptance(ctx, acceptanceOptions{
		Target: "local", Tags: m.o.tags, Concurrency: 4, Format: defaultConsoleFormat(stdout), Out: m.o.out,
	}, stdout, stderr)
	var ee *exitError
	switch {
	case ctx.Err() != nil:
		p.Verdict, p.Detail = reports.VerdictInterrupted, "interrupted"
	case err == nil && m.o.tags != "":
		p.Verdict, p.Detail = reports.VerdictPassed, fmt.Sprintf("every scenario --tags %q selects passed", m.o.tags)
	case err == nil:
		p.Verdict, p.Detail = reports.VerdictPassed, "every scenario passed"
	case errors.As(err, &ee) && ee.code == exitFailed:
		p.Verdict, p.Detail = reports.VerdictFailed, err.Error()
		m.fail(err)
	default:
		p.Verdict, p.Detail = reports.VerdictNotRun, err.Error()
		m.fail(err)
	}
	m.part(p)
}

// defaultLoadDuration is the load part's length unless --load-duration says.
const defaultLoadDuration = 3 * time.Second

// loadArgs is make run's short load run: a constant rate for d against a
// fresh embedded mock, gated by an SLO; it writes OUT/load/.
func loadArgs(d time.Duration) []string {
	return []string{"load", "--rate", "50", "--duration", d.String(), "--slo", "p99<500ms,success>=99%"}
}

// load runs `finprod load` as its command line would, so the main job does
// what a user's load run does.
func (m *mainRun) load(ctx context.Context, stdout, stderr io.Writer) {
	root := newRootCmd()
	args := append(loadArgs(m.o.loadDuration), "--out", m.o.out)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	p := reports.RunPart{Name: "load", Detail: "finprod " + strings.Join(args, " "),
		Files: []string{reports.LoadSummary}}
	err := root.ExecuteContext(ctx)
	switch {
	case ctx.Err() != nil:
		p.Verdict = reports.VerdictInterrupted
	case err == nil:
		p.Verdict = reports.VerdictPassed
	default:
		fmt.Fprintln(stderr, "finprod:", err)
		p.Verdict, p.Detail = reports.VerdictFailed, p.Detail+": "+err.Error()
		m.fail(err)
	}
	m.part(p)
}

// report builds the report; a report that cannot be written fails the run.
func (m *mainRun) report(ctx context.Context) *reports.Built {
	h := m.o.history
	switch {
	case m.o.noHistory:
		h = ""
	case h == "":
		h = filepath.Join(m.o.out, reports.HistoryFile)
	}
	b, err := reports.Build(ctx, m.o.out, reports.BuildOptions{History: h})
	if err != nil {
		m.part(reports.RunPart{Name: reports.PartReport, Verdict: reports.VerdictFailed, Detail: err.Error()})
		m.fail(usageErr("the report: %v", err))
		return nil
	}
	m.sum.Report = reports.ReportFile
	m.part(reports.RunPart{Name: reports.PartReport, Verdict: reports.VerdictPassed, Detail: "written",
		Files: []string{reports.ReportFile, reports.JUnitFile}})
	return b
}

// settle sets the verdict, the exit code and the times from the parts.
func (m *mainRun) settle(ctx context.Context, started time.Time) {
	var vs []reports.Verdict
	for _, p := range m.sum.Parts {
		vs = append(vs, p.Verdict)
	}
	v := reports.Worst(vs...)
	if ctx.Err() != nil {
		v = reports.VerdictInterrupted
		m.err = &exitError{code: exitInterrupted, err: errors.New("interrupted")}
	}
	if v == reports.VerdictNotRun && m.err == nil {
		m.fail(failedErr("nothing ran"))
	}
	m.sum.Verdict = v
	m.sum.OK = v == reports.VerdictPassed && m.err == nil
	m.sum.ExitCode = exitCodeOf(m.err)
	m.sum.Error = ""
	if m.err != nil {
		m.sum.Error = m.err.Error()
	}
	m.sum.Finished = time.Now().UTC()
	m.sum.DurationMS = float64(time.Since(started).Microseconds()) / 1000
}
