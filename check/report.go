package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/finprod/finprod/internal/junit"
)

// Formats a Report writes.
const (
	FormatText  = "text"
	FormatJSON  = "json"
	FormatJUnit = "junit"
)

// Formats lists them, for help texts and flag checks.
func Formats() []string { return []string{FormatText, FormatJSON, FormatJUnit} }

// FormatVersion names the JSON format (docs/check.md).
const FormatVersion = "finprod.check/v1"

// File is the verdict on one input file.
type File struct {
	Name string `json:"file"`
	// Error is why the file could not be checked (unreadable, empty, not
	// JSON); Documents are then those read before it.
	Error     string     `json:"error,omitempty"`
	Documents []Document `json:"documents"`
}

// Totals sum up a check.
type Totals struct {
	Files        int   `json:"files"`
	Documents    int   `json:"documents"`
	Oppgaver     int   `json:"oppgaver"`
	Bytes        int64 `json:"bytes"`
	WithFindings int   `json:"withFindings"`
	Findings     int   `json:"findings"`
	InputErrors  int   `json:"inputErrors"`
}

// Report collects verdicts and writes them: text as they come (a person
// watching a long check sees each document), JSON and JUnit at the end
// (each document's verdict is small: its findings are capped).
type Report struct {
	w      io.Writer
	format string
	files  []File
	totals Totals
	start  time.Time
}

// NewReport writes format to w.
func NewReport(w io.Writer, format string) (*Report, error) {
	switch format {
	case FormatText, FormatJSON, FormatJUnit:
	default:
		return nil, fmt.Errorf("format %q: use one of %s", format, strings.Join(Formats(), ", "))
	}
	return &Report{w: w, format: format, start: time.Now()}, nil
}

// Totals so far.
func (r *Report) Totals() Totals { return r.totals }

// BeginFile starts the verdicts of a file.
func (r *Report) BeginFile(name string) {
	r.files = append(r.files, File{Name: name})
	r.totals.Files++
}

func (r *Report) current() *File { return &r.files[len(r.files)-1] }

// Document records one document's verdict.
func (r *Report) Document(d Document) error {
	t := &r.totals
	t.Documents++
	t.Oppgaver += d.Oppgaver
	t.Bytes += d.Bytes
	if !d.OK() {
		t.WithFindings++
		t.Findings += len(d.Findings) + d.Omitted
	}
	f := r.current()
	if r.format == FormatText {
		return r.text(f.Name, d)
	}
	f.Documents = append(f.Documents, d)
	return nil
}

// FileError records why a file could not be checked.
func (r *Report) FileError(err error) error {
	r.totals.InputErrors++
	f := r.current()
	f.Error = err.Error()
	if r.format == FormatText {
		_, werr := fmt.Fprintf(r.w, "%s: %v\n", f.Name, err)
		return werr
	}
	return nil
}

func (r *Report) text(file string, d Document) error {
	if d.OK() {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: document %d (line %d, %d oppgaver): %d finding(s)\n", file, d.Index, d.Line, d.Oppgaver, len(d.Findings)+d.Omitted)
	for _, f := range d.Findings {
		b.WriteString("  " + f.Kode)
		if f.Sti != "" {
			b.WriteString("  " + f.Sti)
		}
		if f.AngittVerdi != "" {
			b.WriteString("  given " + strconv.Quote(f.AngittVerdi))
		}
		b.WriteString("  " + f.Melding)
		if f.Status == 0 {
			b.WriteString("  (feedback)")
		}
		b.WriteByte('\n')
	}
	if d.Omitted > 0 {
		fmt.Fprintf(&b, "  ... and %d more (--max-findings)\n", d.Omitted)
	}
	_, err := io.WriteString(r.w, b.String())
	return err
}

// Summary is the one line that ends a text report.
func (r *Report) Summary() string {
	t := r.totals
	s := fmt.Sprintf("%d document(s), %d oppgaver, %s in %d file(s): ", t.Documents, t.Oppgaver, byteSize(t.Bytes), t.Files)
	switch {
	case t.WithFindings == 0 && t.InputErrors == 0:
		s += "no findings"
	case t.WithFindings == 0:
		s += "no findings in what could be read"
	default:
		s += fmt.Sprintf("%d document(s) with %d finding(s)", t.WithFindings, t.Findings)
	}
	if t.InputErrors > 0 {
		s += fmt.Sprintf(", %d file(s) could not be checked", t.InputErrors)
	}
	return s + fmt.Sprintf(" (%s)", time.Since(r.start).Round(10*time.Millisecond))
}

// Close writes what the format writes at the end.
func (r *Report) Close() error {
	switch r.format {
	case FormatJSON:
		enc := json.NewEncoder(r.w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Format string `json:"format"`
			Totals
			Files []File `json:"files"`
		}{FormatVersion, r.totals, r.files})
	case FormatJUnit:
		return r.junit()
	}
	return nil
}

// junit writes one suite per file and one test case per document (JUnit
// XML through internal/junit, as the run reports are written): a document
// with findings fails, a file that cannot be checked is an error.
func (r *Report) junit() error {
	took := junit.Seconds(time.Since(r.start))
	out := junit.Suites{Name: "finprod check", Time: took}
	for _, f := range r.files {
		s := junit.Suite{Name: f.Name, File: f.Name, Time: took}
		for _, d := range f.Documents {
			c := junit.Case{Name: fmt.Sprintf("document %d (line %d)", d.Index, d.Line), Classname: classname(f.Name),
				File: f.Name, Line: d.Line, Time: "0.000"}
			if !d.OK() {
				var text strings.Builder
				for _, fd := range d.Findings {
					fmt.Fprintf(&text, "%s %s given %q: %s\n", fd.Kode, fd.Sti, fd.AngittVerdi, fd.Melding)
				}
				if d.Omitted > 0 {
					fmt.Fprintf(&text, "... and %d more\n", d.Omitted)
				}
				first := d.Findings[0]
				c.Failure = &junit.Problem{Type: first.Kode, Text: text.String(),
					Message: fmt.Sprintf("%d finding(s), first %s at %s", len(d.Findings)+d.Omitted, first.Kode, first.Sti)}
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		if f.Error != "" {
			s.Cases = append(s.Cases, junit.Case{Name: "read " + f.Name, Classname: classname(f.Name), File: f.Name, Time: "0.000",
				Error: &junit.Problem{Message: f.Error, Type: "input", Text: f.Error}})
			s.Errors++
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, s)
	}
	return junit.Write(r.w, out)
}

// classname is the file's name: Jenkins reads the part before the last dot
// as a package, so a file's extension would split it.
func classname(file string) string { return strings.ReplaceAll(file, ".", "·") }

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
