package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/deploy/k8s"
	"github.com/finprod/finprod/internal/loadfile"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/load"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/target"
)

func TestLoadRunsGatesAndLeavesVegetaResults(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	all, code := runCLIExit(t, "load", "--rate", "500", "--count", "100", "--slo", "p99<5s,success>=99%",
		"--progress", "lines", "--out", out)
	require.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "finprod load: load")            // a progress line
	assert.Regexp(t, `p99<5s\s+\S+\s+PASS`, all)             // the gates table
	assert.Contains(t, all, "every leveranse accounted for") // the reconciliation
	for _, f := range []string{loadfile.ResultsFile, loadfile.LatencyFile, loadfile.SummaryFile} {
		assert.FileExists(t, filepath.Join(out, "load", f))
	}
	s, err := loadfile.ReadSummary(filepath.Join(out, "load", loadfile.SummaryFile))
	require.NoError(t, err)
	assert.Equal(t, uint64(100), s.Requests.Success)
	assert.True(t, s.GatesPassed)
}

func TestLoadAFailedGateIsExit4(t *testing.T) {
	t.Parallel()
	all, code := runCLIExit(t, "load", "--rate", "500", "--count", "50", "--slo", "p99<1us", "--progress", "none", "--out", t.TempDir())
	assert.Equal(t, exitSLO, code, all)
	assert.Regexp(t, `p99<1us\s+\S+\s+FAIL`, all)
	assert.Contains(t, all, "SLO gates failed: p99<1us")
}

func TestParseShardReadsTheJobIndex(t *testing.T) {
	t.Parallel()
	s, err := parseShard("auto/4", func(k string) string { return map[string]string{EnvJobIndex: "3"}[k] })
	require.NoError(t, err)
	assert.Equal(t, load.Shard{Index: 3, Count: 4}, s)
	s, err = parseShard("1/2", os.Getenv)
	require.NoError(t, err)
	assert.Equal(t, load.Shard{Index: 1, Count: 2}, s)
	for _, bad := range []string{"1", "a/2", "1/b", "-1/2", "2/2", "0/0"} {
		_, err := parseShard(bad, os.Getenv)
		assert.Error(t, err, bad)
	}
}

func TestParseDeadline(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	d, err := parseDeadline("72h", "", now)
	require.NoError(t, err)
	assert.Equal(t, 72*time.Hour, d)
	d, err = parseDeadline("2027-01-04T00:00:00Z", "", now)
	require.NoError(t, err)
	assert.Equal(t, 72*time.Hour, d)
	d, err = parseDeadline("", "2027-01-20T00:00:00Z/2027-01-31T00:00:00Z", now)
	require.NoError(t, err)
	assert.Equal(t, 11*24*time.Hour, d)
	for _, bad := range [][2]string{{"soon", ""}, {"-1h", ""}, {"2026-01-01T00:00:00Z", ""}, {"", "2027-01-31T00:00:00Z/2027-01-20T00:00:00Z"}, {"", "x/y"}, {"1h", "a/b"}} {
		_, err := parseDeadline(bad[0], bad[1], now)
		assert.Error(t, err, "%v", bad)
	}
}

func TestLoadCapacityAnswersTheDeadlineQuestion(t *testing.T) {
	t.Parallel()
	// Rates low enough for a loaded machine: the search passes its top.
	all, code := runCLIExit(t, "load", "capacity", "--start", "20", "--max-rate", "40", "--stage", "500ms",
		"--slo", "p99<2s,success>=99%", "--volume", "5000000", "--deadline", "72h", "--progress", "none", "--out", t.TempDir())
	require.Equal(t, exitOK, code, all)
	// 5 000 000 leveranser at 40/s take 125 000 s; 72 h need 19.3/s.
	assert.Contains(t, all, "The highest rate that met p99<2s,success>=99% was 40 leveranser/s")
	assert.Contains(t, all, "5 000 000 oppgaver take 34h43m")
	assert.Contains(t, all, "fits in 72h with 2.1× headroom (it needs 19.3 leveranser/s)")
	assert.Contains(t, all, "40/s was the highest rate tried: the target may take more (raise --max-rate).", "the top passed")
	assert.Regexp(t, `1\s+20\s+10/10\s`, all, "the stage table")

	_, code = runCLIExit(t, "load", "capacity", "--volume", "5", "--progress", "none", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code, "a volume without a deadline")
}

