package dialogporten

import (
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock/rules"
	"github.com/finprod/finprod/mock/store"
)

// onAccepted runs in the accepting goroutine (store.OnAcceptedParsed). With
// no delay the feedback is written before Accept returns, which makes tests
// deterministic; otherwise a timer writes it later, and Close stops it.
//
// When the API hands over the body it has parsed, the default rules run on
// that here rather than on the stored bytes later: the stored document is
// immutable, so the findings are the same, and the body is not parsed twice.
func (s *Server) onAccepted(f store.Forsendelse, parsed any) {
	var pre *[]contract.Funn
	if parsed != nil && s.cfg.BusinessRules == RulesAsync && s.cfg.defaultRules {
		if funn, ok := rules.CheckParsed(parsed); ok {
			pre = &funn
		}
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	if s.cfg.FeedbackDelay == 0 {
		s.mu.Unlock()
		s.giveFeedback(f, pre)
		return
	}
	defer s.mu.Unlock()
	s.wg.Add(1)
	// The timer is stored under the lock it then needs, so the callback
	// cannot run its bookkeeping before the timer is known.
	s.timers[f.ID] = time.AfterFunc(s.cfg.FeedbackDelay, func() {
		defer s.wg.Done()
		s.mu.Lock()
		delete(s.timers, f.ID)
		closed := s.closed
		s.mu.Unlock()
		if !closed {
			s.giveFeedback(f, pre)
		}
	})
}

// giveFeedback checks the submitted document and adds the feedback
// transmission with its Tilbakemelding. In sync mode the API has already
// enforced the business rules, so whatever it accepted is godkjent. pre,
// when not nil, holds the findings of the rules already run on the body.
func (s *Server) giveFeedback(f store.Forsendelse, pre *[]contract.Funn) {
	doc, err := s.st.Document(f.Inntektsaar, f.Oppgavegiver, f.ID, f.DocumentID)
	if err != nil {
		return // the store was reset since: nothing left to answer
	}
	tb := contract.Tilbakemelding{
		ForsendelseID: f.ID, DialogID: f.DialogID, Inntektsaar: f.Inntektsaar, Oppgavegiver: f.Oppgavegiver,
		AntallOppgaver: f.AntallOppgaver, Status: contract.TilbakemeldingGodkjent, Funn: []contract.Funn{},
	}
	if s.cfg.BusinessRules == RulesAsync {
		funn := []contract.Funn(nil)
		switch {
		case pre != nil:
			funn = *pre
		case len(doc.Body) > 0:
			funn = s.cfg.Rules(doc.Body)
		default:
			// The mock keeps no documents (--discard-documents): there is
			// nothing to check, which is not a finding about the leveranse.
		}
		if len(funn) > 0 {
			tb.Status, tb.Funn = contract.TilbakemeldingAvvist, funn
		}
	}
	typ, title := store.TransmissionAcceptance, "Leveransen er godkjent"
	if tb.Status == contract.TilbakemeldingAvvist {
		typ, title = store.TransmissionRejection, "Leveransen er avvist"
	}
	body := marshalTilbakemelding(tb) // json.MarshalIndent(tb, "", "  ")
	// An error means the forsendelse vanished in a concurrent Reset.
	_, _ = s.st.AddFeedback(f.ID, typ, title, body)
}
