package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/finprod/finprod/internal/versioned"
)

// ErrNoResults: the folder holds nothing a report can be made of.
var ErrNoResults = errors.New("no run results")

// Run is everything one run folder holds.
type Run struct {
	// Dir is the folder as given.
	Dir string
	// Acceptance is the acceptance suite's results; nil when it did not run.
	Acceptance *Acceptance
	// Load is the load run's summary; nil when there was none.
	Load *Load
	// Summary is run.json, when `finprod run` wrote the folder.
	Summary *RunSummary
	// Key identifies the run's results (a hash of its result files), so
	// recording the same folder twice in the history keeps one entry.
	Key string
	// Started is when the run began, as well as the files tell.
	Started time.Time
}

// Open reads a run folder. It needs the acceptance suite's Cucumber JSON or
// a load summary; acceptance.json and run.json are read when present.
func Open(dir string) (*Run, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist: give the --out folder of a finprod test, load or run", dir)
		}
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is a file, not a run folder: give the --out folder of a finprod test, load or run", dir)
	}
	r := &Run{Dir: dir}
	h := sha256.New()

	cuke, err := os.ReadFile(filepath.Join(dir, CucumberFile))
	switch {
	case err == nil:
		a := &Acceptance{}
		mpath := filepath.Join(dir, AcceptanceFile)
		if _, err := versioned.Read(mpath, AcceptanceFormat, &a.Manifest); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if a.Features, err = ParseCucumber(cuke, a.Manifest.FeaturesDir); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, CucumberFile), err)
		}
		r.Acceptance = a
		h.Write(cuke)
		r.Started = a.Manifest.Started
		if r.Started.IsZero() {
			if fi, err := os.Stat(filepath.Join(dir, CucumberFile)); err == nil {
				r.Started = fi.ModTime().UTC()
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}

	load, raw, err := readLoad(filepath.Join(dir, LoadSummary))
	switch {
	case err == nil:
		r.Load = load
		h.Write([]byte{0})
		h.Write(raw)
		if r.Started.IsZero() || (!load.Started.IsZero() && load.Started.Before(r.Started)) {
			r.Started = load.Started
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}

	if r.Acceptance == nil && r.Load == nil {
		return nil, fmt.Errorf("%s holds no %s and no %s: %w; run `finprod test --out %s` or `finprod run --out %s` first",
			dir, CucumberFile, LoadSummary, ErrNoResults, dir, dir)
	}

	var sum RunSummary
	switch _, err := versioned.Read(filepath.Join(dir, RunFile), RunFormat, &sum); {
	case err == nil:
		r.Summary = &sum
		if !sum.Started.IsZero() {
			r.Started = sum.Started
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		// An older run.json (before finprod.run/v1) says nothing the
		// report needs; any other damage is the user's to know.
		if !legacyRunJSON(filepath.Join(dir, RunFile)) {
			return nil, err
		}
	}
	r.Key = hex.EncodeToString(h.Sum(nil))[:16]
	return r, nil
}

// Verdict is the run's: the worst of its parts. An interrupted run is
// interrupted whatever its parts say.
func (r *Run) Verdict() Verdict {
	var vs []Verdict
	if r.Acceptance != nil {
		vs = append(vs, r.Acceptance.Verdict())
	}
	if r.Load != nil {
		vs = append(vs, r.Load.Verdict())
	}
	if r.Summary != nil {
		for _, p := range r.Summary.Parts {
			if p.Name == PartReport {
				continue
			}
			vs = append(vs, p.Verdict)
		}
		if r.Summary.Verdict == VerdictInterrupted {
			vs = append(vs, VerdictInterrupted)
		}
	}
	return Worst(vs...)
}

// PartReport names the report's own part in run.json; a report does not
// judge itself.
const PartReport = "report"
