package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Drift compares two runs of the same suite, scenario by scenario: for
// instance the local mock (A) and TT02 (B).
type Drift struct {
	A, B DriftSide
	// Scenarios are those both runs ran, in A's order.
	Scenarios []ScenarioDrift
	// OnlyA and OnlyB ran in one run only (a tag expression, @mock
	// scenarios that never go to TT02, a newer suite).
	OnlyA []ScenarioRef `json:"onlyA,omitempty"`
	OnlyB []ScenarioRef `json:"onlyB,omitempty"`
	// Assumptions are the assumptions tagged on scenarios that differ.
	Assumptions []AssumptionDrift `json:"assumptions,omitempty"`
}

// DriftSide names one of the runs.
type DriftSide struct {
	Dir    string `json:"dir"`
	Target string `json:"target"`
}

// Outcome is what a scenario saw: its result and the answers it got.
type Outcome struct {
	Status Status `json:"status"`
	// HTTP are the distinct HTTP statuses of its answers, in the order
	// they first came (polling repeats do not count).
	HTTP []int `json:"http"`
	// Koder and Stier are the distinct codes and JSONPaths the answers
	// carried, sorted.
	Koder []string `json:"koder"`
	Stier []string `json:"stier"`
	// FailingStep and Error say where and why it failed, if it did.
	FailingStep string `json:"failingStep,omitempty"`
	Error       string `json:"error,omitempty"`
}

// Difference is one way two outcomes differ.
type Difference struct {
	// What differs: "outcome", "status", "kode" or "sti".
	What string `json:"what"`
	A    string `json:"a"`
	B    string `json:"b"`
}

// ScenarioDrift is one scenario in both runs.
type ScenarioDrift struct {
	Feature     string       `json:"feature"`
	Name        string       `json:"name"`
	URI         string       `json:"uri"`
	Line        int          `json:"line"`
	Assumptions []string     `json:"assumptions,omitempty"`
	A           Outcome      `json:"a"`
	B           Outcome      `json:"b"`
	Same        bool         `json:"same"`
	Differences []Difference `json:"differences,omitempty"`
}

// AssumptionDrift is an assumption whose scenarios differ between the runs.
type AssumptionDrift struct {
	ID string `json:"id"`
	// Scenarios that differ, and how many of them passed on A and
	// failed on B (B contradicts the assumption where A held it) or the
	// other way round.
	Scenarios    []string `json:"scenarios"`
	Contradicted int      `json:"contradictedOnB"`
	Restored     int      `json:"contradictedOnA"`
}

// Different counts the scenarios whose outcome differs.
func (d *Drift) Different() int {
	n := 0
	for _, s := range d.Scenarios {
		if !s.Same {
			n++
		}
	}
	return n
}

type keyed struct {
	feature Feature
	s       Scenario
}

// scenarioKey matches a scenario across runs: the feature file's name
// (runs may name the features' folder differently) and godog's id.
func scenarioKey(f Feature, s Scenario) string {
	file := path.Base(f.URI)
	if s.ID != "" {
		return file + "#" + s.ID
	}
	return file + "#" + s.Name + "#" + strconv.Itoa(s.Line)
}

func index(a *Acceptance) ([]string, map[string]keyed) {
	var order []string
	m := map[string]keyed{}
	for _, f := range a.Features {
		for _, s := range f.Scenarios {
			k := scenarioKey(f, s)
			if _, dup := m[k]; !dup {
				order = append(order, k)
			}
			m[k] = keyed{f, s}
		}
	}
	return order, m
}

// Compare compares run a with run b. Both need acceptance results.
func Compare(a, b *Run) (*Drift, error) {
	if a.Acceptance == nil || b.Acceptance == nil {
		var missing []string
		for _, r := range []*Run{a, b} {
			if r.Acceptance == nil {
				missing = append(missing, r.Dir)
			}
		}
		return nil, fmt.Errorf("drift compares acceptance runs; %s has no %s", strings.Join(missing, " and "), CucumberFile)
	}
	d := &Drift{A: DriftSide{a.Dir, a.Acceptance.Target()}, B: DriftSide{b.Dir, b.Acceptance.Target()}}
	orderA, inA := index(a.Acceptance)
	orderB, inB := index(b.Acceptance)
	for _, k := range orderA {
		x := inA[k]
		y, ok := inB[k]
		if !ok {
			d.OnlyA = append(d.OnlyA, refOf(x.feature, x.s))
			continue
		}
		d.Scenarios = append(d.Scenarios, compareScenario(x, y))
	}
	for _, k := range orderB {
		if _, ok := inA[k]; !ok {
			y := inB[k]
			d.OnlyB = append(d.OnlyB, refOf(y.feature, y.s))
		}
	}
	if len(d.Scenarios) == 0 {
		return nil, errors.New("the two runs have no scenario in common: are they runs of the same suite?")
	}
	d.Assumptions = assumptionDrift(d.Scenarios)
	return d, nil
}

func outcomeOf(s Scenario) Outcome {
	o := Outcome{Status: s.Status, HTTP: []int{}, Koder: []string{}, Stier: []string{}}
	for _, x := range s.Exchanges() {
		if !slices.Contains(o.HTTP, x.Status) {
			o.HTTP = append(o.HTTP, x.Status)
		}
		for _, k := range x.Koder {
			if !slices.Contains(o.Koder, k) {
				o.Koder = append(o.Koder, k)
			}
		}
		for _, p := range x.Stier {
			if !slices.Contains(o.Stier, p) {
				o.Stier = append(o.Stier, p)
			}
		}
	}
	slices.Sort(o.Koder)
	slices.Sort(o.Stier)
	if i := s.FailingStep(); i >= 0 {
		o.FailingStep = s.Steps[i].Title()
		o.Error = firstLine(s.Steps[i].Error)
	}
	return o
}

