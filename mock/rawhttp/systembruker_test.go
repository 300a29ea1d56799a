package rawhttp_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
)

// TestSystembruker tests ASSUMPTION A-SYSTEMBRUKER both ways: by default a
// Maskinporten token without a systembruker is refused with 403 GLD_005 at
// the sti authorization_details; with systembruker: optional its consumer
// organisation reports for itself, and for no one else.
func TestSystembruker(t *testing.T) {
	t.Parallel() // TestHostileInput, which measures the heap, runs alone before
	ex := contract.Eksempel()
	t.Run("required (default)", func(t *testing.T) {
		s := start(t, mock.Config{})
		plain, err := s.MintPlainToken(exampleOrg, time.Minute)
		require.NoError(t, err)
		f := requireFeil(t, do(t, s.URL(), submission(plain, "2024", ex)))
		assert.Equal(t, "GLD_005", f.Kode)
		assert.Equal(t, []string{"authorization_details"}, f.stier())
		assert.Zero(t, s.Count())

		// The same organisation with a systembruker is received.
		a := do(t, s.URL(), submission(token(t, s, exampleOrg), "2024", ex))
		assert.Equal(t, 200, a.status, "%s", a.body)
	})
	t.Run("optional", func(t *testing.T) {
		s := start(t, mock.Config{API: mock.APIConfig{Systembruker: mock.SystembrukerOptional}})
		plain, err := s.MintPlainToken(exampleOrg, time.Minute)
		require.NoError(t, err)
		a := do(t, s.URL(), submission(plain, "2024", ex))
		require.Equal(t, 200, a.status, "%s", a.body)
		list := s.Forsendelser(mock.ForsendelseFilter{})
		require.Len(t, list, 1)
		assert.Equal(t, exampleOrg, list[0].Systembruker, "the consumer reports as its own systembruker")

		other, err := s.MintPlainToken("310000000", time.Minute)
		require.NoError(t, err)
		f := requireFeil(t, do(t, s.URL(), submission(other, "2024", ex)))
		assert.Contains(t, f.codes(), "GLD_1015", "a consumer reports only for itself")
	})
	t.Run("anything else is a config error", func(t *testing.T) {
		_, err := mock.Start(context.Background(), mock.Config{API: mock.APIConfig{Systembruker: "sometimes"}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `systembruker "sometimes": use required or optional`)
	})
}
