package dialogporten

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Names in Dialogporten's answer become folders and files under --out; no
// answer may lead a download outside it.
func TestSafeNameKeepsFetchInsideOut(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"0193b5cd-cb85-7320-8000-000000000000": "0193b5cd-cb85-7320-8000-000000000000",
		"../../etc/passwd":                     "passwd",
		"a/b/tilbakemelding.json":              "tilbakemelding.json",
		"..":                                   "fallback",
		"":                                     "fallback",
		"/":                                    "fallback",
	} {
		assert.Equal(t, want, safeName(in, "fallback"), in)
	}
	assert.Equal(t, "id-1", Attachment{ID: "id-1"}.FileName())
	assert.Equal(t, "document", Attachment{ID: "../.."}.FileName())
}
