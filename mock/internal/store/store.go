// Package store holds the mock's state: forsendelser, the dialogs they belong
// to, their transmissions and documents, and the idempotency records with
// the answers they replay. The reporting API writes it; the Dialogporten
// stand-in reads it and adds feedback. It lives in memory (New); Open also
// keeps it in a SQLite file, so that a mock that is killed and started
// again on the same file has lost nothing it answered (journal.go).
package store

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/google/uuid"
)

// Transmission types as Dialogporten spells them.
const (
	TransmissionSubmission = dialogschema.TransmissionSubmission
	TransmissionAcceptance = dialogschema.TransmissionAcceptance
	TransmissionRejection  = dialogschema.TransmissionRejection
)

// Errors the API maps to GLD codes.
var (
	ErrNoForsendelse = errors.New("no forsendelse with this id")
	ErrNoDocument    = errors.New("no document with this id on this forsendelse")
	ErrNoDialog      = errors.New("no dialog for this inntektsår and organisasjonsnummer")
)

// Document is a stored JSON document, byte for byte.
type Document struct {
	ID            string
	ForsendelseID string
	Name          string
	MediaType     string
	Body          []byte
	CreatedAt     time.Time
}

// Attachment points a transmission at a document.
type Attachment struct {
	ID          string
	Name        string
	DisplayName string
	MediaType   string
	DocumentID  string
}

// Transmission is one entry in a dialog: a submission or Skatteetaten's feedback.
type Transmission struct {
	ID            string
	Type          string
	CreatedAt     time.Time
	ForsendelseID string
	Title         string
	Summary       string
	Attachments   []Attachment
}

// Dialog is the dialog of one oppgavegiver for one income year.
type Dialog struct {
	ID            string
	Oppgavegiver  string
	Inntektsaar   int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Transmissions []Transmission
}

// Forsendelse is one accepted submission.
type Forsendelse struct {
	ID             string
	DialogID       string
	Inntektsaar    int
	Oppgavegiver   string
	Referanse      string
	AntallOppgaver int
	// Systembruker is the org that submitted it (from the token).
	Systembruker string
	DocumentID   string
	CreatedAt    time.Time
}

// Submission is what the API hands over when it accepts a leveranse.
type Submission struct {
	Inntektsaar    int
	Oppgavegiver   string
	Referanse      string
	AntallOppgaver int
	Systembruker   string
	Body           []byte
	// Parsed is Body as jsontree.DecodeDup read it, when it repeated no
	// key; nil if the caller did not parse it. The store does not keep it:
	// it hands it to listeners registered with OnAcceptedSubmission, so
	// they need not parse the body again.
	Parsed any
}

type dialogKey struct {
	org  string
	year int
}

// IdemKey is an idempotencyKey as the API scopes it: per systembruker
// (ASSUMPTION A-IDEMPOTENS).
type IdemKey struct {
	Systembruker string
	Key          string
}

// Answer is a whole answer the API gave, kept so that a replay with the same
// key repeats it byte for byte.
type Answer struct {
	Status         int
	Korrelasjonsid string
	Body           []byte
}

// idemRecord is what an idempotencyKey was first used for, and its answer.
type idemRecord struct {
	hash   [32]byte
	answer Answer
}

// Store is safe for concurrent use.
type Store struct {
	mu          sync.RWMutex
	now         func() time.Time
	forsendelse map[string]*Forsendelse
	order       []string
	// documents: forsendelseID → its documents (the submission, then the
	// feedback); a slice rather than a map per forsendelse, which the
	// garbage collector would otherwise walk for every stored submission.
	documents   map[string][]*Document
	dialogs     map[string]*Dialog
	dialogByKey map[dialogKey]string
	answers     map[IdemKey]idemRecord
	// appended counts transmissions in the order they were added, which
	// the journal keeps, so a store read back orders ties as they were.
	appended int64
	// journal, when set, writes every change to the store's file; nil is
	// the in-memory store.
	journal    *journal
	listeners  []func(Forsendelse, Submission)
	readHooks  []func()
	resetHooks []func()
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock, for tests.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.reset()
	return s
}

func (s *Store) reset() {
	s.forsendelse = map[string]*Forsendelse{}
	s.order = nil
	s.documents = map[string][]*Document{}
	s.dialogs = map[string]*Dialog{}
	s.dialogByKey = map[dialogKey]string{}
	s.answers = map[IdemKey]idemRecord{}
}

// OnAccepted registers a function called (outside the lock, in the accepting
// goroutine) after every accepted forsendelse.
func (s *Store) OnAccepted(f func(Forsendelse)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, func(x Forsendelse, _ Submission) { f(x) })
}

