package contract

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The position automaton must accept exactly what regexp accepts.
func TestPosAutomatonMatchesAsRegexp(t *testing.T) {
	patterns := []string{
		`^[0-9]{9}$`, `^[0-9]{11}$`, `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, `^[^@\s]+@[^@\s]+\.[^@\s]+$`,
		`^\+?[0-9 ]{5,20}$`, `^[A-Z]{2}$`, `^[0-9A-Za-z -]{1,12}$`, `^[A-Z]{2}[A-Z0-9]{9}[0-9]$`,
		`^(0|[1-9][0-9]{0,14})(\.[0-9]{1,10})?$`, `^(0|[1-9][0-9]{0,17})$`, `^[A-Z]{3}$`, `^GLD_[0-9]{3,4}$`,
		`^$`, `^a*$`, `^(a|ab)(c|bcd)(d*)$`, `^(a+|b)*c?$`, `^.$`, `^.{2,3}$`, `^[æøå]+x?$`, `^(?:ab|a)b$`,
		`^x{0,3}y{2}$`, `^()a$`, `^(a|)$`, `^[^a-z]$`, `^\d+$`, `^\w+$`, `^[\p{L}]+$`,
	}
	alphabet := []string{"0", "1", "9", "a", "b", "c", "d", "x", "y", "A", "Z", "-", " ", ".", "+", "@", "_", "G", "L", "D",
		"\n", "æ", "ø", "å", "\xff", "😀", "\t"}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, p := range patterns {
		a := newPosAutomaton(p)
		require.NotNil(t, a, "pattern %s should be within the automaton", p)
		re := regexp.MustCompile(p)
		assert.Equal(t, p, a.String())
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(16) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			s := b.String()
			if re.MatchString(s) != a.MatchString(s) {
				t.Errorf("%s on %q: regexp %v, automaton %v", p, s, re.MatchString(s), a.MatchString(s))
			}
		}
		// Strings that match, mutated by one character.
		for _, s := range []string{"987546231", "00000000000", "1980-05-10", "kari@finans.no", "+47 800 80 000", "NO",
			"NO-0150 Oslo", "US0378331005", "12345.5", "7700", "NOK", "GLD_1015", "aab", "abcd", "abbcdd", "æøåx"} {
			for i := 0; i <= len(s); i++ {
				for _, c := range alphabet {
					m := s[:i] + c + s[i:]
					if re.MatchString(m) != a.MatchString(m) {
						t.Errorf("%s on %q: regexp %v, automaton %v", p, m, re.MatchString(m), a.MatchString(m))
					}
				}
			}
			if re.MatchString(s) != a.MatchString(s) {
				t.Errorf("%s on %q: regexp %v, automaton %v", p, s, re.MatchString(s), a.MatchString(s))
			}
		}
	}
}

func TestPosAutomatonStepsAside(t *testing.T) {
	for _, p := range []string{`[0-9]{9}`, `^[0-9]{9}`, `^a\bb$`, `^(?i)abc$`, `^a{100}$`, `^a|b$`, `(?m)^a$`} {
		assert.Nil(t, newPosAutomaton(p), p)
	}
	re, err := compileRegexp(`^[0-9]{9}$`)
	require.NoError(t, err)
	assert.IsType(t, &posAutomaton{}, re)
	_, err = compileRegexp(`^[`)
	assert.Error(t, err)
}
