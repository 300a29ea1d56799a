package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/submit"
)

func TestSubmitToTheEmbeddedMock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	file := writeFile(t, "lev.ndjson", ndjson(t, 2))
	all, code := run(t, "submit", "--out", out, "--wait-feedback", file)
	require.Equal(t, exitOK, code, all)
	assert.Equal(t, 2, strings.Count(all, "accepted  "), all)
	assert.Equal(t, 2, strings.Count(all, ": godkjent"), all)
	assert.Contains(t, all, "2 leveranse(r), 2 accepted, 2 feedback godkjent")
	assert.FileExists(t, filepath.Join(out, "submit", submit.ReceiptsFile))

	all, code = run(t, "submit", "--out", out, file)
	assert.Equal(t, exitUsage, code, all)
	assert.Contains(t, all, "--resume")
	assert.Contains(t, all, "--fresh")

	all, code = run(t, "submit", "--out", out, "--fresh", writeFile(t, "feil.json", ndjson(t, 1, "feil-type")))
	assert.Equal(t, exitFailed, code, all)
	assert.Contains(t, all, "rejected  ")
	assert.Contains(t, all, "GLD_010")

	for _, args := range [][]string{
		{"submit"},
		{"submit", "--resume", "--fresh", file},
		{"submit", "--concurrency", "0", file},
		{"submit", "--inntektsaar", "25", file},
		{"submit", "--target", "prod", file},
		{"submit", filepath.Join(dir, "finnes-ikke.json")},
	} {
		all, code := run(t, append(args, "--out", out)...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, all)
	}
}

// Through a profile, as to TT02, only synthetic identities leave: the
// service page's example (real-looking identities) is refused before it is
// sent, and the exit code says it is the input's fault.
func TestSubmitThroughAProfileSendsOnlySyntheticData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv, err := mock.Start(cliContext(t), mock.Config{StateDir: filepath.Join(dir, "state")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	def, _ := srv.DefaultClient()
	profile := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(`api: `+srv.URL()+`
dialogporten: `+srv.URL()+`/dialogporten/graphql
maskinporten:
  issuer: `+def.Issuer+`
  clientId: `+def.ClientID+`
  kid: `+def.KID+`
  keyFile: `+def.KeyFile+`
  systembruker: "`+def.SystembrukerOrg+`"
`), 0o600))
	out := filepath.Join(dir, "out")

	all, code := run(t, "submit", "--target", profile, "--out", out, writeFile(t, "eksempel.json", string(contract.Eksempel())))
	assert.Equal(t, exitUsage, code, all)
	assert.Contains(t, all, "not synthetic")
	assert.Zero(t, srv.Count(), "nothing reached the API")

	all, code = run(t, "submit", "--target", profile, "--out", out, "--fresh", "--wait-feedback", writeFile(t, "lev.json", ndjson(t, 1)))
	assert.Equal(t, exitOK, code, all)
	assert.Contains(t, all, ": godkjent")
	assert.Equal(t, 1, srv.Count())

	all, code = run(t, "submit", "--target", filepath.Join(dir, "none.yaml"), "--out", out, writeFile(t, "x.json", ndjson(t, 1)))
	assert.Equal(t, exitUsage, code, all)
}

func TestSubmitToAnUnreachableTargetIsExit3(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	all, code := run(t, "submit", "--target", unreachableProfile(t, dir), "--out", dir, writeFile(t, "x.json", ndjson(t, 1)))
	assert.Equal(t, exitUnreachable, code, all)
}
