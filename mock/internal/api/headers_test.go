package api

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAcceptsJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "*/*", "application/*", "application/json", "Application/JSON", "application/json; charset=utf-8", "text/html, application/json;q=0.9"} {
		assert.True(t, acceptsJSON(s), s)
	}
	for _, s := range []string{"application/xml", "text/*", "text/plain, application/xml", "application/jsonx"} {
		assert.False(t, acceptsJSON(s), s)
	}
}

func TestIsJSON(t *testing.T) {
	t.Parallel()
	assert.True(t, isJSON("application/json"))
	assert.True(t, isJSON("application/json; charset=utf-8"))
	assert.False(t, isJSON(""))
	assert.False(t, isJSON("text/json"))
}

func TestYears(t *testing.T) {
	t.Parallel()
	r, err := ParseYearRange("2023-2026")
	assert.NoError(t, err)
	assert.Equal(t, YearRange{From: 2023, To: 2026}, r)
	r, err = ParseYearRange("2024")
	assert.NoError(t, err)
	assert.Equal(t, YearRange{From: 2024, To: 2024}, r)
	for _, s := range []string{"", "2026-2023", "x-2024", "2023-", "99-100"} {
		_, err := ParseYearRange(s)
		assert.Error(t, err, s)
	}
	assert.Equal(t, YearRange{From: 2023, To: 2026}, YearRange{}.Resolve(2026))
	for _, s := range []string{"202", "20245", "20x4", "0999"} {
		_, ok := parsePathYear(s)
		assert.False(t, ok, s)
	}
	y, ok := parsePathYear("2024")
	assert.True(t, ok)
	assert.Equal(t, 2024, y)
}
