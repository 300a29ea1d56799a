package reports

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/finprod/finprod/internal/exchange"
)

// Status is the outcome of a step or a scenario, in godog's words.
type Status string

// Statuses as godog writes them in Cucumber JSON.
const (
	Passed    Status = "passed"
	Failed    Status = "failed"
	Skipped   Status = "skipped"
	Undefined Status = "undefined"
	Pending   Status = "pending"
	Ambiguous Status = "ambiguous"
)

func (s Status) String() string { return string(s) }

// Broken reports whether the status is a problem of the suite rather than
// of the target: a step without a definition, pending, or ambiguous. JUnit
// calls these errors, not failures.
func (s Status) Broken() bool { return s == Undefined || s == Pending || s == Ambiguous }

// Verdict is the outcome of a whole run or of one of its parts.
type Verdict string

// Verdicts, from best to worst.
const (
	VerdictPassed      Verdict = "passed"
	VerdictNotRun      Verdict = "not run"
	VerdictFailed      Verdict = "failed"
	VerdictInterrupted Verdict = "interrupted"
)

func (v Verdict) rank() int {
	switch v {
	case VerdictPassed:
		return 0
	case VerdictNotRun:
		return 1
	case VerdictFailed:
		return 2
	case VerdictInterrupted:
		return 3
	}
	return 2
}

// Worst returns the worse of the verdicts; passing nothing is not run.
func Worst(vs ...Verdict) Verdict {
	if len(vs) == 0 {
		return VerdictNotRun
	}
	w := vs[0]
	for _, v := range vs[1:] {
		if v.rank() > w.rank() {
			w = v
		}
	}
	return w
}

// Acceptance is one run of the acceptance suite.
type Acceptance struct {
	// Manifest is what `finprod test` said about the run; zero when the
	// folder has only the Cucumber JSON.
	Manifest AcceptanceManifest
	Features []Feature
}

// Feature is one .feature file's results.
type Feature struct {
	// URI is where the feature is written, e.g. "features/auth.feature".
	URI         string
	Name        string
	Description string
	Line        int
	Tags        []string
	Scenarios   []Scenario
}

// Scenario is one scenario (one row of an outline's examples).
type Scenario struct {
	// ID is godog's id (feature;scenario[;examples;row]), stable across
	// runs of the same features: drift matches scenarios by URI and ID.
	ID      string
	Keyword string
	Name    string
	Line    int
	// Tags are the feature's and the scenario's, each once, as written.
	Tags     []string
	Steps    []Step
	Status   Status
	Duration time.Duration
}

// Step is one executed step.
type Step struct {
	Keyword  string
	Text     string
	Line     int
	Status   Status
	Error    string
	Duration time.Duration
	// DocString is the step's doc string argument, if any.
	DocString string
	// Exchanges are the HTTP requests the step sent, redacted.
	Exchanges []exchange.Exchange
}

// Title is the step as written: keyword and text.
func (s Step) Title() string { return strings.TrimSpace(s.Keyword) + " " + s.Text }

var assumptionTag = regexp.MustCompile(`^@(A-[A-Z0-9]+(?:-[A-Z0-9]+)*)$`)

// Assumptions returns the IDs (A-…) of the assumptions the scenario tests.
func (s Scenario) Assumptions() []string {
	var out []string
	for _, t := range s.Tags {
		if m := assumptionTag.FindStringSubmatch(t); m != nil && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// FailingStep returns the index of the first step that did not pass and
// was not skipped, or -1.
func (s Scenario) FailingStep() int {
	for i, st := range s.Steps {
		if st.Status != Passed && st.Status != Skipped {
			return i
		}
	}
	return -1
}

// Exchanges returns every exchange of the scenario, in order.
func (s Scenario) Exchanges() []exchange.Exchange {
	var out []exchange.Exchange
	for _, st := range s.Steps {
		out = append(out, st.Exchanges...)
	}
	return out
}

// Counts are scenarios by outcome.
type Counts struct {
	Scenarios, Passed, Failed, Broken, Skipped int
	Steps                                      int
}

// PassRate is passed over scenarios, 0 when none ran.
func (c Counts) PassRate() float64 {
	if c.Scenarios == 0 {
		return 0
	}
	return float64(c.Passed) / float64(c.Scenarios)
}

// Counts adds up the scenarios of the run.
func (a *Acceptance) Counts() Counts {
	var c Counts
	for _, f := range a.Features {
		for _, s := range f.Scenarios {
			c.Scenarios++
			c.Steps += len(s.Steps)
			switch {
			case s.Status == Passed:
				c.Passed++
			case s.Status == Failed:
				c.Failed++
			case s.Status.Broken():
				c.Broken++
			default:
				c.Skipped++
			}
		}
	}
	return c
}

// Verdict of the acceptance run: a run in which no scenario ran, or none
// passed because all were skipped, is never green.
func (a *Acceptance) Verdict() Verdict {
	if a == nil {
		return VerdictNotRun
	}
	c := a.Counts()
	switch {
	case c.Failed > 0 || c.Broken > 0:
		return VerdictFailed
	case c.Passed == 0:
		return VerdictNotRun
	}
	return VerdictPassed
}

// Duration is the suite's wall time when the manifest has it, else the
// sum of the scenarios' times (which overstates it when they ran at once).
func (a *Acceptance) Duration() time.Duration {
	if a.Manifest.DurationMS > 0 {
		return time.Duration(a.Manifest.DurationMS * float64(time.Millisecond))
	}
	var d time.Duration
	for _, f := range a.Features {
		for _, s := range f.Scenarios {
			d += s.Duration
		}
	}
	return d
}

// Target names the environment the suite ran against, "unknown" when the
// folder does not say.
func (a *Acceptance) Target() string {
	if a.Manifest.Target != "" {
		return a.Manifest.Target
	}
	return "unknown"
}