func compareScenario(x, y keyed) ScenarioDrift {
	sd := ScenarioDrift{Feature: x.feature.Name, Name: x.s.Name, URI: x.feature.URI, Line: x.s.Line,
		Assumptions: x.s.Assumptions(), A: outcomeOf(x.s), B: outcomeOf(y.s)}
	diff := func(what, a, b string) {
		if a != b {
			sd.Differences = append(sd.Differences, Difference{What: what, A: a, B: b})
		}
	}
	diff("outcome", string(sd.A.Status), string(sd.B.Status))
	diff("status", ints(sd.A.HTTP), ints(sd.B.HTTP))
	diff("kode", list(sd.A.Koder), list(sd.B.Koder))
	diff("sti", list(sd.A.Stier), list(sd.B.Stier))
	sd.Same = len(sd.Differences) == 0
	return sd
}

func ints(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		if x == 0 {
			s[i] = "no answer"
		} else {
			s[i] = strconv.Itoa(x)
		}
	}
	return list(s)
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}

func assumptionDrift(ss []ScenarioDrift) []AssumptionDrift {
	var out []AssumptionDrift
	at := map[string]int{}
	for _, s := range ss {
		if s.Same {
			continue
		}
		for _, id := range s.Assumptions {
			i, ok := at[id]
			if !ok {
				i = len(out)
				at[id] = i
				out = append(out, AssumptionDrift{ID: id})
			}
			out[i].Scenarios = append(out[i].Scenarios, s.Name)
			switch {
			case s.A.Status == Passed && s.B.Status != Passed:
				out[i].Contradicted++
			case s.A.Status != Passed && s.B.Status == Passed:
				out[i].Restored++
			}
		}
	}
	return out
}

// WriteDriftJSON writes the drift as JSON (format finprod.drift/v1).
func WriteDriftJSON(w io.Writer, d *Drift) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Format string `json:"format"`
		*Drift
	}{DriftFormat, d})
}

// DriftFormat names the JSON drift's version.
const DriftFormat = "finprod.drift/v1"

// WriteDriftText writes the drift for a reader: the scenarios that differ
// and how, then the assumptions those scenarios test.
func WriteDriftText(w io.Writer, d *Drift) error {
	var b strings.Builder
	fmt.Fprintf(&b, "A: %s (target %s)\nB: %s (target %s)\n", d.A.Dir, d.A.Target, d.B.Dir, d.B.Target)
	fmt.Fprintf(&b, "%d scenarios in both: %d the same, %d different", len(d.Scenarios), len(d.Scenarios)-d.Different(), d.Different())
	if len(d.OnlyA)+len(d.OnlyB) > 0 {
		fmt.Fprintf(&b, "; %d only in A, %d only in B", len(d.OnlyA), len(d.OnlyB))
	}
	b.WriteString("\n")
	for _, s := range d.Scenarios {
		if s.Same {
			continue
		}
		fmt.Fprintf(&b, "\nDIFFERENT  %s › %s (%s:%d)\n", s.Feature, s.Name, s.URI, s.Line)
		if len(s.Assumptions) > 0 {
			fmt.Fprintf(&b, "           tests %s\n", strings.Join(s.Assumptions, ", "))
		}
		for _, df := range s.Differences {
			fmt.Fprintf(&b, "    %-8s A: %s\n    %-8s B: %s\n", df.What, df.A, "", df.B)
		}
		for _, side := range []struct {
			name string
			o    Outcome
		}{{"A", s.A}, {"B", s.B}} {
			if side.o.FailingStep != "" {
				fmt.Fprintf(&b, "    failed on %s at %q: %s\n", side.name, side.o.FailingStep, truncate(side.o.Error, 200))
			}
		}
	}
	if len(d.Assumptions) > 0 {
		b.WriteString("\nAssumptions whose scenarios differ (contract/ASSUMPTIONS.md):\n")
		for _, a := range d.Assumptions {
			verdict := "differs"
			switch {
			case a.Contradicted > 0 && a.Restored == 0:
				verdict = fmt.Sprintf("held on A, contradicted on B (%s)", d.B.Target)
			case a.Restored > 0 && a.Contradicted == 0:
				verdict = fmt.Sprintf("contradicted on A (%s), held on B", d.A.Target)
			case a.Restored > 0:
				verdict = "contradicted on both, by different scenarios"
			}
			fmt.Fprintf(&b, "  %-20s %s: %s\n", a.ID, verdict, plural(len(a.Scenarios), "scenario", "scenarios"))
		}
	}
	if len(d.OnlyA) > 0 {
		fmt.Fprintf(&b, "\nOnly in A (%d): %s\n", len(d.OnlyA), names(d.OnlyA, 5))
	}
	if len(d.OnlyB) > 0 {
		fmt.Fprintf(&b, "\nOnly in B (%d): %s\n", len(d.OnlyB), names(d.OnlyB, 5))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func names(refs []ScenarioRef, n int) string {
	var s []string
	for i, r := range refs {
		if i == n {
			s = append(s, fmt.Sprintf("and %d more", len(refs)-n))
			break
		}
		s = append(s, r.Name)
	}
	return strings.Join(s, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
