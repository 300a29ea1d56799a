package api

import (
	"context"
	"sync"
)

// idemKey scopes an idempotencyKey to the systembruker that used it
// (ASSUMPTION A-IDEMPOTENS), so two vendors can never collide.
type idemKey struct {
	systembruker string
	key          string
}

// idemEntry is one key's record. done closes when the first request with
// the key has finished; resp is then set if it succeeded.
type idemEntry struct {
	hash [32]byte
	done chan struct{}
	resp *response
}

// idempotency remembers successful answers per key and coalesces requests
// that arrive while the first one with their key is still in flight.
type idempotency struct {
	mu sync.Mutex
	m  map[idemKey]*idemEntry
}

func newIdempotency() *idempotency { return &idempotency{m: map[idemKey]*idemEntry{}} }

// claimResult says what a request with a key must do.
type claimResult int

const (
	// claimOwner: process the request, then complete or release the entry.
	claimOwner claimResult = iota
	// claimReplay: answer with entry.resp.
	claimReplay
	// claimConflict: the key was used with another body (GLD_019).
	claimConflict
)

// claim blocks while another request with the same key and body is in
// flight, so a duplicate never gets processed twice.
func (s *idempotency) claim(ctx context.Context, k idemKey, hash [32]byte) (*idemEntry, claimResult, error) {
	for {
		s.mu.Lock()
		e, ok := s.m[k]
		if !ok {
			e = &idemEntry{hash: hash, done: make(chan struct{})}
			s.m[k] = e
			s.mu.Unlock()
			return e, claimOwner, nil
		}
		s.mu.Unlock()
		if e.hash != hash {
			return e, claimConflict, nil
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		}
		if e.resp != nil {
			return e, claimReplay, nil
		}
		// The first request failed and let the key go: try to own it.
	}
}

// complete keeps a successful answer for replays.
func (s *idempotency) complete(e *idemEntry, r response) {
	e.resp = &r
	close(e.done)
}

// release forgets a key whose request did not succeed, so the caller may
// correct the body and use the key again.
func (s *idempotency) release(k idemKey, e *idemEntry) {
	s.mu.Lock()
	if s.m[k] == e {
		delete(s.m, k)
	}
	s.mu.Unlock()
	close(e.done)
}

func (s *idempotency) reset() {
	s.mu.Lock()
	s.m = map[idemKey]*idemEntry{}
	s.mu.Unlock()
}
