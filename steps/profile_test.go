package steps_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

// TestTT02ProfilePath runs the @tt02 scenarios the way a QA engineer runs
// them against TT02 (a profile YAML, a Maskinporten JWT-bearer grant with a
// key file, the synthetic-identity guard, no mock controls), with the
// profile's URLs pointing at a local mock instead.
func TestTT02ProfilePath(t *testing.T) {
	ctx := t.Context()
	// The mock writes its local Maskinporten's default client (key and
	// client YAML) to StateDir, as `finprod mock` does for a user. As in
	// TT02, its systembruker reports for one other organisation through an
	// access package, and for no one else (GLD_1015).
	dir := t.TempDir()
	const oppgavegiver = "310000000"
	srv, err := mock.Start(ctx, mock.Config{StateDir: dir, Access: mock.AccessConfig{
		Relationships: []mock.Relationship{{
			Systembruker:  mock.DefaultSystembrukerOrg,
			Tilgangspakke: mock.RegnskapsforerMedSigneringsrettighet,
			Oppgavegivere: []string{oppgavegiver},
		}},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	def, ok := srv.DefaultClient()
	require.True(t, ok)
	require.FileExists(t, def.KeyFile)

	profile := filepath.Join(dir, "tt02-lokal.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(`# A TT02 profile whose URLs point at a local mock.
name: tt02-lokal
api: `+srv.URL()+`
dialogporten: `+srv.URL()+`/dialogporten/graphql
maskinporten:
  issuer: `+def.Issuer+`
  clientId: `+def.ClientID+`
  kid: `+def.KID+`
  keyFile: `+filepath.Base(def.KeyFile)+`
  systembruker: "`+def.SystembrukerOrg+`"
oppgavegiver: "`+oppgavegiver+`"
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
	require.NotZero(t, srv.Count(), "the scenarios must have reached the mock")
	for _, f := range srv.Forsendelser(mock.ForsendelseFilter{}) {
		require.Equal(t, oppgavegiver, f.Oppgavegiver, "every forsendelse is for the profile's oppgavegiver")
		require.Equal(t, def.SystembrukerOrg, f.Systembruker, "every forsendelse came through the profile's Maskinporten client")
	}
}
