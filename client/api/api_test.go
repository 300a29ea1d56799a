package api

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A password in a URL never reaches an error message.
func TestDocumentErrorsHideURLPasswords(t *testing.T) {
	t.Parallel()
	c := &Client{}
	_, err := c.GetDocument(context.Background(), "http://user:hemmelig@127.0.0.1:1/v1/2025/x")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hemmelig")
	_, err = c.GetDocument(context.Background(), "http://user:hemmelig@[::1")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hemmelig")
}
