package target

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/ident"
)

func writeKey(t *testing.T, dir string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"), testkit.PrivateKeyPEM(t, testkit.Key(t, "client")), 0o600))
}

const profileYAML = `name: tt02-test
api: http://127.0.0.1:1/
dialogporten: http://127.0.0.1:1/dialogporten/graphql
maskinporten:
  issuer: http://127.0.0.1:1/maskinporten/
  clientId: my-client
  kid: k1
  keyFile: key.pem
  systembruker: "315300029"
`

func TestLoadProfileResolvesPathsAndDefaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeKey(t, dir)
	path := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(path, []byte(profileYAML), 0o600))
	p, err := LoadProfile(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "key.pem"), p.Maskinporten.KeyFile)
	require.NoError(t, p.Validate())

	tg, err := FromProfile(p)
	require.NoError(t, err)
	assert.Equal(t, "tt02-test", tg.Name)
	assert.Equal(t, "http://127.0.0.1:1", tg.APIURL)
	assert.Equal(t, Identity{Systembruker: "315300029", Oppgavegiver: "315300029"}, tg.Identity(1))
	assert.Equal(t, tg.Identity(1), tg.Identity(2), "a profile has one identity for every scenario")
	assert.Equal(t, DefaultInntektsaar, tg.Inntektsaar)
	assert.True(t, tg.Policy.SyntheticOnly)
	assert.Nil(t, tg.Controls)

	// The target's own HTTP client carries the guard: the service page's
	// example is refused before anything is dialled (port 1 is closed).
	err = post(context.Background(), t, tg.HTTP, contract.Eksempel())
	require.ErrorIs(t, err, ErrNotSynthetic)
}

func TestLoadProfileRejectsUnknownKeys(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "p.yaml")
	require.NoError(t, os.WriteFile(path, []byte(profileYAML+"privateKey: inline\n"), 0o600))
	_, err := LoadProfile(path)
	require.Error(t, err)
}

func TestProfileFromEnvWins(t *testing.T) {
	t.Parallel()
	env := map[string]string{EnvAPI: "https://api.example.test", EnvOppgavegiver: "310000000", EnvInntektsaar: "2024"}
	p, err := Profile{API: "http://old"}.FromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, "https://api.example.test", p.API)
	assert.Equal(t, "310000000", p.Oppgavegiver)
	assert.Equal(t, 2024, p.Inntektsaar)

	_, err = Profile{}.FromEnv(func(k string) string {
		if k == EnvInntektsaar {
			return "i fjor"
		}
		return ""
	})
	require.Error(t, err)
}

func TestValidateNamesEveryProblem(t *testing.T) {
	t.Parallel()
	err := Profile{API: "ftp://x"}.Validate()
	require.Error(t, err)
	for _, want := range []string{"api", "dialogporten is not set", "clientId", "no credential", "systembruker"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestFromProfileRefusesRealOrganisations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeKey(t, dir)
	path := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(path, []byte(profileYAML+"oppgavegiver: \"987546231\"\n"), 0o600))
	p, err := LoadProfile(path)
	require.NoError(t, err)
	_, err = FromProfile(p)
	require.ErrorIs(t, err, ErrNotSynthetic)
	assert.Contains(t, err.Error(), "987546231")
}

// countingTransport records whether anything reached the network.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	b, _ := io.ReadAll(r.Body)
	return &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
}

func post(ctx context.Context, t *testing.T, c *http.Client, body []byte) error {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1:1/v1/2025", bytes.NewReader(body))
	require.NoError(t, err)
	resp, err := c.Do(req)
	if err == nil {
		got, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		assert.Equal(t, body, got, "the guard must pass the body on unchanged")
	}
	return err
}

