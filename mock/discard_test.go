package mock_test

import (
	"testing"

	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without stored documents there is nothing for the feedback to check; a
// consistent leveranse must still be accepted, not rejected as unreadable.
func TestDiscardedDocumentsStillGetAcceptance(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{DiscardDocuments: true}})
	g, err := generators.New(generators.Config{Seed: 5, Inntektsaar: 2025, Oppgaver: 2})
	require.NoError(t, err)
	body := g.Body(0)
	org := g.Leveranse(0).Oppgavegiver.Organisasjonsnummer
	res := submit(t, apiFor(t, s, org), 2025, uuid.NewString(), body)
	require.Equal(t, 200, res.Status, "%s", res.Body)

	d, ok := s.Store().Dialog(res.Kvittering.DialogID)
	require.True(t, ok)
	var types []string
	for _, tr := range d.Transmissions {
		types = append(types, tr.Type)
	}
	assert.Equal(t, []string{store.TransmissionSubmission, store.TransmissionAcceptance}, types)
}
