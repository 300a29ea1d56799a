package rules

import "github.com/finprod/finprod/generators"

// The identifier rules (FACTS §6) have one implementation in finprod, the
// generators' validators, which also accept D-, H- and Tenor numbers and
// the relaxed 2032 K1, and check that the individnummer was issued for the
// year. The feedback reports what they refuse.

// ValidOrganisasjonsnummer checks 9 digits and the mod-11 check digit.
func ValidOrganisasjonsnummer(s string) bool {
	return generators.ValidateOrganisasjonsnummer(s) == nil
}

// ValidFoedselsnummer checks 11 digits, a real date and both check digits.
func ValidFoedselsnummer(s string) bool {
	_, err := generators.ValidateFoedselsnummer(s)
	return err == nil
}
