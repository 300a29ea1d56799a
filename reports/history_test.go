package reports

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ptr(f float64) *float64 { return &f }

func TestHistoryRecordsAndReturnsRecentRunsOldestFirst(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "sub", "history.db")
	h, err := OpenHistory(ctx, path)
	require.NoError(t, err)
	defer h.Close()
	assert.Equal(t, 0, h.From)

	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		require.NoError(t, h.Record(ctx, HistoryEntry{Key: string(rune('a' + i)), Started: t0.Add(time.Duration(i) * time.Hour),
			Target: "local", Verdict: VerdictPassed, Scenarios: 10, Passed: 10 - i, Failed: i, SuiteSeconds: ptr(1.5), Dir: "out"}))
	}
	require.NoError(t, h.Record(ctx, HistoryEntry{Key: "tt", Started: t0, Target: "tt02", Verdict: VerdictFailed, Scenarios: 3, Dir: "tt"}))
	// The same run again (a rebuilt report) replaces its entry.
	require.NoError(t, h.Record(ctx, HistoryEntry{Key: "e", Started: t0.Add(4 * time.Hour), Target: "local", Verdict: VerdictFailed,
		Scenarios: 10, Passed: 6, Failed: 4, SuiteSeconds: ptr(1.5), P99MS: ptr(41.5), MaxRate: ptr(250), Dir: "out"}))

	got, err := h.Recent(ctx, "local", 3)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"c", "d", "e"}, []string{got[0].Key, got[1].Key, got[2].Key})
	assert.Equal(t, VerdictFailed, got[2].Verdict)
	assert.Equal(t, 6, got[2].Passed)
	assert.Equal(t, 41.5, *got[2].P99MS)
	assert.Equal(t, 250.0, *got[2].MaxRate)
	assert.Nil(t, got[0].P99MS)
	assert.True(t, got[0].Started.Equal(t0.Add(2*time.Hour)))

	all, err := h.Recent(ctx, "", 100)
	require.NoError(t, err)
	assert.Len(t, all, 6, "five local runs and one tt02 run, the replaced one once")
}

// oldV1 is the schema of the first finprod history, as such a file holds
// it: written out here, as an old finprod left it, not taken from the code.
const oldV1 = `CREATE TABLE runs (
	id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, started TEXT NOT NULL, target TEXT NOT NULL,
	verdict TEXT NOT NULL, scenarios INTEGER NOT NULL, passed INTEGER NOT NULL, failed INTEGER NOT NULL,
	suite_seconds REAL, dir TEXT NOT NULL, recorded TEXT NOT NULL);
CREATE INDEX runs_target_started ON runs (target, started);
INSERT INTO runs (key, started, target, verdict, scenarios, passed, failed, suite_seconds, dir, recorded)
	VALUES ('old', '2026-10-01T08:00:00Z', 'local', 'passed', 64, 64, 0, 1.3, 'out', '2026-10-01T08:00:02Z');
PRAGMA application_id = 1718645348;
PRAGMA user_version = 1;`

func rawDB(t *testing.T, path, script string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.ExecContext(context.Background(), script)
	require.NoError(t, err)
}

func TestHistoryUpgradesAnOlderDatabase(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "history.db")
	rawDB(t, path, oldV1)

	h, err := OpenHistory(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, 1, h.From)
	got, err := h.Recent(ctx, "local", 10)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "old", got[0].Key)
	assert.Equal(t, 64, got[0].Passed)
	assert.Nil(t, got[0].P99MS)
	require.NoError(t, h.Record(ctx, HistoryEntry{Key: "new", Started: time.Now(), Target: "local", Verdict: VerdictPassed, P99MS: ptr(12), Dir: "out"}))
	require.NoError(t, h.Close())

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var version int
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&version))
	assert.Equal(t, 2, version)
	var p99 float64
	require.NoError(t, db.QueryRow("SELECT p99_ms FROM runs WHERE key = 'new'").Scan(&p99))
	assert.Equal(t, 12.0, p99)

	// Opening an up-to-date file changes nothing.
	h, err = OpenHistory(ctx, path)
	require.NoError(t, err)
	assert.Equal(t, 2, h.From)
	require.NoError(t, h.Close())
}

func TestHistoryRefusesWhatItCannotRead(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()

	newer := filepath.Join(dir, "newer.db")
	rawDB(t, newer, oldV1+"\nPRAGMA user_version = 7;")
	_, err := OpenHistory(ctx, newer)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "schema version 7, written by a newer finprod")
	assert.Contains(t, err.Error(), "knows versions up to 2")

	foreign := filepath.Join(dir, "foreign.db")
	rawDB(t, foreign, "CREATE TABLE accounts (id INTEGER);")
	_, err = OpenHistory(ctx, foreign)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not finprod's history")

	text := filepath.Join(dir, "notes.db")
	require.NoError(t, os.WriteFile(text, []byte("these are my notes, not a database, and long enough to have a header of a hundred bytes or more...."), 0o644))
	before, _ := os.ReadFile(text)
	_, err = OpenHistory(ctx, text)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not a SQLite database")
	after, _ := os.ReadFile(text)
	assert.Equal(t, before, after, "the file is left as it was")

	_, err = OpenHistory(ctx, dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is a folder")
}
