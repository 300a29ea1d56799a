package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/ident"
	"github.com/spf13/cobra"
)

type generateOpts struct {
	oppgaver, leveranser int64
	inntektsaar          int
	oppgavegiver         string
	seed                 uint64
	defects              []string
	listDefects          bool
	maxProdukter         int
	maxBody              int
	workers              int
	out                  string
	force                bool
}

func newGenerateCmd() *cobra.Command {
	var o generateOpts
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write synthetic leveranser (JSON or NDJSON), optionally with named defects",
		Long: `Write synthetic leveranser for Innrapportering finansprodukter: Tenor-style identities
(fødselsnummer with month + 80, D-nummer, organisasjonsnummer starting with 2 or 3), valid
kontonummer, IBAN and ISIN, Norwegian names and addresses, plausible amounts, and an exact
oppgaveoppsummering. Every body validates against the contract's schema unless you ask for
a defect.

The same --seed gives byte-identical output on any machine and with any --workers. Leveranse k
holds oppgaver k·N … (k+1)·N−1 (N = --oppgaver), each drawn from its own PRNG, so any of them
can be regenerated alone (generators.Generator.Leveranse / Body in Go).

Output: one body per leveranse, each followed by a newline. To stdout or a file (--out FILE)
that is NDJSON when there are several; with --out DIR/ (an existing directory or a path
ending in /) one file per leveranse, leveranse-000000.json, ... Files are written to a
temporary name and renamed when complete, so a failed run leaves no half file; they are
0644. An existing file, or a folder with leveranse files, is replaced only with --force (a
symbolic link stays a link: the file it points to is replaced). A line on stderr says what
was written.

--max-body-size keeps every body at or under the limit (default 10 MiB, the API's
maximum) by closing a leveranse early and carrying on in the next one; the run then
has more leveranser than --leveranser. Memory stays bounded however many oppgaver you ask for.`,
		Example: `  # one leveranse with one oppgave, to stdout
  finprod generate

  # 1000 oppgaver for a given synthetic oppgavegiver and income year, reproducibly
  finprod generate --oppgaver 1000 --oppgavegiver 310000000 --inntektsaar 2025 --seed 7 --out lev.json

  # 50 leveranser of 200 oppgaver as one file each
  finprod generate --leveranser 50 --oppgaver 200 --out ut/

  # negative tests: see the defects, then build two into the body
  finprod generate --list-defects
  finprod generate --defect feil-sum,aar-ulikt --out feil.json

  # a million oppgaver, split into bodies of at most 10 MiB, as NDJSON
  finprod generate --oppgaver 1000000 --out stor.ndjson`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGenerate(cmd, o) },
	}
	f := cmd.Flags()
	f.Int64Var(&o.oppgaver, "oppgaver", 1, "oppgaver per leveranse")
	f.Int64Var(&o.leveranser, "leveranser", 1, "number of leveranser")
	f.IntVar(&o.inntektsaar, "inntektsaar", 2025, "income year in every body")
	f.StringVar(&o.oppgavegiver, "oppgavegiver", "", "organisasjonsnummer of the reporting organisation (default: a synthetic one derived from --seed)")
	f.Uint64Var(&o.seed, "seed", 1, "seed; the same seed gives the same bytes")
	f.StringSliceVar(&o.defects, "defect", nil, "build a named defect into every body (repeatable or comma list; see --list-defects)")
	f.BoolVar(&o.listDefects, "list-defects", false, "list the defects with the GLD code and path they should provoke, and exit")
	f.IntVar(&o.maxProdukter, "max-finansprodukter", 3, "most finansprodukter per konto (1–10)")
	f.IntVar(&o.maxBody, "max-body-size", contract.MaxBody, "largest body in bytes; bigger leveranser are split (0: no limit)")
	f.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines generating oppgaver; does not change the output")
	f.StringVarP(&o.out, "out", "o", "-", `where to write: "-" for stdout, a FILE, or a DIR/ for one file per leveranse`)
	f.BoolVar(&o.force, "force", false, "replace an existing --out file, or the leveranse files of an earlier run in --out DIR/")
	return cmd
}

