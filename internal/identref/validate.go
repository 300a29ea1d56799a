package identref

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Whole-identifier references, for the fuzz tests of package ident. Each is
// written out from the published rule in the plainest way, with regular
// expressions for the shape, time.Parse for a date and the check digits
// above, and shares no code with package ident.

var (
	digits9  = regexp.MustCompile(`^[0-9]{9}$`)
	digits11 = regexp.MustCompile(`^[0-9]{11}$`)
	ibanNO   = regexp.MustCompile(`^NO[0-9]{13}$`)
	isin     = regexp.MustCompile(`^[A-Z]{2}[A-Z0-9]{9}[0-9]$`)
)

// Organisasjonsnummer reports whether s is 9 digits whose last is the
// mod-11 check digit of the first eight (weights 3 2 7 6 5 4 3 2).
func Organisasjonsnummer(s string) bool {
	if !digits9.MatchString(s) {
		return false
	}
	c := Mod11(Weighted(s, 3, 2, 7, 6, 5, 4, 3, 2))
	return c >= 0 && strconv.Itoa(c) == s[8:]
}

// SyntheticOrganisasjonsnummer is Tenor's synthetic shape: 9 digits that
// start with 2 or 3.
func SyntheticOrganisasjonsnummer(s string) bool {
	return digits9.MatchString(s) && (s[0] == '2' || s[0] == '3')
}

// Kontonummer reports whether s is 11 digits whose last is the mod-11 check
// digit of the first ten (weights 5 4 3 2 7 6 5 4 3 2).
func Kontonummer(s string) bool {
	if !digits11.MatchString(s) {
		return false
	}
	c := Mod11(Weighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
	return c >= 0 && strconv.Itoa(c) == s[10:]
}

// NorwegianIBAN reports whether s is NO, two digits and a kontonummer, that
// passes ISO 7064 mod 97-10 and whose kontonummer is valid.
func NorwegianIBAN(s string) bool {
	return ibanNO.MatchString(s) && IBAN(s) && Kontonummer(s[4:])
}

// ISIN reports whether s is two letters, nine letters or digits and a
// digit, that passes Luhn.
func ISIN(s string) bool {
	return isin.MatchString(s) && LuhnISIN(s)
}

// Foedselsnummer is what a reference reading of an 11-digit number finds.
type Foedselsnummer struct {
	Valid     bool
	Date      time.Time
	DNummer   bool // day + 40
	HNummer   bool // month + 40
	Syntetisk bool // month + 80 (Tenor)
	RelaxedK1 bool // K1 only by the rule from 2032: (S1 + K1) mod 11 is 1, 2 or 3
}

// FoedselsnummerOf reads s by the Folkeregister's rules, written out as
// tables: which day and month forms exist, which individnummer ranges
// belong to which century, and the two check digits.
func FoedselsnummerOf(s string) Foedselsnummer {
	var r Foedselsnummer
	if !digits11.MatchString(s) {
		return r
	}
	dd, _ := strconv.Atoi(s[0:2])
	mm, _ := strconv.Atoi(s[2:4])
	yy, _ := strconv.Atoi(s[4:6])
	individ, _ := strconv.Atoi(s[6:9])

	// Day forms: 01–31 ordinary, 41–71 D-nummer.
	switch {
	case dd >= 41 && dd <= 71:
		r.DNummer, dd = true, dd-40
	case dd < 1 || dd > 31:
		return Foedselsnummer{}
	}
	// Month forms: 01–12 ordinary, 41–52 H-nummer, 81–92 Tenor synthetic.
	switch {
	case mm >= 1 && mm <= 12:
	case mm >= 41 && mm <= 52:
		r.HNummer, mm = true, mm-40
	case mm >= 81 && mm <= 92:
		r.Syntetisk, mm = true, mm-80
	default:
		return Foedselsnummer{}
	}
	// Individnummer ranges by century (Skatteetaten's allocation).
	century := 0
	for _, row := range []struct{ lo, hi, yyLo, yyHi, century int }{
		{0, 499, 0, 99, 1900},
		{500, 749, 54, 99, 1800},
		{500, 999, 0, 39, 2000},
		{900, 999, 40, 99, 1900},
	} {
		if individ >= row.lo && individ <= row.hi && yy >= row.yyLo && yy <= row.yyHi {
			century = row.century
			break
		}
	}
	if century == 0 {
		return Foedselsnummer{}
	}
	date, err := time.Parse("2006-01-02", fmt.Sprintf("%04d-%02d-%02d", century+yy, mm, dd))
	if err != nil {
		return Foedselsnummer{}
	}
	r.Date = date

	k1, _ := strconv.Atoi(s[9:10])
	switch (Weighted(s, 3, 7, 6, 1, 8, 9, 4, 5, 2) + k1) % 11 {
	case 0:
	case 1, 2, 3:
		r.RelaxedK1 = true
	default:
		return Foedselsnummer{}
	}
	k2 := Mod11(Weighted(s, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
	if k2 < 0 || strconv.Itoa(k2) != s[10:] {
		return Foedselsnummer{}
	}
	r.Valid = true
	return r
}

// SyntheticFoedselsnummer is Tenor's shape: 11 digits with month + 80,
// whatever the check digits.
func SyntheticFoedselsnummer(s string) bool {
	if !digits11.MatchString(s) {
		return false
	}
	mm, _ := strconv.Atoi(s[2:4])
	return mm >= 81 && mm <= 92
}
