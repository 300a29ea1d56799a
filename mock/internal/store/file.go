package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/finprod/finprod/internal/sqlitefile"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// fileSchema is the store's file ("fpms" marks it). A forsendelse's row
// holds its document, its SUBMISSION transmission and its idempotency
// record with the answer, so an accepted submission is one row.
var fileSchema = sqlitefile.Schema{
	Kind: "store", Owner: "a finprod mock store", Flag: "--store", ApplicationID: 0x66706d73,
	Migrations: []string{
		`CREATE TABLE dialog (
			id           TEXT PRIMARY KEY,
			oppgavegiver TEXT NOT NULL,
			inntektsaar  INTEGER NOT NULL,
			created_at   INTEGER NOT NULL -- Unix nanoseconds, as every time here
		);
		CREATE TABLE forsendelse (
			seq                   INTEGER PRIMARY KEY, -- the order of acceptance
			id                    TEXT NOT NULL,
			dialog_id             TEXT NOT NULL,
			inntektsaar           INTEGER NOT NULL,
			oppgavegiver          TEXT NOT NULL,
			referanse             TEXT NOT NULL,
			antall_oppgaver       INTEGER NOT NULL,
			systembruker          TEXT NOT NULL,
			created_at            INTEGER NOT NULL,
			document_id           TEXT NOT NULL,
			document              BLOB,    -- NULL when the mock keeps no documents
			transmission_id       TEXT NOT NULL,
			appended              INTEGER NOT NULL, -- the transmission's place among all
			idem_systembruker     TEXT,    -- the idempotency record, NULL without a key
			idem_key              TEXT,
			idem_hash             BLOB,
			answer_status         INTEGER,
			answer_korrelasjonsid TEXT,
			answer_body           BLOB
		);
		CREATE TABLE feedback (
			seq             INTEGER PRIMARY KEY,
			forsendelse_id  TEXT NOT NULL,
			transmission_id TEXT NOT NULL,
			appended        INTEGER NOT NULL,
			type            TEXT NOT NULL,
			title           TEXT NOT NULL,
			created_at      INTEGER NOT NULL,
			document_id     TEXT NOT NULL,
			document        BLOB
		);`,
	},
}

// fileQuery opens the file in WAL mode, which is safe against a killed
// process (a commit is in the file once write returns; only a crash of the
// machine can lose the last ones, as synchronous=NORMAL allows), and in
// exclusive locking mode, so a second mock on the same file is refused
// instead of serving a copy of the state that drifts apart.
const fileQuery = "_pragma=locking_mode(EXCLUSIVE)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(200)"

