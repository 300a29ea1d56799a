package dialogporten

import (
	"slices"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/rules"
)

// pendingFeedback is a submission whose feedback is not written yet.
type pendingFeedback struct {
	f    store.Forsendelse
	body []byte    // the stored document; nil when the mock keeps none
	due  time.Time // on the monotonic clock: when the feedback shows
}

// onAccepted runs in the accepting goroutine (store.OnAcceptedSubmission).
// With no delay the feedback is written before Accept returns, which makes
// tests deterministic, and the rules read the body the API has already
// parsed. Otherwise the submission waits in a queue: its feedback is written
// by the first read of the store after it comes due (settle), so a load run
// pays nothing for feedback nobody reads, and a reader never sees it early
// or misses it late.
func (s *Server) onAccepted(f store.Forsendelse, sub store.Submission) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	if s.cfg.FeedbackDelay > 0 {
		s.pending = append(s.pending, pendingFeedback{f: f, body: sub.Body, due: time.Now().Add(s.cfg.FeedbackDelay)})
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	var pre *[]contract.Funn
	if sub.Parsed != nil && s.cfg.BusinessRules == rules.Async && s.cfg.defaultRules {
		if funn, ok := rules.CheckParsed(sub.Parsed); ok {
			pre = &funn
		}
	}
	_, _ = s.st.AddFeedback(s.feedback(f, sub.Body, pre)) // an error means a concurrent Reset
}

// resume gives feedback to the forsendelser a store read back from its
// file holds without one: their feedback was due, or coming, when the mock
// stopped. Each is due when it would have been, or now if that has passed.
func (s *Server) resume(awaiting []store.Awaiting) {
	if len(awaiting) == 0 {
		return
	}
	if s.cfg.FeedbackDelay == 0 {
		fbs := make([]store.Feedback, 0, len(awaiting))
		for _, a := range awaiting {
			fbs = append(fbs, s.feedback(a.Forsendelse, a.Body, nil))
		}
		_, _ = s.st.AddFeedback(fbs...)
		return
	}
	now, wall := time.Now(), time.Now().Round(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range awaiting { // oldest first, so the queue stays in due order
		left := max(0, a.Forsendelse.CreatedAt.Add(s.cfg.FeedbackDelay).Sub(wall))
		s.pending = append(s.pending, pendingFeedback{f: a.Forsendelse, body: a.Body, due: now.Add(left)})
	}
}

// dropPending forgets feedback not yet written: the store was reset
// (store.OnReset), so nothing is left to answer, and the bodies are let go.
func (s *Server) dropPending() {
	s.settling.Lock()
	defer s.settling.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = nil
}

// settle writes the feedback that has come due, in one batch. It runs
// before every read of dialogs and documents (store.OnRead). A read with
// nothing due and nothing being written returns at once; otherwise it waits
// for the writer, so no reader misses feedback that is due.
func (s *Server) settle() {
	now := time.Now()
	s.mu.Lock()
	idle := !s.writing && (len(s.pending) == 0 || s.pending[0].due.After(now))
	s.mu.Unlock()
	if idle {
		return
	}
	s.settling.Lock()
	defer s.settling.Unlock()
	s.mu.Lock()
	n := 0
	for n < len(s.pending) && !s.pending[n].due.After(now) {
		n++
	}
	due := slices.Clone(s.pending[:n])
	clear(s.pending[:n]) // the queue's array must not keep written bodies alive
	s.pending = s.pending[n:]
	s.writing = n > 0
	s.mu.Unlock()
	if n == 0 {
		return
	}
	defer func() {
		s.mu.Lock()
		s.writing = false
		s.mu.Unlock()
	}()
	fbs := make([]store.Feedback, 0, n)
	for _, p := range due {
		fb := s.feedback(p.f, p.body, nil)
		fb.At = p.f.CreatedAt.Add(s.cfg.FeedbackDelay)
		fbs = append(fbs, fb)
	}
	_, _ = s.st.AddFeedback(fbs...) // an error means a concurrent Reset
}

// feedback checks the submitted document and makes the feedback
// transmission with its Tilbakemelding. In sync mode the API has already
// enforced the business rules, so whatever it accepted is godkjent. pre,
// when not nil, holds the findings of the rules already run on the body.
func (s *Server) feedback(f store.Forsendelse, body []byte, pre *[]contract.Funn) store.Feedback {
	tb := contract.Tilbakemelding{
		ForsendelseID: f.ID, DialogID: f.DialogID, Inntektsaar: f.Inntektsaar, Oppgavegiver: f.Oppgavegiver,
		AntallOppgaver: f.AntallOppgaver, Status: contract.TilbakemeldingGodkjent, Funn: []contract.Funn{},
	}
	if s.cfg.BusinessRules == rules.Async {
		funn := []contract.Funn(nil)
		switch {
		case pre != nil:
			funn = *pre
		case len(body) > 0:
			funn = s.cfg.Rules(body)
		default:
			// The mock keeps no documents (--discard-documents): there is
			// nothing to check, which is not a finding about the leveranse.
		}
		if len(funn) > 0 {
			tb.Status, tb.Funn = contract.TilbakemeldingAvvist, funn
		}
	}
	fb := store.Feedback{ForsendelseID: f.ID, Type: store.TransmissionAcceptance, Title: "Leveransen er godkjent"}
	if tb.Status == contract.TilbakemeldingAvvist {
		fb.Type, fb.Title = store.TransmissionRejection, "Leveransen er avvist"
	}
	fb.Body = marshalTilbakemelding(tb) // json.MarshalIndent(tb, "", "  ")
	return fb
}
