package steps

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/colors"

	"github.com/finprod/finprod/features"
	"github.com/finprod/finprod/target"
)

// Options choose what to run and how to report it.
type Options struct {
	// Tags is a godog tag expression: terms joined by "," (or) of tags
	// joined by "&&" (and), "~" negates, e.g. "@idempotens,@auth && ~@storrelse".
	Tags string
	// Concurrency is how many scenarios run at once (at least 1).
	Concurrency int
	// Format is godog's formatter list, e.g.
	// "pretty,junit:out/junit.xml,cucumber:out/cucumber.json".
	Format string
	// Output receives the formatters that write to no file.
	Output io.Writer
	// NoColors turns off ANSI colours (for a file or a CI log).
	NoColors bool
	// RunID goes into every oppgavegiversLeveranseReferanse.
	RunID string
	// TestingT, when set, runs each scenario as a subtest.
	TestingT *testing.T
}

// Status of a run, as godog reports it.
const (
	StatusPassed = 0
	StatusFailed = 1
	// StatusBadOptions: a formatter, an output file or the tag expression
	// was not usable, or the tags selected no scenario; nothing ran.
	StatusBadOptions = 2
)

// EffectiveTags returns the tag expression a run against t uses: a target
// without the mock's controls runs only @tt02 scenarios, whatever was asked.
func EffectiveTags(t *target.Target, tags string) string {
	if t.Controls != nil {
		return tags
	}
	return requireTag(tags, TagTT02)
}

// requireTag adds "tag &&" to every or-term of a godog tag expression
// (which has no parentheses).
func requireTag(expr, tag string) string {
	if strings.TrimSpace(expr) == "" {
		return tag
	}
	terms := strings.Split(expr, ",")
	for i, t := range terms {
		terms[i] = tag + " && " + strings.TrimSpace(t)
	}
	return strings.Join(terms, ",")
}

// Run runs the embedded features against the target and returns a Status.
// A tag expression that is not one, or that selects no scenario, is
// StatusBadOptions: a run of no scenarios never passes.
func Run(ctx context.Context, t *target.Target, o Options) int {
	if n, err := Count(t, o.Tags); err != nil || n == 0 {
		return StatusBadOptions
	}
	if o.Concurrency < 1 {
		o.Concurrency = 1
	}
	if o.Format == "" {
		o.Format = "progress"
	}
	out, noColors := o.Output, o.NoColors
	if noColors && plainFiles(o.Format) {
		// godog strips colours with a writer that hands every rune to the
		// file in a write of its own: the suite's Cucumber JSON is close
		// to a megabyte, so nearly a million system calls. Only the
		// console carries colours; the file formats (cucumber, junit) have
		// none, so they go to their files as they are.
		if out == nil {
			out = os.Stdout
		}
		out, noColors = colors.Uncolored(out), false
	}
	s := NewSuite(t, o.RunID)
	suite := godog.TestSuite{
		Name:                "finprod",
		ScenarioInitializer: s.InitializeScenario,
		Options: &godog.Options{
			Format:         o.Format,
			Output:         out,
			NoColors:       noColors,
			Tags:           EffectiveTags(t, o.Tags),
			Concurrency:    o.Concurrency,
			Strict:         true,
			FS:             features.FS(),
			Paths:          []string{"."},
			DefaultContext: ctx,
			TestingT:       o.TestingT,
		},
	}
	return suite.Run()
}

// plainFiles: every formatter of the list that writes to a file
// ("name:path") writes a format without colours.
func plainFiles(format string) bool {
	for _, f := range strings.Split(format, ",") {
		name, _, toFile := strings.Cut(f, ":")
		if toFile && name != "cucumber" && name != "junit" {
			return false
		}
	}
	return true
}

// Describe names the target and what will run, for the top of a report.
func Describe(t *target.Target, o Options) string {
	tags := EffectiveTags(t, o.Tags)
	if tags == "" {
		tags = "all"
	}
	return fmt.Sprintf("finprod test: target %s (%s), scenarios %s, concurrency %d", t.Name, t.APIURL, tags, max(o.Concurrency, 1))
}
