package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/finprod/finprod/internal/sqlitefile"
)

// historySchema is the history's SQLite schema ("fprd" marks the file).
var historySchema = sqlitefile.Schema{
	Kind: "history", Owner: "finprod's history", Flag: "--history", ApplicationID: 0x66707264,
	Migrations: []string{
		// 1: the acceptance suite's figures.
		`CREATE TABLE runs (
		id            INTEGER PRIMARY KEY,
		key           TEXT NOT NULL UNIQUE,
		started       TEXT NOT NULL,
		target        TEXT NOT NULL,
		verdict       TEXT NOT NULL,
		scenarios     INTEGER NOT NULL,
		passed        INTEGER NOT NULL,
		failed        INTEGER NOT NULL,
		suite_seconds REAL,
		dir           TEXT NOT NULL,
		recorded      TEXT NOT NULL
	);
	CREATE INDEX runs_target_started ON runs (target, started);`,
		// 2: the load run's figures.
		`ALTER TABLE runs ADD COLUMN p99_ms REAL;
	ALTER TABLE runs ADD COLUMN max_rate REAL;`,
	},
}

// SchemaVersion is the history schema this finprod writes.
func SchemaVersion() int { return len(historySchema.Migrations) }

// History is the SQLite database of runs (default out/history.db).
type History struct {
	db   *sql.DB
	path string
	// From is the schema version the file had when opened (0 for a new
	// file); it differs from SchemaVersion when OpenHistory upgraded it.
	From int
}

// OpenHistory opens the history at path, creating it, or upgrading one an
// older finprod wrote. It refuses a file that is not a finprod history, or
// that a newer finprod wrote, and says so.
func OpenHistory(ctx context.Context, path string) (*History, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("history %s is a folder; give a file, e.g. %s", path, filepath.Join(path, HistoryFile))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	db, from, err := sqlitefile.Open(ctx, path, "_pragma=busy_timeout(5000)", historySchema)
	if err != nil {
		return nil, err
	}
	// One connection: the history is small, and SQLite serialises writers.
	db.SetMaxOpenConns(1)
	return &History{db: db, path: path, From: from}, nil
}

// Path is the database's file.
func (h *History) Path() string { return h.path }

// Close closes the database.
func (h *History) Close() error { return h.db.Close() }

// Record adds the run, or replaces the entry with the same key, so that
// rebuilding a report from the same folder does not count the run twice.
func (h *History) Record(ctx context.Context, e HistoryEntry) error {
	if e.Key == "" {
		return errors.New("history: a run without a key")
	}
	_, err := h.db.ExecContext(ctx, `INSERT INTO runs
		(key, started, target, verdict, scenarios, passed, failed, suite_seconds, p99_ms, max_rate, dir, recorded)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET started = excluded.started, target = excluded.target,
			verdict = excluded.verdict, scenarios = excluded.scenarios, passed = excluded.passed,
			failed = excluded.failed, suite_seconds = excluded.suite_seconds, p99_ms = excluded.p99_ms,
			max_rate = excluded.max_rate, dir = excluded.dir, recorded = excluded.recorded`,
		e.Key, e.Started.UTC().Format(time.RFC3339Nano), e.Target, string(e.Verdict), e.Scenarios, e.Passed, e.Failed,
		nullable(e.SuiteSeconds), nullable(e.P99MS), nullable(e.MaxRate), e.Dir, time.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("history %s: record run %s: %w", h.path, e.Key, err)
	}
	return nil
}

func nullable(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// Recent returns the last n runs against target ("" for every target),
// oldest first.
func (h *History) Recent(ctx context.Context, target string, n int) ([]HistoryEntry, error) {
	rows, err := h.db.QueryContext(ctx, `SELECT key, started, target, verdict, scenarios, passed, failed,
			suite_seconds, p99_ms, max_rate, dir
		FROM runs WHERE ? = '' OR target = ? ORDER BY started DESC, id DESC LIMIT ?`, target, target, n)
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", h.path, err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var e HistoryEntry
		var started, verdict string
		var suite, p99, rate sql.NullFloat64
		if err := rows.Scan(&e.Key, &started, &e.Target, &verdict, &e.Scenarios, &e.Passed, &e.Failed, &suite, &p99, &rate, &e.Dir); err != nil {
			return nil, fmt.Errorf("history %s: %w", h.path, err)
		}
		if e.Started, err = time.Parse(time.RFC3339Nano, started); err != nil {
			return nil, fmt.Errorf("history %s: run %s has a bad start time %q", h.path, e.Key, started)
		}
		e.Verdict = Verdict(verdict)
		e.SuiteSeconds, e.P99MS, e.MaxRate = floatPtr(suite), floatPtr(p99), floatPtr(rate)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history %s: %w", h.path, err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func floatPtr(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	v := f.Float64
	return &v
}
