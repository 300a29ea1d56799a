package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// applicationID marks a SQLite file as a finprod history ("fprd").
const applicationID = 0x66707264

// migrations are the history's schema versions, in order; migrations[i]
// takes a database from version i to i+1. A released migration is never
// changed: a new need is a new migration.
var migrations = []string{
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
}

// SchemaVersion is the history schema this finprod writes.
func SchemaVersion() int { return len(migrations) }

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
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, fmt.Errorf("history %s: %w", path, err)
	}
	// One connection: the history is small, and SQLite serialises writers.
	db.SetMaxOpenConns(1)
	h := &History{db: db, path: path}
	if err := h.migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return h, nil
}

func (h *History) migrate(ctx context.Context) error {
	var version, app int
	if err := h.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return fmt.Errorf("history %s is not a SQLite database: give --history a new file, or move this one away", h.path)
		}
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	if err := h.db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	var tables int
	if err := h.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		return fmt.Errorf("history %s: %w", h.path, err)
	}
	switch {
	case app == 0 && version == 0 && tables == 0:
		// A new (or empty) file.
	case app != applicationID:
		return fmt.Errorf("history %s is a SQLite database, but not finprod's history: give --history another file", h.path)
	case version > len(migrations):
		return fmt.Errorf("history %s has schema version %d, written by a newer finprod; this finprod knows versions up to %d: use the newer finprod, or another --history file", h.path, version, len(migrations))
	}
	h.From = version
	for v := version; v < len(migrations); v++ {
		if err := h.apply(ctx, v); err != nil {
			return fmt.Errorf("history %s: upgrade from schema version %d to %d: %w (the file is unchanged)", h.path, v, v+1, err)
		}
	}
	return nil
}

func (h *History) apply(ctx context.Context, v int) error {
	tx, err := h.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return err
	}
	// PRAGMAs take no parameters; both values are this package's integers.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", applicationID, v+1)); err != nil {
		return err
	}
	return tx.Commit()
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
