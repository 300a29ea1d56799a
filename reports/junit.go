package reports

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/finprod/finprod/internal/junit"
)

// JUnit XML through internal/junit, whose types are named here as the
// reports' code has always named them.
type (
	junitSuites    = junit.Suites
	junitSuite     = junit.Suite
	junitPropertys = junit.Properties
	junitProperty  = junit.Property
	junitCase      = junit.Case
	junitText      = junit.Text
	junitSkipped   = junit.Skipped
	junitProblem   = junit.Problem
)

func seconds(d time.Duration) string { return junit.Seconds(d) }

// classname is the feature's name. Jenkins reads the part before the
// last dot as a package, so a dot in a feature's name would split it.
func classname(feature string) string { return strings.ReplaceAll(feature, ".", "·") }

// WriteJUnit writes the run as JUnit XML: one testsuite per feature, one
// testcase per scenario (classname = feature, name = scenario), and a
// testsuite of load gates when the run had a load part.
func WriteJUnit(w io.Writer, r *Run) error {
	doc := junitSuites{Name: "finprod"}
	var total time.Duration
	if r.Acceptance != nil {
		stamp := ""
		if !r.Acceptance.Manifest.Started.IsZero() {
			stamp = r.Acceptance.Manifest.Started.UTC().Format("2006-01-02T15:04:05")
		}
		for _, f := range r.Acceptance.Features {
			s := featureSuite(r.Acceptance, f)
			s.Stamp = stamp
			doc.Suites = append(doc.Suites, s)
		}
		total += r.Acceptance.Duration()
	}
	if r.Load != nil {
		doc.Suites = append(doc.Suites, loadSuite(r.Load))
		total += r.Load.Duration()
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	doc.Time = seconds(total)
	if !r.Started.IsZero() {
		doc.Stamp = r.Started.UTC().Format("2006-01-02T15:04:05")
	}
	return junit.Write(w, doc)
}

func featureSuite(a *Acceptance, f Feature) junitSuite {
	s := junitSuite{Name: f.Name, File: f.URI}
	props := []junitProperty{{Name: "target", Value: a.Target()}}
	if a.Manifest.APIURL != "" {
		props = append(props, junitProperty{Name: "apiUrl", Value: a.Manifest.APIURL})
	}
	if a.Manifest.Tags != "" {
		props = append(props, junitProperty{Name: "tags", Value: a.Manifest.Tags})
	}
	s.Properties = &junitPropertys{List: props}
	var d time.Duration
	for _, sc := range f.Scenarios {
		c := scenarioCase(a, f, sc)
		switch {
		case c.Failure != nil:
			s.Failures++
		case c.Error != nil:
			s.Errors++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Tests++
		d += sc.Duration
		s.Cases = append(s.Cases, c)
	}
	s.Time = seconds(d)
	return s
}

func scenarioCase(a *Acceptance, f Feature, sc Scenario) junitCase {
	c := junitCase{Name: sc.Name, Classname: classname(f.Name), File: f.URI, Line: sc.Line, Time: seconds(sc.Duration)}
	var props []junitProperty
	for _, t := range sc.Tags {
		props = append(props, junitProperty{Name: "tag", Value: t})
	}
	for _, id := range sc.Assumptions() {
		props = append(props, junitProperty{Name: "assumption", Value: id})
	}
	if len(props) > 0 {
		c.Properties = &junitPropertys{List: props}
	}
	switch {
	case sc.Status == Failed:
		c.Failure = problem(a, f, sc, "AssertionFailed")
	case sc.Status.Broken():
		c.Error = problem(a, f, sc, "Step"+strings.ToUpper(string(sc.Status[:1]))+string(sc.Status[1:]))
	case sc.Status == Skipped:
		c.Skipped = &junitSkipped{Message: "every step was skipped"}
	}
	if out := transcript(sc); out != "" {
		c.SystemOut = &junitText{Text: xmlSafe(out)}
	}
	return c
}

// problem says what failed so a reader needs nothing else: the step and
// where it is written, the assertion's message (expected against actual),
// the steps left unrun, and the assumptions the failure puts in doubt.
func problem(a *Acceptance, f Feature, sc Scenario, typ string) *junitProblem {
	i := sc.FailingStep()
	var b strings.Builder
	fmt.Fprintf(&b, "Scenario: %s (%s:%d)\n", sc.Name, f.URI, sc.Line)
	msg := string(sc.Status)
	if i >= 0 {
		st := sc.Steps[i]
		fmt.Fprintf(&b, "Step %s: %s (%s:%d)\n", st.Status, st.Title(), f.URI, st.Line)
		if st.Error != "" {
			b.WriteString(st.Error + "\n")
			msg = st.Title() + ": " + firstLine(st.Error)
		} else {
			msg = st.Title() + ": " + string(st.Status)
		}
		var unrun []string
		for _, rest := range sc.Steps[i+1:] {
			if rest.Status == Skipped {
				unrun = append(unrun, "  "+rest.Title())
			}
		}
		if len(unrun) > 0 {
			fmt.Fprintf(&b, "Not run after it (%d):\n%s\n", len(unrun), strings.Join(unrun, "\n"))
		}
	}
	if ids := sc.Assumptions(); len(ids) > 0 {
		fmt.Fprintf(&b, "Assumptions in doubt: %s (contract/ASSUMPTIONS.md)\n", strings.Join(ids, ", "))
	}
	fmt.Fprintf(&b, "Target: %s\n", a.Target())
	return &junitProblem{Message: xmlSafe(truncate(msg, 300)), Type: typ, Text: xmlSafe(b.String())}
}

// transcript is the scenario's HTTP exchanges, step by step.
func transcript(sc Scenario) string {
	var b strings.Builder
	for _, st := range sc.Steps {
		for _, x := range st.Exchanges {
			fmt.Fprintf(&b, "--- %s (line %d)\n%s\n", st.Title(), st.Line, x.Transcript())
		}
	}
	return b.String()
}

// xmlSafe replaces what XML 1.0 cannot carry (control characters, broken
// UTF-8), which a body sent by a negative test may hold.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError, r >= 0xD800 && r < 0xE000:
			return '\uFFFD'
		}
		return r
	}, s)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
