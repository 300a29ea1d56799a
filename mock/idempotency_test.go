package mock_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplayIsByteIdenticalAndProcessedOnce(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	key := uuid.NewString()
	first := submit(t, a, 2024, key, contract.Eksempel())
	require.Equal(t, 200, first.Status)
	second := submit(t, a, 2024, key, contract.Eksempel())
	assert.Equal(t, first.Status, second.Status)
	assert.Equal(t, first.Body, second.Body)
	assert.Equal(t, first.Korrelasjonsid, second.Korrelasjonsid)
	assert.Equal(t, 1, s.Count())
}

func TestConcurrentDuplicatesGiveOneForsendelse(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	tok, err := s.MintToken(exampleOrg)
	require.NoError(t, err)
	a := &api.Client{
		BaseURL: s.URL(), Tokens: client.StaticToken(tok),
		HTTP: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 300}},
	}
	t.Cleanup(a.HTTP.CloseIdleConnections)
	const n = 300
	key := uuid.NewString()
	results := make([]*api.SubmitResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	startGate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGate
			results[i], errs[i] = a.Submit(context.Background(), 2024, key, contract.Eksempel())
		}()
	}
	close(startGate)
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		require.Equal(t, 200, results[i].Status, "body: %s", results[i].Body)
		assert.Equal(t, results[0].Body, results[i].Body)
		assert.Equal(t, results[0].Korrelasjonsid, results[i].Korrelasjonsid)
	}
	assert.Equal(t, 1, s.Count())
}

func TestSameKeyOtherBodyIsConflict(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	key := uuid.NewString()
	require.Equal(t, 200, submit(t, a, 2024, key, contract.Eksempel()).Status)
	other := edit(t, contract.Eksempel(), `"EksternLeveranseRef12345"`, `"EksternLeveranseRef67890"`)
	requireFeil(t, submit(t, a, 2024, key, other), 409, contract.GLD019)
	assert.Equal(t, 1, s.Count())
}

func TestKeysAreScopedPerSystembruker(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	key := uuid.NewString()
	body := edit(t, contract.Eksempel(), `"organisasjonsnummer": "987546231"`, `"organisasjonsnummer": "310000000"`)
	require.Equal(t, 200, submit(t, apiFor(t, s, exampleOrg), 2024, key, contract.Eksempel()).Status)
	res := submit(t, apiFor(t, s, "310000000"), 2024, key, body)
	assert.Equal(t, 200, res.Status, "another systembruker's key does not conflict: %s", res.Body)
	assert.Equal(t, 2, s.Count())
}

func TestFailedRequestDoesNotUseTheKey(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	key := uuid.NewString()
	bad := edit(t, contract.Eksempel(), `"leveransetype": "ordinaer"`, `"leveransetype": "ukjent"`)
	first := requireFeil(t, submit(t, a, 2024, key, bad), 400, contract.GLD010)
	again := requireFeil(t, submit(t, a, 2024, key, bad), 400, contract.GLD010)
	assert.Equal(t, first.Feilspesifisering, again.Feilspesifisering, "a 4xx is recomputed the same")
	assert.NotEqual(t, first.Korrelasjonsid, again.Korrelasjonsid, "every error has a fresh korrelasjonsid")
	res := submit(t, a, 2024, key, contract.Eksempel())
	assert.Equal(t, 200, res.Status, "the corrected body may reuse the key: %s", res.Body)
}

func TestDroppedResponseThenRetryGivesOriginalAnswer(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{DropShare: 1}}})
	a := apiFor(t, s, exampleOrg)
	key := uuid.NewString()
	_, err := a.Submit(context.Background(), 2024, key, contract.Eksempel())
	require.Error(t, err, "the connection is dropped before the answer")
	require.Equal(t, 1, s.Count(), "yet the leveranse was processed")

	// The retry is a replay, never a new processing, so the drop fault does
	// not apply to it even while it is still on.
	res := submit(t, a, 2024, key, contract.Eksempel())
	require.Equal(t, 200, res.Status, "body: %s", res.Body)
	stored := s.Forsendelser(mock.ForsendelseFilter{})
	require.Len(t, stored, 1)
	assert.Equal(t, stored[0].ForsendelseID, res.Kvittering.ForsendelseID)
	assert.Equal(t, stored[0].DialogID, res.Kvittering.DialogID)
}

func TestResetForgetsKeys(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	key := uuid.NewString()
	first := submit(t, a, 2024, key, contract.Eksempel())
	require.Equal(t, 200, first.Status)
	s.Reset()
	assert.Zero(t, s.Count())
	second := submit(t, a, 2024, key, contract.Eksempel())
	require.Equal(t, 200, second.Status)
	assert.NotEqual(t, first.Kvittering.ForsendelseID, second.Kvittering.ForsendelseID)
}
