package rawhttp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
)

// TestSubmissionOnTheWire: the receipt's fields as the service page's
// example names them, a replay byte for byte with the same korrelasjonsid,
// and the document found in Dialogporten with a query written here and
// fetched from its API URL, byte for byte what was sent.
func TestSubmissionOnTheWire(t *testing.T) {
	t.Parallel() // TestHostileInput, which measures the heap, runs alone before
	s := start(t, mock.Config{})
	tok := token(t, s, exampleOrg)
	ex := contract.Eksempel()
	req := submission(tok, "2024", ex)

	first := do(t, s.URL(), req)
	require.Equal(t, http.StatusOK, first.status, "%s", first.body)
	assert.Equal(t, "application/json", first.header.Get("Content-Type"))
	var receipt map[string]any
	require.NoError(t, json.Unmarshal(first.body, &receipt))
	require.ElementsMatch(t, []string{"dialogId", "forsendelseId", "oppgavegiversLeveranseReferanse", "antallOppgaver"}, keys(receipt),
		"the receipt has exactly the fields of the service page's example: %s", first.body)
	assert.Equal(t, "EksternLeveranseRef12345", receipt["oppgavegiversLeveranseReferanse"])
	assert.Equal(t, float64(1), receipt["antallOppgaver"])
	for _, k := range []string{"dialogId", "forsendelseId"} {
		id, err := uuid.Parse(receipt[k].(string))
		require.NoError(t, err, k)
		assert.Equal(t, uuid.Version(7), id.Version(), "%s is a UUIDv7, as in the service page's example", k)
	}
	_, err := uuid.Parse(first.header.Get("Korrelasjonsid"))
	require.NoError(t, err)

	replay := do(t, s.URL(), req)
	assert.Equal(t, first.status, replay.status)
	assert.Equal(t, first.body, replay.body, "a replay answers byte for byte")
	assert.Equal(t, first.header.Get("Korrelasjonsid"), replay.header.Get("Korrelasjonsid"))
	assert.Equal(t, 1, s.Count(), "processed once")

	// Dialogporten, asked as a client would ask it, with Dialogporten's scope.
	dpTok := token(t, s, exampleOrg, "digdir:dialogporten")
	query := `query($id: UUID!) { dialogById(dialogId: $id) { dialog { id party
		transmissions { type externalReference attachments { urls { url consumerType } } } } errors { message } } }`
	gql, err := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": receipt["dialogId"]}})
	require.NoError(t, err)
	a := do(t, s.URL(), request{method: http.MethodPost, path: "/dialogporten/graphql", body: gql, header: map[string]string{
		"Authorization": "Bearer " + dpTok, "Content-Type": "application/json",
	}})
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var dp struct {
		Data struct {
			DialogByID struct {
				Dialog struct {
					ID            string `json:"id"`
					Party         string `json:"party"`
					Transmissions []struct {
						Type              string `json:"type"`
						ExternalReference string `json:"externalReference"`
						Attachments       []struct {
							URLs []struct {
								URL          string `json:"url"`
								ConsumerType string `json:"consumerType"`
							} `json:"urls"`
						} `json:"attachments"`
					} `json:"transmissions"`
				} `json:"dialog"`
			} `json:"dialogById"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(a.body, &dp), "%s", a.body)
	d := dp.Data.DialogByID.Dialog
	assert.Equal(t, receipt["dialogId"], d.ID)
	assert.Equal(t, "urn:altinn:organization:identifier-no:"+exampleOrg, d.Party)
	var docURL string
	for _, tr := range d.Transmissions {
		if tr.Type != "SUBMISSION" {
			continue
		}
		assert.Equal(t, receipt["forsendelseId"], tr.ExternalReference)
		for _, at := range tr.Attachments {
			for _, u := range at.URLs {
				if u.ConsumerType == "API" {
					docURL = u.URL
				}
			}
		}
	}
	require.NotEmpty(t, docURL, "the SUBMISSION has an attachment URL for systems: %s", a.body)
	require.True(t, len(docURL) > len(s.URL()) && docURL[:len(s.URL())] == s.URL(), "the document is on the API's host: %s", docURL)
	got := do(t, s.URL(), request{method: http.MethodGet, path: docURL[len(s.URL()):], header: map[string]string{
		"Authorization": "Bearer " + tok, "Accept": "application/json",
	}})
	require.Equal(t, http.StatusOK, got.status, "%s", got.body)
	assert.True(t, bytes.Equal(ex, got.body), "the stored document is byte for byte what was sent")
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
