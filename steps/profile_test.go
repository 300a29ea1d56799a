package steps_test

import (
	"path/filepath"
	"testing"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

// TestTT02ProfilePath runs the @tt02 scenarios the way a QA engineer runs
// them against TT02 (a profile YAML, a Maskinporten JWT-bearer grant with a
// key file, the synthetic-identity guard, no mock controls), with the
// profile's URLs pointing at a local mock instead: the documented set-up of
// profiles/README.md, from its very files (profiles/mock-tt02.yaml for the
// mock, profiles/mock.yaml for the profile). Only the port and the state
// folder differ, the way a user may change them: the listen address in the
// mock's config, and the FINPROD_* variables over the profile.
func TestTT02ProfilePath(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cfg, err := mock.LoadConfig(filepath.Join("..", "profiles", "mock-tt02.yaml"))
	require.NoError(t, err)
	cfg.Listen, cfg.StateDir = "127.0.0.1:0", t.TempDir()
	// Keys made once per test binary instead of two fresh 2048-bit keys.
	cfg.SigningKey, cfg.DefaultClientKey = testkit.Key(t, "mock signing"), testkit.Key(t, "mock default client")
	srv, err := mock.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	def, ok := srv.DefaultClient()
	require.True(t, ok)
	require.FileExists(t, def.KeyFile)

	p, err := target.LoadProfile(filepath.Join("..", "profiles", "mock.yaml"))
	require.NoError(t, err)
	assert.Equal(t, def.ClientID, p.Maskinporten.ClientID, "the profile names the mock's default client")
	assert.Equal(t, def.KID, p.Maskinporten.KID)
	assert.Equal(t, def.SystembrukerOrg, p.Maskinporten.Systembruker)
	assert.Equal(t, filepath.Join("..", "out", "mock", "maskinporten-client.pem"), p.Maskinporten.KeyFile,
		"the key the mock writes to out/mock when started from the root")
	env := map[string]string{
		target.EnvAPI:                srv.URL(),
		target.EnvDialogporten:       srv.URL() + mock.DialogportenGraphQLPath,
		target.EnvMaskinportenIssuer: def.Issuer,
		target.EnvKeyFile:            def.KeyFile,
	}
	p, err = p.FromEnv(func(k string) string { return env[k] })
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
		require.Equal(t, p.Oppgavegiver, f.Oppgavegiver, "every forsendelse is for the profile's oppgavegiver")
		require.Equal(t, def.SystembrukerOrg, f.Systembruker, "every forsendelse came through the profile's Maskinporten client")
	}
}
