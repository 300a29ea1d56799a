package mock_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/mock/access"
	mockapi "github.com/finprod/finprod/mock/api"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdminListCountReset(t *testing.T) {
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	res := submit(t, a, 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, 200, res.Status)
	require.Equal(t, 200, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()).Status)

	var list mock.ForsendelseList
	require.Equal(t, 200, getJSON(t, s.URL()+"/admin/forsendelser", &list))
	assert.Equal(t, 2, list.Count)
	require.Len(t, list.Forsendelser, 2)
	first := list.Forsendelser[0]
	assert.Equal(t, res.Kvittering.ForsendelseID, first.ForsendelseID)
	assert.Equal(t, exampleOrg, first.Oppgavegiver)
	assert.Equal(t, contract.DokumentPath(2024, exampleOrg, first.ForsendelseID, first.DokumentID), first.DokumentPath)

	// The listed path leads to the stored document.
	doc, err := a.GetDocument(t.Context(), s.URL()+first.DokumentPath)
	require.NoError(t, err)
	assert.Equal(t, contract.Eksempel(), doc.Body)

	var n map[string]int
	require.Equal(t, 200, getJSON(t, s.URL()+"/admin/forsendelser/count", &n))
	assert.Equal(t, 2, n["count"])

	require.Equal(t, 200, doJSON(t, http.MethodPost, s.URL()+"/admin/reset", "", &n))
	assert.Equal(t, 0, n["count"])
	assert.Zero(t, s.Store().Count())
}

func TestAdminFaults(t *testing.T) {
	s := start(t, mock.Config{})
	var f mockapi.Faults
	require.Equal(t, 200, getJSON(t, s.URL()+"/admin/faults", &f))
	assert.Equal(t, mockapi.Faults{}, f)

	require.Equal(t, 200, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"latency":"5ms","failShare":1}`, &f))
	assert.Equal(t, mockapi.Duration(5*time.Millisecond), f.Latency)
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	requireFeil(t, res, 500, contract.GLD023, contract.GLD1053)

	var e map[string]string
	assert.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"failShare":2}`, &e))
	assert.Contains(t, e["error"], "failShare")
	assert.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"latency":"soon"}`, &e))
	assert.Contains(t, e["error"], "soon")
	assert.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"failRate":0}`, &e))
	assert.Contains(t, e["error"], "failRate")
	assert.Equal(t, 1.0, s.API().Faults().FailShare, "a refused change leaves the faults as they were")

	require.Equal(t, 200, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{}`, &f))
	res = submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	assert.Equal(t, 200, res.Status)
}

func TestAdminAccess(t *testing.T) {
	s := start(t, mock.Config{})
	a := apiFor(t, s, "310000000")
	requireFeil(t, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()), 403, contract.GLD005, contract.GLD1015)

	var c access.Config
	body := `{"relationships":[{"systembruker":"310000000","tilgangspakke":"ansvarlig-revisor","oppgavegivere":["*"]}]}`
	require.Equal(t, 200, doJSON(t, http.MethodPut, s.URL()+"/admin/access", body, &c))
	require.Len(t, c.Relationships, 1)
	assert.Equal(t, access.AnsvarligRevisor, c.Relationships[0].Tilgangspakke)
	assert.Equal(t, 200, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()).Status)

	var e map[string]string
	bad := `{"relationships":[{"systembruker":"310000000","tilgangspakke":"daglig-leder","oppgavegivere":["*"]}]}`
	require.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/access", bad, &e))
	assert.Contains(t, e["error"], "daglig-leder")
	require.Equal(t, 200, getJSON(t, s.URL()+"/admin/access", &c))
	assert.Len(t, c.Relationships, 1, "a refused change leaves the rules as they were")
}

func TestAdminToken(t *testing.T) {
	s := start(t, mock.Config{})
	var tr mock.TokenResponse
	require.Equal(t, 200, doJSON(t, http.MethodPost, s.URL()+"/admin/token", `{"systembruker":"987546231","ttl":"1h"}`, &tr))
	assert.Equal(t, 3600, tr.ExpiresIn)
	a := &api.Client{BaseURL: s.URL(), Tokens: client.StaticToken(tr.AccessToken)}
	assert.Equal(t, 200, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()).Status)

	var e map[string]string
	assert.Equal(t, 400, doJSON(t, http.MethodPost, s.URL()+"/admin/token", `{"systembruker":"x"}`, &e))
	assert.Equal(t, 404, getJSON(t, s.URL()+"/admin/nothing", &e))
	assert.Contains(t, e["error"], "/admin/nothing")
}
