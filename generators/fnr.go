package generators

import (
	"math/rand/v2"
	"strconv"
	"time"
)

var (
	fnrK1Weights = []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	fnrK2Weights = []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
)

// FoedselsnummerInfo is what a valid fødselsnummer says about itself.
type FoedselsnummerInfo struct {
	Foedselsdato time.Time
	// DNummer: day + 40 (people without a Norwegian birth number).
	DNummer bool
	// HNummer: month + 40 (help numbers used by the health service).
	HNummer bool
	// Syntetisk: month + 80, Tenor's synthetic Folkeregister.
	Syntetisk bool
	// RelaxedK1 is set when K1 only passes the rule for numbers issued from
	// 2032, (S1 + K1) mod 11 ∈ {1,2,3}.
	RelaxedK1 bool
}

// ValidateFoedselsnummer checks an 11-digit fødselsnummer in any of its
// forms (ordinary, D, H, Tenor synthetic, relaxed K1) and explains a failure
// with an *InvalidError.
func ValidateFoedselsnummer(s string) (FoedselsnummerInfo, error) {
	const kind = "foedselsnummer"
	var info FoedselsnummerInfo
	if len(s) != 11 {
		return info, invalid(kind, s, ErrLength, "has %d characters, expected 11", len(s))
	}
	if !allDigits(s) {
		return info, invalid(kind, s, ErrNotDigits, "expected 11 digits")
	}
	day, _ := strconv.Atoi(s[0:2])
	month, _ := strconv.Atoi(s[2:4])
	yy, _ := strconv.Atoi(s[4:6])
	individ, _ := strconv.Atoi(s[6:9])
	if month > 80 {
		info.Syntetisk, month = true, month-80
	}
	if month > 40 {
		info.HNummer, month = true, month-40
	}
	if day > 40 {
		info.DNummer, day = true, day-40
	}
	century, ok := centuryOf(individ, yy)
	if !ok {
		return info, invalid(kind, s, ErrIndivid, "individnummer %03d is not issued for two-digit year %02d", individ, yy)
	}
	year := century + yy
	d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || day < 1 || d.Day() != day || int(d.Month()) != month {
		return info, invalid(kind, s, ErrDate, "day %02d month %02d of %d does not exist", day, month, year)
	}
	info.Foedselsdato = d

	s1 := 0
	for i, w := range fnrK1Weights {
		s1 += int(s[i]-'0') * w
	}
	k1 := int(s[9] - '0')
	switch r := (s1 + k1) % 11; {
	case r == 0:
	case r <= 3:
		info.RelaxedK1 = true
	default:
		want, exists := mod11(s, fnrK1Weights)
		if !exists {
			return info, invalid(kind, s, ErrCheckDigit, "K1 is %d, and no ordinary K1 exists for these nine digits ((S1+K1) mod 11 = %d, allowed 0..3)", k1, r)
		}
		return info, invalid(kind, s, ErrCheckDigit, "K1 is %d, expected %d ((S1+K1) mod 11 = %d, allowed 0..3)", k1, want, r)
	}
	k2, exists := mod11(s, fnrK2Weights)
	if !exists {
		return info, invalid(kind, s, ErrCheckDigit, "K2 is %d, but no K2 exists for these ten digits", int(s[10]-'0'))
	}
	if got := int(s[10] - '0'); got != k2 {
		return info, invalid(kind, s, ErrCheckDigit, "K2 is %d, expected %d", got, k2)
	}
	return info, nil
}

// centuryOf maps individnummer and two-digit year to the century, by the
// Folkeregister's allocation of individnummer ranges.
func centuryOf(individ, yy int) (int, bool) {
	switch {
	case individ <= 499:
		return 1900, true
	case individ >= 900 && yy >= 40:
		return 1900, true
	case individ >= 500 && yy < 40:
		return 2000, true
	case individ <= 749 && yy >= 54:
		return 1800, true
	}
	return 0, false
}

// IsSyntheticFoedselsnummer reports whether s has Tenor's synthetic shape
// (11 digits, month + 80), whether or not its check digits are right: a
// number with month 81–92 can never belong to a real person, so even a
// broken one is safe to send to a test environment.
func IsSyntheticFoedselsnummer(s string) bool {
	if len(s) != 11 || !allDigits(s) {
		return false
	}
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	return m >= 81 && m <= 92
}

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
		k1, ok1 := mod11(string(b[:]), fnrK1Weights)
		if !ok1 {
			continue
		}
		b[9] = byte('0' + k1)
		k2, ok2 := mod11(string(b[:]), fnrK2Weights)
		if !ok2 {
			continue
		}
		b[10] = byte('0' + k2)
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
