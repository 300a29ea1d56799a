package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixture copies a recorded run folder of the reports package into a
// temporary folder, as a user's out/ would hold it.
func fixture(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"cucumber.json", "acceptance.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "reports", "testdata", name, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	return dir
}

func TestReportWritesTheReportJUnitAndHistory(t *testing.T) {
	t.Parallel()
	dir := fixture(t, "sync-rules")
	all, code := runCLIExit(t, "report", "--out", dir)
	require.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "FAILED: 4 of 18 scenarios failed against local")
	assert.Contains(t, all, filepath.Join(dir, "report.html"))
	assert.Contains(t, all, "trends over the last 1 run(s)")

	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `data-verdict="failed"`)
	assert.NotContains(t, string(page), "<script src=", "nothing is loaded from elsewhere")
	assert.NotContains(t, string(page), `<link rel="stylesheet"`)

	b, err := os.ReadFile(filepath.Join(dir, "junit.xml"))
	require.NoError(t, err)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(b, &suites))
	assert.Equal(t, 18, suites.Tests)
	assert.Equal(t, 4, suites.Failures)

	// A rebuilt report records the same run once.
	all, code = runCLIExit(t, "report", "--out", dir)
	require.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "trends over the last 1 run(s)")
	_, err = os.Stat(filepath.Join(dir, "history.db"))
	assert.NoError(t, err)

	// Another run against the same target joins the trends.
	other := fixture(t, "async-rules")
	all, code = runCLIExit(t, "report", "--out", other, "--history", filepath.Join(dir, "history.db"))
	require.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "PASSED: All 18 scenarios passed against local")
	assert.Contains(t, all, "trends over the last 2 run(s)")

	all, code = runCLIExit(t, "report", "--out", other, "--no-history")
	require.Equal(t, exitOK, code, all)
	assert.NotContains(t, all, "history")
}

func TestReportBadInput(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	broken := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(broken, "cucumber.json"), []byte(`{"not":"an array"}`), 0o644))
	good := fixture(t, "async-rules")
	notes := filepath.Join(t.TempDir(), "notes.db")
	require.NoError(t, os.WriteFile(notes, []byte(strings.Repeat("not a database. ", 10)), 0o644))

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--out", filepath.Join(empty, "missing")}, "does not exist"},
		{[]string{"report", "--out", empty}, "holds no cucumber.json and no load/summary.json"},
		{[]string{"report", "--out", broken}, "not Cucumber JSON"},
		{[]string{"report", "--out", good, "--history", notes}, "is not a SQLite database"},
		{[]string{"report", "--out", good, "--history", notes, "--no-history"}, "choose one"},
		{[]string{"report", "--out", good, "--trend", "0"}, "--trend must be at least 1"},
		{[]string{"report", "--out", good, "extra"}, "unknown command"},
		{[]string{"report", "drift", good}, "drift needs two run folders"},
		{[]string{"report", "drift", good, good, "--format", "xml"}, "use text or json"},
		{[]string{"report", "drift", good, empty}, "holds no cucumber.json"},
	} {
		all, code := runCLIExit(t, c.args...)
		assert.Equal(t, exitUsage, code, "%v: %s", c.args, all)
		assert.Contains(t, all, c.want, c.args)
		assert.Equal(t, 1, strings.Count(all, "finprod: "), "one message: %s", all)
		assert.NotContains(t, all, "goroutine", "no stack trace")
	}
	_, err := os.Stat(filepath.Join(good, "report.html"))
	assert.ErrorIs(t, err, os.ErrNotExist, "a refused history writes no report")
}

// A folder whose run executed no scenario still gets its report (saying
// NOT RUN), but never exit 0: a CI job gating on the report must not pass.
func TestReportOfARunWhereNothingRanIsNotGreen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cucumber.json"), []byte(`[]`), 0o644))
	all, code := runCLIExit(t, "report", "--out", dir, "--no-history")
	assert.Equal(t, exitUsage, code, all)
	assert.Contains(t, all, "NOT RUN")
	assert.Contains(t, all, "no scenario ran and there is no load run")
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	require.NoError(t, err, "the report is still written")
	assert.Contains(t, string(html), "No scenario ran")
}

func TestReportDriftExitCodes(t *testing.T) {
	t.Parallel()
	a, b := fixture(t, "async-rules"), fixture(t, "sync-rules")
	all, code := runCLIExit(t, "report", "drift", a, a)
	assert.Equal(t, exitOK, code, all)
	assert.Contains(t, all, "18 scenarios in both: 18 the same, 0 different")

	all, code = runCLIExit(t, "report", "drift", a, b)
	assert.Equal(t, exitFailed, code, all)
	assert.Contains(t, all, "4 of 18 scenarios differ")
	assert.Contains(t, all, "A-ASYNC")

	all, code = runCLIExit(t, "report", "drift", a, b, "--format", "json")
	assert.Equal(t, exitFailed, code, all)
	assert.Contains(t, all, `"format": "finprod.drift/v1"`)
}

func TestReportHelpTeaches(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"report", "--help"}, {"report", "drift", "--help"}} {
		all, code := runCLIExit(t, args...)
		assert.Equal(t, exitOK, code)
		assert.Contains(t, all, "Examples:")
		assert.Contains(t, all, "Exit codes:")
	}
}
