package steps_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/finprod/finprod/internal/testkit"
	"github.com/finprod/finprod/mock"
	"github.com/finprod/finprod/steps"
	"github.com/finprod/finprod/target"
)

// TestStepsAttachRedactedExchanges runs the @auth feature with the Cucumber
// formatter and reads the file back with encoding/json: every step that
// sent a request carries its exchange, and no token is in the file.
func TestStepsAttachRedactedExchanges(t *testing.T) {
	ctx := t.Context()
	tg, err := target.Local(ctx, mock.Config{SigningKey: testkit.Key(t, "mock signing"), DefaultClientKey: testkit.Key(t, "mock default client")})
	require.NoError(t, err)
	t.Cleanup(func() { _ = tg.Close() })
	path := filepath.Join(t.TempDir(), "cucumber.json")
	status := steps.Run(ctx, tg, steps.Options{
		Tags: "@auth", Concurrency: 2, Format: "cucumber:" + path, RunID: "attach",
	})
	require.Equal(t, steps.StatusPassed, status)

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var features []struct {
		Elements []struct {
			Name  string
			Steps []struct {
				Name       string
				Embeddings []struct {
					Name     string `json:"name"`
					MimeType string `json:"mime_type"`
					Data     string `json:"data"`
				} `json:"embeddings"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &features))
	require.Len(t, features, 1)

	var sent, authorized int
	for _, sc := range features[0].Elements {
		for _, st := range sc.Steps {
			for _, e := range st.Embeddings {
				require.Equal(t, "application/vnd.finprod.exchange+json", e.MimeType)
				b, err := base64.StdEncoding.DecodeString(e.Data)
				require.NoError(t, err)
				assert.False(t, bytes.Contains(b, []byte("eyJ")), "a token in %q / %q: %s", sc.Name, st.Name, b)
				var xs []struct {
					Method        string
					Status        int
					RequestHeader map[string][]string
					Koder         []string
				}
				require.NoError(t, json.Unmarshal(b, &xs))
				for _, x := range xs {
					sent++
					assert.NotZero(t, x.Status, "an answer from the mock")
					if a := x.RequestHeader["Authorization"]; len(a) > 0 {
						authorized++
						assert.Equal(t, []string{"Bearer [redacted]"}, a)
					}
				}
			}
		}
	}
	// Six scenarios, each sending one leveranse; five of them with a token.
	assert.Equal(t, 6, sent)
	assert.Equal(t, 5, authorized)
}
