package rules

import (
	"strings"
	"testing"

	"github.com/finprod/finprod/internal/testkit"

	"github.com/finprod/finprod/contract"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func findingAt(fs []Finding, sti string) (Finding, bool) {
	for _, f := range fs {
		if f.Sti == sti {
			return f, true
		}
	}
	return Finding{}, false
}

func TestExampleBreaksSumAndCheckDigits(t *testing.T) {
	t.Parallel()
	fs := Check(contract.Eksempel())

	f, ok := findingAt(fs, "$.leveranse.oppgaveoppsummering.sumSalgsvederlag")
	require.True(t, ok, "findings: %+v", fs)
	assert.Equal(t, KodeSum, f.Kode)
	assert.Equal(t, "40", f.AngittVerdi)
	assert.Contains(t, f.Melding, "110")

	_, ok = findingAt(fs, "$.leveranse.oppgavegiver.organisasjonsnummer")
	assert.True(t, ok, "987546231 fails its check digit")
	_, ok = findingAt(fs, "$.leveranse.oppgave[0].oppgaveeier.person.foedselsnummer")
	assert.True(t, ok, "00000000000 has no valid date")
	// Every other sum of the example adds up.
	for _, f := range fs {
		if f.Kode == KodeSum {
			assert.Equal(t, "$.leveranse.oppgaveoppsummering.sumSalgsvederlag", f.Sti)
		}
	}
}

// consistent is the example with its defects mended.
func consistent() string { return string(testkit.ConsistentBody("310000000", 2024)) }

func TestConsistentBodyHasNoFindings(t *testing.T) {
	t.Parallel()
	assert.Empty(t, Check([]byte(consistent())))
}

func TestCountMismatch(t *testing.T) {
	t.Parallel()
	body := strings.Replace(consistent(), `"antallOppgaver": 1`, `"antallOppgaver": 3`, 1)
	fs := Check([]byte(body))
	require.Len(t, fs, 1)
	assert.Equal(t, KodeAntallOppgaver, fs[0].Kode)
	assert.Equal(t, "$.leveranse.oppgaveoppsummering.antallOppgaver", fs[0].Sti)
	assert.Equal(t, "3", fs[0].AngittVerdi)
}

func TestUnreadableBody(t *testing.T) {
	t.Parallel()
	fs := Check([]byte("{"))
	require.Len(t, fs, 1)
	assert.Equal(t, KodeUgyldigJSON, fs[0].Kode)
}

// TestCountIsReadByValue: 1, 1.0 and 1e0 are the same integer to the
// schema, so to the rules too (A-HELTALL); a number no type holds is never
// the count, and is not read exactly.
func TestCountIsReadByValue(t *testing.T) {
	for _, v := range []string{"1", "1.0", "1e0", "10e-1", "0.1e1"} {
		body := strings.Replace(consistent(), `"antallOppgaver": 1`, `"antallOppgaver": `+v, 1)
		assert.Empty(t, Check([]byte(body)), v)
	}
	for _, v := range []string{"2", "1.5", "1e29", "1e400", "1e999999", "-1"} {
		body := strings.Replace(consistent(), `"antallOppgaver": 1`, `"antallOppgaver": `+v, 1)
		fs := Check([]byte(body))
		require.Len(t, fs, 1, v)
		assert.Equal(t, KodeAntallOppgaver, fs[0].Kode, v)
	}
}
