package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/finprod/finprod/reports"
)

func newReportCmd() *cobra.Command {
	var (
		out, history string
		noHistory    bool
		trend        int
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Make the HTML report and JUnit XML of a run folder; compare two runs (drift)",
		Long: `Read what a run wrote into its folder (--out, default out/: cucumber.json and acceptance.json
from finprod test, load/summary.json from finprod load, run.json from finprod run) and write
  OUT/report.html   one self-contained page: the verdict, what failed with the HTTP exchange
                    (secrets redacted), trends, features, GLD coverage, assumptions; it opens
                    offline and loads nothing
  OUT/junit.xml     JUnit XML for CI (GitLab, Jenkins, GitHub): one testcase per scenario,
                    classname = feature, failures with the failing step and assertion
and record the run in the history (SQLite, --history, default OUT/history.db), from which
the report draws its trends. A report can be rebuilt from an old run's folder at any time;
the same run is recorded once.

Examples:
  finprod test --out out && finprod report --out out
  finprod report --out runs/2026-11-30 --history runs/history.db
  finprod report --no-history
  finprod report drift out-local out-tt02

Exit codes: 0 the report was written (whatever the run's verdict: see the printed verdict,
or the exit code of the command that ran), 2 the folder holds no results or results in
which nothing ran (the report is still written, and says NOT RUN), a file is not what it
should be, or the history cannot be used.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if noHistory && cmd.Flags().Changed("history") {
				return usageErr("--history and --no-history: choose one")
			}
			if trend < 1 {
				return usageErr("--trend must be at least 1, got %d", trend)
			}
			h := history
			switch {
			case noHistory:
				h = ""
			case h == "":
				h = filepath.Join(out, reports.HistoryFile)
			}
			b, err := reports.Build(cmd.Context(), out, reports.BuildOptions{History: h, Trend: trend})
			if err != nil {
				return usageErr("%v", err)
			}
			printBuilt(cmd.OutOrStdout(), b, h)
			if b.Verdict == reports.VerdictNotRun {
				// A run in which nothing ran is never green, even when
				// its report could be written.
				return usageErr("%s: no scenario ran and there is no load run, so nothing passed (the report says NOT RUN); run finprod test (check its --tags) or finprod load with --out %s", out, out)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "out", "the run folder to read, and to write the report into")
	f.StringVar(&history, "history", "", "SQLite history of runs (default OUT/history.db)")
	f.BoolVar(&noHistory, "no-history", false, "record nothing and show no trends")
	f.IntVar(&trend, "trend", 20, "how many runs the trends show")
	cmd.AddCommand(newDriftCmd())
	return cmd
}

// verdictWord is the verdict as a CI log shows it.
func verdictWord(v reports.Verdict) string {
	switch v {
	case reports.VerdictPassed:
		return "PASSED"
	case reports.VerdictNotRun:
		return "NOT RUN"
	case reports.VerdictInterrupted:
		return "INTERRUPTED"
	}
	return "FAILED"
}

func printBuilt(w io.Writer, b *reports.Built, history string) {
	fmt.Fprintf(w, "%s: %s\n", verdictWord(b.Verdict), b.Headline)
	fmt.Fprintf(w, "  report   %s\n", b.Report)
	fmt.Fprintf(w, "  junit    %s\n", b.JUnit)
	if history != "" {
		note := fmt.Sprintf("trends over the last %d run(s)", b.Trend)
		if b.HistoryUpgraded > 0 {
			note += fmt.Sprintf("; upgraded from schema version %d to %d", b.HistoryUpgraded, reports.SchemaVersion())
		}
		fmt.Fprintf(w, "  history  %s (%s)\n", history, note)
	}
}

func newDriftCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "drift A B",
		Short: "Compare two runs of the acceptance suite scenario by scenario (e.g. the local mock and TT02)",
		Long: `Compare two run folders (each with the cucumber.json of finprod test), scenario by scenario.
For each scenario both ran it says whether the outcome is the same, and what differs: the
outcome (passed/failed), the HTTP statuses of the answers, the GLD codes (kode) and the
JSONPaths (sti) they carried. Scenarios that test one of finprod's assumptions
(contract/ASSUMPTIONS.md, tags @A-…) are called out: a scenario that passes on the local mock
and fails on TT02 says that TT02 contradicts that assumption.

Examples:
  finprod test --out out-local
  finprod test --target tt02 --profile profiles/tt02.yaml --out out-tt02
  finprod report drift out-local out-tt02
  finprod report drift out-local out-tt02 --format json > drift.json

Exit codes: 0 no scenario differs, 1 some differ, 2 bad usage or a folder without results.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErr("drift needs two run folders, A and B, got %d argument(s) (see %s --help)", len(args), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErr("--format %q: use text or json", format)
			}
			var runs [2]*reports.Run
			for i, dir := range args {
				r, err := reports.Open(dir)
				if err != nil {
					return usageErr("%v", err)
				}
				runs[i] = r
			}
			d, err := reports.Compare(runs[0], runs[1])
			if err != nil {
				return usageErr("%v", err)
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				err = reports.WriteDriftJSON(w, d)
			} else {
				err = reports.WriteDriftText(w, d)
			}
			if err != nil {
				return fmt.Errorf("write the drift: %w", err)
			}
			if n := d.Different(); n > 0 {
				return failedErr("%d of %d scenarios differ between %s and %s", n, len(d.Scenarios), args[0], args[1])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}