// OnAcceptedSubmission is OnAccepted for listeners that read the body: they
// also get the Submission, with Parsed when the submitter parsed it.
func (s *Store) OnAcceptedSubmission(f func(Forsendelse, Submission)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, f)
}

// OnRead registers a function called (outside the lock) before every read
// of dialogs and documents: Dialog, Dialogs and Document. Dialogporten uses
// it to write feedback that has come due, so work nobody looks at is never
// done on the accepting path. A hook must not call those three itself.
func (s *Store) OnRead(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readHooks = append(s.readHooks, f)
}

// OnReset registers a function called (outside the lock) after every
// Reset, for listeners that keep work about the forsendelser forgotten.
func (s *Store) OnReset(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetHooks = append(s.resetHooks, f)
}

func (s *Store) beforeRead() {
	s.mu.RLock()
	hooks := s.readHooks
	s.mu.RUnlock()
	for _, h := range hooks {
		h()
	}
}

func newID() (string, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new UUIDv7: %w", err)
	}
	return id.String(), nil
}

// Accept stores a submission: a new forsendelse (UUIDv7), its document, and a
// SUBMISSION transmission in the dialog of (oppgavegiver, inntektsår), which
// is created (UUIDv7) the first time.
func (s *Store) Accept(sub Submission) (Forsendelse, error) {
	f, _, err := s.accept(sub, nil)
	return f, err
}

// AcceptIdempotent is Accept for a request with an idempotencyKey: the
// answer made from the new forsendelse is kept under key with the body's
// hash, in the same step, so that no store (nor its file after a crash)
// ever holds the one without the other. A store with a file returns only
// once both are written to it.
func (s *Store) AcceptIdempotent(sub Submission, key IdemKey, hash [32]byte, answer func(Forsendelse) (Answer, error)) (Forsendelse, Answer, error) {
	return s.accept(sub, &idempotent{key: key, hash: hash, answer: answer})
}

type idempotent struct {
	key    IdemKey
	hash   [32]byte
	answer func(Forsendelse) (Answer, error)
}

func (s *Store) accept(sub Submission, idem *idempotent) (Forsendelse, Answer, error) {
	fid, err := newID()
	if err != nil {
		return Forsendelse{}, Answer{}, err
	}
	did, err := newID()
	if err != nil {
		return Forsendelse{}, Answer{}, err
	}
	tid, err := newID()
	if err != nil {
		return Forsendelse{}, Answer{}, err
	}
	key := dialogKey{sub.Oppgavegiver, sub.Inntektsaar}
	s.mu.Lock()
	if err := s.journal.failed(); err != nil {
		s.mu.Unlock()
		return Forsendelse{}, Answer{}, err
	}
	now := s.now() // under the lock, so a dialog's transmissions are in time order
	dialogID, ok := s.dialogByKey[key]
	var newDialog *Dialog
	if !ok { // most submissions go to a dialog that exists
		if dialogID, err = newID(); err != nil {
			s.mu.Unlock()
			return Forsendelse{}, Answer{}, err
		}
		newDialog = &Dialog{ID: dialogID, Oppgavegiver: sub.Oppgavegiver, Inntektsaar: sub.Inntektsaar, CreatedAt: now}
	}
	f := &Forsendelse{
		ID: fid, DialogID: dialogID, Inntektsaar: sub.Inntektsaar, Oppgavegiver: sub.Oppgavegiver,
		Referanse: sub.Referanse, AntallOppgaver: sub.AntallOppgaver, Systembruker: sub.Systembruker,
		DocumentID: did, CreatedAt: now,
	}
	var ans Answer
	if idem != nil {
		if ans, err = idem.answer(*f); err != nil {
			s.mu.Unlock()
			return Forsendelse{}, Answer{}, err
		}
		s.answers[idem.key] = idemRecord{hash: idem.hash, answer: ans}
	}
	if newDialog != nil {
		s.dialogByKey[key] = dialogID
		s.dialogs[dialogID] = newDialog
	}
	s.forsendelse[fid] = f
	s.order = append(s.order, fid)
	doc := submittedDocument(f, sub.Body)
	s.documents[fid] = []*Document{doc}
	d := s.dialogs[dialogID]
	if now.After(d.UpdatedAt) {
		d.UpdatedAt = now
	}
	d.Transmissions = insertInTimeOrder(d.Transmissions, submissionTransmission(f, tid))
	s.appended++
	var written *batch
	if s.journal != nil {
		// Queued under the lock, so the file's order is the memory's.
		rec := record{accept: &acceptRecord{f: *f, transmissionID: tid, appended: s.appended, body: sub.Body}}
		if newDialog != nil {
			nd := *newDialog
			rec.accept.newDialog = &nd
		}
		if idem != nil {
			rec.accept.idem = &idemRow{key: idem.key, rec: s.answers[idem.key]}
		}
		written = s.journal.write(rec)
	}
	listeners := s.listeners // only ever appended to: this prefix stays as it is
	out := *f
	s.mu.Unlock()

	if written != nil {
		if err := written.wait(); err != nil {
			// Not in the file: no replay may answer from memory what a
			// restart would not know.
			if idem != nil {
				s.mu.Lock()
				delete(s.answers, idem.key)
				s.mu.Unlock()
			}
			return Forsendelse{}, Answer{}, err
		}
	}
	for _, l := range listeners {
		l(out, sub)
	}
	return out, ans, nil
}

