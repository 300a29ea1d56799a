package generators

import (
	"math/rand/v2"
	"time"

	"github.com/finprod/finprod/ident"
)

// FoedselsnummerOptions chooses the form of a generated number.
type FoedselsnummerOptions struct {
	// DNummer adds 40 to the day.
	DNummer bool
}

// NewFoedselsnummer draws a Tenor synthetic fødselsnummer (month + 80) with
// valid check digits and returns it with its birth date, between 1930 and
// 2007: adults, old enough to own securities. The individnummer is drawn
// from the range that encodes the birth century.
func NewFoedselsnummer(r *rand.Rand, opt FoedselsnummerOptions) (string, time.Time) {
	from := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2007, 12, 31, 0, 0, 0, 0, time.UTC)
	days := int(to.Sub(from).Hours()/24) + 1
	birth := from.AddDate(0, 0, r.IntN(days))
	var b [11]byte
	day := birth.Day()
	if opt.DNummer {
		day += 40
	}
	put2(b[0:], day)
	put2(b[2:], int(birth.Month())+80)
	put2(b[4:], birth.Year()%100)
	for {
		put3(b[6:], individFor(r, birth.Year()))
		k1, k2, ok := ident.FoedselsnummerCheckDigits(string(b[:9]))
		if !ok {
			continue
		}
		b[9], b[10] = byte('0'+k1), byte('0'+k2)
		return string(b[:]), birth
	}
}

func individFor(r *rand.Rand, year int) int {
	switch {
	case year >= 2000:
		return 500 + r.IntN(500)
	case year >= 1940 && r.IntN(10) == 0:
		return 900 + r.IntN(100)
	case year >= 1900:
		return r.IntN(500)
	default:
		return 500 + r.IntN(250)
	}
}

func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10), byte('0'+v%10) }
func put3(b []byte, v int) { b[0] = byte('0' + v/100); put2(b[1:], v%100) }

// breakLastDigit returns s with its last digit changed, which always breaks
// a mod-11 check digit because a valid check digit is unique.
func breakLastDigit(s string) string {
	if s == "" {
		return s
	}
	last := s[len(s)-1]
	repl := byte('0' + (int(last-'0')+1)%10)
	return s[:len(s)-1] + string(repl)
}

func formatDate(t time.Time) string {
	var b [10]byte
	y := t.Year()
	put2(b[0:], y/100)
	put2(b[2:], y%100)
	b[4], b[7] = '-', '-'
	put2(b[5:], int(t.Month()))
	put2(b[8:], t.Day())
	return string(b[:])
}
