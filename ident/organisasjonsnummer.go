package ident

var orgnrWeights = []int{3, 2, 7, 6, 5, 4, 3, 2}

// ValidateOrganisasjonsnummer checks the 9 digits and the mod-11 check digit.
func ValidateOrganisasjonsnummer(s string) error {
	const kind = "organisasjonsnummer"
	if len(s) != 9 {
		return invalid(kind, s, ErrLength, "has %d characters, expected 9", len(s))
	}
	if !allDigits(s) {
		return invalid(kind, s, ErrNotDigits, "expected 9 digits")
	}
	want, ok := mod11(s, orgnrWeights)
	if !ok {
		return invalid(kind, s, ErrCheckDigit, "no check digit exists for the first eight digits %s", s[:8])
	}
	if got := int(s[8] - '0'); got != want {
		return invalid(kind, s, ErrCheckDigit, "check digit is %d, expected %d", got, want)
	}
	return nil
}

// IsSyntheticOrganisasjonsnummer reports whether s has the shape of Tenor's
// synthetic Enhetsregister (9 digits starting with 2 or 3); real numbers
// start with 8 or 9, so the check digit does not matter for safety.
func IsSyntheticOrganisasjonsnummer(s string) bool {
	return len(s) == 9 && allDigits(s) && (s[0] == '2' || s[0] == '3')
}

// OrganisasjonsnummerCheckDigit computes the mod-11 check digit of the
// first eight digits; ok is false when none exists.
func OrganisasjonsnummerCheckDigit(eight string) (int, bool) {
	if len(eight) != 8 || !allDigits(eight) {
		return 0, false
	}
	return mod11(eight, orgnrWeights)
}
