package mock_test

import (
	"context"
	"errors"
	"testing"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocumentEndpoint(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	res := submit(t, a, 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, 200, res.Status)
	f, ok := s.Forsendelse(res.Kvittering.ForsendelseID)
	require.True(t, ok)
	url := func(year int, org, fid, did string) string {
		return s.URL() + contract.DokumentPath(year, org, fid, did)
	}

	doc, err := a.GetDocument(context.Background(), url(2024, exampleOrg, f.ForsendelseID, f.DokumentID))
	require.NoError(t, err)
	assert.Equal(t, contract.Eksempel(), doc.Body)
	assert.Equal(t, "application/json", doc.MediaType)

	cases := []struct {
		name   string
		api    *api.Client
		url    string
		status int
		kode   contract.Kode
		spec   contract.Kode
	}{
		{"no dialog", a, url(2023, exampleOrg, f.ForsendelseID, f.DokumentID), 404, contract.GLD021, contract.GLD1054},
		{"no forsendelse", a, url(2024, exampleOrg, uuid.NewString(), f.DokumentID), 404, contract.GLD021, contract.GLD1061},
		{"no document", a, url(2024, exampleOrg, f.ForsendelseID, uuid.NewString()), 404, contract.GLD021, contract.GLD1050},
		{"bad forsendelseId", a, url(2024, exampleOrg, "x", f.DokumentID), 400, contract.GLD006, contract.GLD1022},
		{"bad dokumentId", a, url(2024, exampleOrg, f.ForsendelseID, "y"), 400, contract.GLD006, contract.GLD1022},
		{"bad orgnr", a, url(2024, "12", f.ForsendelseID, f.DokumentID), 400, contract.GLD006, contract.GLD1022},
		{"bad year", a, s.URL() + "/v1/20x4/" + exampleOrg + "/forsendelse/" + f.ForsendelseID + "/dokument/" + f.DokumentID, 400, contract.GLD006, contract.GLD1022},
		{"no token", &api.Client{BaseURL: s.URL()}, url(2024, exampleOrg, f.ForsendelseID, f.DokumentID), 401, contract.GLD004, contract.GLD1007},
		{"wrong scope", apiFor(t, s, exampleOrg, "digdir:dialogporten"), url(2024, exampleOrg, f.ForsendelseID, f.DokumentID), 403, contract.GLD005, ""},
		{"other org", apiFor(t, s, "310000000"), url(2024, exampleOrg, f.ForsendelseID, f.DokumentID), 403, contract.GLD005, contract.GLD1015},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.api.GetDocument(context.Background(), c.url)
			require.Error(t, err)
			var fe *contract.Feil
			require.True(t, errors.As(err, &fe), "want a GLD error, got %v", err)
			assert.Equal(t, c.kode, fe.Kode)
			if c.spec != "" {
				assert.True(t, fe.Has(c.spec), "want %s in %v", c.spec, fe)
			}
			assert.Contains(t, err.Error(), c.url)
			assert.Contains(t, err.Error(), "HTTP "+itoa(c.status))
		})
	}
}

func TestDocumentWrongMethod(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	res := submit(t, a, 2024, uuid.NewString(), nil,
		api.WithPath(contract.DokumentPath(2024, exampleOrg, uuid.NewString(), uuid.NewString())))
	requireFeil(t, res, 405, contract.GLD022)
	assert.Contains(t, res.Header.Get("Allow"), "GET")
}

func itoa(i int) string {
	return string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}
