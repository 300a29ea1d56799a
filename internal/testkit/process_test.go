package testkit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
)

// The process of its own leaves its process id where its parent, this
// process, looks for it; the parent is then back from OwnProcess, a test
// running beside the others, and finds another process's id there.
func TestOwnProcessRunsTheTestInAnotherProcess(t *testing.T) {
	marker := func(parent int) string {
		return filepath.Join(os.TempDir(), fmt.Sprintf("finprod-testkit-own-process-%d", parent))
	}
	if !testkit.OwnProcess(t) {
		b, err := os.ReadFile(marker(os.Getpid()))
		require.NoError(t, err, "the test ran in a process of its own and left its id")
		_ = os.Remove(marker(os.Getpid()))
		pid, err := strconv.Atoi(string(b))
		require.NoError(t, err)
		assert.NotEqual(t, os.Getpid(), pid)
		return
	}
	// Only in the process of its own: what t.Parallel forbids is allowed.
	t.Setenv("FINPROD_TESTKIT_OWN", "yes")
	require.NoError(t, os.WriteFile(marker(os.Getppid()), []byte(strconv.Itoa(os.Getpid())), 0o600))
}
