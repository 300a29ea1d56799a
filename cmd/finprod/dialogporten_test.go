package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock/dialogporten"
	"github.com/finprod/finprod/mock/store"
	"github.com/finprod/finprod/mock/tokens"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// run executes the CLI in-process and returns stdout and the exit code.
func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		out.WriteString("error: " + err.Error() + "\n")
	}
	return out.String(), exitCode(err)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

func TestCheckSchemaAcceptsOwnSDL(t *testing.T) {
	out, code := run(t, "dialogporten", "check-schema", "--schema", writeFile(t, "s.graphql", dialogschema.SDL()))
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "ok    dialogById")
	assert.Contains(t, out, "ok    searchDialogs")
}

func TestCheckSchemaNamesABreakingChange(t *testing.T) {
	broken := strings.Replace(dialogschema.SDL(), "  continuationToken: String\n  orderBy: [SearchDialogSortType!]!", "  orderBy: [SearchDialogSortType!]!", 1)
	require.NotEqual(t, dialogschema.SDL(), broken, "the edit must remove the field")
	out, code := run(t, "dialogporten", "check-schema", "--schema", writeFile(t, "s.graphql", broken))
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "FAIL  searchDialogs")
	assert.Contains(t, out, `Cannot query field "continuationToken" on type "SearchDialogsPayload"`)
	assert.Contains(t, out, "ok    dialogById")

	renamed := strings.Replace(dialogschema.SDL(), "  ACCEPTANCE\n", "", 1)
	renamed = strings.Replace(renamed, "dialogById(dialogId: UUID!)", "dialogById(id: UUID!)", 1)
	out, code = run(t, "dialogporten", "check-schema", "--schema", writeFile(t, "s.graphql", renamed))
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, `Unknown argument "dialogId"`)
}

func TestCheckSchemaBadInput(t *testing.T) {
	_, code := run(t, "dialogporten", "check-schema")
	assert.Equal(t, exitUsage, code)
	_, code = run(t, "dialogporten", "check-schema", "--schema", filepath.Join(t.TempDir(), "missing.graphql"))
	assert.Equal(t, exitUsage, code)
	_, code = run(t, "dialogporten", "check-schema", "--schema", writeFile(t, "s.graphql", "type {"))
	assert.Equal(t, exitUsage, code)

	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, code = run(t, "dialogporten", "check-schema", "--schema", url+"/dialogporten/graphql")
	assert.Equal(t, exitUnreachable, code)
}

// localChain serves the Dialogporten stand-in and a document endpoint from
// one store on loopback.
type localChain struct {
	st  *store.Store
	iss *tokens.Issuer
	srv *httptest.Server
}

func newLocalChain(t *testing.T) *localChain {
	t.Helper()
	iss, err := tokens.NewIssuer("http://127.0.0.1/", nil)
	require.NoError(t, err)
	v := tokens.NewVerifier(iss.URL(), iss.KeySet(), nil)
	st := store.New()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	dp, err := dialogporten.New(dialogporten.Config{}, st, v, srv.URL, nil)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close(); _ = dp.Close() })
	mux.Handle(dialogporten.MountPath, dp.Handler())
	mux.HandleFunc("GET /v1/{aar}/{org}/forsendelse/{fid}/dokument/{did}", func(w http.ResponseWriter, r *http.Request) {
		raw, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, err := v.Verify(raw); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		aar, _ := strconv.Atoi(r.PathValue("aar"))
		doc, err := st.Document(aar, r.PathValue("org"), r.PathValue("fid"), r.PathValue("did"))
		if err != nil {
			status, body := contract.NewFeil("GLD_1061", "test")
			b, _ := json.Marshal(body)
			w.WriteHeader(status)
			_, _ = w.Write(b)
			return
		}
		_, _ = w.Write(doc.Body)
	})
	return &localChain{st: st, iss: iss, srv: srv}
}

func (c *localChain) token(t *testing.T, org, scope string) string {
	t.Helper()
	tok, _, err := c.iss.Mint(tokens.Claims{ClientID: "t", Consumer: contract.NewOrg(org), Scope: scope,
		AuthorizationDetails: []contract.AuthorizationDetail{{Type: contract.AuthorizationTypeSystemuser, SystemuserOrg: contract.NewOrg(org)}}}, time.Minute)
	require.NoError(t, err)
	return tok
}

func TestCheckSchemaByIntrospection(t *testing.T) {
	c := newLocalChain(t)
	out, code := run(t, "dialogporten", "check-schema", "--schema", c.srv.URL+dialogporten.GraphQLPath)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "ok    searchDialogs")
}

func TestFetchDownloadsDocuments(t *testing.T) {
	c := newLocalChain(t)
	org := "987546231"
	f, err := c.st.Accept(store.Submission{Inntektsaar: 2024, Oppgavegiver: org, Referanse: "r", Systembruker: org, Body: contract.Eksempel()})
	require.NoError(t, err)
	tok := c.token(t, org, contract.DialogportenScope+" "+contract.Scope)
	t.Setenv(tokenEnv, tok)
	t.Setenv("FINPROD_API_TOKEN", "")
	outDir := t.TempDir()

	out, code := run(t, "fetch", "--dialogporten", c.srv.URL+"/dialogporten", "--forsendelse", f.ID, "--party", org, "--out", outDir)
	require.Equal(t, exitOK, code, out)
	assert.NotContains(t, out, tok, "the token is never printed")
	assert.Contains(t, out, "SUBMISSION")
	assert.Contains(t, out, "REJECTION")
	var files []string
	require.NoError(t, filepath.WalkDir(filepath.Join(outDir, f.DialogID), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}))
	require.Len(t, files, 2)
	var sawSubmission, sawFeedback bool
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		switch filepath.Base(p) {
		case "leveranse.json":
			sawSubmission = true
			assert.Equal(t, contract.Eksempel(), b)
		case "tilbakemelding.json":
			sawFeedback = true
			assert.Contains(t, string(b), "$.leveranse.oppgaveoppsummering.sumSalgsvederlag")
		}
	}
	assert.True(t, sawSubmission && sawFeedback, "files: %v", files)

	out, code = run(t, "fetch", "--dialogporten", c.srv.URL+dialogporten.GraphQLPath, "--dialog", f.DialogID, "--list", "--out", t.TempDir())
	assert.Equal(t, exitOK, code, out)
	assert.NotContains(t, out, "wrote")
}

func TestFetchExitCodes(t *testing.T) {
	c := newLocalChain(t)
	org := "310000000"
	f, err := c.st.Accept(store.Submission{Inntektsaar: 2024, Oppgavegiver: org, Systembruker: org, Body: []byte("{}")})
	require.NoError(t, err)
	url := c.srv.URL + dialogporten.GraphQLPath

	t.Setenv(tokenEnv, "")
	_, code := run(t, "fetch", "--dialogporten", url, "--dialog", f.DialogID)
	assert.Equal(t, exitUsage, code, "no token")

	t.Setenv(tokenEnv, c.token(t, org, contract.DialogportenScope))
	_, code = run(t, "fetch", "--dialogporten", url, "--forsendelse", f.ID)
	assert.Equal(t, exitUsage, code, "--forsendelse needs --party")

	out, code := run(t, "fetch", "--dialogporten", url, "--dialog", "0193b5cd-cb85-7320-8000-000000000000", "--list")
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "DialogByIdNotFound")

	t.Setenv(tokenEnv, c.token(t, org, contract.Scope))
	out, code = run(t, "fetch", "--dialogporten", url, "--dialog", f.DialogID, "--list")
	assert.Equal(t, exitUnreachable, code, out)
}
