package ident

var kontoWeights = []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}

// ValidateKontonummer checks an 11-digit Norwegian bank account number.
func ValidateKontonummer(s string) error {
	const kind = "kontonummer"
	if len(s) != 11 {
		return invalid(kind, s, ErrLength, "has %d characters, expected 11", len(s))
	}
	if !allDigits(s) {
		return invalid(kind, s, ErrNotDigits, "expected 11 digits")
	}
	want, ok := mod11(s, kontoWeights)
	if !ok {
		return invalid(kind, s, ErrCheckDigit, "no check digit exists for the first ten digits %s", s[:10])
	}
	if got := int(s[10] - '0'); got != want {
		return invalid(kind, s, ErrCheckDigit, "check digit is %d, expected %d", got, want)
	}
	return nil
}

// KontonummerCheckDigit computes the mod-11 check digit of the first ten
// digits of a kontonummer; ok is false when none exists.
func KontonummerCheckDigit(ten string) (int, bool) {
	if len(ten) != 10 || !allDigits(ten) {
		return 0, false
	}
	return mod11(ten, kontoWeights)
}

// IBAN turns a Norwegian kontonummer into its IBAN: NO, two ISO 7064
// mod 97-10 check digits, and the kontonummer.
func IBAN(kontonummer string) string {
	// "NO00" moved to the end, letters as numbers: N=23, O=24.
	rem := mod97(kontonummer + "232400")
	c := 98 - rem
	return "NO" + string([]byte{byte('0' + c/10), byte('0' + c%10)}) + kontonummer
}

// mod97 reduces a digit string modulo 97 a digit at a time, so it needs no
// big integers.
func mod97(digits string) int {
	r := 0
	for i := 0; i < len(digits); i++ {
		r = (r*10 + int(digits[i]-'0')) % 97
	}
	return r
}

// ValidateIBAN checks a Norwegian IBAN: 15 characters, NO, mod 97 = 1, and a
// valid kontonummer inside.
func ValidateIBAN(s string) error {
	const kind = "IBAN"
	if len(s) != 15 {
		return invalid(kind, s, ErrLength, "has %d characters, expected 15 for a Norwegian IBAN", len(s))
	}
	if s[:2] != "NO" {
		return invalid(kind, s, ErrCountry, "starts with %q, expected NO", s[:2])
	}
	if !allDigits(s[2:]) {
		return invalid(kind, s, ErrNotDigits, "expected 13 digits after NO")
	}
	if m := mod97(s[4:] + "2324" + s[2:4]); m != 1 {
		return invalid(kind, s, ErrCheckDigit, "mod 97 is %d, expected 1 (check digits should be %s)", m, IBAN(s[4:])[2:4])
	}
	if err := ValidateKontonummer(s[4:]); err != nil {
		return invalid(kind, s, ErrCheckDigit, "the kontonummer inside is invalid: %v", err)
	}
	return nil
}
