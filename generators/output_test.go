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
	dir := filepath.Join(t.TempDir(), "ut") + "/"
	out, err := OpenOutput(io.Discard, dir)
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
	var buf bytes.Buffer
	out, err := OpenOutput(&buf, "-")
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
