package ident

import (
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

// FoedselsnummerCheckDigits computes K1 and K2 for the first nine digits
// of a fødselsnummer (day, month, year, individnummer) by the ordinary rule.
// ok is false when either does not exist: no number with these nine digits
// can be issued.
func FoedselsnummerCheckDigits(nine string) (k1, k2 int, ok bool) {
	if len(nine) != 9 || !allDigits(nine) {
		return 0, 0, false
	}
	if k1, ok = mod11(nine, fnrK1Weights); !ok {
		return 0, 0, false
	}
	s2 := k1 * fnrK2Weights[9]
	for i, w := range fnrK2Weights[:9] {
		s2 += int(nine[i]-'0') * w
	}
	if k2, ok = checkDigit11(s2); !ok {
		return 0, 0, false
	}
	return k1, k2, true
}
