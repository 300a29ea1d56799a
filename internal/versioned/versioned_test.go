package versioned

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type file struct {
	Format string `json:"format"`
	N      int    `json:"n"`
}

func TestDecode(t *testing.T) {
	const want = "finprod.thing/v1"
	var f file
	require.NoError(t, Decode("a.json", []byte(`{"format":"finprod.thing/v1","n":3}`), want, &f))
	assert.Equal(t, file{Format: want, N: 3}, f)

	for body, msg := range map[string]string{
		`{"format":"finprod.thing/v2","n":"three"}`: "a.json is format finprod.thing/v2; this finprod reads finprod.thing/v1 (use the finprod that wrote it, or a newer one)",
		`{"format":"finprod.other/v1"}`:             `a.json is not a finprod.thing/v1 file (format "finprod.other/v1")`,
		`{"n":1}`:                                   `a.json is not a finprod.thing/v1 file (format "")`,
		`garbage`:                                   "a.json is not JSON (a finprod.thing/v1 file is)",
		`{"format":"finprod.thing/v1","n":"three"}`: "a.json: json: cannot unmarshal string",
	} {
		err := Decode("a.json", []byte(body), want, &file{})
		if assert.Error(t, err, body) {
			assert.Contains(t, err.Error(), msg, body)
		}
	}
}

func TestRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.json")
	_, err := Read(path, "finprod.thing/v1", &file{})
	assert.ErrorIs(t, err, fs.ErrNotExist, "a missing file is the caller's to judge")

	body := []byte(`{"format":"finprod.thing/v1","n":7}`)
	require.NoError(t, os.WriteFile(path, body, 0o644))
	var f file
	b, err := Read(path, "finprod.thing/v1", &f)
	require.NoError(t, err)
	assert.Equal(t, body, b, "the file's bytes, as read")
	assert.Equal(t, 7, f.N)
}
