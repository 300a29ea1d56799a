package mock_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/finprod/finprod/rules"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExampleIsAccepted(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	require.NotNil(t, res.Kvittering)

	doc, err := contract.DecodeJSON(res.Body)
	require.NoError(t, err)
	assert.Empty(t, contract.Default().ValidateKvittering(doc))
	assert.Equal(t, "EksternLeveranseRef12345", res.Kvittering.OppgavegiversLeveranseReferanse)
	assert.Equal(t, 1, res.Kvittering.AntallOppgaver)
	for _, id := range []string{res.Kvittering.DialogID, res.Kvittering.ForsendelseID} {
		u, err := uuid.Parse(id)
		require.NoError(t, err)
		assert.Equal(t, uuid.Version(7), u.Version())
	}
	_, err = uuid.Parse(res.Korrelasjonsid)
	require.NoError(t, err)

	f, ok := s.Forsendelse(res.Kvittering.ForsendelseID)
	require.True(t, ok)
	assert.Equal(t, exampleOrg, f.Oppgavegiver)
	assert.Equal(t, exampleOrg, f.Systembruker)
	assert.Equal(t, 2024, f.Inntektsaar)
	assert.Equal(t, res.Kvittering.DialogID, f.DialogID)

	// A second leveranse for the same oppgavegiver and year joins the dialog.
	again := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, http.StatusOK, again.Status)
	assert.Equal(t, res.Kvittering.DialogID, again.Kvittering.DialogID)
	assert.NotEqual(t, res.Kvittering.ForsendelseID, again.Kvittering.ForsendelseID)
	assert.Equal(t, 2, s.Count())
}

func TestAntallOppgaverCountsTheBody(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	body := string(contract.Eksempel())
	i := strings.Index(body, `"oppgave": [`) + len(`"oppgave": [`)
	j := strings.Index(body, `],
    "oppgaveoppsummering"`)
	one := strings.TrimSpace(body[i:j])
	three := body[:i] + one + "," + one + "," + one + body[j:]
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), []byte(three))
	require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	assert.Equal(t, 3, res.Kvittering.AntallOppgaver)
}

func TestAcceptHeadersThatAdmitJSON(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	for _, opt := range []api.SubmitOption{
		api.WithoutHeader("Accept"),
		api.WithHeader("Accept", "*/*"),
		api.WithHeader("Accept", "application/*"),
		api.WithHeader("Accept", "application/json; charset=utf-8"),
		api.WithHeader("Accept", "text/html, application/json;q=0.9"),
	} {
		res := submit(t, a, 2024, uuid.NewString(), contract.Eksempel(), opt)
		assert.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	}
	res := submit(t, a, 2024, uuid.NewString(), contract.Eksempel(), api.WithHeader("Content-Type", "application/json; charset=utf-8"))
	assert.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
}

