package generators

import (
	"math/rand/v2"
	"strconv"

	"github.com/finprod/finprod/ident"
)

// NewISIN draws a valid ISIN for the country (ISO 3166 alpha-2). Norwegian
// ISINs follow the VPS pattern NO00 + 7 digits; others get 9 characters,
// mostly digits with an occasional letter, as CUSIP-based codes do.
func NewISIN(r *rand.Rand, country string) string {
	b := make([]byte, 12)
	copy(b, country)
	if country == "NO" {
		copy(b[2:], "00")
		n := strconv.Itoa(1_000_000 + r.IntN(9_000_000))
		copy(b[4:], n)
	} else {
		for i := 2; i < 11; i++ {
			if i >= 8 && r.IntN(4) == 0 {
				b[i] = byte('A' + r.IntN(26))
			} else {
				b[i] = byte('0' + r.IntN(10))
			}
		}
	}
	b[11], _ = ident.ISINCheckDigit(string(b[:11]))
	return string(b)
}
