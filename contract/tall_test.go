package contract

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTallUtenType: the bounds of A-HELTALL, with vectors written out (a
// double's range ends at 1.7976931348623157e308 and 4.9e-324).
func TestTallUtenType(t *testing.T) {
	for _, lit := range []string{
		"0", "-0", "1", "2024", "9223372036854775807", "9223372036854775808", "1e29", "1.0", "2.024e3",
		"1.7976931348623157e308", "4.9e-324", "0e0", "0.0e-10", "-1e308", "1E+2", "1e-00000000000000000001",
	} {
		assert.Empty(t, TallUtenType(lit), lit)
	}
	for lit, why := range map[string]string{
		"1e400":                  "uendelig",
		"-1e400":                 "uendelig",
		"1.8e308":                "uendelig",
		"1e-400":                 "nærmere 0",
		"2e-324":                 "nærmere 0",
		"1e999999":               "eksponenten",
		"0e999999":               "eksponenten",
		"1e-100000":              "eksponenten",
		"1e401":                  "eksponenten",
		strings.Repeat("9", 101): "101 tegn",
	} {
		assert.Contains(t, TallUtenType(lit), why, lit)
	}
}

// TestNumbersNoTypeHoldsAreViolations: at their sti, before the schema,
// and the embedded schema bounds its integers to int64 (A-HELTALL).
func TestNumbersNoTypeHoldsAreViolations(t *testing.T) {
	ex := string(Eksempel())
	check := func(old, new string) []Violation {
		t.Helper()
		require.Contains(t, ex, old)
		doc, err := DecodeJSON([]byte(strings.Replace(ex, old, new, 1)))
		require.NoError(t, err)
		return Default().ValidateInnsending(doc)
	}
	const antall = "$.leveranse.oppgaveoppsummering.antallOppgaver"
	for _, c := range []struct{ old, new, sti, melding string }{
		{`"antallOppgaver": 1`, `"antallOppgaver": 1e400`, antall, "uendelig"},
		{`"antallOppgaver": 1`, `"antallOppgaver": 1e29`, antall, "maximum"},
		{`"antallOppgaver": 1`, `"antallOppgaver": 9223372036854775808`, antall, "maximum"},
		{`"antallOppgaver": 1`, `"antallOppgaver": ` + strings.Repeat("1", 1000), antall, "1000 tegn"},
		{`"inntektsaar": 2024`, `"inntektsaar": 1e400`, "$.leveranse.inntektsaar", "uendelig"},
		{`"inntektsaar": 2024`, `"inntektsaar": 1e-999999`, "$.leveranse.inntektsaar", "eksponenten"},
		{`"sumTap": "90"`, `"sumTap": 1e400`, "$.leveranse.oppgaveoppsummering.sumTap", "uendelig"},
		{`"antall": "77"`, `"antall": -1e400`, "$.leveranse.oppgave[0].konto.finansprodukt[0].antall", "uendelig"},
	} {
		vs := check(c.old, c.new)
		require.Len(t, vs, 1, c.new)
		assert.Equal(t, c.sti, vs[0].Sti, c.new)
		assert.Contains(t, vs[0].Melding, c.melding, c.new)
	}
	assert.Empty(t, check(`"antallOppgaver": 1`, `"antallOppgaver": 9223372036854775807`), "int64's largest value")
	assert.Empty(t, check(`"antallOppgaver": 1`, `"antallOppgaver": 1.0`), "an integer by value, as JSON Schema counts it")
}
