package reports

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// BuildOptions say where the history is and how much of it to show.
type BuildOptions struct {
	// History is the SQLite file; "" keeps no history (no trends).
	History string
	// Trend is how many runs the trends show (this one included); 20 when 0.
	Trend int
	// Now is when the report is made; time.Now when zero.
	Now time.Time
}

// Built says what Build wrote.
type Built struct {
	Run      *Run
	Verdict  Verdict
	Headline string
	Report   string // path of the HTML report
	JUnit    string // path of the JUnit XML
	// HistoryUpgraded is the schema version the history had, when Build
	// upgraded it; 0 otherwise.
	HistoryUpgraded int
	// Trend is how many runs the trends show.
	Trend int
}

// Build makes the report of a run folder: it records the run in the
// history, then writes report.html and junit.xml into the folder. Files are
// replaced whole, so a failed build leaves the previous ones.
func Build(ctx context.Context, dir string, o BuildOptions) (*Built, error) {
	r, err := Open(dir)
	if err != nil {
		return nil, err
	}
	if o.Trend <= 0 {
		o.Trend = 20
	}
	b := &Built{Run: r, Verdict: r.Verdict(), Report: filepath.Join(dir, ReportFile), JUnit: filepath.Join(dir, JUnitFile)}
	ho := HTMLOptions{Now: o.Now}
	if o.History != "" {
		h, err := OpenHistory(ctx, o.History)
		if err != nil {
			return nil, err
		}
		defer h.Close()
		if h.From > 0 && h.From < SchemaVersion() {
			b.HistoryUpgraded = h.From
		}
		e := EntryOf(r)
		if err := h.Record(ctx, e); err != nil {
			return nil, err
		}
		if ho.History, err = h.Recent(ctx, e.Target, o.Trend); err != nil {
			return nil, err
		}
		ho.HistoryPath = o.History
		b.Trend = len(ho.History)
	}
	page, headline, err := renderHTML(r, ho)
	if err != nil {
		return nil, err
	}
	b.Headline = headline
	var junit bytes.Buffer
	if err := WriteJUnit(&junit, r); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(b.Report, page); err != nil {
		return nil, fmt.Errorf("write %s: %w", b.Report, err)
	}
	if err := writeFileAtomic(b.JUnit, junit.Bytes()); err != nil {
		return nil, fmt.Errorf("write %s: %w", b.JUnit, err)
	}
	return b, nil
}
