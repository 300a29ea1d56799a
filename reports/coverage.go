package reports

import (
	"regexp"
	"slices"

	"github.com/finprod/finprod/contract"
)

// ScenarioRef points at one scenario of a run.
type ScenarioRef struct {
	Feature string
	Name    string
	URI     string
	Line    int
	Status  Status
	// Anchor is the scenario's id in the HTML report.
	Anchor string
}

func refOf(f Feature, s Scenario) ScenarioRef {
	return ScenarioRef{Feature: f.Name, Name: s.Name, URI: f.URI, Line: s.Line, Status: s.Status, Anchor: anchorOf(f, s)}
}

// CodeCoverage is one row of the GLD coverage matrix.
type CodeCoverage struct {
	Entry contract.Entry
	// Provoked are the scenarios that expect the code (their steps name it).
	Provoked []ScenarioRef
	// Observed counts the answers that carried the code; ObservedIn are
	// the scenarios they came in.
	Observed   int
	ObservedIn []ScenarioRef
}

// Coverage states.
const (
	CoverageSeen       = "seen"        // provoked and observed
	CoverageNotSeen    = "not seen"    // provoked, never observed
	CoverageUnexpected = "unexpected"  // observed, but no scenario expected it
	CoverageNone       = "not covered" // neither
)

// State says how well the run covered the code.
func (c CodeCoverage) State() string {
	switch {
	case len(c.Provoked) > 0 && c.Observed > 0:
		return CoverageSeen
	case len(c.Provoked) > 0:
		return CoverageNotSeen
	case c.Observed > 0:
		return CoverageUnexpected
	}
	return CoverageNone
}

var gldCode = regexp.MustCompile(`GLD_\d+`)

// Coverage is the GLD coverage matrix of the run: a row for every code of
// contract.Catalogue(), in its order, and after them any code the target
// answered with that the catalogue does not know.
func Coverage(a *Acceptance) []CodeCoverage {
	rows := map[contract.Kode]*CodeCoverage{}
	var order []contract.Kode
	for _, e := range contract.Catalogue() {
		rows[e.Kode] = &CodeCoverage{Entry: e}
		order = append(order, e.Kode)
	}
	row := func(k contract.Kode) *CodeCoverage {
		if r, ok := rows[k]; ok {
			return r
		}
		r := &CodeCoverage{Entry: contract.Entry{Kode: k, Omraade: "not in finprod's catalogue"}}
		rows[k] = r
		order = append(order, k)
		return r
	}
	if a != nil {
		for _, f := range a.Features {
			for _, s := range f.Scenarios {
				ref := refOf(f, s)
				var expected []string
				for _, st := range s.Steps {
					for _, k := range gldCode.FindAllString(st.Text, -1) {
						if !slices.Contains(expected, k) {
							expected = append(expected, k)
						}
					}
				}
				// A specification code comes under its general code
				// (ASSUMPTION A-HOVEDKODE): expecting one provokes both.
				for _, k := range slices.Clone(expected) {
					if e, ok := contract.Lookup(contract.Kode(k)); ok && e.Hovedkode != "" && !slices.Contains(expected, string(e.Hovedkode)) {
						expected = append(expected, string(e.Hovedkode))
					}
				}
				for _, k := range expected {
					r := row(contract.Kode(k))
					r.Provoked = append(r.Provoked, ref)
				}
				for _, x := range s.Exchanges() {
					for _, k := range x.Koder {
						if !gldCode.MatchString(k) {
							continue // a feedback's own codes are not GLD codes
						}
						r := row(contract.Kode(k))
						r.Observed++
						if !slices.ContainsFunc(r.ObservedIn, func(o ScenarioRef) bool { return o.Anchor == ref.Anchor }) {
							r.ObservedIn = append(r.ObservedIn, ref)
						}
					}
				}
			}
		}
	}
	out := make([]CodeCoverage, 0, len(order))
	for _, k := range order {
		out = append(out, *rows[k])
	}
	return out
}

// AssumptionStatus is how one assumption fared in the run.
type AssumptionStatus struct {
	contract.Assumption
	// Scenarios are those tagged with the assumption's ID.
	Scenarios []ScenarioRef
}

// Assumption states on a target.
const (
	AssumptionHeld         = "held"
	AssumptionContradicted = "contradicted"
	AssumptionUntested     = "untested"
)

// State: held when every tagged scenario passed, contradicted when one
// failed, untested when none ran (or all were skipped).
func (a AssumptionStatus) State() string {
	passed := 0
	for _, s := range a.Scenarios {
		switch {
		case s.Status == Failed || s.Status.Broken():
			return AssumptionContradicted
		case s.Status == Passed:
			passed++
		}
	}
	if passed == 0 {
		return AssumptionUntested
	}
	return AssumptionHeld
}

// Failed lists the tagged scenarios that did not pass.
func (a AssumptionStatus) Failed() []ScenarioRef {
	var out []ScenarioRef
	for _, s := range a.Scenarios {
		if s.Status == Failed || s.Status.Broken() {
			out = append(out, s)
		}
	}
	return out
}

// Assumptions is the status of every assumption of contract/ASSUMPTIONS.md
// in this run, in the document's order, followed by IDs that scenarios are
// tagged with but the document does not list (from an older suite).
func Assumptions(a *Acceptance) []AssumptionStatus {
	var out []AssumptionStatus
	index := map[string]int{}
	for _, as := range contract.Assumptions() {
		index[as.ID] = len(out)
		out = append(out, AssumptionStatus{Assumption: as})
	}
	if a == nil {
		return out
	}
	for _, f := range a.Features {
		for _, s := range f.Scenarios {
			for _, id := range s.Assumptions() {
				i, ok := index[id]
				if !ok {
					i = len(out)
					index[id] = i
					out = append(out, AssumptionStatus{Assumption: contract.Assumption{ID: id, Unknown: "not in this finprod's contract/ASSUMPTIONS.md"}})
				}
				out[i].Scenarios = append(out[i].Scenarios, refOf(f, s))
			}
		}
	}
	return out
}
