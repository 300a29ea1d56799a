package generators

import (
	"math/rand/v2"

	"github.com/finprod/finprod/ident"
)

// NewOrganisasjonsnummer draws a synthetic organisasjonsnummer (first digit
// 2 or 3) with a valid check digit.
func NewOrganisasjonsnummer(r *rand.Rand) string {
	var b [9]byte
	for {
		b[0] = byte('2' + r.IntN(2))
		for i := 1; i < 8; i++ {
			b[i] = byte('0' + r.IntN(10))
		}
		if c, ok := ident.OrganisasjonsnummerCheckDigit(string(b[:8])); ok {
			b[8] = byte('0' + c)
			return string(b[:])
		}
	}
}
