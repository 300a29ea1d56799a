package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestCommitPutsTheFileInPlace(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "lev.json")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
	f, err := Create(target, 0o644)
	require.NoError(t, err)
	_, err = f.WriteString("new")
	require.NoError(t, err)
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "old", string(b), "nothing shows before Commit")
	require.NoError(t, f.Commit())
	b, err = os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	assert.Equal(t, []string{"lev.json"}, names(t, dir), "no temporary file is left")
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "lev.json"), 0o644)
	require.NoError(t, err)
	_, err = f.WriteString("half")
	require.NoError(t, err)
	require.NoError(t, f.Abort())
	assert.Empty(t, names(t, dir))
	require.NoError(t, f.Abort(), "a second abort is harmless")
}

func TestCreateNeedsTheFolder(t *testing.T) {
	_, err := Create(filepath.Join(t.TempDir(), "missing", "lev.json"), 0o644)
	assert.Error(t, err)
}

func TestTheFileGetsTheModeAskedFor(t *testing.T) {
	dir := t.TempDir()
	// The umask trims perm as it would os.Create's; the test's own file
	// shows what it leaves of 0644.
	probe := filepath.Join(dir, "probe")
	require.NoError(t, os.WriteFile(probe, nil, 0o644))
	st, err := os.Stat(probe)
	require.NoError(t, err)
	allowed := st.Mode().Perm() | 0o600
	for _, perm := range []os.FileMode{0o644, 0o600} {
		target := filepath.Join(dir, perm.String())
		f, err := Create(target, perm)
		require.NoError(t, err)
		require.NoError(t, f.Commit())
		st, err := os.Stat(target)
		require.NoError(t, err)
		assert.Equal(t, perm&allowed, st.Mode().Perm())
	}
}

func TestWriteIsWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "summary.json")
	big := strings.Repeat("x", 200<<10) // more than the buffer holds
	require.NoError(t, Write(target, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, big)
		return err
	}))
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, big, string(b))

	err = Write(target, 0o644, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half")
		return errors.New("the encoder broke")
	})
	require.ErrorContains(t, err, "write "+target+": the encoder broke")
	b, err = os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, big, string(b), "a failed write leaves the old file")
	assert.Equal(t, []string{"summary.json"}, names(t, dir), "and no temporary file")
}
