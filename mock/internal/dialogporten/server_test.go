package dialogporten_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock/internal/dialogporten"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	orgA = "310000000"
	orgB = "974760673"
)

type env struct {
	st  *store.Store
	iss *tokens.Issuer
	dp  *dialogporten.Server
	srv *httptest.Server
}

func newEnv(t *testing.T, cfg dialogporten.Config, mayReport func(string, string) bool) *env {
	t.Helper()
	iss, err := tokens.NewIssuerWithKey("http://127.0.0.1/", testkit.Key(t, "issuer signing"), nil)
	require.NoError(t, err)
	st := store.New()
	dp, err := dialogporten.New(cfg, st, tokens.NewVerifier(iss.URL(), iss.KeySet(), nil), "http://127.0.0.1:9", mayReport)
	require.NoError(t, err)
	srv := httptest.NewServer(dp.Handler())
	t.Cleanup(func() { srv.Close(); _ = dp.Close() })
	return &env{st: st, iss: iss, dp: dp, srv: srv}
}

func (e *env) token(t *testing.T, systembruker, scope string) string {
	t.Helper()
	c := mptoken.Claims{ClientID: "test", Consumer: mptoken.NewOrg(systembruker), Scope: scope}
	if systembruker != "" {
		c.AuthorizationDetails = []mptoken.AuthorizationDetail{{Type: mptoken.AuthorizationTypeSystemuser, SystemuserOrg: mptoken.NewOrg(systembruker)}}
	}
	tok, _, err := e.iss.Mint(c, time.Minute)
	require.NoError(t, err)
	return tok
}

func (e *env) accept(t *testing.T, org string, body []byte) store.Forsendelse {
	t.Helper()
	f, err := e.submit(org, body)
	require.NoError(t, err)
	return f
}

// submit is accept for goroutines other than the test's, which must not
// stop the test themselves.
func (e *env) submit(org string, body []byte) (store.Forsendelse, error) {
	return e.st.Accept(store.Submission{Inntektsaar: 2025, Oppgavegiver: org, Referanse: "ref-" + org, AntallOppgaver: 1, Systembruker: org, Body: body})
}

type answer struct {
	status int
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (e *env) post(t *testing.T, token, query string, vars map[string]any) answer {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+dialogporten.GraphQLPath, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode}
	require.NoError(t, json.Unmarshal(raw, &a), string(raw))
	return a
}

func keys(v any) []string {
	m, _ := v.(map[string]any)
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

func path(v any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// consistentBody is the documented example with its defects mended, for orgA.
func consistentBody() []byte { return testkit.ConsistentBody(orgA, 2024) }

func TestDialogByIDHonoursSelectionSet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	f := e.accept(t, orgA, consistentBody())
	a := e.post(t, e.token(t, orgA, dialogschema.Scope),
		`query($id: UUID!) { dialogById(dialogId: $id) { dialog { id transmissions { type externalReference } } } }`,
		map[string]any{"id": f.DialogID})
	require.Empty(t, a.Errors)
	dlg := path(a.Data, "dialogById", "dialog")
	assert.ElementsMatch(t, []string{"dialogById"}, keys(a.Data))
	assert.ElementsMatch(t, []string{"dialog"}, keys(path(a.Data, "dialogById")), "errors was not asked for")
	assert.ElementsMatch(t, []string{"id", "transmissions"}, keys(dlg))
	assert.Equal(t, f.DialogID, path(dlg, "id"))
	tr := path(dlg, "transmissions", 0)
	assert.ElementsMatch(t, []string{"type", "externalReference"}, keys(tr))
	assert.Equal(t, "SUBMISSION", path(tr, "type"))
	assert.Equal(t, f.ID, path(tr, "externalReference"))
}

func TestAttachmentURLsPointAtTheDocumentEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	f := e.accept(t, orgA, consistentBody())
	a := e.post(t, e.token(t, orgA, dialogschema.Scope),
		`query($id: UUID!) { dialogById(dialogId: $id) { dialog { party status transmissions { attachments { name urls { url mediaType consumerType } } } } errors { message } } }`,
		map[string]any{"id": f.DialogID})
	require.Empty(t, a.Errors)
	assert.Equal(t, []any{}, path(a.Data, "dialogById", "errors"))
	dlg := path(a.Data, "dialogById", "dialog")
	assert.Equal(t, "urn:altinn:organization:identifier-no:"+orgA, path(dlg, "party"))
	assert.Equal(t, "AWAITING", path(dlg, "status"))
	urls := path(dlg, "transmissions", 0, "attachments", 0, "urls").([]any)
	require.Len(t, urls, 2)
	api := urls[0].(map[string]any)
	assert.Equal(t, "API", api["consumerType"])
	assert.Equal(t, "application/json", api["mediaType"])
	assert.Equal(t, "http://127.0.0.1:9"+contract.DokumentPath(2025, orgA, f.ID, f.DocumentID), api["url"])
	assert.Equal(t, "GUI", urls[1].(map[string]any)["consumerType"])
}

