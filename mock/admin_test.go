package mock_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdminListCountReset(t *testing.T) {
	t.Parallel()
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
	assert.Zero(t, s.Count())
}

// The endpoint and the facade method are one: a filter over HTTP gives what
// Forsendelser gives in-process.
func TestAdminForsendelserFilter(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	require.Equal(t, 200, submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel()).Status)
	g, err := generators.New(generators.Config{Seed: 3, Inntektsaar: 2025})
	require.NoError(t, err)
	other := g.Leveranse(0)
	require.Equal(t, 200, submit(t, apiFor(t, s, other.Oppgavegiver.Organisasjonsnummer), 2025, uuid.NewString(), g.Body(0)).Status)

	for _, c := range []struct {
		query  string
		filter mock.ForsendelseFilter
		want   []string // oppgavegivere
	}{
		{"", mock.ForsendelseFilter{}, []string{exampleOrg, other.Oppgavegiver.Organisasjonsnummer}},
		{"?oppgavegiver=" + exampleOrg, mock.ForsendelseFilter{Oppgavegiver: exampleOrg}, []string{exampleOrg}},
		{"?referanse=EksternLeveranseRef12345", mock.ForsendelseFilter{Referanse: "EksternLeveranseRef12345"}, []string{exampleOrg}},
		{"?oppgavegiver=" + exampleOrg + "&referanse=" + other.OppgavegiversLeveranseReferanse,
			mock.ForsendelseFilter{Oppgavegiver: exampleOrg, Referanse: other.OppgavegiversLeveranseReferanse}, nil},
	} {
		var list mock.ForsendelseList
		require.Equal(t, 200, getJSON(t, s.URL()+"/admin/forsendelser"+c.query, &list), c.query)
		var got []string
		for _, f := range list.Forsendelser {
			got = append(got, f.Oppgavegiver)
		}
		assert.Equal(t, c.want, got, c.query)
		assert.Equal(t, len(c.want), list.Count, c.query)
		in := s.Forsendelser(c.filter)
		assert.Len(t, in, len(list.Forsendelser), c.query)
		for i := range in {
			assert.Equal(t, list.Forsendelser[i].ForsendelseID, in[i].ForsendelseID, c.query)
			assert.True(t, list.Forsendelser[i].Mottatt.Equal(in[i].Mottatt), c.query)
		}
	}
	f, ok := s.Forsendelse(s.Forsendelser(mock.ForsendelseFilter{Oppgavegiver: exampleOrg})[0].ForsendelseID)
	require.True(t, ok)
	assert.Equal(t, "EksternLeveranseRef12345", f.Referanse)
	_, ok = s.Forsendelse(uuid.NewString())
	assert.False(t, ok)
}

func TestAdminFaults(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	var f mock.Faults
	require.Equal(t, 200, getJSON(t, s.URL()+"/admin/faults", &f))
	assert.Equal(t, mock.Faults{}, f)

	require.Equal(t, 200, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"latency":"5ms","failShare":1}`, &f))
	assert.Equal(t, mock.Duration(5*time.Millisecond), f.Latency)
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	requireFeil(t, res, 500, contract.GLD023, contract.GLD1053)

	var e map[string]string
	assert.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"failShare":2}`, &e))
	assert.Contains(t, e["error"], "failShare")
	assert.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"latency":"soon"}`, &e))
	assert.Contains(t, e["error"], "soon")
	assert.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{"failRate":0}`, &e))
	assert.Contains(t, e["error"], "failRate")
	assert.Equal(t, 1.0, s.Faults().FailShare, "a refused change leaves the faults as they were")

	require.Equal(t, 200, doJSON(t, http.MethodPut, s.URL()+"/admin/faults", `{}`, &f))
	res = submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	assert.Equal(t, 200, res.Status)
}

func TestAdminAccess(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, "310000000")
	requireFeil(t, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()), 403, contract.GLD005, contract.GLD1015)

	var c mock.AccessConfig
	body := `{"relationships":[{"systembruker":"310000000","tilgangspakke":"ansvarlig-revisor","oppgavegivere":["*"]}]}`
	require.Equal(t, 200, doJSON(t, http.MethodPut, s.URL()+"/admin/access", body, &c))
	require.Len(t, c.Relationships, 1)
	assert.Equal(t, mock.AnsvarligRevisor, c.Relationships[0].Tilgangspakke)
	assert.Equal(t, 200, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()).Status)

	var e map[string]string
	bad := `{"relationships":[{"systembruker":"310000000","tilgangspakke":"daglig-leder","oppgavegivere":["*"]}]}`
	require.Equal(t, 400, doJSON(t, http.MethodPut, s.URL()+"/admin/access", bad, &e))
	assert.Contains(t, e["error"], "daglig-leder")
	require.Equal(t, 200, getJSON(t, s.URL()+"/admin/access", &c))
	assert.Len(t, c.Relationships, 1, "a refused change leaves the rules as they were")
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
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