// TestEveryGLDCode provokes each code the submission endpoint can give.
func TestEveryGLDCode(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	ex := contract.Eksempel()
	good := apiFor(t, s, exampleOrg)

	other, err := tokens.NewIssuerWithKey(s.MaskinportenIssuer(), testkit.Key(t, "stranger signing"), nil)
	require.NoError(t, err)
	forged, _, err := other.Mint(mptoken.Claims{Scope: contract.Scope, Consumer: mptoken.NewOrg(exampleOrg)}, time.Minute)
	require.NoError(t, err)
	expired, _, err := s.Issuer().Mint(mptoken.Claims{Scope: contract.Scope, Consumer: mptoken.NewOrg(exampleOrg)}, -time.Minute)
	require.NoError(t, err)
	noSystembruker, _, err := s.Issuer().Mint(mptoken.Claims{Scope: contract.Scope, Consumer: mptoken.NewOrg(exampleOrg)}, time.Minute)
	require.NoError(t, err)

	cases := []struct {
		name   string
		api    *api.Client
		year   int
		key    string
		body   []byte
		opts   []api.SubmitOption
		status int
		kode   contract.Kode
		spec   contract.Kode
	}{
		{name: "no token", api: &api.Client{BaseURL: s.URL()}, status: 401, kode: contract.GLD004, spec: contract.GLD1007},
		{name: "not bearer", opts: []api.SubmitOption{api.WithHeader("Authorization", "Basic dXNlcjpwdw==")}, status: 401, kode: contract.GLD004, spec: contract.GLD1008},
		{name: "garbage token", opts: []api.SubmitOption{api.WithHeader("Authorization", "Bearer not.a.jwt")}, status: 401, kode: contract.GLD004, spec: contract.GLD1008},
		{name: "forged token", opts: []api.SubmitOption{api.WithHeader("Authorization", "Bearer "+forged)}, status: 401, kode: contract.GLD004, spec: contract.GLD1008},
		{name: "expired token", opts: []api.SubmitOption{api.WithHeader("Authorization", "Bearer "+expired)}, status: 401, kode: contract.GLD004, spec: contract.GLD1008},
		{name: "wrong scope", api: apiFor(t, s, exampleOrg, "digdir:dialogporten"), status: 403, kode: contract.GLD005},
		{name: "systembruker not allowed", api: apiFor(t, s, "310000000"), status: 403, kode: contract.GLD005, spec: contract.GLD1015},
		{name: "no systembruker", opts: []api.SubmitOption{api.WithHeader("Authorization", "Bearer "+noSystembruker)}, status: 403, kode: contract.GLD005},
		{name: "accept xml", opts: []api.SubmitOption{api.WithHeader("Accept", "application/xml")}, status: 400, kode: contract.GLD006, spec: contract.GLD1030},
		{name: "content type text", opts: []api.SubmitOption{api.WithHeader("Content-Type", "text/plain")}, status: 400, kode: contract.GLD006, spec: contract.GLD1047},
		{name: "no content type", opts: []api.SubmitOption{api.WithoutHeader("Content-Type")}, status: 400, kode: contract.GLD006, spec: contract.GLD1047},
		{name: "no idempotencyKey", key: "-", status: 400, kode: contract.GLD006, spec: contract.GLD1028},
		{name: "idempotencyKey not a UUID", key: "abc-123", status: 400, kode: contract.GLD006, spec: contract.GLD1022},
		{name: "year not a year", opts: []api.SubmitOption{api.WithPath("/v1/20x4")}, status: 400, kode: contract.GLD006, spec: contract.GLD1022},
		{name: "year not open", year: 2019, status: 400, kode: contract.GLD011, spec: contract.GLD1027},
		{name: "body not JSON", body: []byte(`{"leveranse": `), status: 400, kode: contract.GLD008},
		{name: "schema violation", body: edit(t, ex, `"leveransetype": "ordinaer"`, `"leveransetype": "ukjent"`), status: 400, kode: contract.GLD010},
		{name: "year mismatch", year: 2025, status: 400, kode: contract.GLD011, spec: contract.GLD1052},
		{name: "wrong method", opts: []api.SubmitOption{api.WithMethod(http.MethodPut)}, status: 405, kode: contract.GLD022},
		{name: "unknown path", opts: []api.SubmitOption{api.WithPath("/v2/2024")}, status: 404, kode: contract.GLD021, spec: contract.GLD1023},
		{name: "unknown path under v1", opts: []api.SubmitOption{api.WithPath("/v1/2024/extra")}, status: 404, kode: contract.GLD021, spec: contract.GLD1023},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, year, key, body := c.api, c.year, c.key, c.body
			if a == nil {
				a = good
			}
			if year == 0 {
				year = 2024
			}
			switch key {
			case "":
				key = uuid.NewString()
			case "-":
				key = ""
			}
			if body == nil {
				body = ex
			}
			requireFeil(t, submit(t, a, year, key, body, c.opts...), c.status, c.kode, specOf(c.spec)...)
		})
	}
	assert.Zero(t, s.Count(), "no failed request may store anything")
}

func specOf(k contract.Kode) []contract.Kode {
	if k == "" {
		return nil
	}
	return []contract.Kode{k}
}

func TestWrongMethodNamesAllowed(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), nil, api.WithMethod(http.MethodGet))
	requireFeil(t, res, 405, contract.GLD022)
	assert.Equal(t, "POST", res.Header.Get("Allow"))
}

func TestSchemaViolationsListEveryPathAndValue(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	body := edit(t, contract.Eksempel(), `"leveransetype": "ordinaer"`, `"leveransetype": "ukjent"`)
	body = edit(t, body, `"antall": "77"`, `"antall": 77`)
	f := requireFeil(t, submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), body), 400, contract.GLD010)
	got := map[string]string{}
	for _, d := range f.Feilspesifisering {
		got[d.Sti] = d.AngittVerdi
		assert.NotEmpty(t, d.Melding)
	}
	assert.Equal(t, map[string]string{
		"$.leveranse.leveransetype":                            "ukjent",
		"$.leveranse.oppgave[0].konto.finansprodukt[0].antall": "77",
	}, got)
}

