package ident

// ISINCheckDigit computes the check digit of an 11-character ISIN body:
// letters become numbers (A=10 … Z=35), then Luhn over the digit string.
// ok is false if the body is not 11 characters of A–Z and 0–9.
func ISINCheckDigit(body string) (byte, bool) {
	if len(body) != 11 {
		return 0, false
	}
	var digits [22]byte
	n := 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= '0' && c <= '9':
			digits[n] = c - '0'
			n++
		case c >= 'A' && c <= 'Z':
			v := c - 'A' + 10
			digits[n], digits[n+1] = v/10, v%10
			n += 2
		default:
			return 0, false
		}
	}
	// Luhn doubles every second digit counting from the right of the
	// payload, the check digit's own position being the first.
	sum := 0
	for i := n - 1; i >= 0; i-- {
		d := int(digits[i])
		if (n-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10), true
}

// ValidateISIN checks length, format and check digit of an ISIN.
func ValidateISIN(s string) error {
	const kind = "ISIN"
	if len(s) != 12 {
		return invalid(kind, s, ErrLength, "has %d characters, expected 12", len(s))
	}
	for i := 0; i < 2; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return invalid(kind, s, ErrCountry, "expected two capital letters, got %q", s[:2])
		}
	}
	if s[11] < '0' || s[11] > '9' {
		return invalid(kind, s, ErrFormat, "the last character must be a digit")
	}
	want, ok := ISINCheckDigit(s[:11])
	if !ok {
		return invalid(kind, s, ErrFormat, "characters 3–11 must be A–Z or 0–9")
	}
	if s[11] != want {
		return invalid(kind, s, ErrCheckDigit, "check digit is %c, expected %c", s[11], want)
	}
	return nil
}
