package mock_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/mock"
)

func TestTheStateFolderBelongsToOneMock(t *testing.T) {
	dir := t.TempDir()
	first, err := mock.Start(context.Background(), mock.Config{StateDir: dir})
	require.NoError(t, err)
	key, err := os.ReadFile(filepath.Join(dir, "maskinporten-client.pem"))
	require.NoError(t, err)

	_, err = mock.Start(context.Background(), mock.Config{StateDir: dir})
	require.Error(t, err)
	assert.Contains(t, err.Error(), first.URL(), "the message names the mock that holds the folder")
	again, err := os.ReadFile(filepath.Join(dir, "maskinporten-client.pem"))
	require.NoError(t, err)
	assert.Equal(t, key, again, "the first mock's key file is untouched")

	other, err := mock.Start(context.Background(), mock.Config{StateDir: t.TempDir()})
	require.NoError(t, err, "a folder of its own is fine")
	require.NoError(t, other.Close())

	require.NoError(t, first.Close())
	second, err := mock.Start(context.Background(), mock.Config{StateDir: dir})
	require.NoError(t, err, "free once the first has closed")
	require.NoError(t, second.Close())
}
