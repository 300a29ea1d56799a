package client_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/finprod/finprod/client/api"
	"github.com/finprod/finprod/client/dialogporten"
	"github.com/finprod/finprod/client/maskinporten"
	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/generators"
	"github.com/finprod/finprod/mock"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWholeChainThroughTheGrantFlow follows one submission the way a user's
// run does: a Maskinporten grant with the default client's key file, a POST
// to the API, the dialog in Dialogporten, the document byte for byte, and the
// feedback — every leg over HTTP on loopback, through the composed mock.
func TestWholeChainThroughTheGrantFlow(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv, err := mock.Start(ctx, mock.Config{StateDir: t.TempDir(), SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	defer srv.Close()

	def, ok := srv.DefaultClient()
	require.True(t, ok)
	cfg, err := maskinporten.LoadConfig(def.ConfigFile)
	require.NoError(t, err)
	tokens, err := maskinporten.New(cfg)
	require.NoError(t, err)

	gen, err := generators.New(generators.Config{Seed: 11, Inntektsaar: 2025, Oppgaver: 3, Defects: []string{"feil-sum"}})
	require.NoError(t, err)
	body := gen.Body(0)
	var inn contract.Innsending
	require.NoError(t, json.Unmarshal(body, &inn))
	require.Empty(t, generators.CheckSynthetic(inn.Leveranse), "generated identities are synthetic")

	docs := &api.Client{BaseURL: srv.URL(), Tokens: tokens}
	res, err := docs.Submit(ctx, 2025, uuid.NewString(), body)
	require.NoError(t, err)
	require.Equal(t, 200, res.Status, "%s", res.Body)
	k := res.Kvittering
	require.NotNil(t, k)
	assert.Equal(t, 3, k.AntallOppgaver)
	assert.Equal(t, inn.Leveranse.OppgavegiversLeveranseReferanse, k.OppgavegiversLeveranseReferanse)

	dp := dialogporten.New(srv.URL()+"/dialogporten/graphql", tokens, nil)
	sub := dialogporten.Submission{DialogID: k.DialogID, ForsendelseID: k.ForsendelseID}
	_, fb, err := dp.WaitForTransmission(ctx, sub, 20*time.Millisecond, "REJECTION", "ACCEPTANCE")
	require.NoError(t, err)
	assert.Equal(t, "REJECTION", fb.Type, "the feil-sum defect is a business rule reported in the feedback")

	d, err := dp.FindSubmission(ctx, sub)
	require.NoError(t, err)
	var submitted, feedback string
	for _, tr := range d.TransmissionsFor(k.ForsendelseID) {
		require.NotEmpty(t, tr.Attachments)
		u, ok := tr.Attachments[0].APIURL()
		require.True(t, ok)
		switch tr.Type {
		case "SUBMISSION":
			submitted = u.URL
		case "REJECTION":
			feedback = u.URL
		}
	}
	require.NotEmpty(t, submitted)
	doc, err := docs.GetDocument(ctx, submitted)
	require.NoError(t, err)
	assert.Equal(t, body, doc.Body, "the stored document is byte for byte what was sent")

	require.NotEmpty(t, feedback)
	doc, err = docs.GetDocument(ctx, feedback)
	require.NoError(t, err)
	var tb contract.Tilbakemelding
	require.NoError(t, json.Unmarshal(doc.Body, &tb))
	assert.Equal(t, contract.TilbakemeldingAvvist, tb.Status)
	var stier []string
	for _, f := range tb.Funn {
		stier = append(stier, f.Sti)
	}
	def2, ok := generators.LookupDefect("feil-sum")
	require.True(t, ok)
	assert.Contains(t, stier, def2.Sti)
}
