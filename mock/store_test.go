package mock_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A mock stopped and started again on its store has what it answered:
// the forsendelser, replays byte for byte (same body, same korrelasjonsid),
// a key's first body still its only one, the documents, and the feedback
// that was still to come when it stopped.
func TestStoreKeepsStateAcrossRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "store.db")
	first, err := mock.Start(context.Background(), mock.Config{Store: path, Dialogporten: mock.DialogportenConfig{FeedbackDelay: time.Hour},
		SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	assert.Equal(t, path, first.StoreFile())
	a := apiFor(t, first, exampleOrg)
	keys := make([]string, 3)
	bodies := make([][]byte, 3)
	answers := make([]*api.SubmitResult, 3)
	for i := range keys {
		keys[i] = uuid.NewString()
		bodies[i] = edit(t, contract.Eksempel(), `"EksternLeveranseRef12345"`, fmt.Sprintf(`"omstart-%d"`, i))
		answers[i] = submit(t, a, 2024, keys[i], bodies[i])
		require.Equal(t, http.StatusOK, answers[i].Status, "body: %s", answers[i].Body)
	}
	before := first.Forsendelser(mock.ForsendelseFilter{})
	require.NoError(t, first.Close())

	second := start(t, mock.Config{Store: path, Dialogporten: mock.DialogportenConfig{FeedbackDelay: 0}})
	assert.Equal(t, 3, second.Count())
	after := second.Forsendelser(mock.ForsendelseFilter{})
	require.Len(t, after, 3)
	for i := range before {
		assert.Equal(t, before[i].ForsendelseID, after[i].ForsendelseID)
		assert.Equal(t, before[i].DialogID, after[i].DialogID)
		assert.True(t, before[i].Mottatt.Equal(after[i].Mottatt))
	}
	b := apiFor(t, second, exampleOrg) // tokens of the first mock's issuer are not this one's
	for i := range keys {
		replay := submit(t, b, 2024, keys[i], bodies[i])
		assert.Equal(t, answers[i].Status, replay.Status)
		assert.Equal(t, string(answers[i].Body), string(replay.Body))
		assert.Equal(t, answers[i].Korrelasjonsid, replay.Korrelasjonsid)
	}
	requireFeil(t, submit(t, b, 2024, keys[0], bodies[1]), 409, contract.GLD019)
	assert.Equal(t, 3, second.Count())

	for i, f := range after {
		doc, err := b.GetDocument(context.Background(), second.URL()+f.DokumentPath)
		require.NoError(t, err)
		assert.Equal(t, string(bodies[i]), string(doc.Body))
		d, ok := second.Store().Dialog(f.DialogID)
		require.True(t, ok)
		var types []string
		for _, tr := range d.Transmissions {
			if tr.ForsendelseID == f.ForsendelseID {
				types = append(types, tr.Type)
			}
		}
		require.Len(t, types, 2, "the submission and the feedback that was due")
		assert.Equal(t, "SUBMISSION", types[0])
	}
}
