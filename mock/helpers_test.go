package mock_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exampleOrg is the oppgavegiver of the documented example.
const exampleOrg = "987546231"

// start runs a mock on a free loopback port for one test, with the test
// binary's keys where cfg names none (TestCloseOnContextCancel starts one
// that makes its own).
func start(t *testing.T, cfg mock.Config) *mock.Server {
	t.Helper()
	if cfg.SigningKey == nil {
		cfg.SigningKey = testkit.Key(t, "mock signing")
	}
	if cfg.DefaultClientKey == nil {
		cfg.DefaultClientKey = testkit.Key(t, "mock default client")
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := mock.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		require.NoError(t, s.Close())
	})
	return s
}

// apiFor returns a client acting as a systembruker of org.
func apiFor(t *testing.T, s *mock.Server, org string, scopes ...string) *api.Client {
	t.Helper()
	tok, err := s.MintToken(org, scopes...)
	require.NoError(t, err)
	return &api.Client{BaseURL: s.URL(), HTTP: &http.Client{Timeout: 30 * time.Second}, Tokens: client.StaticToken(tok)}
}

func submit(t *testing.T, a *api.Client, year int, key string, body []byte, opts ...api.SubmitOption) *api.SubmitResult {
	t.Helper()
	res, err := a.Submit(context.Background(), year, key, body, opts...)
	require.NoError(t, err)
	return res
}

// requireFeil checks an error answer: status, general and specification
// code, the body against the contract's Feil schema, and the korrelasjonsid
// in body and header.
func requireFeil(t *testing.T, res *api.SubmitResult, status int, kode contract.Kode, spec ...contract.Kode) *contract.Feil {
	t.Helper()
	require.Equal(t, status, res.Status, "body: %s", res.Body)
	require.NotNil(t, res.Feil, "body: %s", res.Body)
	assert.Equal(t, kode, res.Feil.Kode)
	for _, k := range spec {
		assert.True(t, res.Feil.Has(k), "want %s in %s", k, res.Body)
		require.NotEmpty(t, res.Feil.Feilspesifisering)
		assert.Equal(t, k, res.Feil.Feilspesifisering[0].Kode)
	}
	doc, err := contract.DecodeJSON(res.Body)
	require.NoError(t, err)
	assert.Empty(t, contract.Default().ValidateFeil(doc), "error body must match the contract: %s", res.Body)
	_, err = uuid.Parse(res.Feil.Korrelasjonsid)
	require.NoError(t, err)
	assert.Equal(t, res.Feil.Korrelasjonsid, res.Header.Get("Korrelasjonsid"))
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	return res.Feil
}

// edit changes the example body by replacing one piece of text, failing the
// test if the piece is not there (so an edit can never silently do nothing).
func edit(t *testing.T, body []byte, old, new string) []byte {
	t.Helper()
	require.Contains(t, string(body), old)
	return []byte(strings.Replace(string(body), old, new, 1))
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	return resp.StatusCode
}

func doJSON(t *testing.T, method, url, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if v != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp.StatusCode
}
