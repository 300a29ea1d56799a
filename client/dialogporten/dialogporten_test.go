package dialogporten_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/finprod/finprod/client"
	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/contract/dialogschema"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	orgA = "310000000"
	orgB = "974760673"
)

// chain is the composed mock on loopback: the reporting API, the
// Dialogporten stand-in and the document endpoint behind one server.
type chain struct{ s *mock.Server }

func newChain(t *testing.T, cfg mock.DialogportenConfig) *chain {
	t.Helper()
	s, err := mock.Start(context.Background(), mock.Config{Dialogporten: cfg, SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client"),
		// Fixed, so the years the tests submit for stay open whatever the date.
		API: mock.APIConfig{OpenYears: mock.YearRange{From: 2020, To: 2030}}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return &chain{s: s}
}

func (c *chain) token(t *testing.T, org, scope string) string {
	t.Helper()
	tok, err := c.s.MintToken(org, strings.Fields(scope)...)
	require.NoError(t, err)
	return tok
}

func (c *chain) dialogporten(t *testing.T, org, scope string) *dialogporten.Client {
	return dialogporten.New(c.s.URL()+mock.DialogportenGraphQLPath, client.StaticToken(c.token(t, org, scope)), nil)
}

// accept submits body for inntektsaar year through the reporting API, as
// the org's own systembruker, and returns what the mock stored.
func (c *chain) accept(t *testing.T, org string, year int, body []byte) mock.ForsendelseInfo {
	t.Helper()
	docs := &api.Client{BaseURL: c.s.URL(), Tokens: client.StaticToken(c.token(t, org, contract.Scope))}
	res, err := docs.Submit(context.Background(), year, uuid.NewString(), body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	f, ok := c.s.Forsendelse(res.Kvittering.ForsendelseID)
	require.True(t, ok)
	return f
}

// fetch follows an attachment URL the way a client must: as given, with a token.
func (c *chain) fetch(t *testing.T, url, token string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

// consistentBody is the documented example with its defects mended, for
// orgA and the given inntektsaar.
func consistentBody(year int) []byte { return testkit.ConsistentBody(orgA, year) }

func apiURL(t *testing.T, tr dialogporten.Transmission) dialogporten.AttachmentURL {
	t.Helper()
	require.NotEmpty(t, tr.Attachments)
	u, ok := tr.Attachments[0].APIURL()
	require.True(t, ok, "attachment has an API URL")
	return u
}

func TestFollowSubmissionToAcceptance(t *testing.T) {
	t.Parallel()
	c := newChain(t, mock.DialogportenConfig{FeedbackDelay: 30 * time.Millisecond})
	body := consistentBody(2025)
	f := c.accept(t, orgA, 2025, body)
	dp := c.dialogporten(t, orgA, dialogschema.Scope+" "+contract.Scope)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	dlg, err := dp.FindSubmission(ctx, dialogporten.Submission{ForsendelseID: f.ForsendelseID,
		DialogFilter: dialogporten.DialogFilter{Party: orgA, ServiceResource: dialogschema.ServiceResource, CreatedAfter: f.Mottatt.Add(-time.Minute)}})
	require.NoError(t, err)
	assert.Equal(t, f.DialogID, dlg.ID)
	assert.Equal(t, dialogschema.PartyURN(orgA), dlg.Party)
	trs := dlg.TransmissionsFor(f.ForsendelseID)
	require.NotEmpty(t, trs)
	sub := trs[0]
	assert.Equal(t, dialogporten.TransmissionSubmission, sub.Type)
	u := apiURL(t, sub)
	assert.Equal(t, c.s.URL()+contract.DokumentPath(2025, orgA, f.ForsendelseID, f.DokumentID), u.URL)
	assert.Equal(t, "application/json", u.MediaType)
	tok := c.token(t, orgA, contract.Scope)
	assert.Equal(t, body, c.fetch(t, u.URL, tok), "the document is byte for byte what was sent")

	_, fb, err := dp.WaitForTransmission(ctx, dialogporten.Submission{DialogID: f.DialogID, ForsendelseID: f.ForsendelseID}, 10*time.Millisecond,
		dialogporten.TransmissionAcceptance, dialogporten.TransmissionRejection)
	require.NoError(t, err)
	assert.Equal(t, dialogporten.TransmissionAcceptance, fb.Type)
	assert.Equal(t, sub.ID, fb.RelatedTransmissionID)
	var tb contract.Tilbakemelding
	require.NoError(t, json.Unmarshal(c.fetch(t, apiURL(t, fb).URL, tok), &tb))
	assert.Equal(t, contract.TilbakemeldingGodkjent, tb.Status)
	assert.Equal(t, f.ForsendelseID, tb.ForsendelseID)
}

func TestFeedbackReportsSumDefectOfExample(t *testing.T) {
	t.Parallel()
	c := newChain(t, mock.DialogportenConfig{FeedbackDelay: 30 * time.Millisecond})
	f := c.accept(t, "987546231", 2024, contract.Eksempel())
	// The example's oppgavegiver is its own systembruker here.
	dp := c.dialogporten(t, "987546231", dialogschema.Scope)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, fb, err := dp.WaitForTransmission(ctx, dialogporten.Submission{DialogID: f.DialogID, ForsendelseID: f.ForsendelseID}, 10*time.Millisecond,
		dialogporten.TransmissionAcceptance, dialogporten.TransmissionRejection)
	require.NoError(t, err)
	assert.Equal(t, dialogporten.TransmissionRejection, fb.Type)
	var tb contract.Tilbakemelding
	require.NoError(t, json.Unmarshal(c.fetch(t, apiURL(t, fb).URL, c.token(t, "987546231", contract.Scope)), &tb))
	assert.Equal(t, contract.TilbakemeldingAvvist, tb.Status)
	var sum *contract.Funn
	for i := range tb.Funn {
		if tb.Funn[i].Sti == "$.leveranse.oppgaveoppsummering.sumSalgsvederlag" {
			sum = &tb.Funn[i]
		}
	}
	require.NotNil(t, sum, "findings: %+v", tb.Funn)
	assert.Equal(t, "40", sum.AngittVerdi)
}

func TestWaitGivesUpAtDeadline(t *testing.T) {
	t.Parallel()
	c := newChain(t, mock.DialogportenConfig{FeedbackDelay: time.Hour})
	f := c.accept(t, orgA, 2025, consistentBody(2025))
	dp := c.dialogporten(t, orgA, dialogschema.Scope)
	// The budget only has to cover one read of the dialog.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, _, err := dp.WaitForTransmission(ctx, dialogporten.Submission{DialogID: f.DialogID, ForsendelseID: f.ForsendelseID}, 20*time.Millisecond, dialogporten.TransmissionAcceptance)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "none of the wanted type")
}

func TestDialogErrorsAreClear(t *testing.T) {
	t.Parallel()
	c := newChain(t, mock.DialogportenConfig{FeedbackDelay: time.Hour})
	f := c.accept(t, orgA, 2025, consistentBody(2025))
	ctx := context.Background()

	_, err := c.dialogporten(t, orgA, dialogschema.Scope).DialogByID(ctx, "0193b5cd-cb85-7320-8000-000000000000")
	assert.ErrorIs(t, err, dialogporten.ErrDialogNotFound)
	var pe *dialogporten.PayloadError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "DialogByIdNotFound", pe.Type)

	_, err = c.dialogporten(t, orgB, dialogschema.Scope).DialogByID(ctx, f.DialogID)
	assert.ErrorIs(t, err, dialogporten.ErrDialogNotFound, "another party's dialog is not visible")

	found, err := c.dialogporten(t, orgB, dialogschema.Scope).SearchDialogs(ctx, dialogporten.DialogFilter{Party: orgA})
	require.NoError(t, err)
	assert.Empty(t, found)

	_, err = c.dialogporten(t, orgA, contract.Scope).DialogByID(ctx, f.DialogID)
	var ge *dialogporten.GraphQLError
	require.ErrorAs(t, err, &ge)
	assert.True(t, ge.Unauthorized())
	assert.Contains(t, err.Error(), dialogschema.Scope)

	_, err = c.dialogporten(t, orgA, dialogschema.Scope).SearchDialogs(ctx, dialogporten.DialogFilter{Party: "12"})
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "SearchDialogValidationError", pe.Type)

	_, err = c.dialogporten(t, orgA, dialogschema.Scope).FindSubmission(ctx, dialogporten.Submission{DialogID: f.DialogID, ForsendelseID: "0193b5cd-cb85-7320-8000-000000000001"})
	assert.ErrorIs(t, err, dialogporten.ErrNoSubmission)
}

func TestSearchFollowsPages(t *testing.T) {
	t.Parallel()
	c := newChain(t, mock.DialogportenConfig{FeedbackDelay: time.Hour})
	var want []string
	for y := 2020; y < 2025; y++ {
		f := c.accept(t, orgA, y, consistentBody(y))
		want = append(want, f.DialogID)
	}
	dp := c.dialogporten(t, orgA, dialogschema.Scope)
	dialogporten.SetPageSize(dp, 2)
	got, err := dp.SearchDialogs(context.Background(), dialogporten.DialogFilter{Party: orgA, Limit: 4})
	require.NoError(t, err)
	assert.Len(t, got, 4)
	all, err := dp.SearchDialogs(context.Background(), dialogporten.DialogFilter{Party: orgA})
	require.NoError(t, err)
	ids := []string{}
	for _, d := range all {
		ids = append(ids, d.ID)
	}
	assert.ElementsMatch(t, want, ids)
}

func TestUnreachableEndpoint(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := dialogporten.New(url+"/dialogporten/graphql", client.StaticToken("secret-token"), nil).DialogByID(context.Background(), "x")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-token")
	var ge *dialogporten.GraphQLError
	assert.False(t, errors.As(err, &ge), "a network failure is not a GraphQL answer")
}

func TestDownloadWritesEachDocumentOnce(t *testing.T) {
	t.Parallel()
	c := newChain(t, mock.DialogportenConfig{FeedbackDelay: time.Hour})
	body := consistentBody(2025)
	f := c.accept(t, orgA, 2025, body)
	dlg, err := c.dialogporten(t, orgA, dialogschema.Scope).DialogByID(context.Background(), f.DialogID)
	require.NoError(t, err)
	docs := &api.Client{Tokens: client.StaticToken(c.token(t, orgA, contract.Scope))}

	dir := dialogporten.DownloadDir(t.TempDir(), dlg)
	assert.Equal(t, f.DialogID, filepath.Base(dir))
	var saved []dialogporten.Saved
	n, err := dialogporten.Download(context.Background(), docs, dir, dlg.TransmissionsFor(f.ForsendelseID), func(s dialogporten.Saved) { saved = append(saved, s) })
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the submission; the feedback is an hour away")
	require.Len(t, saved, 1)
	assert.Equal(t, len(body), saved[0].Bytes)
	b, err := os.ReadFile(saved[0].Path)
	require.NoError(t, err)
	assert.Equal(t, body, b)
	assert.True(t, strings.HasPrefix(saved[0].Path, dir+string(filepath.Separator)))

	blocker := filepath.Join(t.TempDir(), "a-file")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))
	_, err = dialogporten.Download(context.Background(), docs, filepath.Join(blocker, "sub"), dlg.Transmissions, func(dialogporten.Saved) {})
	var we *dialogporten.WriteError
	require.ErrorAs(t, err, &we)
	assert.Contains(t, err.Error(), "cannot write "+blocker)

	docs.Tokens = client.StaticToken(c.token(t, orgA, dialogschema.Scope))
	_, err = dialogporten.Download(context.Background(), docs, t.TempDir(), dlg.Transmissions, func(dialogporten.Saved) {})
	var se *api.StatusError
	require.ErrorAs(t, err, &se, "a token without the API's scope is refused")
	assert.Equal(t, 403, se.Status)
}
