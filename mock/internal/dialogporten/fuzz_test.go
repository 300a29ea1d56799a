package dialogporten_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/contract/mptoken"
	"github.com/finprod/finprod/mock/internal/dialogporten"
	"github.com/finprod/finprod/mock/internal/store"
	"github.com/finprod/finprod/mock/internal/tokens"
)

// FuzzGraphQL sends whatever the fuzzer makes of a GraphQL request (query,
// operation name, variables, or a whole body of its own) to the local
// Dialogporten as one of several callers, and holds every answer to:
// no panic; never a 5xx; a GraphQL response document ({"data"} and/or
// {"errors"}) in the content type asked for; and nothing of a dialog the
// caller may not see: orgB's transmissions, documents, forsendelse and
// referanse never appear in an answer to orgA or to a caller without a
// systembruker, whatever the query.
//
// The placeholders @DIALOG_A@, @DIALOG_B@ and @PARTY_A@ in query and
// variables become the stored dialogs' ids and orgA's party URN.
func FuzzGraphQL(f *testing.F) {
	party := `"urn:altinn:organization:identifier-no:@ORG_A@"`
	for _, s := range []struct {
		query, op, vars string
		raw             bool
		who             uint8
	}{
		{`query($id: UUID!) { dialogById(dialogId: $id) { dialog { id party status transmissions { id type attachments { id urls { url consumerType } } } } errors { __typename message } } }`, "", `{"id":"@DIALOG_A@"}`, false, 0},
		{`query($id: UUID!) { dialogById(dialogId: $id) { dialog { id transmissions { id attachments { id name urls { url } } } } errors { __typename message } } }`, "", `{"id":"@DIALOG_B@"}`, false, 0},
		{`query($in: SearchDialogInput!) { searchDialogs(input: $in) { items { id party updatedAt } hasNextPage continuationToken errors { __typename message } } }`, "", `{"in":{"party":[` + party + `],"limit":1}}`, false, 0},
		{`query($in: SearchDialogInput!) { searchDialogs(input: $in) { items { id } continuationToken } }`, "", `{"in":{"party":[` + party + `,"urn:altinn:organization:identifier-no:@ORG_B@"],"orderBy":[{"createdAt":"ASC"}],"createdAfter":"2020-01-01T00:00:00Z"}}`, false, 1},
		{`{ __schema { queryType { name } types { name kind } } }`, "", `{}`, false, 2},
		{`query A { __typename } query B { __typename }`, "B", `{}`, false, 3},
		{`query($id: UUID!) { dialogById(dialogId: $id) { dialog { id } } }`, "", `{"id":"not-a-uuid"}`, false, 0},
		{`{ searchDialogs(input: {party: []}) { items { id } } }`, "", `null`, false, 0},
		{`mutation { x }`, "", `{}`, false, 0},
		{`{"query": "{ __typename }", "variables": [1]}`, "", ``, true, 0},
		{`{"query": 1}`, "", ``, true, 0},
		{`not json`, "", ``, true, 0},
	} {
		f.Add(s.query, s.op, s.vars, s.raw, s.who)
	}
	for _, name := range []string{"dialogById", "searchDialogs"} {
		q, err := os.ReadFile(filepath.Join("..", "..", "..", "client", "dialogporten", "queries", name+".graphql"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(q), name, `{"dialogId":"@DIALOG_A@","input":{"party":[`+party+`]}}`, false, uint8(0))
	}

	iss, err := tokens.NewIssuer("http://127.0.0.1/", nil)
	if err != nil {
		f.Fatal(err)
	}
	st := store.New()
	dp, err := dialogporten.New(dialogporten.Config{FeedbackDelay: 0}, st, tokens.NewVerifier(iss.URL(), iss.KeySet(), nil), "http://127.0.0.1:9", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = dp.Close() })
	a, err := st.Accept(store.Submission{Inntektsaar: 2025, Oppgavegiver: orgA, Referanse: "ref-of-org-a", AntallOppgaver: 1, Systembruker: orgA, Body: consistentBody()})
	if err != nil {
		f.Fatal(err)
	}
	b, err := st.Accept(store.Submission{Inntektsaar: 2025, Oppgavegiver: orgB, Referanse: "secret-ref-of-org-b", AntallOppgaver: 1, Systembruker: orgB, Body: consistentBody()})
	if err != nil {
		f.Fatal(err)
	}
	dialogB, _ := st.Dialog(b.DialogID)
	secrets := []string{b.ID, b.DocumentID, "secret-ref-of-org-b"}
	for _, tr := range dialogB.Transmissions {
		secrets = append(secrets, tr.ID)
		for _, at := range tr.Attachments {
			secrets = append(secrets, at.ID, at.DocumentID)
		}
	}
	if len(dialogB.Transmissions) < 2 {
		f.Fatalf("orgB's dialog has %d transmissions; the feedback should be there at once", len(dialogB.Transmissions))
	}
	mint := func(org, scope string) string {
		c := mintClaims(org, scope)
		tok, _, err := iss.Mint(c, 1000*time.Hour)
		if err != nil {
			f.Fatal(err)
		}
		return tok
	}
	callers := []string{mint(orgA, dialogschema.Scope), mint("", dialogschema.Scope), "", mint(orgA, "other:scope")}
	replacer := strings.NewReplacer("@DIALOG_A@", a.DialogID, "@DIALOG_B@", b.DialogID, "@ORG_A@", orgA, "@ORG_B@", orgB)
	h := dp.Handler()

	f.Fuzz(func(t *testing.T, query, op, vars string, raw bool, who uint8) {
		query, vars = replacer.Replace(query), replacer.Replace(vars)
		var body []byte
		if raw {
			body = []byte(query)
		} else {
			req := map[string]any{"query": query}
			if op != "" {
				req["operationName"] = op
			}
			if json.Valid([]byte(vars)) {
				req["variables"] = json.RawMessage(vars)
			}
			var err error
			if body, err = json.Marshal(req); err != nil {
				t.Skip() // not a JSON document the fuzzer can send
			}
		}
		r := httptest.NewRequest(http.MethodPost, dialogporten.GraphQLPath, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if who&4 != 0 {
			r.Header.Set("Accept", "application/graphql-response+json")
		}
		if tok := callers[int(who)%len(callers)]; tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		if w.Code >= 500 {
			t.Fatalf("answered %d for %s:\n%s", w.Code, body, w.Body)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatalf("answered %d with a body that is not a JSON object (%v) for %s:\n%s", w.Code, err, body, w.Body)
		}
		_, hasData := doc["data"]
		_, hasErrors := doc["errors"]
		if !hasData && !hasErrors {
			t.Fatalf("answered %d with neither data nor errors for %s:\n%s", w.Code, body, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" && ct != "application/graphql-response+json" {
			t.Fatalf("content type %q", ct)
		}
		for _, s := range secrets {
			if strings.Contains(w.Body.String(), s) && !strings.Contains(string(body), s) {
				t.Fatalf("the answer shows %q of orgB's dialog to caller %d, for %s:\n%s", s, int(who)%len(callers), body, w.Body)
			}
		}
	})
}

// mintClaims are a token's claims for a systembruker of org; with org
// empty, a plain token of orgA's own without a systembruker.
func mintClaims(org, scope string) mptoken.Claims {
	if org == "" {
		return mptoken.Claims{ClientID: "fuzz", Consumer: mptoken.NewOrg(orgA), Scope: scope}
	}
	return mptoken.Claims{ClientID: "fuzz", Consumer: mptoken.NewOrg(org), Scope: scope,
		AuthorizationDetails: []mptoken.AuthorizationDetail{{Type: mptoken.AuthorizationTypeSystemuser, SystemuserOrg: mptoken.NewOrg(org)}}}
}
