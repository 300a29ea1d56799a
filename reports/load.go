package reports

import (
	"errors"
	"io/fs"
	"time"
)

// Load is a load run's summary (out/load/summary.json).
type Load struct {
	Started time.Time
	verdict Verdict
}

// Verdict of the load run: its SLO gates.
func (l *Load) Verdict() Verdict { return l.verdict }

// readLoad reads the load summary. The format is the load command's
// (finprod.load.summary/v1, docs/load.md); until it is read here, a folder
// with only a load run has no report.
func readLoad(path string) (*Load, []byte, error) {
	_ = path
	return nil, nil, fs.ErrNotExist
}

var _ = errors.New

// Duration of the load run.
func (l *Load) Duration() time.Duration { return 0 }

func loadSuite(l *Load) junitSuite { return junitSuite{Name: "Load: SLO gates"} }

// loadView is the load section of the HTML report.
type loadView struct {
	Headline string
	Figures  []figure
}

// loadData is the load section's chart data.
type loadData struct{}

func buildLoad(l *Load) (*loadView, *loadData) { return &loadView{}, nil }

func (l *Load) trendFigures() (p99ms, maxRate *float64) { return nil, nil }
func (l *Load) target() string                          { return "unknown" }