// Answer returns the answer kept for an idempotencyKey, and the hash of the
// body it was first used with.
func (s *Store) Answer(key IdemKey) (hash [32]byte, a Answer, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.answers[key]
	return r.hash, r.answer, ok
}

// submittedDocument is the stored leveranse of a forsendelse.
func submittedDocument(f *Forsendelse, body []byte) *Document {
	return &Document{ID: f.DocumentID, ForsendelseID: f.ID, Name: "leveranse.json", MediaType: "application/json", Body: body, CreatedAt: f.CreatedAt}
}

// submissionTransmission is a forsendelse's SUBMISSION in its dialog.
func submissionTransmission(f *Forsendelse, id string) Transmission {
	return Transmission{
		ID: id, Type: TransmissionSubmission, CreatedAt: f.CreatedAt, ForsendelseID: f.ID,
		Title: "Innsending " + f.Referanse,
		Attachments: []Attachment{{ID: f.DocumentID, Name: "leveranse.json", DisplayName: "Innsendt leveranse",
			MediaType: "application/json", DocumentID: f.DocumentID}},
	}
}

// feedbackDocument and feedbackTransmission are one feedback's document
// and its transmission.
func feedbackDocument(forsendelseID, id string, body []byte, at time.Time) *Document {
	return &Document{ID: id, ForsendelseID: forsendelseID, Name: "tilbakemelding.json", MediaType: "application/json", Body: body, CreatedAt: at}
}

func feedbackTransmission(doc *Document, id, typ, title string) Transmission {
	return Transmission{
		ID: id, Type: typ, CreatedAt: doc.CreatedAt, ForsendelseID: doc.ForsendelseID, Title: title,
		Attachments: []Attachment{{ID: doc.ID, Name: doc.Name, DisplayName: "Tilbakemelding", MediaType: doc.MediaType, DocumentID: doc.ID}},
	}
}

// Feedback is Skatteetaten's answer to one forsendelse, for AddFeedback.
type Feedback struct {
	ForsendelseID string
	// Type is TransmissionAcceptance or TransmissionRejection.
	Type  string
	Title string
	Body  []byte
	// At is when the feedback was given; the zero time means now.
	At time.Time
}

// AddFeedback stores each feedback's document and adds its transmission to
// the forsendelse's dialog, in time order among the dialog's transmissions
// (Dialogporten sums a dialog up by its newest). It returns the
// transmissions in the order given; a forsendelse that is gone (Reset) gets
// ErrNoForsendelse and the others are still added.
func (s *Store) AddFeedback(fbs ...Feedback) ([]Transmission, error) {
	ids := make([]string, 2*len(fbs))
	for i := range ids {
		id, err := newID()
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Transmission, 0, len(fbs))
	var missing error
	type touched struct {
		sorted   int       // length of the dialog's transmissions before this call: in order
		earliest time.Time // the earliest feedback added
	}
	dialogs := map[*Dialog]*touched{}
	for i, fb := range fbs {
		f, ok := s.forsendelse[fb.ForsendelseID]
		if !ok {
			missing = ErrNoForsendelse
			continue
		}
		at := fb.At
		if at.IsZero() {
			at = now
		}
		did, tid := ids[2*i], ids[2*i+1]
		doc := feedbackDocument(f.ID, did, fb.Body, at)
		s.documents[f.ID] = append(s.documents[f.ID], doc)
		t := feedbackTransmission(doc, tid, fb.Type, fb.Title)
		s.appended++
		if s.journal != nil {
			// Not waited for: feedback lost in a crash is written again
			// after the restart (AwaitingFeedback).
			s.journal.write(record{feedback: &feedbackRecord{t: t, appended: s.appended, body: fb.Body}})
		}
		d := s.dialogs[f.DialogID]
		if td := dialogs[d]; td == nil {
			dialogs[d] = &touched{sorted: len(d.Transmissions), earliest: at}
		} else if at.Before(td.earliest) {
			td.earliest = at
		}
		if at.After(d.UpdatedAt) {
			d.UpdatedAt = at
		}
		d.Transmissions = append(d.Transmissions, t)
		out = append(out, t)
	}
	for d, td := range dialogs {
		// What was there is in order, and so is everything in it up to the
		// earliest new feedback; only the rest needs sorting, which is short
		// when feedback is written soon after it comes due.
		tail := d.Transmissions[sort.Search(td.sorted, func(i int) bool {
			return d.Transmissions[i].CreatedAt.After(td.earliest)
		}):]
		slices.SortStableFunc(tail, func(a, b Transmission) int { return a.CreatedAt.Compare(b.CreatedAt) })
	}
	return out, missing
}

