package dialogporten

import (
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigFromYAML(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	require.NoError(t, yaml.Unmarshal([]byte("feedbackDelay: 1500ms\nserviceOwner: skd-test\n"), &cfg))
	assert.Equal(t, 1500*time.Millisecond, cfg.FeedbackDelay)
	assert.Equal(t, "skd-test", cfg.ServiceOwner)
	assert.Equal(t, DefaultServiceResource, cfg.ServiceResource, "unset keys keep their default")
}
