package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// The journal writes the store's changes to its SQLite file. The store
// changes memory first and queues the change under its lock, so the file's
// order is memory's; a background writer commits whatever has queued up in
// one transaction (group commit), so concurrent submissions share the cost
// of a commit. A submission waits for the commit that holds it before it
// is answered: what the mock answered is in the file. Feedback is not
// waited for; what a crash takes of it is written again after the restart
// (AwaitingFeedback).

// record is one change to write: exactly one field is set.
type record struct {
	accept   *acceptRecord
	feedback *feedbackRecord
	reset    bool
}

type acceptRecord struct {
	f              Forsendelse
	transmissionID string
	appended       int64
	body           []byte
	newDialog      *Dialog  // the dialog this forsendelse opened, if any
	idem           *idemRow // the idempotency record, if the request had a key
}

type idemRow struct {
	key IdemKey
	rec idemRecord
}

type feedbackRecord struct {
	t        Transmission
	appended int64
	body     []byte
}

// batch is the records of one transaction; done closes when it is
// committed or has failed (err).
type batch struct {
	recs []record
	done chan struct{}
	err  error
}

func (b *batch) wait() error {
	<-b.done
	return b.err
}

func newBatch() *batch { return &batch{done: make(chan struct{})} }

type journal struct {
	db    *sql.DB
	path  string
	stmts statements

	mu     sync.Mutex
	next   *batch // what write adds to
	err    error  // the first failure; the journal takes nothing after it
	closed bool

	wake chan struct{} // a record is waiting (capacity 1)
	stop chan struct{}
	done chan struct{} // the writer has stopped
}

type statements struct {
	dialog, forsendelse, feedback *sql.Stmt
}

func newJournal(ctx context.Context, db *sql.DB, path string) (*journal, error) {
	j := &journal{db: db, path: path, next: newBatch(), wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	var err error
	prepare := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.PrepareContext(ctx, q)
		return st
	}
	j.stmts.dialog = prepare(`INSERT INTO dialog (id, oppgavegiver, inntektsaar, created_at) VALUES (?, ?, ?, ?)`)
	j.stmts.forsendelse = prepare(`INSERT INTO forsendelse (id, dialog_id, inntektsaar, oppgavegiver, referanse,
		antall_oppgaver, systembruker, created_at, document_id, document, transmission_id, appended,
		idem_systembruker, idem_key, idem_hash, answer_status, answer_korrelasjonsid, answer_body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	j.stmts.feedback = prepare(`INSERT INTO feedback (forsendelse_id, transmission_id, appended, type, title,
		created_at, document_id, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	go j.run()
	return j, nil
}

// failed is the journal's failure, nil for a store without a file.
func (j *journal) failed() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

// write queues a record; the batch says when it is in the file.
func (j *journal) write(r record) *batch {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil || j.closed {
		b := newBatch()
		b.err = j.err
		if b.err == nil {
			b.err = fmt.Errorf("store %s is closed", j.path)
		}
		close(b.done)
		return b
	}
	b := j.next
	b.recs = append(b.recs, r)
	select {
	case j.wake <- struct{}{}:
	default:
	}
	return b
}

func (j *journal) run() {
	defer close(j.done)
	for {
		select {
		case <-j.wake:
			j.flush()
		case <-j.stop:
			j.flush()
			return
		}
	}
}

// flush commits what has queued up since the last flush.
func (j *journal) flush() {
	j.mu.Lock()
	b := j.next
	j.next = newBatch()
	j.mu.Unlock()
	if len(b.recs) > 0 {
		if b.err = j.commit(b.recs); b.err != nil {
			b.err = fmt.Errorf("store %s: %w", j.path, b.err)
			j.mu.Lock()
			if j.err == nil {
				j.err = b.err
			}
			j.mu.Unlock()
		}
	}
	close(b.done)
}

func (j *journal) commit(recs []record) error {
	tx, err := j.db.Begin()
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	dialog, forsendelse, feedback := tx.Stmt(j.stmts.dialog), tx.Stmt(j.stmts.forsendelse), tx.Stmt(j.stmts.feedback)
	for _, r := range recs {
		switch {
		case r.reset:
			if _, err := tx.Exec(`DELETE FROM feedback; DELETE FROM forsendelse; DELETE FROM dialog`); err != nil {
				return err
			}
		case r.accept != nil:
			a := r.accept
			if d := a.newDialog; d != nil {
				if _, err := dialog.Exec(d.ID, d.Oppgavegiver, d.Inntektsaar, d.CreatedAt.UnixNano()); err != nil {
					return err
				}
			}
			f := a.f
			var idemOrg, idemKey, korr sql.NullString
			var hash, answer []byte
			var status sql.NullInt64
			if i := a.idem; i != nil {
				idemOrg, idemKey = sql.NullString{String: i.key.Systembruker, Valid: true}, sql.NullString{String: i.key.Key, Valid: true}
				hash, answer = i.rec.hash[:], i.rec.answer.Body
				status = sql.NullInt64{Int64: int64(i.rec.answer.Status), Valid: true}
				korr = sql.NullString{String: i.rec.answer.Korrelasjonsid, Valid: true}
			}
			if _, err := forsendelse.Exec(f.ID, f.DialogID, f.Inntektsaar, f.Oppgavegiver, f.Referanse,
				f.AntallOppgaver, f.Systembruker, f.CreatedAt.UnixNano(), f.DocumentID, a.body, a.transmissionID, a.appended,
				idemOrg, idemKey, hash, status, korr, answer); err != nil {
				return err
			}
		case r.feedback != nil:
			t := r.feedback.t
			if len(t.Attachments) != 1 {
				return errors.New("a feedback transmission without its one attachment")
			}
			if _, err := feedback.Exec(t.ForsendelseID, t.ID, r.feedback.appended, t.Type, t.Title,
				t.CreatedAt.UnixNano(), t.Attachments[0].DocumentID, r.feedback.body); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// close writes what is queued and closes the file.
func (j *journal) close() error {
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return nil
	}
	j.closed = true
	j.mu.Unlock()
	close(j.stop)
	<-j.done
	err := j.failed()
	if cerr := j.db.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("store %s: %w", j.path, cerr)
	}
	return err
}