// insertInTimeOrder adds t after every transmission not later than it.
// That is the end, unless feedback was dated after t (a clock set back, or
// feedback given a time of its own): a dialog's transmissions stay in time
// order, ties in the order they were added, as a store read back from its
// file has them.
func insertInTimeOrder(ts []Transmission, t Transmission) []Transmission {
	i := len(ts)
	for i > 0 && ts[i-1].CreatedAt.After(t.CreatedAt) {
		i--
	}
	return slices.Insert(ts, i, t)
}

// Forsendelse returns one forsendelse.
func (s *Store) Forsendelse(id string) (Forsendelse, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.forsendelse[id]
	if !ok {
		return Forsendelse{}, false
	}
	return *f, true
}

// Document returns one document of a forsendelse in the dialog of
// (oppgavegiver, inntektsår): ErrNoDialog, ErrNoForsendelse or ErrNoDocument
// say which part did not match, in that order.
func (s *Store) Document(inntektsaar int, oppgavegiver, forsendelseID, documentID string) (Document, error) {
	s.beforeRead()
	s.mu.RLock()
	defer s.mu.RUnlock()
	dialogID, ok := s.dialogByKey[dialogKey{oppgavegiver, inntektsaar}]
	if !ok {
		return Document{}, ErrNoDialog
	}
	f, ok := s.forsendelse[forsendelseID]
	if !ok || f.DialogID != dialogID {
		return Document{}, ErrNoForsendelse
	}
	for _, d := range s.documents[forsendelseID] {
		if d.ID == documentID {
			return *d, nil
		}
	}
	return Document{}, ErrNoDocument
}

// Dialog returns a copy of one dialog.
func (s *Store) Dialog(id string) (Dialog, bool) {
	s.beforeRead()
	s.mu.RLock()
	defer s.mu.RUnlock()
	d, ok := s.dialogs[id]
	if !ok {
		return Dialog{}, false
	}
	return copyDialog(d), true
}

// Dialogs returns copies of the dialogs that match, oldest first.
func (s *Store) Dialogs(match func(Dialog) bool) []Dialog {
	s.beforeRead()
	s.mu.RLock()
	var out []Dialog
	for _, d := range s.dialogs {
		if match == nil || match(*d) {
			out = append(out, copyDialog(d))
		}
	}
	s.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func copyDialog(d *Dialog) Dialog {
	c := *d
	c.Transmissions = append([]Transmission(nil), d.Transmissions...)
	return c
}

// Forsendelser returns every forsendelse, oldest first.
func (s *Store) Forsendelser() []Forsendelse {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Forsendelse, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *s.forsendelse[id])
	}
	return out
}

// Count returns the number of forsendelser.
func (s *Store) Count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.order)
}

// Reset forgets everything but the listeners, and tells the OnReset ones.
// A store with a file empties it too.
func (s *Store) Reset() {
	s.mu.Lock()
	s.reset()
	var written *batch
	if s.journal != nil {
		written = s.journal.write(record{reset: true})
	}
	hooks := s.resetHooks
	s.mu.Unlock()
	if written != nil {
		_ = written.wait() // a failure is the journal's from then on (failed)
	}
	for _, h := range hooks {
		h()
	}
}

// Awaiting is a forsendelse that has no feedback yet, with its document.
type Awaiting struct {
	Forsendelse Forsendelse
	Body        []byte
}

// AwaitingFeedback lists the forsendelser without feedback, oldest first:
// after a restart, those whose feedback was due but not yet written.
func (s *Store) AwaitingFeedback() []Awaiting {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Awaiting
	for _, id := range s.order {
		if docs := s.documents[id]; len(docs) == 1 {
			out = append(out, Awaiting{Forsendelse: *s.forsendelse[id], Body: docs[0].Body})
		}
	}
	return out
}