func TestYearMismatchNamesBodyYear(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	f := requireFeil(t, submit(t, apiFor(t, s, exampleOrg), 2025, uuid.NewString(), contract.Eksempel()), 400, contract.GLD011, contract.GLD1052)
	assert.Equal(t, "$.leveranse.inntektsaar", f.Feilspesifisering[0].Sti)
	assert.Equal(t, "2024", f.Feilspesifisering[0].AngittVerdi)
}

func TestOpenYearsAreConfigurable(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{OpenYears: mock.YearRange{From: 2025, To: 2026}}})
	a := apiFor(t, s, exampleOrg)
	requireFeil(t, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()), 400, contract.GLD011, contract.GLD1027)
	res := submit(t, a, 2025, uuid.NewString(), edit(t, contract.Eksempel(), `"inntektsaar": 2024`, `"inntektsaar": 2025`))
	assert.Equal(t, 200, res.Status, "body: %s", res.Body)
}

func TestDefaultOpenYearsFollowTheClock(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC) }
	s := start(t, mock.Config{Now: now})
	a := apiFor(t, s, exampleOrg)
	// The token clock is the mock's too, so the token is valid in 2031.
	requireFeil(t, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()), 400, contract.GLD011, contract.GLD1027)
	res := submit(t, a, 2028, uuid.NewString(), edit(t, contract.Eksempel(), `"inntektsaar": 2024`, `"inntektsaar": 2028`))
	assert.Equal(t, 200, res.Status, "body: %s", res.Body)
}

// TestBodyOverLimit: 400 with GLD_006/GLD_1022, the status the service
// page's table gives GLD_006 (ASSUMPTION A-STATUS), not 413.
func TestBodyOverLimit(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	a := apiFor(t, s, exampleOrg)
	big := bytes.Repeat([]byte(" "), contract.MaxBody+1)
	res := submit(t, a, 2024, uuid.NewString(), big)
	f := requireFeil(t, res, http.StatusBadRequest, contract.GLD006, contract.GLD1022)
	assert.Contains(t, f.Feilspesifisering[0].Melding, fmt.Sprint(contract.MaxBody))

	// Exactly at the limit is read (and then fails as JSON, not as size).
	atLimit := append(bytes.Repeat([]byte(" "), contract.MaxBody-2), '{', '}')
	res = submit(t, a, 2024, uuid.NewString(), atLimit)
	requireFeil(t, res, 400, contract.GLD010)
}

func TestBodyOverLimitWithoutContentLength(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	tok, err := s.MintToken(exampleOrg)
	require.NoError(t, err)
	// A reader of unknown length makes the request chunked.
	body := struct{ *bytes.Reader }{bytes.NewReader(bytes.Repeat([]byte(" "), contract.MaxBody+10))}
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/v1/2024", body)
	require.NoError(t, err)
	req.ContentLength = -1 // sent chunked: the server learns the size only by reading
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("idempotencyKey", uuid.NewString())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}

func TestAccessRelationshipLetsAnotherOrgReport(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{Access: mock.AccessConfig{Relationships: []mock.Relationship{{
		Systembruker: "310000000", Tilgangspakke: mock.RegnskapsforerMedSigneringsrettighet, Oppgavegivere: []string{exampleOrg},
	}}}})
	res := submit(t, apiFor(t, s, "310000000"), 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, 200, res.Status, "body: %s", res.Body)
	f, _ := s.Forsendelse(res.Kvittering.ForsendelseID)
	assert.Equal(t, "310000000", f.Systembruker)
	requireFeil(t, submit(t, apiFor(t, s, "311234560"), 2024, uuid.NewString(), contract.Eksempel()), 403, contract.GLD005, contract.GLD1015)
}

func TestFailShareAnswers500(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{FailShare: 1}}})
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	requireFeil(t, res, 500, contract.GLD023, contract.GLD1053)
	assert.Zero(t, s.Count(), "a failure share answers before processing")
	// Faults never touch admin.
	var n map[string]int
	assert.Equal(t, 200, getJSON(t, s.URL()+"/admin/forsendelser/count", &n))
}