func TestGuardRefusesTheServicePagesExample(t *testing.T) {
	t.Parallel()
	next := &countingTransport{}
	c := &http.Client{Transport: Guard(next)}
	err := post(context.Background(), t, c, contract.Eksempel())
	require.ErrorIs(t, err, ErrNotSynthetic)
	assert.Contains(t, err.Error(), "987546231")
	assert.Contains(t, err.Error(), "$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer")
	assert.Zero(t, next.n.Load(), "nothing may reach the network")
}

func TestGuardPassesGeneratedLeveranser(t *testing.T) {
	t.Parallel()
	next := &countingTransport{}
	c := &http.Client{Transport: Guard(next)}
	g, err := generators.New(generators.Config{Seed: 3, Oppgaver: 20})
	require.NoError(t, err)
	require.NoError(t, post(context.Background(), t, c, g.Body(0)))
	for _, d := range []string{"feil-type", "mangler-felt", "feil-kontrollsiffer-fnr"} {
		gd, err := generators.New(generators.Config{Seed: 3, Oppgaver: 5, Defects: []string{d}})
		require.NoError(t, err)
		require.NoError(t, post(context.Background(), t, c, gd.Body(0)), d)
	}
	assert.EqualValues(t, 4, next.n.Load())
}

func TestGuardChecksBodiesThatDoNotFitTheSchema(t *testing.T) {
	t.Parallel()
	c := &http.Client{Transport: Guard(&countingTransport{})}
	body := []byte(`{"noe":[{"annet":{"foedselsnummer":"01017012345"}}]}`)
	err := post(context.Background(), t, c, body)
	require.ErrorIs(t, err, ErrNotSynthetic)
	assert.Contains(t, err.Error(), "$.noe[0].annet.foedselsnummer")
}

func TestGuardNeedsAVettedLeveranseForBrokenJSON(t *testing.T) {
	t.Parallel()
	next := &countingTransport{}
	c := &http.Client{Transport: Guard(next)}
	g, err := generators.New(generators.Config{Seed: 4, Oppgaver: 2, Defects: []string{"ugyldig-json"}})
	require.NoError(t, err)
	body := g.Body(0)

	err = post(context.Background(), t, c, body)
	require.ErrorIs(t, err, ErrNotSynthetic)

	ctx, err := Vetted(context.Background(), g.Leveranse(0))
	require.NoError(t, err)
	require.NoError(t, post(ctx, t, c, body))

	// Broken JSON without anything that looks like an identity is harmless.
	require.NoError(t, post(context.Background(), t, c, []byte(`{"leveranse": {`)))

	var in contract.Innsending
	require.NoError(t, json.Unmarshal(contract.Eksempel(), &in))
	_, err = Vetted(context.Background(), in.Leveranse)
	require.True(t, errors.Is(err, ErrNotSynthetic), "the example is not synthetic")
	assert.True(t, strings.Contains(err.Error(), "987546231"))
}

func TestGuardLetsBodiesWithoutIdentitiesThrough(t *testing.T) {
	t.Parallel()
	c := &http.Client{Transport: Guard(&countingTransport{})}
	for _, body := range []string{`{}`, `[]`, `{"leveranse": {}}`, `{"leveranse": {"oppgavegiver": {}}}`} {
		require.NoError(t, post(context.Background(), t, c, []byte(body)), body)
	}
}

// The sample profile a QA engineer copies must be well-formed and point at
// synthetic organisations; its key is theirs to add.
func TestExampleProfileIsValid(t *testing.T) {
	t.Parallel()
	p, err := LoadProfile("../profiles/tt02.example.yaml")
	require.NoError(t, err)
	require.NoError(t, p.Validate())
	assert.True(t, ident.IsSyntheticOrganisasjonsnummer(p.Maskinporten.Systembruker))
	assert.True(t, ident.IsSyntheticOrganisasjonsnummer(p.Oppgavegiver))
	assert.NoError(t, ident.ValidateOrganisasjonsnummer(p.Oppgavegiver))
}

