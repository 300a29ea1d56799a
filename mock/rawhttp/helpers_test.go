// Package rawhttp_test tests the mock as a peer on the wire: requests are
// built with net/http alone and answers read with encoding/json, never
// through finprod's client packages, so that the client and the mock cannot
// agree on a bug. The expected values (the service page's table of codes,
// the error body's field names) are written out here, not taken from the
// contract package the mock itself answers with.
package rawhttp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
)

// exampleOrg is the oppgavegiver of the service page's example.
const exampleOrg = "987546231"

// maxBody is ASSUMPTION A-MAXBODY: 10 MB as the sister service BSU documents.
const maxBody = 10 << 20

// The service page's "Feilkoder" tab, as published: every general code with
// its HTTP status ...
var tableStatus = map[string]int{
	"GLD_001": 500, "GLD_004": 401, "GLD_005": 403, "GLD_006": 400,
	"GLD_008": 400, "GLD_010": 400, "GLD_011": 400, "GLD_017": 500,
	"GLD_019": 409, "GLD_021": 404, "GLD_022": 405, "GLD_023": 500,
}

// ... and every specification code, with GLD_1047 and GLD_1061 of the
// sister services (FACTS §1).
var specCodes = map[string]bool{
	"GLD_1007": true, "GLD_1008": true, "GLD_1015": true, "GLD_1022": true,
	"GLD_1023": true, "GLD_1027": true, "GLD_1028": true, "GLD_1030": true,
	"GLD_1050": true, "GLD_1052": true, "GLD_1053": true, "GLD_1054": true,
	"GLD_1047": true, "GLD_1061": true,
}

func exampleBody() []byte { return contract.Eksempel() }

// start runs a mock on a free loopback port for one test.
func start(t *testing.T, cfg mock.Config) *mock.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := mock.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() {
		cancel()
		require.NoError(t, s.Close())
	})
	return s
}

func token(t *testing.T, s *mock.Server, org string, scopes ...string) string {
	t.Helper()
	tok, err := s.MintToken(org, scopes...)
	require.NoError(t, err)
	return tok
}

// feil is Skatteetaten's error body as the service documents it, with
// finprod's names for the feilspesifisering (ASSUMPTION A-FEILSPES).
type feil struct {
	Kode              string `json:"kode"`
	Melding           string `json:"melding"`
	Korrelasjonsid    string `json:"korrelasjonsid"`
	Feilspesifisering []struct {
		Kode        string `json:"kode"`
		Melding     string `json:"melding"`
		Sti         string `json:"sti"`
		AngittVerdi string `json:"angittVerdi"`
	} `json:"feilspesifisering"`
}

// codes is the general code followed by the specification codes.
func (f *feil) codes() []string {
	out := []string{f.Kode}
	for _, s := range f.Feilspesifisering {
		if s.Kode != "" {
			out = append(out, s.Kode)
		}
	}
	return out
}

func (f *feil) stier() []string {
	var out []string
	for _, s := range f.Feilspesifisering {
		out = append(out, s.Sti)
	}
	return out
}

// answer is one HTTP answer, read to the end.
type answer struct {
	status int
	header http.Header
	body   []byte
	feil   *feil // the error body, when the answer is one
}

// request is one request, built by hand.
type request struct {
	method string
	path   string
	header map[string]string // "" as a value removes the header
	body   []byte
}

var httpc = &http.Client{Timeout: 60 * time.Second}

// submission is a POST /v1/{year} of body with the headers a correct
// client sends; the caller changes what it tests.
func submission(tok, year string, body []byte) request {
	return request{method: http.MethodPost, path: "/v1/" + year, body: body, header: map[string]string{
		"Authorization":  "Bearer " + tok,
		"Content-Type":   "application/json",
		"Accept":         "application/json",
		"idempotencyKey": uuid.NewString(),
	}}
}

func (r request) with(name, value string) request {
	h := make(map[string]string, len(r.header)+1)
	for k, v := range r.header {
		h[k] = v
	}
	h[name] = value
	r.header = h
	return r
}

func do(t *testing.T, base string, r request) answer {
	t.Helper()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequest(r.method, base+r.path, body)
	require.NoError(t, err)
	for k, v := range r.header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header[k] = []string{v} // as written: idempotencyKey keeps its case
	}
	resp, err := httpc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 400 {
		var f feil
		if json.Unmarshal(b, &f) == nil && f.Kode != "" {
			a.feil = &f
		}
	}
	return a
}

// requireFeil checks that an answer is an error in the documented format
// whose general code carries the table's status, and returns the body.
func requireFeil(t *testing.T, a answer) *feil {
	t.Helper()
	require.NotNil(t, a.feil, "HTTP %d is not an error body: %s", a.status, a.body)
	f := a.feil
	want, ok := tableStatus[f.Kode]
	require.True(t, ok, "kode %s is not a general code of the service page's table: %s", f.Kode, a.body)
	assert.Equal(t, want, a.status, "the table gives %s the status %d: %s", f.Kode, want, a.body)
	for _, s := range f.Feilspesifisering {
		if s.Kode != "" {
			assert.True(t, specCodes[s.Kode], "feilspesifisering kode %s is not a specification code of the table: %s", s.Kode, a.body)
		}
	}
	assert.NotEmpty(t, f.Melding, "melding: %s", a.body)
	_, err := uuid.Parse(f.Korrelasjonsid)
	assert.NoError(t, err, "korrelasjonsid %q", f.Korrelasjonsid)
	assert.Equal(t, f.Korrelasjonsid, a.header.Get("Korrelasjonsid"), "the header repeats the body's korrelasjonsid")
	assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	return f
}

// edit replaces one piece of text, failing if it is not there.
func edit(t *testing.T, body []byte, old, new string) []byte {
	t.Helper()
	require.Contains(t, string(body), old)
	return bytes.Replace(body, []byte(old), []byte(new), 1)
}
