// Package store holds the mock's state: forsendelser, the dialogs they belong
// to, their transmissions and documents. The reporting API writes it; the
// Dialogporten stand-in reads it and adds feedback. It is in memory only.
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
	listeners   []func(Forsendelse, Submission)
	readHooks   []func()
	resetHooks  []func()
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
	fid, err := newID()
	if err != nil {
		return Forsendelse{}, err
	}
	did, err := newID()
	if err != nil {
		return Forsendelse{}, err
	}
	tid, err := newID()
	if err != nil {
		return Forsendelse{}, err
	}
	key := dialogKey{sub.Oppgavegiver, sub.Inntektsaar}
	s.mu.Lock()
	now := s.now() // under the lock, so a dialog's transmissions are in time order
	doc := &Document{ID: did, ForsendelseID: fid, Name: "leveranse.json", MediaType: "application/json", Body: sub.Body, CreatedAt: now}
	dialogID, ok := s.dialogByKey[key]
	if !ok { // most submissions go to a dialog that exists
		if dialogID, err = newID(); err != nil {
			s.mu.Unlock()
			return Forsendelse{}, err
		}
		s.dialogByKey[key] = dialogID
		s.dialogs[dialogID] = &Dialog{ID: dialogID, Oppgavegiver: sub.Oppgavegiver, Inntektsaar: sub.Inntektsaar, CreatedAt: now}
	}
	f := &Forsendelse{
		ID: fid, DialogID: dialogID, Inntektsaar: sub.Inntektsaar, Oppgavegiver: sub.Oppgavegiver,
		Referanse: sub.Referanse, AntallOppgaver: sub.AntallOppgaver, Systembruker: sub.Systembruker,
		DocumentID: did, CreatedAt: now,
	}
	s.forsendelse[fid] = f
	s.order = append(s.order, fid)
	s.documents[fid] = []*Document{doc}
	d := s.dialogs[dialogID]
	d.UpdatedAt = now
	d.Transmissions = append(d.Transmissions, Transmission{
		ID: tid, Type: TransmissionSubmission, CreatedAt: now, ForsendelseID: fid,
		Title:       "Innsending " + sub.Referanse,
		Attachments: []Attachment{{ID: did, Name: doc.Name, DisplayName: "Innsendt leveranse", MediaType: doc.MediaType, DocumentID: did}},
	})
	listeners := s.listeners // only ever appended to: this prefix stays as it is
	out := *f
	s.mu.Unlock()

	for _, l := range listeners {
		l(out, sub)
	}
	return out, nil
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
		doc := &Document{ID: did, ForsendelseID: f.ID, Name: "tilbakemelding.json", MediaType: "application/json", Body: fb.Body, CreatedAt: at}
		s.documents[f.ID] = append(s.documents[f.ID], doc)
		t := Transmission{
			ID: tid, Type: fb.Type, CreatedAt: at, ForsendelseID: f.ID, Title: fb.Title,
			Attachments: []Attachment{{ID: did, Name: doc.Name, DisplayName: "Tilbakemelding", MediaType: doc.MediaType, DocumentID: did}},
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
func (s *Store) Reset() {
	s.mu.Lock()
	s.reset()
	hooks := s.resetHooks
	s.mu.Unlock()
	for _, h := range hooks {
		h()
	}
}
