package api

import (
	"context"
	"sync"

	"github.com/finprod/finprod/mock/internal/store"
)

// idemKey scopes an idempotencyKey to the systembruker that used it
// (ASSUMPTION A-IDEMPOTENS), so two vendors can never collide.
type idemKey = store.IdemKey

// idemEntry is a request with a key that is being processed; done closes
// when it has finished, successfully or not.
type idemEntry struct {
	hash [32]byte
	done chan struct{}
}

// idempotency coalesces requests that arrive while the first one with
// their key is still in flight. The answers of requests that succeeded are
// the store's (store.AcceptIdempotent), which keeps them with the
// forsendelse, in its file too when it has one.
type idempotency struct {
	store    *store.Store
	mu       sync.Mutex
	inFlight map[idemKey]*idemEntry
}

func newIdempotency(st *store.Store) *idempotency {
	return &idempotency{store: st, inFlight: map[idemKey]*idemEntry{}}
}

// claimResult says what a request with a key must do.
type claimResult int

const (
	// claimOwner: process the request, then call done.
	claimOwner claimResult = iota
	// claimReplay: answer with the stored answer.
	claimReplay
	// claimConflict: the key was used with another body (GLD_019).
	claimConflict
)

// claim blocks while another request with the same key and body is in
// flight, so a duplicate never gets processed twice. A key whose request
// succeeded is answered from the store: an in-flight entry is only let go
// after the store has the answer, so a request that finds none in flight
// finds the answer, if there is one.
func (s *idempotency) claim(ctx context.Context, k idemKey, hash [32]byte) (*idemEntry, store.Answer, claimResult, error) {
	for {
		s.mu.Lock()
		e, inFlight := s.inFlight[k]
		if !inFlight {
			if h, a, ok := s.store.Answer(k); ok {
				s.mu.Unlock()
				if h != hash {
					return nil, store.Answer{}, claimConflict, nil
				}
				return nil, a, claimReplay, nil
			}
			e = &idemEntry{hash: hash, done: make(chan struct{})}
			s.inFlight[k] = e
			s.mu.Unlock()
			return e, store.Answer{}, claimOwner, nil
		}
		s.mu.Unlock()
		if e.hash != hash {
			return nil, store.Answer{}, claimConflict, nil
		}
		select {
		case <-e.done:
			// Succeeded (the store answers) or failed and let the key go
			// (this request may own it): ask again.
		case <-ctx.Done():
			return nil, store.Answer{}, 0, ctx.Err()
		}
	}
}

// done ends the owner's claim: the waiting requests ask the store again.
func (s *idempotency) done(k idemKey, e *idemEntry) {
	s.mu.Lock()
	if s.inFlight[k] == e {
		delete(s.inFlight, k)
	}
	s.mu.Unlock()
	close(e.done)
}

func (s *idempotency) reset() {
	s.mu.Lock()
	s.inFlight = map[idemKey]*idemEntry{}
	s.mu.Unlock()
}
