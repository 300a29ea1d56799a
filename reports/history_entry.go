package reports

import "time"

// HistoryEntry is one run's line in the history: what the trends show.
type HistoryEntry struct {
	// Key identifies the run's results (Run.Key).
	Key     string
	Started time.Time
	Target  string
	Verdict Verdict
	// Scenarios and their outcomes; zero when the run had no acceptance part.
	Scenarios, Passed, Failed int
	// SuiteSeconds is the acceptance suite's duration.
	SuiteSeconds *float64
	// P99MS is the load run's 99th percentile latency (intended time);
	// MaxRate its highest sustained rate (requests per second).
	P99MS   *float64
	MaxRate *float64
	// Dir is the run folder as it was given.
	Dir string
}

// EntryOf is the run's history entry.
func EntryOf(r *Run) HistoryEntry {
	e := HistoryEntry{Key: r.Key, Started: r.Started.UTC(), Verdict: r.Verdict(), Dir: r.Dir, Target: "unknown"}
	if a := r.Acceptance; a != nil {
		c := a.Counts()
		e.Scenarios, e.Passed, e.Failed = c.Scenarios, c.Passed, c.Failed+c.Broken
		s := a.Duration().Seconds()
		e.SuiteSeconds = &s
		e.Target = a.Target()
	}
	if l := r.Load; l != nil {
		e.P99MS, e.MaxRate = l.trendFigures()
		if e.Target == "unknown" {
			e.Target = l.target()
		}
	}
	return e
}
