package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/steps"
)

// runJSON is run.json as a reader outside finprod sees it.
type runJSON struct {
	Format   string
	Started  time.Time
	Finished time.Time
	Verdict  string
	ExitCode int
	OK       bool
	Error    string
	Report   string
	Parts    []struct {
		Name    string
		Verdict string
		Detail  string
		Checks  []struct {
			Name string
			OK   bool
		}
	}
}

func readRunJSON(t *testing.T, dir string) runJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	require.NoError(t, err)
	var r runJSON
	require.NoError(t, json.Unmarshal(b, &r))
	return r
}

// runTags are the areas the whole-product test runs of the acceptance
// suite: the whole suite runs in the steps package (TestFeatures, and its
// @tt02 scenarios once more through a profile), and what this test adds is
// the main job around it: its parts, run.json, the JUnit of acceptance and
// load, the report, the history, no secret anywhere. @auth mints the most
// tokens of its own (expired, wrong scope, another issuer), @idempotens is
// the heart of the API.
const runTags = "@auth,@idempotens"

func TestRunIsTheWholeProductAndSaysSoAtTheEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A second of load (50 leveranser) holds its gates as well as the
	// default three.
	all, code := runCLIExit(t, "run", "--out", dir, "--tags", runTags, "--load-duration", "1s")
	require.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "byte-identical")
	assert.Contains(t, all, "scenarios (", "the acceptance suite ran")
	assert.Contains(t, all, "PASSED: All ")
	assert.Contains(t, all, "Report: "+filepath.Join(dir, "report.html"))

	r := readRunJSON(t, dir)
	assert.Equal(t, "finprod.run/v1", r.Format)
	assert.Equal(t, "passed", r.Verdict)
	assert.True(t, r.OK)
	assert.Zero(t, r.ExitCode)
	assert.Equal(t, "report.html", r.Report)
	assert.False(t, r.Finished.Before(r.Started))
	var names []string
	for _, p := range r.Parts {
		names = append(names, p.Name)
		assert.Equal(t, "passed", p.Verdict, p.Name)
	}
	// The load part runs `finprod load`.
	assert.Equal(t, []string{"example", "acceptance", "load", "report"}, names)
	assert.Contains(t, r.Parts[2].Detail, "--duration 1s", "the load part runs as long as --load-duration says")
	assert.FileExists(t, filepath.Join(dir, "load", "summary.json"))
	assert.Contains(t, all, "load: ", "the headline names the load run")
	require.NotEmpty(t, r.Parts[0].Checks)
	for _, c := range r.Parts[0].Checks {
		assert.True(t, c.OK, c.Name)
	}

	// The JUnit counts what the Cucumber JSON holds, read here on its own.
	cuke, err := os.ReadFile(filepath.Join(dir, "cucumber.json"))
	require.NoError(t, err)
	var features []struct{ Elements []json.RawMessage }
	require.NoError(t, json.Unmarshal(cuke, &features))
	scenarios := 0
	for _, f := range features {
		scenarios += len(f.Elements)
	}
	require.Positive(t, scenarios)
	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	var suites struct {
		Cases []struct {
			Classname string `xml:"classname,attr"`
		} `xml:"testsuite>testcase"`
	}
	require.NoError(t, xml.Unmarshal(b, &suites))
	acceptance, load := 0, 0
	for _, c := range suites.Cases {
		assert.NotEmpty(t, c.Classname)
		if c.Classname == "Load" {
			load++
		} else {
			acceptance++
		}
	}
	assert.Equal(t, scenarios, acceptance)
	assert.Positive(t, load, "the load gates are test cases")
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `data-verdict="passed"`)
	assert.FileExists(t, filepath.Join(dir, "history.db"))

	var m struct{ Target, Status, Tags string }
	b, err = os.ReadFile(filepath.Join(dir, "acceptance.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "local", m.Target)
	assert.Equal(t, "passed", m.Status)
	assert.Equal(t, runTags, m.Tags, "the run's tags are the acceptance part's")
	assert.Contains(t, r.Parts[1].Detail, runTags)
	n, err := steps.CountLocal(runTags)
	require.NoError(t, err)
	assert.Equal(t, n, scenarios, "the acceptance part ran what the tags select, no more")

	// The main job mints and uses tokens of its own: none may show in what
	// it prints or writes (the report, the JUnit, the exchanges in the
	// Cucumber JSON, the history).
	var sc scanned
	noSecrets := &knownSecrets{needles: map[string]string{}}
	noSecrets.scan(t, &sc, "the output of finprod run", []byte(all), false)
	files := noSecrets.scanTree(t, &sc, dir)
	assert.GreaterOrEqual(t, files, 6, "run.json, junit.xml, cucumber.json, acceptance.json, report.html, history.db")
	assert.Zero(t, sc.hits)
}

// An interrupted run says so, whatever an earlier run.json said.
func TestAnInterruptedRunIsNotOK(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stale := `{"target":"http://127.0.0.1:1","checks":[],"ok":true}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "run.json"), []byte(stale), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := runMain(ctx, runOptions{out: dir, noHistory: true}, &out, &out)
	require.Error(t, err)
	assert.Equal(t, exitInterrupted, exitCodeOf(err))
	assert.Contains(t, out.String(), "INTERRUPTED")

	r := readRunJSON(t, dir)
	assert.Equal(t, "interrupted", r.Verdict)
	assert.False(t, r.OK)
	assert.Equal(t, exitInterrupted, r.ExitCode)
	assert.Equal(t, "example", r.Parts[0].Name)
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	all, code := runCLIExit(t, "run", "--out", t.TempDir(), "--history", "h.db", "--no-history")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, all, "choose one")
	all, code = runCLIExit(t, "run", "extra")
	assert.Equal(t, exitUsage, code, all)
	all, code = runCLIExit(t, "run", "--out", t.TempDir(), "--load-duration", "0s")
	assert.Equal(t, exitUsage, code, all)
	assert.Contains(t, all, "--load-duration must be positive")
	// A --tags mistake is told before any part runs: no run.json.
	for tags, names := range map[string]string{"@finnes-ikke": "no scenario is tagged @finnes-ikke", "@auth &&": "empty term",
		"@auth && @idempotens": "selects no scenario"} {
		dir := t.TempDir()
		all, code = runCLIExit(t, "run", "--out", dir, "--tags", tags)
		assert.Equal(t, exitUsage, code, all)
		assert.Contains(t, all, names)
		assert.Contains(t, all, "known tags: ")
		assert.NoFileExists(t, filepath.Join(dir, "run.json"), "nothing ran")
	}
	all, code = runCLIExit(t, "run", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, all, "Examples:")
}
