package steps_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/mock/maskinporten"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

// TestTT02ProfilePath runs the @tt02 scenarios the way a QA engineer runs
// them against TT02 (a profile YAML, a Maskinporten JWT-bearer grant with a
// key file, the synthetic-identity guard, no mock controls), with the
// profile's URLs pointing at a local mock instead.
func TestTT02ProfilePath(t *testing.T) {
	ctx := t.Context()
	srv, err := mock.Start(ctx, mock.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })

	// The local Maskinporten signs with the mock's issuer, so the API
	// trusts its tokens; it writes its default client's key and YAML.
	dir := t.TempDir()
	mp, err := maskinporten.New(maskinporten.Config{}, srv.Issuer(), maskinporten.WithDefaultClientDir(dir))
	require.NoError(t, err)
	mpSrv := httptest.NewServer(mp.Handler())
	t.Cleanup(mpSrv.Close)
	def, ok := mp.DefaultClient()
	require.True(t, ok)

	profile := filepath.Join(dir, "tt02-lokal.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(`# A TT02 profile whose URLs point at a local mock.
name: tt02-lokal
api: `+srv.URL()+`
dialogporten: `+srv.URL()+`/dialogporten/graphql
maskinporten:
  issuer: `+def.Issuer+`
  tokenUrl: `+mpSrv.URL+`/maskinporten/token
  clientId: `+def.ClientID+`
  kid: `+def.KID+`
  keyFile: `+filepath.Base(def.KeyFile)+`
  systembruker: "`+def.SystembrukerOrg+`"
inntektsaar: 2025
`), 0o600))

	p, err := target.LoadProfile(profile)
	require.NoError(t, err)
	tg, err := target.FromProfile(p)
	require.NoError(t, err)
	require.Nil(t, tg.Controls, "a profile target must not reach the mock's levers")

	status := steps.Run(ctx, tg, steps.Options{
		// The 10 MB scenarios run in TestFeatures: through a profile they
		// take the same code path, and under -race they would double the
		// time.
		Tags:        "~@storrelse",
		Concurrency: 4, Format: "progress", NoColors: true, RunID: "tt02lokal", TestingT: t,
	})
	if status != steps.StatusPassed {
		t.Fatalf("the @tt02 features failed through the profile path (status %d)", status)
	}
	require.NotZero(t, srv.Store().Count(), "the scenarios must have reached the mock")
}
