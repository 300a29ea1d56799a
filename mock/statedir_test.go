package mock_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
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

	// The first mock and the one refused make keys of their own, so a key
	// written over the first one's would show; the others need none.
	given := func(dir string) mock.Config {
		return mock.Config{StateDir: dir, SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")}
	}
	other, err := mock.Start(context.Background(), given(t.TempDir()))
	require.NoError(t, err, "a folder of its own is fine")
	require.NoError(t, other.Close())

	require.NoError(t, first.Close())
	second, err := mock.Start(context.Background(), given(dir))
	require.NoError(t, err, "free once the first has closed")
	require.NoError(t, second.Close())
}
