package mock_test

import (
	"database/sql"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/finprod/finprod/contract"
	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
)

// When the store's file fails (a trigger put into the file between two
// runs of the mock stands in for a full disk), the submissions get 500
// GLD_001 and the mock's log says why, once, however many fail after it.
func TestAFailedStoreIsLoggedOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "store.db")
	first := start(t, mock.Config{Store: path})
	require.Equal(t, http.StatusOK, submit(t, apiFor(t, first, exampleOrg), 2024, uuid.NewString(), contract.Eksempel()).Status)
	require.NoError(t, first.Close())

	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TRIGGER full_disk BEFORE INSERT ON forsendelse BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	var logged testkit.Buffer
	s, err := mock.Start(t.Context(), mock.Config{
		Store: path, Logger: slog.New(slog.NewTextHandler(&logged, nil)),
		SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client"),
	})
	require.NoError(t, err)
	defer func() {
		assert.ErrorContains(t, s.Close(), "database or disk is full", "closing, the mock says the store failed")
	}()
	require.Equal(t, 1, s.Count(), "the first run's forsendelse is read back")
	a := apiFor(t, s, exampleOrg)
	for range 3 {
		requireFeil(t, submit(t, a, 2024, uuid.NewString(), contract.Eksempel()), http.StatusInternalServerError, contract.GLD001)
	}
	out := logged.String()
	assert.Equal(t, 1, strings.Count(out, "could not store a submission"), "one line for the failure:\n%s", out)
	assert.Contains(t, out, "database or disk is full", "the line names the cause")
	assert.Equal(t, 3, strings.Count(out, "/v1/2024"), "and the request lines are all there:\n%s", out)
}
