package mock

import (
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
)

// For this package's own tests only: the parts behind the facade, to forge
// tokens the local Maskinporten would never issue and to read a dialog's
// transmissions in the store.

func (s *Server) Issuer() *tokens.Issuer { return s.issuer }

func (s *Server) Store() *store.Store { return s.store }