func TestFailShareIsAShare(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{FailShare: 0.5, Seed: 7}}})
	a := apiFor(t, s, exampleOrg)
	codes := map[int]int{}
	for range 40 {
		codes[submit(t, a, 2024, uuid.NewString(), contract.Eksempel()).Status]++
	}
	assert.Equal(t, 40, codes[200]+codes[500])
	assert.NotZero(t, codes[200])
	assert.NotZero(t, codes[500])
	assert.Equal(t, codes[200], s.Count())
}

func TestLatencyIsObservable(t *testing.T) {
	t.Parallel()
	const d = 150 * time.Millisecond
	s := start(t, mock.Config{API: mock.APIConfig{Faults: mock.Faults{Latency: mock.Duration(d)}}})
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, 200, res.Status)
	assert.GreaterOrEqual(t, res.Latency, d)

	require.NoError(t, s.SetFaults(mock.Faults{LatencyMin: mock.Duration(d), LatencyMax: mock.Duration(2 * d)}))
	res = submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), contract.Eksempel())
	require.Equal(t, 200, res.Status)
	assert.GreaterOrEqual(t, res.Latency, d)
}

func TestBusinessRulesSync(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{BusinessRules: rules.Sync}})
	a := apiFor(t, s, exampleOrg)
	f := requireFeil(t, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()), 400, contract.GLD010)
	got := map[string]string{}
	for _, d := range f.Feilspesifisering {
		got[d.Sti] = d.AngittVerdi
	}
	assert.Equal(t, map[string]string{
		"$.leveranse.oppgavegiver.organisasjonsnummer":             exampleOrg,
		"$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer": "00000000000",
		"$.leveranse.oppgaveoppsummering.sumSalgsvederlag":         "40",
	}, got)

	fixed := edit(t, contract.Eksempel(), `"organisasjonsnummer": "987546231"`, `"organisasjonsnummer": "310000000"`)
	fixed = edit(t, fixed, `"foedselsnummer": "00000000000"`, `"foedselsnummer": "15858012314"`)
	fixed = edit(t, fixed, `"sumSalgsvederlag": "40"`, `"sumSalgsvederlag": "110"`)
	res := submit(t, apiFor(t, s, "310000000"), 2024, uuid.NewString(), fixed)
	assert.Equal(t, 200, res.Status, "body: %s", res.Body)
}

func TestAsyncModeAcceptsBrokenSums(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{API: mock.APIConfig{BusinessRules: rules.Async}})
	body := edit(t, contract.Eksempel(), `"antallOppgaver": 1`, `"antallOppgaver": 5`)
	res := submit(t, apiFor(t, s, exampleOrg), 2024, uuid.NewString(), body)
	assert.Equal(t, 200, res.Status, "body: %s", res.Body)
	assert.Equal(t, 1, res.Kvittering.AntallOppgaver, "antallOppgaver answers what the body holds")
}

func TestUnknownPathOutsideV1(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	resp, err := http.Get(s.URL() + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("Korrelasjonsid"))
}

func TestTransportErrorSuggestsMock(t *testing.T) {
	t.Parallel()
	s := start(t, mock.Config{})
	url := s.URL()
	require.NoError(t, s.Close())
	a := &api.Client{BaseURL: url}
	_, err := a.Submit(context.Background(), 2024, uuid.NewString(), contract.Eksempel())
	require.Error(t, err)
	assert.Contains(t, err.Error(), url+"/v1/2024")
	assert.Contains(t, err.Error(), "finprod mock")
}

func TestConcurrentMocksAreIndependent(t *testing.T) {
	t.Parallel()
	cfg := mock.Config{SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := mock.Start(context.Background(), cfg)
			if !assert.NoError(t, err) {
				return
			}
			defer s.Close()
			tok, err := s.MintToken(exampleOrg)
			assert.NoError(t, err)
			a := &api.Client{BaseURL: s.URL(), Tokens: client.StaticToken(tok)}
			res, err := a.Submit(context.Background(), 2024, uuid.NewString(), contract.Eksempel())
			if assert.NoError(t, err) {
				assert.Equal(t, 200, res.Status)
			}
			assert.Equal(t, 1, s.Count())
		}()
	}
	wg.Wait()
}