// mockWithClient starts a mock whose Maskinporten knows a client of a
// synthetic organisation, and writes a profile for it, as a TT02 user
// would have: the load then goes through the profile path (guard,
// ceiling, Maskinporten grant).
func mockWithClient(t *testing.T) (*mock.Server, string) {
	t.Helper()
	dir := t.TempDir()
	k := testkit.Key(t, "client")
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600))
	const org = "315300029"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "mock.yaml"), []byte(`api:
  discardDocuments: true
maskinporten:
  clients:
    - id: load-test
      org: "`+org+`"
      keys: [{kid: k1, publicKeyFile: key.pub}]
      scopes: ["skatteetaten:innrapporteringfinansprodukter", "digdir:dialogporten"]
      systembrukere: [{org: "`+org+`"}]
`), 0o600))
	cfg, err := mock.LoadConfig(filepath.Join(dir, "mock.yaml"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(cliContext(t))
	srv, err := mock.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close(); cancel() })
	profile := filepath.Join(dir, "profile.yaml")
	require.NoError(t, os.WriteFile(profile, []byte(fmt.Sprintf(`name: mock-as-tt02
api: %[1]s
dialogporten: %[1]s/dialogporten/graphql
maskinporten:
  issuer: %[1]s/maskinporten/
  clientId: load-test
  kid: k1
  keyFile: key.pem
  systembruker: "%[2]s"
`, srv.URL(), org)), 0o600))
	return srv, profile
}

// TestShardProcessesMergeToOneRun: three shards against one mock (through
// a profile, as on Kubernetes), merged, give the same totals as the run
// would at the full rate: every leveranse once in the store, none twice.
func TestShardProcessesMergeToOneRun(t *testing.T) {
	t.Parallel()
	srv, profile := mockWithClient(t)
	root := t.TempDir()
	var wg sync.WaitGroup
	codes := make([]int, 3)
	outs := make([]string, 3)
	for i := range 3 {
		wg.Go(func() {
			outs[i], codes[i] = runCLIExit(t, "load", "--target", profile, "--max-rate", "600", "--rate", "600", "--count", "150",
				"--seed", "77", "--shard", fmt.Sprintf("%d/3", i), "--slo", "success>=99%", "--progress", "none",
				"--out", filepath.Join(root, fmt.Sprintf("shard-%d", i)))
		})
	}
	wg.Wait()
	for i := range 3 {
		require.Equal(t, exitOK, codes[i], outs[i])
	}
	all, code := runCLIExit(t, "load", "merge", "--out", filepath.Join(root, "merged"),
		filepath.Join(root, "shard-0"), filepath.Join(root, "shard-1"), filepath.Join(root, "shard-2"))
	require.Equal(t, exitOK, code, all)
	s, err := loadfile.ReadSummary(filepath.Join(root, "merged", "load", loadfile.SummaryFile))
	require.NoError(t, err)
	assert.Equal(t, loadfile.KindMerge, s.Kind)
	assert.Contains(t, outs[1], ", shard 1/3, seed 77", "a shard's load line names the shard")
	assert.Contains(t, all, ", shards 0–2 of 3 merged, seed 77", "the merge's load line says it is every shard")
	assert.NotContains(t, all, "shard 0/3")
	assert.Equal(t, uint64(150), s.Requests.Sent)
	assert.Equal(t, uint64(150), s.Requests.Success)
	assert.Equal(t, uint64(150), s.Status["200"])
	assert.True(t, s.GatesPassed)
	assert.Equal(t, 150, srv.Count(), "one mock holds every shard's leveranser")
	refs := map[string]int{}
	for _, f := range srv.Forsendelser(mock.ForsendelseFilter{}) {
		refs[f.Referanse]++
	}
	assert.Len(t, refs, 150, "no two shards sent the same leveranse")

	// The merged SLO can be replaced, and fails with exit 4.
	all, code = runCLIExit(t, "load", "merge", "--slo", "p99<1us", "--out", filepath.Join(root, "merged2"),
		filepath.Join(root, "shard-0"), filepath.Join(root, "shard-1"), filepath.Join(root, "shard-2"))
	assert.Equal(t, exitSLO, code, all)
	_, code = runCLIExit(t, "load", "merge", "--out", root, filepath.Join(root, "shard-0"))
	assert.Equal(t, exitUsage, code, "a merge with missing shards")
}

