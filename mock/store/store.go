// Package store holds the mock's state: forsendelser, the dialogs they belong
// to, their transmissions and documents. The reporting API writes it; the
// Dialogporten stand-in reads it and adds feedback. It is in memory only.
package store

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Transmission types as Dialogporten spells them.
const (
	TransmissionSubmission = "SUBMISSION"
	TransmissionAcceptance = "ACCEPTANCE"
	TransmissionRejection  = "REJECTION"
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
	// it hands it to listeners registered with OnAcceptedParsed, so they
	// need not parse the body again.
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
	listeners   []func(Forsendelse, any)
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
	s.listeners = append(s.listeners, func(x Forsendelse, _ any) { f(x) })
}

// OnAcceptedParsed is OnAccepted for listeners that read the body: they
// also get Submission.Parsed (nil when the submitter did not parse it).
func (s *Store) OnAcceptedParsed(f func(Forsendelse, any)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.listeners = append(s.listeners, f)
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
	newDialogID, err := newID()
	if err != nil {
		return Forsendelse{}, err
	}
	now := s.now()
	doc := &Document{ID: did, ForsendelseID: fid, Name: "leveranse.json", MediaType: "application/json", Body: sub.Body, CreatedAt: now}

	s.mu.Lock()
	key := dialogKey{sub.Oppgavegiver, sub.Inntektsaar}
	dialogID, ok := s.dialogByKey[key]
	if !ok {
		dialogID = newDialogID
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
	listeners := append([]func(Forsendelse, any){}, s.listeners...)
	out := *f
	s.mu.Unlock()

	for _, l := range listeners {
		l(out, sub.Parsed)
	}
	return out, nil
}

// AddFeedback stores a feedback document for a forsendelse and adds a
// transmission of the given type (ACCEPTANCE or REJECTION) to its dialog.
func (s *Store) AddFeedback(forsendelseID, typ, title string, body []byte) (Transmission, error) {
	did, err := newID()
	if err != nil {
		return Transmission{}, err
	}
	tid, err := newID()
	if err != nil {
		return Transmission{}, err
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.forsendelse[forsendelseID]
	if !ok {
		return Transmission{}, ErrNoForsendelse
	}
	doc := &Document{ID: did, ForsendelseID: forsendelseID, Name: "tilbakemelding.json", MediaType: "application/json", Body: body, CreatedAt: now}
	s.documents[forsendelseID] = append(s.documents[forsendelseID], doc)
	t := Transmission{
		ID: tid, Type: typ, CreatedAt: now, ForsendelseID: forsendelseID, Title: title,
		Attachments: []Attachment{{ID: did, Name: doc.Name, DisplayName: "Tilbakemelding", MediaType: doc.MediaType, DocumentID: did}},
	}
	d := s.dialogs[f.DialogID]
	d.UpdatedAt = now
	d.Transmissions = append(d.Transmissions, t)
	return t, nil
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

// Reset forgets everything but the listeners.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reset()
}
