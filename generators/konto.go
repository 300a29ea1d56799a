package generators

import (
	"math/rand/v2"

	"github.com/finprod/finprod/ident"
)

// NewKontonummer draws a valid kontonummer: a 4-digit bank registration
// number (never starting with 0), 2-digit account group, 4-digit serial and
// the check digit.
func NewKontonummer(r *rand.Rand) string {
	var b [11]byte
	for {
		b[0] = byte('1' + r.IntN(9))
		for i := 1; i < 10; i++ {
			b[i] = byte('0' + r.IntN(10))
		}
		if c, ok := ident.KontonummerCheckDigit(string(b[:10])); ok {
			b[10] = byte('0' + c)
			return string(b[:])
		}
	}
}
