package generators

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOutputToDirectoryShowsOnlyWholeBodies(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "ut") + "/"
	out, err := OpenOutput(io.Discard, dir, false)
	require.NoError(t, err)
	w, err := out.Begin(0)
	require.NoError(t, err)
	_, err = io.WriteString(w, "{}")
	require.NoError(t, err)
	require.NoError(t, out.End(0))
	w, err = out.Begin(1)
	require.NoError(t, err)
	_, err = io.WriteString(w, `{"half`)
	require.NoError(t, err)
	require.NoError(t, out.Abort(), "the run failed in leveranse 1")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "leveranse 1 left nothing behind")
	b, err := os.ReadFile(filepath.Join(dir, "leveranse-000000.json"))
	require.NoError(t, err)
	assert.Equal(t, "{}\n", string(b))
}

func TestOutputToWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	out, err := OpenOutput(&buf, "-", false)
	require.NoError(t, err)
	for k := range int64(2) {
		w, err := out.Begin(k)
		require.NoError(t, err)
		_, err = io.WriteString(w, "{}")
		require.NoError(t, err)
		require.NoError(t, out.End(k))
	}
	require.NoError(t, out.Commit())
	assert.Equal(t, "{}\n{}\n", buf.String(), "NDJSON")
}

func writeOne(t *testing.T, out Output, body string) {
	t.Helper()
	w, err := out.Begin(0)
	require.NoError(t, err)
	_, err = io.WriteString(w, body)
	require.NoError(t, err)
	require.NoError(t, out.End(0))
	require.NoError(t, out.Commit())
}

func TestAnExistingFileIsReplacedOnlyWhenAsked(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "lev.json")
	require.NoError(t, os.WriteFile(file, []byte("earlier"), 0o600))
	_, err := OpenOutput(io.Discard, file, false)
	require.ErrorIs(t, err, ErrExists)
	b, _ := os.ReadFile(file)
	assert.Equal(t, "earlier", string(b), "refused, and untouched")

	out, err := OpenOutput(io.Discard, file, true)
	require.NoError(t, err)
	writeOne(t, out, "{}")
	b, _ = os.ReadFile(file)
	assert.Equal(t, "{}\n", string(b))
	st, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm()&0o644, "data is readable by all (0644), not 0600 like a key")
	assert.NotZero(t, st.Mode().Perm()&0o044, "group and others may read it")
}

func TestALinkStaysALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "lev.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(real), 0o755))
	require.NoError(t, os.WriteFile(real, []byte("earlier"), 0o644))
	link := filepath.Join(dir, "lev.json")
	require.NoError(t, os.Symlink(real, link))

	_, err := OpenOutput(io.Discard, link, false)
	require.ErrorIs(t, err, ErrExists)
	out, err := OpenOutput(io.Discard, link, true)
	require.NoError(t, err)
	writeOne(t, out, "{}")
	lst, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, lst.Mode()&os.ModeSymlink, "the link is still a link")
	b, _ := os.ReadFile(real)
	assert.Equal(t, "{}\n", string(b), "what it points to was replaced")
}

func TestAFolderOfAnEarlierRun(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"leveranse-000000.json", "leveranse-000001.json", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("earlier"), 0o644))
	}
	_, err := OpenOutput(io.Discard, dir, false)
	require.ErrorIs(t, err, ErrExists)
	out, err := OpenOutput(io.Discard, dir, true)
	require.NoError(t, err)
	writeOne(t, out, "{}")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"leveranse-000000.json", "notes.txt"}, names, "the earlier run's leveranse-000001.json is gone, other files stay")
}