func TestSearchDialogsFiltersByPartyAndHonoursSelectionSet(t *testing.T) {
	t.Parallel()
	everyone := func(string, string) bool { return true }
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, everyone)
	fa := e.accept(t, orgA, consistentBody())
	e.accept(t, orgB, consistentBody())
	tok := e.token(t, orgA, dialogschema.Scope)
	q := `query($in: SearchDialogInput!) { searchDialogs(input: $in) { items { id party } hasNextPage } }`

	a := e.post(t, tok, q, map[string]any{"in": map[string]any{"party": []string{"urn:altinn:organization:identifier-no:" + orgA},
		"serviceResource": []string{dialogporten.DefaultServiceResource}}})
	require.Empty(t, a.Errors)
	items := path(a.Data, "searchDialogs", "items").([]any)
	require.Len(t, items, 1)
	assert.ElementsMatch(t, []string{"id", "party"}, keys(items[0]))
	assert.Equal(t, fa.DialogID, path(items[0], "id"))
	assert.ElementsMatch(t, []string{"items", "hasNextPage"}, keys(path(a.Data, "searchDialogs")))

	a = e.post(t, tok, q, map[string]any{"in": map[string]any{"serviceResource": []string{"urn:altinn:resource:something-else"}}})
	require.Empty(t, a.Errors)
	assert.Empty(t, path(a.Data, "searchDialogs", "items"))

	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	a = e.post(t, tok, q, map[string]any{"in": map[string]any{"createdAfter": future}})
	require.Empty(t, a.Errors)
	assert.Empty(t, path(a.Data, "searchDialogs", "items"))
}

func TestSearchDialogsPages(t *testing.T) {
	t.Parallel()
	everyone := func(string, string) bool { return true }
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, everyone)
	want := map[string]bool{}
	for _, org := range []string{orgA, orgB, "923609016"} {
		want[e.accept(t, org, consistentBody()).DialogID] = true
	}
	tok := e.token(t, orgA, dialogschema.Scope)
	q := `query($in: SearchDialogInput!) { searchDialogs(input: $in) { items { id } hasNextPage continuationToken errors { __typename message } } }`
	in := map[string]any{"limit": 2, "orderBy": []any{map[string]any{"createdAt": "ASC"}}}
	got := map[string]bool{}
	for page := 0; page < 3; page++ {
		a := e.post(t, tok, q, map[string]any{"in": in})
		require.Empty(t, a.Errors)
		p := path(a.Data, "searchDialogs")
		require.Empty(t, path(p, "errors"))
		for _, it := range path(p, "items").([]any) {
			id := path(it, "id").(string)
			assert.False(t, got[id], "dialog %s on two pages", id)
			got[id] = true
		}
		if path(p, "hasNextPage") != true {
			break
		}
		in["continuationToken"] = path(p, "continuationToken")
	}
	assert.Equal(t, want, got)

	a := e.post(t, tok, q, map[string]any{"in": map[string]any{"continuationToken": "not a token"}})
	assert.Equal(t, "SearchDialogContinuationTokenParsingError", path(a.Data, "searchDialogs", "errors", 0, "__typename"))
	a = e.post(t, tok, q, map[string]any{"in": map[string]any{"party": []string{"org:" + orgA}}})
	assert.Equal(t, "SearchDialogValidationError", path(a.Data, "searchDialogs", "errors", 0, "__typename"))
}

func TestTokenNeedsDialogportenScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	f := e.accept(t, orgA, consistentBody())
	q := `query($id: UUID!) { dialogById(dialogId: $id) { dialog { id } } }`
	vars := map[string]any{"id": f.DialogID}

	a := e.post(t, "", q, vars)
	assert.Equal(t, http.StatusUnauthorized, a.status)
	require.NotEmpty(t, a.Errors)
	assert.Equal(t, "AUTH_NOT_AUTHENTICATED", a.Errors[0].Extensions["code"])

	a = e.post(t, "not-a-jwt", q, vars)
	assert.Equal(t, http.StatusUnauthorized, a.status)

	a = e.post(t, e.token(t, orgA, contract.Scope), q, vars)
	assert.Equal(t, http.StatusForbidden, a.status)
	require.NotEmpty(t, a.Errors)
	assert.Contains(t, a.Errors[0].Message, dialogschema.Scope)
	assert.Nil(t, a.Data)
}

func TestOtherPartysDialogIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	f := e.accept(t, orgA, consistentBody())
	q := `query($id: UUID!) { dialogById(dialogId: $id) { dialog { id } errors { __typename message } } }`
	a := e.post(t, e.token(t, orgB, dialogschema.Scope), q, map[string]any{"id": f.DialogID})
	require.Empty(t, a.Errors)
	assert.Nil(t, path(a.Data, "dialogById", "dialog"))
	assert.Equal(t, "DialogByIdNotFound", path(a.Data, "dialogById", "errors", 0, "__typename"))

	search := `{ searchDialogs(input: {party: ["urn:altinn:organization:identifier-no:` + orgA + `"]}) { items { id } } }`
	a = e.post(t, e.token(t, orgB, dialogschema.Scope), search, nil)
	require.Empty(t, a.Errors)
	assert.Empty(t, path(a.Data, "searchDialogs", "items"))
}

func TestAccessRuleLetsAnotherOrgSee(t *testing.T) {
	t.Parallel()
	regnskapsfoerer := func(sys, giver string) bool { return sys == giver || (sys == orgB && giver == orgA) }
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, regnskapsfoerer)
	f := e.accept(t, orgA, consistentBody())
	q := `query($id: UUID!) { dialogById(dialogId: $id) { dialog { id } errors { __typename } } }`
	a := e.post(t, e.token(t, orgB, dialogschema.Scope), q, map[string]any{"id": f.DialogID})
	require.Empty(t, a.Errors)
	assert.Equal(t, f.DialogID, path(a.Data, "dialogById", "dialog", "id"))
}

func TestInvalidQueriesAreRefusedByValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	tok := e.token(t, orgA, dialogschema.Scope)

	a := e.post(t, tok, `{ dialogById(dialogId: "0193b5cd-cb85-7320-8000-000000000000") { dialog { nosuchfield } } }`, nil)
	require.Len(t, a.Errors, 1)
	assert.Contains(t, a.Errors[0].Message, `Cannot query field "nosuchfield" on type "Dialog"`)
	assert.Equal(t, "GRAPHQL_VALIDATION_FAILED", a.Errors[0].Extensions["code"])
	assert.Nil(t, a.Data)

	a = e.post(t, tok, `{ dialogById(dialogId: "0193b5cd-cb85-7320-8000-000000000000") }`, nil)
	require.NotEmpty(t, a.Errors, "an object field needs a selection")

	a = e.post(t, tok, `query($id: UUID!) { dialogById(dialogId: $id) { dialog { id } } }`, map[string]any{"id": "not-a-uuid"})
	require.NotEmpty(t, a.Errors)
	assert.Contains(t, a.Errors[0].Message, "not a UUID")
}

func TestIntrospectionRoundTrip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{FeedbackDelay: time.Hour}, nil)
	a := e.post(t, "", dialogschema.IntrospectionQuery, nil)
	require.Equal(t, http.StatusOK, a.status, "introspection needs no token")
	require.Empty(t, a.Errors)
	raw, err := json.Marshal(map[string]any{"data": a.Data})
	require.NoError(t, err)
	got, err := dialogschema.FromIntrospection(raw, "mock introspection")
	require.NoError(t, err)

	own := dialogschema.Schema()
	assert.Equal(t, own.Query.Name, got.Query.Name)
	for name, def := range own.Types {
		if def.BuiltIn {
			continue
		}
		gdef := got.Types[name]
		if !assert.NotNil(t, gdef, "type %s lost", name) {
			continue
		}
		assert.Equal(t, def.Kind, gdef.Kind, name)
		assert.Len(t, gdef.Fields, len(def.Fields), name)
		for _, f := range def.Fields {
			if gf := gdef.Fields.ForName(f.Name); assert.NotNil(t, gf, "%s.%s", name, f.Name) {
				assert.Equal(t, f.Type.String(), gf.Type.String(), "%s.%s", name, f.Name)
			}
		}
		assert.Len(t, gdef.EnumValues, len(def.EnumValues), name)
		assert.ElementsMatch(t, def.Interfaces, gdef.Interfaces, name)
	}
}

func TestGetIsNotAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, dialogporten.Config{}, nil)
	resp, err := e.srv.Client().Get(e.srv.URL + dialogporten.GraphQLPath)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}
