package flock

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestASecondHolderIsRefusedAndTold(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	l, _, err := TryLock(path)
	require.NoError(t, err)
	require.NoError(t, l.Write("pid 1 on 127.0.0.1:8080"))

	_, holder, err := TryLock(path)
	require.ErrorIs(t, err, ErrLocked, "flock locks per open file, so a second open in one process is refused too")
	assert.Equal(t, "pid 1 on 127.0.0.1:8080", holder)

	require.NoError(t, l.Unlock())
	l2, _, err := TryLock(path)
	require.NoError(t, err, "free again after Unlock")
	require.NoError(t, l2.Unlock())
}

// A process that dies holding the lock leaves none behind.
func TestALockDiesWithItsProcess(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("flock(1) is not installed")
	}
	path := filepath.Join(t.TempDir(), "lock")
	// flock(1) takes the lock and becomes sleep (--no-fork), which kill -9 ends.
	cmd := exec.Command("flock", "--exclusive", "--no-fork", path, "sleep", "30")
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill() //nolint:errcheck
	require.Eventually(t, func() bool {
		l, _, err := TryLock(path)
		if err == nil {
			_ = l.Unlock()
		}
		return err == ErrLocked
	}, 5e9, 1e7, "the other process holds it")
	require.NoError(t, cmd.Process.Signal(os.Kill))
	_ = cmd.Wait()
	l, _, err := TryLock(path)
	require.NoError(t, err, "the dead holder's lock is gone")
	require.NoError(t, l.Unlock())
}