// An identity is an identity whatever its JSON type or letter case.
func TestGuardChecksNumbersAndOtherLetterCases(t *testing.T) {
	t.Parallel()
	c := &http.Client{Transport: Guard(&countingTransport{})}
	for _, body := range []string{
		`{"leveranse":{"oppgavegiver":{"organisasjonsnummer":987546231}}}`,
		`{"x":{"Organisasjonsnummer":"987546231"}}`,
		`{"x":[{"FOEDSELSNUMMER":1017012345}]}`,
	} {
		require.ErrorIs(t, post(context.Background(), t, c, []byte(body)), ErrNotSynthetic, body)
	}
	require.NoError(t, post(context.Background(), t, c, []byte(`{"leveranse":{"oppgavegiver":{"organisasjonsnummer":310000000}}}`)))
}

// A refusal names where a fødselsnummer sits, never the number: it may be a
// real person's, and refusals end up in logs and reports.
func TestGuardRefusalHidesFoedselsnummer(t *testing.T) {
	t.Parallel()
	c := &http.Client{Transport: Guard(&countingTransport{})}
	err := post(context.Background(), t, c, []byte(`{"noe":{"foedselsnummer":"01017012345"}}`))
	require.ErrorIs(t, err, ErrNotSynthetic)
	assert.Contains(t, err.Error(), "$.noe.foedselsnummer")
	assert.NotContains(t, err.Error(), "01017012345")
}

// However a body spells an identity, the guard sees it: escaped key names,
// a key given twice (whichever a server keeps), deep in lists, with spaces
// around it.
func TestGuardSeesThroughJSONSpellings(t *testing.T) {
	next := &countingTransport{}
	c := &http.Client{Transport: Guard(next)}
	for _, body := range []string{
		`{"x":{"foedsel\u0073nummer":"01017012345"}}`,
		`{"x":{"\u006frganisasjonsnummer":"974760673"}}`,
		`{"x":{"organisasjonsnummer":"310000000","organisasjonsnummer":"974760673"}}`,
		`{"x":{"organisasjonsnummer":"974760673","organisasjonsnummer":"310000000"}}`, // a server may keep the first
		`[[[[{"a":[{"foedselsnummer":"01017012345"}]}]]]]`,
		`{"x":{"organisasjonsnummer":" 310000000"}}`,
		`{"x":{"foedselsnummer":null,"organisasjonsnummer":"974760673"}}`,
		// 10 001 levels: more than encoding/json decodes into a value,
		// as many as the mock's decoder reads.
		strings.Repeat("[", 10000) + `{"organisasjonsnummer":"974760673"}` + strings.Repeat("]", 10000),
	} {
		require.ErrorIs(t, post(context.Background(), t, c, []byte(body)), ErrNotSynthetic, body)
	}
	assert.Zero(t, next.n.Load(), "nothing may reach the network")
	err := post(context.Background(), t, c, []byte(`{"a":[{"b":1},{"organisasjonsnummer":"974760673"}],"c":{"d":[[],{"foedselsnummer":"01017012345"}]}}`))
	require.ErrorIs(t, err, ErrNotSynthetic)
	assert.Contains(t, err.Error(), "$.a[1].organisasjonsnummer")
	assert.Contains(t, err.Error(), "$.c.d[1].foedselsnummer")
}

// The walk says when it could not read a body to its end, so the guard
// never takes a walk that stopped early for one that saw every member.
func TestWalkTokensFailsOnABodyItCannotFinish(t *testing.T) {
	var seen []string
	visit := func(sti, _, v string) { seen = append(seen, sti+"="+v) }
	require.NoError(t, walkTokens([]byte(`{"a":[1,{"b":"x"}],"c":null}`), visit))
	assert.Equal(t, []string{"$.a[0]=1", "$.a[1].b=x"}, seen)
	for _, body := range []string{`{"a":[1,`, `{"a":1,"b"`, `[{]`, `{"a":tru}`} {
		assert.Error(t, walkTokens([]byte(body), func(string, string, string) {}), body)
	}
}
