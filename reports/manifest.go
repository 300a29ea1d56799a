package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/finprod/finprod/internal/atomicfile"
	"github.com/finprod/finprod/internal/loadfile"
)

// Formats of the files finprod's commands write for the reports. A reader
// refuses a major version it does not know instead of guessing.
const (
	AcceptanceFormat = "finprod.acceptance/v1"
	RunFormat        = "finprod.run/v1"
)

// File names inside a run folder.
const (
	CucumberFile   = "cucumber.json"
	AcceptanceFile = "acceptance.json"
	RunFile        = "run.json"
	JUnitFile      = "junit.xml"
	ReportFile     = "report.html"
	HistoryFile    = "history.db"
	LoadSummary    = "load/" + loadfile.SummaryFile
)

// AcceptanceManifest is acceptance.json, written by `finprod test` (and so
// by `finprod run`) beside the Cucumber JSON: what ran, against what, when.
type AcceptanceManifest struct {
	Format string `json:"format"`
	// Target is the target's name ("local", "tt02"); APIURL its API.
	Target string `json:"target"`
	APIURL string `json:"apiUrl,omitempty"`
	// Tags is the tag expression in effect ("" for all).
	Tags        string `json:"tags,omitempty"`
	Concurrency int    `json:"concurrency,omitempty"`
	// FeaturesDir is the folder the Cucumber JSON's feature URIs are
	// relative to ("features" for the embedded suite).
	FeaturesDir string    `json:"featuresDir,omitempty"`
	Started     time.Time `json:"started"`
	DurationMS  float64   `json:"durationMs"`
	// Status is the suite's outcome as the runner saw it: passed, failed,
	// not run (bad options) or interrupted.
	Status string `json:"status"`
}

// RunPart is one part of `finprod run`: the smoke check, the acceptance
// suite, the load run, the report.
type RunPart struct {
	Name    string  `json:"name"`
	Verdict Verdict `json:"verdict"`
	Detail  string  `json:"detail,omitempty"`
	// Files are the part's outputs, relative to the run folder.
	Files []string `json:"files,omitempty"`
	// Checks are the part's own checks, when it has some (the example).
	Checks []RunCheck `json:"checks,omitempty"`
}

// RunCheck is one check of a part.
type RunCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// RunSummary is run.json, written by `finprod run` when it ends, however
// it ends: its verdict is the run's.
type RunSummary struct {
	Format     string    `json:"format"`
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	DurationMS float64   `json:"durationMs"`
	Verdict    Verdict   `json:"verdict"`
	ExitCode   int       `json:"exitCode"`
	// Error is why the run stopped early, when it did.
	Error string    `json:"error,omitempty"`
	Parts []RunPart `json:"parts"`
	// Report is the HTML report's path, relative to the run folder.
	Report string `json:"report,omitempty"`
	// OK is Verdict == passed, for readers of finprod's first run.json.
	OK bool `json:"ok"`
}

// WriteJSON writes v as indented JSON to path through a temporary file in
// the same folder, so a reader never sees half a file and an interrupted
// write leaves the old one.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, append(b, '\n'))
}

func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// Readable as any other output.
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		return errors.Join(err, f.Abort())
	}
	return f.Commit()
}
