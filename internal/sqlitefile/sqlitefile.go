// Package sqlitefile opens finprod's SQLite files (the report history, the
// mock's store) one way: with the pure-Go driver, marked as finprod's by
// their application_id, and brought to the current schema by numbered
// migrations recorded in user_version. A file that is not SQLite, another
// program's database, or one a newer finprod wrote is refused with a
// sentence that says what to do, and left as it was.
package sqlitefile

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// Schema is one kind of finprod SQLite file.
type Schema struct {
	// Kind names the file in errors: "history", "mock store".
	Kind string
	// Owner says whose file it is, for the refusal of a foreign one:
	// "finprod's history".
	Owner string
	// Flag is the option that names the file, for advice: "--history".
	Flag string
	// ApplicationID marks the file as this kind.
	ApplicationID int32
	// Migrations are the schema versions in order; Migrations[i] takes a
	// file from version i to i+1. A released migration is never changed: a
	// new need is a new migration.
	Migrations []string
}

// Open opens the file at path (creating it) with the given DSN query (such
// as "_pragma=busy_timeout(5000)") and upgrades it to the schema's latest
// version, each step in a transaction of its own. It returns the version
// the file had (0 for a new one).
func Open(ctx context.Context, path, query string, s Schema) (*sql.DB, int, error) {
	dsn := "file:" + path
	if query != "" {
		dsn += "?" + query
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", s.Kind, path, err)
	}
	from, err := s.migrate(ctx, db, path)
	if err != nil {
		_ = db.Close()
		return nil, 0, err
	}
	return db, from, nil
}

func (s Schema) migrate(ctx context.Context, db *sql.DB, path string) (int, error) {
	var version, app int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		if strings.Contains(err.Error(), "not a database") {
			return 0, fmt.Errorf("%s %s is not a SQLite database: give %s a new file, or move this one away", s.Kind, path, s.Flag)
		}
		return 0, fmt.Errorf("%s %s: %w", s.Kind, path, err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return 0, fmt.Errorf("%s %s: %w", s.Kind, path, err)
	}
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'").Scan(&tables); err != nil {
		return 0, fmt.Errorf("%s %s: %w", s.Kind, path, err)
	}
	switch {
	case app == 0 && version == 0 && tables == 0:
		// A new (or empty) file.
	case app != int(s.ApplicationID):
		return 0, fmt.Errorf("%s %s is a SQLite database, but not %s: give %s another file", s.Kind, path, s.Owner, s.Flag)
	case version > len(s.Migrations):
		return 0, fmt.Errorf("%s %s has schema version %d, written by a newer finprod; this finprod knows versions up to %d: use the newer finprod, or another %s file",
			s.Kind, path, version, len(s.Migrations), s.Flag)
	}
	for v := version; v < len(s.Migrations); v++ {
		if err := s.apply(ctx, db, v); err != nil {
			return 0, fmt.Errorf("%s %s: upgrade from schema version %d to %d: %w (the file is unchanged)", s.Kind, path, v, v+1, err)
		}
	}
	return version, nil
}

func (s Schema) apply(ctx context.Context, db *sql.DB, v int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, s.Migrations[v]); err != nil {
		return err
	}
	// PRAGMAs take no parameters; both values are integers of the schema.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", s.ApplicationID, v+1)); err != nil {
		return err
	}
	return tx.Commit()
}
