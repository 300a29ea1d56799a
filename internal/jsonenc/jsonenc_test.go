package jsonenc

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppendStringIsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", "Ærlig ønske på ål", `with "quotes" and \ backslash`, "a<b>&c",
		"tab\there\nnewline", "line\u2028separator", "bad \xff utf-8", "emoji 🦆",
	} {
		want, err := json.Marshal(s)
		assert.NoError(t, err)
		assert.Equal(t, string(want), string(AppendString([]byte("x"), s))[1:], "%q", s)
	}
}