func runGenerate(cmd *cobra.Command, o generateOpts) error {
	if o.listDefects {
		return listDefects(cmd.OutOrStdout())
	}
	switch {
	case o.oppgaver < 1:
		return usageErr("--oppgaver must be at least 1, got %d", o.oppgaver)
	case o.leveranser < 1:
		return usageErr("--leveranser must be at least 1, got %d", o.leveranser)
	case o.workers < 1:
		return usageErr("--workers must be at least 1, got %d", o.workers)
	case o.maxBody < 0:
		return usageErr("--max-body-size must be 0 (no limit) or a number of bytes, got %d", o.maxBody)
	case o.oppgaver > int64(^uint(0)>>1)/2:
		return usageErr("--oppgaver %d is too large", o.oppgaver)
	case o.maxProdukter < 1 || o.maxProdukter > generators.MaxFinansprodukter:
		return usageErr("--max-finansprodukter must be 1–%d, got %d", generators.MaxFinansprodukter, o.maxProdukter)
	case o.inntektsaar < 1000 || o.inntektsaar > 9998:
		return usageErr("--inntektsaar %d is not a year between 1000 and 9998", o.inntektsaar)
	}
	if o.oppgavegiver != "" {
		if err := ident.ValidateOrganisasjonsnummer(o.oppgavegiver); err != nil {
			return usageErr("--oppgavegiver %s: %v", o.oppgavegiver, err)
		}
	}
	gen, err := generators.New(generators.Config{
		Seed: o.seed, Inntektsaar: o.inntektsaar, Oppgavegiver: o.oppgavegiver,
		Oppgaver: int(o.oppgaver), MaxFinansprodukter: o.maxProdukter, Defects: o.defects,
	})
	if err != nil {
		// What is left to refuse is the defects.
		return usageErr("--defect: %v", err)
	}
	if o.oppgavegiver != "" && !ident.IsSyntheticOrganisasjonsnummer(o.oppgavegiver) {
		fmt.Fprintf(cmd.ErrOrStderr(), "finprod: warning: --oppgavegiver %s is not a synthetic organisasjonsnummer (2xx or 3xx); such data must not go to a test environment\n", o.oppgavegiver)
	}
	maxBody := o.maxBody
	if maxBody == 0 {
		maxBody = -1
	}

	sink, err := generators.OpenOutput(cmd.OutOrStdout(), o.out, o.force)
	if errors.Is(err, generators.ErrExists) {
		return usageErr("--out %v: give --force to replace it, or another --out", err)
	}
	if err != nil {
		return usageErr("--out %s: %v", o.out, err)
	}
	opt := generators.StreamOptions{Leveranser: o.leveranser, MaxBodySize: maxBody, Workers: o.workers}
	if bar := progressBar(cmd.ErrOrStderr(), o.oppgaver*o.leveranser, "oppgaver", false); bar != nil {
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
		defer func() { _ = bar.Finish() }()
	}
	stats, err := gen.Stream(cmd.Context(), sink, opt)
	if err != nil {
		if cmd.Context().Err() != nil {
			return errors.Join(interruptedErr("interrupted; nothing was written"), sink.Abort())
		}
		return errors.Join(fmt.Errorf("generate: %w", err), sink.Abort())
	}
	if err := sink.Commit(); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	fmt.Fprintln(cmd.ErrOrStderr(), "finprod generate: "+generateSummary(stats, o.out))
	return nil
}

// generateSummary is the one line that says what a run wrote.
func generateSummary(s generators.StreamStats, out string) string {
	bytes := s.Bytes + s.Leveranser // each body ends with a newline
	where := "to " + out
	switch {
	case out == "" || out == "-":
		where = "to stdout"
	case generators.IsDirOutput(out):
		where = fmt.Sprintf("to %d file(s) in %s", s.Leveranser, out)
	}
	return fmt.Sprintf("%d leveranse(r), %d oppgaver, %d bytes %s", s.Leveranser, s.Oppgaver, bytes, where)
}

func listDefects(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEFECT\tKODE\tSPES\tSCHEMA\tSTI\tWHAT")
	for _, d := range generators.Defects() {
		schema := "invalid"
		if d.SchemaValid {
			schema = "valid"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Name, d.Kode, orDash(string(d.Spesifisering)), schema, orDash(d.Sti), d.Description)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