// Open returns a store kept in the SQLite file at path (created if
// missing), with everything the file holds read back: forsendelser,
// dialogs, transmissions, documents and idempotency records. Close it to
// write what is queued and let the file go.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("store %s is a folder; give a file, e.g. %s", path, filepath.Join(path, "store.db"))
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store %s: %w", path, err)
		}
	}
	db, _, err := sqlitefile.Open(ctx, path, fileQuery, fileSchema)
	if err != nil {
		return nil, inUse(path, err)
	}
	// One connection: SQLite has one writer, the exclusive lock belongs to
	// a connection, and reads come from memory.
	db.SetMaxOpenConns(1)
	// A write takes the exclusive lock now, not at the first submission.
	if _, err := db.ExecContext(ctx, "BEGIN IMMEDIATE; COMMIT"); err != nil {
		_ = db.Close()
		return nil, inUse(path, err)
	}
	s := New(opts...)
	if err := s.load(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	if s.journal, err = newJournal(ctx, db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// inUse says so when another process holds the file.
func inUse(path string, err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY {
		return fmt.Errorf("store %s is in use by another process (another finprod mock?); stop it, or give --store another file", path)
	}
	return err
}

// Close writes what is queued to the store's file and closes it; a store
// in memory has nothing to close.
func (s *Store) Close() error {
	if s.journal == nil {
		return nil
	}
	return s.journal.close()
}

// Persistent reports whether the store keeps a file.
func (s *Store) Persistent() bool { return s.journal != nil }

// load reads the file into the empty store.
func (s *Store) load(ctx context.Context, db *sql.DB) error {
	type placed struct {
		t        Transmission
		appended int64
	}
	placedIn := map[string][]placed{} // dialog id → its transmissions
	rows, err := db.QueryContext(ctx, `SELECT id, oppgavegiver, inntektsaar, created_at FROM dialog`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d Dialog
		var at int64
		if err := rows.Scan(&d.ID, &d.Oppgavegiver, &d.Inntektsaar, &at); err != nil {
			rows.Close()
			return err
		}
		d.CreatedAt = time.Unix(0, at)
		d.UpdatedAt = d.CreatedAt
		s.dialogs[d.ID] = &d
		s.dialogByKey[dialogKey{d.Oppgavegiver, d.Inntektsaar}] = d.ID
	}
	if err := closeRows(rows); err != nil {
		return err
	}

	rows, err = db.QueryContext(ctx, `SELECT id, dialog_id, inntektsaar, oppgavegiver, referanse, antall_oppgaver,
		systembruker, created_at, document_id, document, transmission_id, appended,
		idem_systembruker, idem_key, idem_hash, answer_status, answer_korrelasjonsid, answer_body
		FROM forsendelse ORDER BY seq`)
	if err != nil {
		return err
	}
	for rows.Next() {
		f := &Forsendelse{}
		var at, appended int64
		var body, hash, answer []byte
		var tid string
		var idemOrg, idemKey, korr sql.NullString
		var status sql.NullInt64
		if err := rows.Scan(&f.ID, &f.DialogID, &f.Inntektsaar, &f.Oppgavegiver, &f.Referanse, &f.AntallOppgaver,
			&f.Systembruker, &at, &f.DocumentID, &body, &tid, &appended,
			&idemOrg, &idemKey, &hash, &status, &korr, &answer); err != nil {
			rows.Close()
			return err
		}
		f.CreatedAt = time.Unix(0, at)
		if _, ok := s.dialogs[f.DialogID]; !ok {
			rows.Close()
			return fmt.Errorf("forsendelse %s belongs to dialog %s, which the file does not hold", f.ID, f.DialogID)
		}
		s.forsendelse[f.ID] = f
		s.order = append(s.order, f.ID)
		s.documents[f.ID] = []*Document{submittedDocument(f, body)}
		placedIn[f.DialogID] = append(placedIn[f.DialogID], placed{submissionTransmission(f, tid), appended})
		s.appended = max(s.appended, appended)
		if idemKey.Valid {
			rec := idemRecord{answer: Answer{Status: int(status.Int64), Korrelasjonsid: korr.String, Body: answer}}
			if copy(rec.hash[:], hash) != len(rec.hash) {
				rows.Close()
				return fmt.Errorf("forsendelse %s: the idempotency record's hash has %d bytes", f.ID, len(hash))
			}
			s.answers[IdemKey{Systembruker: idemOrg.String, Key: idemKey.String}] = rec
		}
	}
	if err := closeRows(rows); err != nil {
		return err
	}

	rows, err = db.QueryContext(ctx, `SELECT forsendelse_id, transmission_id, appended, type, title, created_at,
		document_id, document FROM feedback ORDER BY seq`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var fid, tid, did, typ, title string
		var appended, at int64
		var body []byte
		if err := rows.Scan(&fid, &tid, &appended, &typ, &title, &at, &did, &body); err != nil {
			rows.Close()
			return err
		}
		f, ok := s.forsendelse[fid]
		if !ok {
			rows.Close()
			return fmt.Errorf("feedback %s is for forsendelse %s, which the file does not hold", tid, fid)
		}
		doc := feedbackDocument(fid, did, body, time.Unix(0, at))
		s.documents[fid] = append(s.documents[fid], doc)
		placedIn[f.DialogID] = append(placedIn[f.DialogID], placed{feedbackTransmission(doc, tid, typ, title), appended})
		s.appended = max(s.appended, appended)
	}
	if err := closeRows(rows); err != nil {
		return err
	}

	// A dialog's transmissions in time order, ties in the order they were
	// added, as AddFeedback keeps them.
	for id, ps := range placedIn {
		slices.SortStableFunc(ps, func(a, b placed) int {
			if c := a.t.CreatedAt.Compare(b.t.CreatedAt); c != 0 {
				return c
			}
			return cmp.Compare(a.appended, b.appended)
		})
		d := s.dialogs[id]
		d.Transmissions = make([]Transmission, len(ps))
		for i, p := range ps {
			d.Transmissions[i] = p.t
			if p.t.CreatedAt.After(d.UpdatedAt) {
				d.UpdatedAt = p.t.CreatedAt
			}
		}
	}
	return nil
}

func closeRows(rows *sql.Rows) error {
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}
