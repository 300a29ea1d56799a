package check_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/check"
	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/internal/jsonmutate"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/rules"
)

var openYears = contract.YearRange{From: 2022, To: 2025}

// run checks an input and returns every document's verdict.
func run(t *testing.T, in string, o check.Options) ([]check.Document, error) {
	t.Helper()
	if o.OpenYears == (contract.YearRange{}) {
		o.OpenYears = openYears
	}
	var docs []check.Document
	err := check.Read(context.Background(), strings.NewReader(in), o, func(d check.Document) error {
		docs = append(docs, d)
		return nil
	})
	return docs, err
}

// The judge is the service itself, as the mock plays it: every document
// is sent to a mock that checks business rules at once (sync), and what
// finprod check says of it offline must be what the mock answers. The
// mock validates whole bodies; check streams them element by element.
func TestCheckSaysWhatTheServiceAnswers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := mock.Start(ctx, mock.Config{API: mock.APIConfig{OpenYears: openYears, BusinessRules: rules.Sync},
		SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	defer srv.Close()
	tok, err := srv.MintToken(mock.DefaultSystembrukerOrg) // may report for any oppgavegiver
	require.NoError(t, err)
	a := &api.Client{BaseURL: srv.URL(), HTTP: &http.Client{Timeout: 30 * time.Second}, Tokens: client.StaticToken(tok)}

	bodies := corpus(t)
	var ndjson bytes.Buffer
	for _, b := range bodies {
		ndjson.Write(b)
		ndjson.WriteByte('\n')
	}
	docs, err := run(t, ndjson.String(), check.Options{})
	require.NoError(t, err)
	require.Len(t, docs, len(bodies))

	accepted, rejected := 0, 0
	for i, b := range bodies {
		d := docs[i]
		require.Equal(t, i+1, d.Index)
		require.Equal(t, i+1, d.Line, "one document per line")
		if !d.NotJSON {
			require.Equal(t, int64(len(b)), d.Bytes)
		}
		// The path's year is the body's own, read with its exact key as
		// finprod submit reads it, else one the mock takes.
		year := 2024
		var probe map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if dec.Decode(&probe) == nil {
			lev, _ := probe["leveranse"].(map[string]any)
			text := fmt.Sprint(lev["inntektsaar"]) // a number or a string, as submit takes it
			if y, err := strconv.Atoi(text); err == nil && y >= 1000 && y <= 9999 && text == strconv.Itoa(y) {
				year = y
			}
		}
		res, err := a.Submit(ctx, year, uuid.NewString(), b)
		require.NoError(t, err)
		if res.Status == http.StatusOK {
			accepted++
			assert.True(t, d.OK(), "the mock accepted document %d, check says %+v: %s", d.Index, d.Findings, b)
			continue
		}
		rejected++
		require.NotNil(t, res.Feil, "%s", res.Body)
		require.False(t, d.OK(), "the mock answered %d %s, check found nothing: %s", res.Status, res.Body, b)
		if d.Findings[0].Status != 0 { // 0: a business rule, which the sync mock answers with 400
			assert.Equal(t, res.Status, d.Findings[0].Status, "document %d: %s", d.Index, res.Body)
		}
		if res.Feil.Kode == contract.GLD008 && d.NotJSON {
			continue // not JSON: where the parser gave up is worded per parser
		}
		// The same findings in the same order: the mock's validation of
		// the whole body and check's of one oppgave at a time list them
		// top to bottom through the document.
		if !assert.Equal(t, serviceSaid(res.Feil), checkSaid(d), "document %d: %s", d.Index, b) {
			return
		}
	}
	assert.Greater(t, accepted, 5)
	assert.Greater(t, rejected, len(bodies)/2)
	i := slices.IndexFunc(docs, func(d check.Document) bool { return d.Oppgaver == 12 })
	require.GreaterOrEqual(t, i, 0, "the document with 12 oppgaver")
	var stier []string
	for _, f := range docs[i].Findings {
		stier = append(stier, f.Sti)
	}
	assert.Equal(t, []string{"$.leveranse.oppgave[2]", "$.leveranse.oppgave[10]"}, stier, "in document order")
}

type said struct{ Kode, Sti, AngittVerdi, Melding string }

// serviceSaid is the error body as check words it: the specific codes of
// GLD_1027 and GLD_1052, the sti, value and message of every violation of
// GLD_010 (schema or business rule).
func serviceSaid(f *contract.Feil) []said {
	var out []said
	for _, s := range f.Feilspesifisering {
		k := string(s.Kode)
		if k == "" {
			k = string(f.Kode)
		}
		m := s.Melding
		if k == string(contract.GLD1027) || k == string(contract.GLD1052) {
			m = "" // worded per request
		}
		out = append(out, said{k, s.Sti, s.AngittVerdi, m})
	}
	return out
}

func checkSaid(d check.Document) []said {
	var out []said
	for _, f := range d.Findings {
		k, m := f.Kode, f.Melding
		if f.Status == 0 { // a business rule: the sync API reports it under GLD_010
			k = string(contract.GLD010)
		}
		if k == string(contract.GLD1027) || k == string(contract.GLD1052) {
			m = ""
		}
		out = append(out, said{k, f.Sti, f.AngittVerdi, m})
	}
	return out
}

// corpus is generated leveranser (valid, each named defect, other years)
// and random mutations of them: members removed, renamed, retyped, inside
// the oppgaver and around them.
func corpus(t *testing.T) [][]byte {
	t.Helper()
	var base [][]byte
	for seed := range uint64(3) {
		g, err := generators.New(generators.Config{Seed: seed, Oppgaver: 4, Inntektsaar: 2024})
		require.NoError(t, err)
		base = append(base, g.Body(0))
	}
	for _, year := range []int{2019, 2025, 2026} {
		g, err := generators.New(generators.Config{Seed: 5, Oppgaver: 2, Inntektsaar: year})
		require.NoError(t, err)
		base = append(base, g.Body(0))
	}
	for _, d := range generators.Defects() {
		g, err := generators.New(generators.Config{Seed: 7, Oppgaver: 3, Inntektsaar: 2024, Defects: []string{d.Name}})
		require.NoError(t, err, d.Name)
		base = append(base, g.Body(0))
	}
	out := append([][]byte(nil), base...)
	// More oppgaver than fit one digit, with violations in oppgave[10] and
	// oppgave[2]: their path strings sort [10] first, the document [2].
	g, err := generators.New(generators.Config{Seed: 8, Oppgaver: 12, Inntektsaar: 2024})
	require.NoError(t, err)
	var long map[string]any
	require.NoError(t, json.Unmarshal(g.Body(0), &long))
	for _, i := range []int{10, 2} {
		long["leveranse"].(map[string]any)["oppgave"].([]any)[i].(map[string]any)["ukjent"] = i
	}
	b, err := json.Marshal(long)
	require.NoError(t, err)
	out = append(out, b)
	// Text that is not UTF-8 and numbers no type holds, which the API
	// refuses before the schema (A-UTF8, A-HELTALL): in an oppgave, around
	// the oppgaver, in a key; written as bytes, since encoding/json would
	// mend them.
	good := string(base[0])
	for _, edit := range []struct{ old, new string }{
		{`"fornavn":"`, "\"fornavn\":\"\xff"},
		{`"kildesystem":"`, "\"kildesystem\":\"ab\xc3("},
		{`"etternavn":"`, `"etternavn":"\ud800`},
		{`"kildesystem"`, "\"kilde\xffsystem\""},
		{`"antallOppgaver":`, `"antallOppgaver":1e999,"x":`},
		{`"beloepINOK":"`, `"beloepINOK":1e-999,"y":"`},
	} {
		require.Contains(t, good, edit.old)
		out = append(out, []byte(strings.Replace(good, edit.old, edit.new, 1)))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	values := []any{nil, true, 7, "x", "2024", "15858012314", strings.Repeat("å", 300), map[string]any{}, []any{}}
	for _, b := range base {
		var doc any
		if json.Unmarshal(b, &doc) != nil {
			continue
		}
		for range 15 {
			var c any
			require.NoError(t, json.Unmarshal(b, &c))
			jsonmutate.Mutate(rng, c, values)
			m, err := json.Marshal(c)
			require.NoError(t, err)
			out = append(out, m)
		}
	}
	return out
}

// A schema that cannot be cut at leveranse.oppgave is validated whole; the
// verdicts are the same as the stream's.
func TestWholeDocumentsWhereTheSchemaCannotBeCut(t *testing.T) {
	src := strings.Replace(string(contract.OpenAPI()), "    Leveranse:\n      type: object\n", "    Leveranse:\n      type: object\n      allOf: [{}]\n", 1)
	whole, err := contract.Load([]byte(src), "uncut")
	require.NoError(t, err)
	require.Nil(t, whole.Parts())

	var ndjson strings.Builder
	for _, b := range corpus(t) {
		ndjson.Write(b)
		ndjson.WriteByte('\n')
	}
	streamed, err := run(t, ndjson.String(), check.Options{})
	require.NoError(t, err)
	read, err := run(t, ndjson.String(), check.Options{Contract: whole})
	require.NoError(t, err)
	assert.Equal(t, streamed, read)
	one, err := run(t, ndjson.String(), check.Options{Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, streamed, one, "the verdicts do not depend on the workers")
}

func TestThePublishedExampleAsOnePrettyDocument(t *testing.T) {
	docs, err := run(t, "\n\n"+string(contract.Eksempel()), check.Options{})
	require.NoError(t, err)
	require.Len(t, docs, 1)
	d := docs[0]
	assert.Equal(t, 3, d.Line)
	assert.Equal(t, 1, d.Oppgaver)
	kinds := map[string]string{}
	for _, f := range d.Findings {
		kinds[f.Sti] = f.Kode
		assert.Zero(t, f.Status, "the example passes the API; the feedback reports it")
	}
	assert.Equal(t, map[string]string{
		"$.leveranse.oppgavegiver.organisasjonsnummer":             rules.KodeOrganisasjonsnummer,
		"$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer": rules.KodeFoedselsnummer,
		"$.leveranse.oppgaveoppsummering.sumSalgsvederlag":         rules.KodeSum,
	}, kinds, "FACTS §6: the example's three known defects")
}

func TestInputThatHoldsNoLeveranse(t *testing.T) {
	for in, want := range map[string]error{
		"":                      check.ErrEmpty,
		" \n\t\n":               check.ErrEmpty,
		"hello":                 check.ErrNotJSON,
		"name: yaml\n":          check.ErrNotJSON,
		`{"leveranse": {"oppga`: check.ErrNotJSON,
		"{\n\"a\":\n":           check.ErrNotJSON,
	} {
		_, err := run(t, in, check.Options{})
		assert.ErrorIs(t, err, want, "%q", in)
	}
	// One document of JSON is enough for the rest to be findings.
	docs, err := run(t, "garbage\n"+string(validBody(t, 1))+"\n", check.Options{})
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.True(t, docs[0].NotJSON)
	assert.Equal(t, string(contract.GLD008), docs[0].Findings[0].Kode)
	assert.True(t, docs[1].OK(), "%+v", docs[1])
	assert.Equal(t, 2, docs[1].Line)
}

func TestABrokenLineCostsOnlyItsDocument(t *testing.T) {
	good := string(validBody(t, 3))
	in := good + "\n" + good[:len(good)/2] + "\n" + good + "\n"
	docs, err := run(t, in, check.Options{})
	require.NoError(t, err)
	require.Len(t, docs, 3)
	assert.True(t, docs[0].OK())
	assert.True(t, docs[1].NotJSON)
	assert.Contains(t, docs[1].Findings[0].Melding, "line 3")
	assert.True(t, docs[2].OK())
	assert.Equal(t, 3, docs[2].Line)
}

func TestPathYearSizeAndTheFindingsLimit(t *testing.T) {
	body := string(validBody(t, 2)) // inntektsaar 2024
	docs, err := run(t, body, check.Options{Inntektsaar: 2025})
	require.NoError(t, err)
	require.Len(t, docs[0].Findings, 1)
	assert.Equal(t, string(contract.GLD1052), docs[0].Findings[0].Kode)
	assert.Equal(t, "2024", docs[0].Findings[0].AngittVerdi)

	docs, err = run(t, body, check.Options{Inntektsaar: 2019})
	require.NoError(t, err)
	assert.Equal(t, string(contract.GLD1027), docs[0].Findings[0].Kode)

	docs, err = run(t, body, check.Options{MaxBody: 100})
	require.NoError(t, err)
	require.Len(t, docs[0].Findings, 1)
	assert.Equal(t, string(contract.GLD1022), docs[0].Findings[0].Kode)
	assert.Equal(t, 413, docs[0].Findings[0].Status)

	docs, err = run(t, string(contract.Eksempel()), check.Options{MaxFindings: 1})
	require.NoError(t, err)
	assert.Len(t, docs[0].Findings, 1)
	assert.Equal(t, 2, docs[0].Omitted, "the example's other two findings are counted")
	assert.False(t, docs[0].OK())
}

func validBody(t *testing.T, oppgaver int) []byte {
	t.Helper()
	g, err := generators.New(generators.Config{Seed: 3, Oppgaver: oppgaver, Inntektsaar: 2024})
	require.NoError(t, err)
	return g.Body(0)
}

// The JUnit is held to finprod's schema of it (reports/junit.xsd) by
// libxml2's xmllint, an implementation of XML Schema that is not finprod's.
func TestTheJUnitFollowsTheSchema(t *testing.T) {
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is not installed; make test installs libxml2-utils (.ci/test-deps.sh)")
		}
		t.Skip("xmllint is not installed (Debian package libxml2-utils; make test installs it)")
	}
	var buf bytes.Buffer
	rep, err := check.NewReport(&buf, check.FormatJUnit)
	require.NoError(t, err)
	rep.BeginFile("lev.ndjson")
	docs, err := run(t, string(validBody(t, 1))+"\n"+string(contract.Eksempel()), check.Options{})
	require.NoError(t, err)
	for _, d := range docs {
		require.NoError(t, rep.Document(d))
	}
	rep.BeginFile("tom.json")
	require.NoError(t, rep.FileError(check.ErrEmpty))
	require.NoError(t, rep.Close())
	path := filepath.Join(t.TempDir(), "check-junit.xml")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	out, err := exec.Command(lint, "--noout", "--schema", filepath.Join("..", "reports", "junit.xsd"), path).CombinedOutput()
	require.NoError(t, err, "%s\n%s", out, buf.String())
	assert.Contains(t, buf.String(), `failures="1"`)
	assert.Contains(t, buf.String(), `errors="1"`)
}
