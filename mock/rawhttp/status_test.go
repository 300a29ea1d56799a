package rawhttp_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
)

// notSent are the codes the API's source names that no request can
// provoke, with the reason; every other code it names must be walked.
var notSent = map[string]string{
	"GLD_001": "an unexpected error (the store refusing a write, a receipt that cannot be encoded): a correct mock has none to provoke",
}

// TestEveryCodeCarriesTheTablesStatus provokes every GLD code the mock's API
// can send, over plain HTTP, and checks each answer's (status, kode) pair
// against the service page's table written out in tableStatus (ASSUMPTION
// A-STATUS), and that the code the case aims at is there.
func TestEveryCodeCarriesTheTablesStatus(t *testing.T) {
	t.Parallel() // TestHostileInput, which measures the heap, runs alone before
	s := start(t, mock.Config{})
	// Another mock, with business rules enforced at once; its issuer's
	// tokens are forged ones here.
	other := start(t, mock.Config{API: mock.APIConfig{BusinessRules: "sync"}})
	ex := contract.Eksempel()
	tok := token(t, s, exampleOrg)
	good := func() request { return submission(tok, "2024", ex) }

	// One forsendelse to fetch documents of, and one idempotencyKey in use.
	key := uuid.NewString()
	first := do(t, s.URL(), good().with("idempotencyKey", key))
	require.Equal(t, 200, first.status, "%s", first.body)
	var kvittering struct {
		ForsendelseID string `json:"forsendelseId"`
	}
	require.NoError(t, json.Unmarshal(first.body, &kvittering))
	f, ok := s.Forsendelse(kvittering.ForsendelseID)
	require.True(t, ok)
	docPath := func(year, org, fid, did string) string {
		return "/v1/" + year + "/" + org + "/forsendelse/" + fid + "/dokument/" + did
	}
	doc := func(path string, bearer string) request {
		return request{method: http.MethodGet, path: path, header: map[string]string{"Authorization": "Bearer " + bearer, "Accept": "application/json"}}
	}
	okDoc := docPath("2024", exampleOrg, f.ForsendelseID, f.DokumentID)
	expired, err := s.MintTokenTTL(exampleOrg, -time.Minute)
	require.NoError(t, err)
	plain, err := s.MintPlainToken(exampleOrg, time.Minute)
	require.NoError(t, err)

	cases := []struct {
		name string
		req  request
		want string // a code the answer must carry, as kode or feilspesifisering
	}{
		{"no token", good().with("Authorization", ""), "GLD_1007"},
		{"not a bearer token", good().with("Authorization", "Basic dXNlcjpwdw=="), "GLD_1008"},
		{"garbage token", good().with("Authorization", "Bearer not.a.jwt"), "GLD_1008"},
		{"token from another issuer", good().with("Authorization", "Bearer "+token(t, other, exampleOrg)), "GLD_1008"},
		{"expired token", good().with("Authorization", "Bearer "+expired), "GLD_1008"},
		{"wrong scope", submission(token(t, s, exampleOrg, "digdir:dialogporten"), "2024", ex), "GLD_005"},
		{"token without systembruker", good().with("Authorization", "Bearer "+plain), "GLD_005"},
		{"systembruker may not report for the oppgavegiver", submission(token(t, s, "310000000"), "2024", ex), "GLD_1015"},
		{"Accept xml", good().with("Accept", "application/xml"), "GLD_1030"},
		{"Content-Type text", good().with("Content-Type", "text/plain"), "GLD_1047"},
		{"no Content-Type", good().with("Content-Type", ""), "GLD_1047"},
		{"no idempotencyKey", good().with("idempotencyKey", ""), "GLD_1028"},
		{"idempotencyKey not a UUID", good().with("idempotencyKey", "abc-123"), "GLD_1022"},
		{"path year not a year", submission(tok, "20x4", ex), "GLD_1022"},
		{"year not open", submission(tok, "2019", edit(t, ex, `"inntektsaar": 2024`, `"inntektsaar": 2019`)), "GLD_1027"},
		{"body over the limit", submission(tok, "2024", append(append([]byte{}, ex...), make([]byte, maxBody)...)), "GLD_1022"},
		{"idempotencyKey used with another body", submission(tok, "2024", edit(t, ex, `"antall": "77"`, `"antall": "78"`)).with("idempotencyKey", key), "GLD_019"},
		{"body not JSON", submission(tok, "2024", []byte(`{"leveranse": `)), "GLD_008"},
		{"schema violation", submission(tok, "2024", edit(t, ex, `"leveransetype": "ordinaer"`, `"leveransetype": "ukjent"`)), "GLD_010"},
		{"body year differs from the path's", submission(tok, "2025", ex), "GLD_1052"},
		{"wrong method", request{method: http.MethodPut, path: "/v1/2024", header: good().header, body: ex}, "GLD_022"},
		{"unknown path", request{method: http.MethodPost, path: "/v2/2024", header: good().header, body: ex}, "GLD_1023"},
		{"unknown path under /v1", request{method: http.MethodPost, path: "/v1/2024/extra", header: good().header, body: ex}, "GLD_1023"},
		{"root", request{method: http.MethodGet, path: "/"}, "GLD_1023"},

		{"document: wrong method", request{method: http.MethodPost, path: okDoc, header: doc(okDoc, tok).header}, "GLD_022"},
		{"document: no token", doc(okDoc, tok).with("Authorization", ""), "GLD_1007"},
		{"document: wrong scope", doc(okDoc, token(t, s, exampleOrg, "digdir:dialogporten")), "GLD_005"},
		{"document: token without systembruker", doc(okDoc, plain), "GLD_005"},
		{"document: Accept xml", doc(okDoc, tok).with("Accept", "application/xml"), "GLD_1030"},
		{"document: bad segments", doc(docPath("20x4", "12", "x", "y"), tok), "GLD_1022"},
		{"document: another organisation's", doc(okDoc, token(t, s, "310000000")), "GLD_1015"},
		{"document: no dialog for the year", doc(docPath("2023", exampleOrg, f.ForsendelseID, f.DokumentID), tok), "GLD_1054"},
		{"document: no such forsendelse", doc(docPath("2024", exampleOrg, uuid.NewString(), f.DokumentID), tok), "GLD_1061"},
		{"document: no such document", doc(docPath("2024", exampleOrg, f.ForsendelseID, uuid.NewString()), tok), "GLD_1050"},
	}
	seen := map[string]bool{}
	walk := func(name, base string, r request, want string) {
		t.Run(name, func(t *testing.T) {
			f := requireFeil(t, do(t, base, r))
			assert.Contains(t, f.codes(), want)
			for _, k := range f.codes() {
				seen[k] = true
			}
		})
	}
	for _, c := range cases {
		walk(c.name, s.URL(), c.req, c.want)
	}

	// A failing backend, and business rules enforced at once.
	require.NoError(t, s.SetFaults(mock.Faults{FailShare: 1}))
	walk("a backend fails", s.URL(), good(), "GLD_1053")
	require.NoError(t, s.SetFaults(mock.Faults{}))
	walk("sync business rules", other.URL(), submission(token(t, other, exampleOrg), "2024", ex), "GLD_010")

	// Every code the API's source can send was seen, or is listed as one
	// no request can provoke.
	for _, k := range codesInAPISource(t) {
		if why, ok := notSent[k]; ok {
			assert.False(t, seen[k], "%s is listed as not provokable (%s), yet the walk saw it", k, why)
			continue
		}
		assert.True(t, seen[k], "the API can send %s, and no case of this walk provoked it", k)
	}
	assert.Zero(t, s.Count()-1, "no refused request may store anything")
}

var gldRE = regexp.MustCompile(`contract\.GLD(\d+)`)

// codesInAPISource lists the codes named in the API handler's source.
func codesInAPISource(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../internal/api/*.go")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	set := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		for _, m := range gldRE.FindAllSubmatch(b, -1) {
			set["GLD_"+string(m[1])] = true // contract.GLD1022 is "GLD_1022"
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	require.True(t, slices.Contains(out, "GLD_1022"), "the scan must find the codes: %v", out)
	return out
}