func TestLoadRefusesAboveATestEnvironmentsCeiling(t *testing.T) {
	t.Parallel()
	_, profile := mockWithClient(t)
	all, code := runCLIExit(t, "load", "--target", profile, "--rate", "200", "--count", "10", "--progress", "none", "--out", t.TempDir())
	assert.Equal(t, exitUsage, code, all)
	assert.Contains(t, all, fmt.Sprintf("above mock-as-tt02's ceiling of %g/s", target.DefaultTestRateCeiling))
	assert.Contains(t, all, "--max-rate 200")

	all, code = runCLIExit(t, "load", "--target", profile, "--rate", "200", "--count", "10", "--max-rate", "200", "--progress", "none", "--out", t.TempDir())
	assert.Equal(t, exitOK, code, all)
}

// Ctrl-C before the first request (here, before the command starts) is an
// interrupt, exit 130, for finprod load and finprod test alike: not an
// unreachable target, though the token could not be fetched.
func TestAnInterruptBeforeTheFirstRequestIsExit130(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(cliContext(t))
	cancel()
	for _, args := range [][]string{
		{"load", "--rate", "50", "--duration", "1s", "--progress", "none", "--out", t.TempDir()},
		{"test", "--out", t.TempDir()},
	} {
		r := runCLIIn(ctx, args...)
		require.Nil(t, r.panicked)
		assert.Equal(t, exitInterrupted, r.code, "finprod %s\n%s", args[0], r.out)
		assert.NotContains(t, r.out, "no token", "finprod %s", args[0])
	}
}

func TestLoadInterruptedIsExit130WithOutputs(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	ctx, cancel := context.WithCancel(cliContext(t))
	defer cancel()
	root := newRootCmd()
	buf := &testkit.Buffer{}
	root.SetOut(buf)
	root.SetErr(buf)
	root.SetArgs([]string{"load", "--rate", "200", "--duration", "1m", "--progress", "panel", "--out", out})
	go func() {
		// Interrupt once the run is under way: the panel counts leveranser
		// sent (the first token can take a while on a busy machine).
		under := regexp.MustCompile(`\b[1-9][0-9]*/[0-9]+ sent`)
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if under.MatchString(buf.String()) {
				break
			}
		}
		cancel()
	}()
	err := root.ExecuteContext(ctx)
	assert.Equal(t, exitInterrupted, exitCode(err), "%v", err)
	s, rerr := loadfile.ReadSummary(filepath.Join(out, "load", loadfile.SummaryFile))
	require.NoError(t, rerr)
	assert.True(t, s.Interrupted)
	assert.Positive(t, s.Requests.Sent)
	assert.True(t, s.Reconciliation.OK)
}

func TestLoadHelpTeaches(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"load", "--help"}, {"load", "capacity", "--help"}, {"load", "merge", "--help"}} {
		all, code := runCLIExit(t, args...)
		assert.Equal(t, exitOK, code)
		assert.Contains(t, all, "Examples:", "%v", args)
		assert.Contains(t, all, "Exit codes:", "%v", args)
	}
}

// TestTheIndexedJobRunsAValidShard: the Job's arguments, expanded as
// Kubernetes expands them, pass every check of finprod load up to opening
// the profile, which exists only in the cluster's secret.
func TestTheIndexedJobRunsAValidShard(t *testing.T) {
	m, err := k8s.Load()
	require.NoError(t, err)
	args := slices.Clone(m.Job.Spec.Template.Spec.Containers[0].Args)
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "$(SHARD_INDEX)", "2")
	}
	t.Setenv(EnvJobIndex, "2")
	all, code := runCLIExit(t, args...)
	assert.Equal(t, exitUsage, code, all)
	assert.Contains(t, all, "--target /etc/finprod/profile.yaml: no such profile file", "every flag before the profile was accepted")
}
