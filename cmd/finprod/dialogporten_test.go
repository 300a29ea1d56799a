package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
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
	err := root.ExecuteContext(cliContext(t))
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
	t.Parallel()
	out, code := run(t, "dialogporten", "check-schema", "--schema", writeFile(t, "s.graphql", dialogschema.SDL()))
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "ok    dialogById")
	assert.Contains(t, out, "ok    searchDialogs")
}

func TestCheckSchemaNamesABreakingChange(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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

// localChain is the composed mock on loopback: the reporting API, the
// Dialogporten stand-in (feedback at once) and the document endpoint.
type localChain struct{ s *mock.Server }

func newLocalChain(t *testing.T) *localChain {
	t.Helper()
	// Fixed open years, so 2024 stays open whatever the date.
	s, err := mock.Start(context.Background(), mock.Config{API: mock.APIConfig{OpenYears: mock.YearRange{From: 2020, To: 2030}},
		SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return &localChain{s: s}
}

func (c *localChain) token(t *testing.T, org, scope string) string {
	t.Helper()
	tok, err := c.s.MintToken(org, strings.Fields(scope)...)
	require.NoError(t, err)
	return tok
}

// accept submits body for 2024 through the reporting API, as the org's own
// systembruker, and returns what the mock stored.
func (c *localChain) accept(t *testing.T, org string, body []byte) mock.ForsendelseInfo {
	t.Helper()
	docs := &api.Client{BaseURL: c.s.URL(), Tokens: client.StaticToken(c.token(t, org, contract.Scope))}
	res, err := docs.Submit(context.Background(), 2024, uuid.NewString(), body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	f, ok := c.s.Forsendelse(res.Kvittering.ForsendelseID)
	require.True(t, ok)
	return f
}

func TestCheckSchemaByIntrospection(t *testing.T) {
	t.Parallel()
	c := newLocalChain(t)
	out, code := run(t, "dialogporten", "check-schema", "--schema", c.s.URL()+mock.DialogportenGraphQLPath)
	assert.Equal(t, exitOK, code, out)
	assert.Contains(t, out, "ok    searchDialogs")
}

func TestFetchDownloadsDocuments(t *testing.T) {
	c := newLocalChain(t)
	org := "987546231"
	f := c.accept(t, org, contract.Eksempel())
	tok := c.token(t, org, dialogschema.Scope+" "+contract.Scope)
	t.Setenv(tokenEnv, tok)
	t.Setenv("FINPROD_API_TOKEN", "")
	outDir := t.TempDir()

	out, code := run(t, "fetch", "--dialogporten", c.s.URL()+"/dialogporten", "--forsendelse", f.ForsendelseID, "--party", org, "--out", outDir)
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

	out, code = run(t, "fetch", "--dialogporten", c.s.URL()+mock.DialogportenGraphQLPath, "--dialog", f.DialogID, "--list", "--out", t.TempDir())
	assert.Equal(t, exitOK, code, out)
	assert.NotContains(t, out, "wrote")
}

func TestFetchExitCodes(t *testing.T) {
	c := newLocalChain(t)
	org := "310000000"
	g, err := generators.New(generators.Config{Seed: 1, Inntektsaar: 2024, Oppgavegiver: org})
	require.NoError(t, err)
	f := c.accept(t, org, g.Body(0))
	url := c.s.URL() + mock.DialogportenGraphQLPath

	t.Setenv(tokenEnv, "")
	_, code := run(t, "fetch", "--dialogporten", url, "--dialog", f.DialogID)
	assert.Equal(t, exitUsage, code, "no token")

	t.Setenv(tokenEnv, c.token(t, org, dialogschema.Scope))
	_, code = run(t, "fetch", "--dialogporten", url, "--forsendelse", f.ForsendelseID)
	assert.Equal(t, exitUsage, code, "--forsendelse needs --party")

	out, code := run(t, "fetch", "--dialogporten", url, "--dialog", "0193b5cd-cb85-7320-8000-000000000000", "--list")
	assert.Equal(t, exitFailed, code, out)
	assert.Contains(t, out, "DialogByIdNotFound")

	t.Setenv(tokenEnv, c.token(t, org, contract.Scope))
	out, code = run(t, "fetch", "--dialogporten", url, "--dialog", f.DialogID, "--list")
	assert.Equal(t, exitUnreachable, code, out)
}
