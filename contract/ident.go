package contract

// IsOrgnrShape reports whether s has the shape of an organisasjonsnummer:
// nine digits. Check digits are a business rule (package ident), not shape.
func IsOrgnrShape(s string) bool {
	if len(s) != 9 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
