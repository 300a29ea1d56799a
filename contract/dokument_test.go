package contract

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDokumentPathRoundTrips(t *testing.T) {
	p := DokumentPath(2025, "310000000", "f-id", "d-id")
	assert.Equal(t, "/v1/2025/310000000/forsendelse/f-id/dokument/d-id", p, "ASSUMPTION A-PATH")
	prefix, d, ok := ParseDokumentPath(p)
	assert.True(t, ok)
	assert.Empty(t, prefix)
	assert.Equal(t, DokumentRef{"2025", "310000000", "f-id", "d-id"}, d)
	assert.Equal(t, p, d.Path())

	prefix, d, ok = ParseDokumentPath("/gateway/base" + p)
	assert.True(t, ok)
	assert.Equal(t, "/gateway/base", prefix)
	assert.Equal(t, "/gateway/base"+p, prefix+d.Path())

	// Segments are kept as sent, for the API to judge.
	_, d, ok = ParseDokumentPath("/v1/20x5//forsendelse/../dokument/")
	assert.True(t, ok)
	assert.Equal(t, DokumentRef{"20x5", "", "..", ""}, d)
}

func TestDokumentPathRefusesOtherShapes(t *testing.T) {
	for _, p := range []string{
		"", "/", "/v1/2025", "/v1/2025/310000000/forsendelse/f/dokument",
		"/v1/2025/310000000/forsendelse/f/dokument/d/extra",
		"/v2/2025/310000000/forsendelse/f/dokument/d",
		"/v1/2025/310000000/forsendelser/f/dokument/d",
		"/v1/2025/310000000/forsendelse/f/dokumenter/d",
		"v1/2025/310000000/forsendelse/f/dokument/d",
	} {
		_, _, ok := ParseDokumentPath(p)
		assert.False(t, ok, p)
	}
}
