package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/ident"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
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
temporary name and renamed when complete, so a failed run leaves no half file.

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
	}
	gen, err := generators.New(generators.Config{
		Seed: o.seed, Inntektsaar: o.inntektsaar, Oppgavegiver: o.oppgavegiver,
		Oppgaver: int(o.oppgaver), MaxFinansprodukter: o.maxProdukter, Defects: o.defects,
	})
	if err != nil {
		return usageErr("%v", err)
	}
	if o.oppgavegiver != "" && !ident.IsSyntheticOrganisasjonsnummer(o.oppgavegiver) {
		fmt.Fprintf(cmd.ErrOrStderr(), "finprod: warning: --oppgavegiver %s is not a synthetic organisasjonsnummer (2xx or 3xx); such data must not go to a test environment\n", o.oppgavegiver)
	}
	maxBody := o.maxBody
	if maxBody == 0 {
		maxBody = -1
	}

	sink, err := openSink(cmd.OutOrStdout(), o.out, o.leveranser)
	if err != nil {
		return err
	}
	opt := generators.StreamOptions{Leveranser: o.leveranser, MaxBodySize: maxBody, Workers: o.workers}
	if bar := progressBar(cmd.ErrOrStderr(), o.oppgaver*o.leveranser); bar != nil {
		opt.Progress = func(n int64) { _ = bar.Set64(n) }
		defer func() { _ = bar.Finish() }()
	}
	if _, err := gen.Stream(cmd.Context(), sink, opt); err != nil {
		return errors.Join(fmt.Errorf("generate: %w", err), sink.abort())
	}
	if err := sink.commit(); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
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

func progressBar(stderr io.Writer, total int64) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("oppgaver"), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
}

// outputSink adapts a destination to generators.Sink. commit makes the
// output visible; abort removes whatever a failed run left.
type outputSink interface {
	generators.Sink
	commit() error
	abort() error
}

func openSink(stdout io.Writer, out string, leveranser int64) (outputSink, error) {
	if out == "" || out == "-" {
		return &streamSink{w: bufio.NewWriterSize(stdout, 1<<20)}, nil
	}
	if st, err := os.Stat(out); (err == nil && st.IsDir()) || strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(os.PathSeparator)) {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, usageErr("cannot create output directory: %v", err)
		}
		return &dirSink{dir: out}, nil
	}
	if st, err := os.Stat(out); err == nil && !st.Mode().IsRegular() {
		// A device or pipe such as /dev/null: renaming a file over it would
		// replace it, so write straight into it.
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return nil, usageErr("cannot write %s: %v", out, err)
		}
		return &streamSink{w: bufio.NewWriterSize(f, 1<<20), file: f}, nil
	}
	dir := filepath.Dir(out)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, usageErr("cannot create folder %s for %s: %v", dir, out, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return nil, usageErr("cannot write %s: %v", out, err)
	}
	return &streamSink{w: bufio.NewWriterSize(tmp, 1<<20), file: tmp, target: out}, nil
}

// streamSink writes every body, newline-terminated, to one stream: stdout,
// or a temporary file renamed to target on commit.
type streamSink struct {
	w      *bufio.Writer
	file   *os.File
	target string
}

func (s *streamSink) Begin(int64) (io.Writer, error) { return s.w, nil }
func (s *streamSink) End(int64) error                { return s.w.WriteByte('\n') }

func (s *streamSink) commit() error {
	if err := s.w.Flush(); err != nil {
		return errors.Join(fmt.Errorf("writing output: %w", err), s.abort())
	}
	if s.file == nil {
		return nil
	}
	if s.target == "" {
		return s.file.Close()
	}
	if err := s.file.Close(); err != nil {
		return errors.Join(fmt.Errorf("closing %s: %w", s.file.Name(), err), s.abort())
	}
	if err := os.Rename(s.file.Name(), s.target); err != nil {
		return errors.Join(fmt.Errorf("renaming output into place: %w", err), s.abort())
	}
	return nil
}

func (s *streamSink) abort() error {
	if s.file == nil {
		return s.w.Flush()
	}
	if s.target == "" {
		return s.file.Close()
	}
	_ = s.file.Close()
	if err := os.Remove(s.file.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing partial output: %w", err)
	}
	return nil
}

// dirSink writes leveranse k to DIR/leveranse-%06d.json through a
// temporary file, so a reader never sees a half body.
type dirSink struct {
	dir  string
	file *os.File
	w    *bufio.Writer
}

func (d *dirSink) name(k int64) string {
	return filepath.Join(d.dir, fmt.Sprintf("leveranse-%06d.json", k))
}

func (d *dirSink) Begin(k int64) (io.Writer, error) {
	f, err := os.CreateTemp(d.dir, fmt.Sprintf(".leveranse-%06d.*.tmp", k))
	if err != nil {
		return nil, err
	}
	d.file, d.w = f, bufio.NewWriterSize(f, 1<<20)
	return d.w, nil
}

func (d *dirSink) End(k int64) error {
	if err := d.w.WriteByte('\n'); err != nil {
		return err
	}
	if err := d.w.Flush(); err != nil {
		return err
	}
	if err := d.file.Close(); err != nil {
		return err
	}
	name := d.file.Name()
	d.file = nil
	return os.Rename(name, d.name(k))
}

func (d *dirSink) commit() error { return nil }

func (d *dirSink) abort() error {
	if d.file == nil {
		return nil
	}
	_ = d.file.Close()
	if err := os.Remove(d.file.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing partial output: %w", err)
	}
	return nil
}
