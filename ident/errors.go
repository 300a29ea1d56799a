package ident

import (
	"errors"
	"fmt"
)

// Reasons an identifier is invalid; match them with errors.Is.
var (
	ErrLength     = errors.New("wrong length")
	ErrNotDigits  = errors.New("not only digits")
	ErrCheckDigit = errors.New("wrong check digit")
	ErrDate       = errors.New("no such birth date")
	ErrIndivid    = errors.New("individnummer does not fit the year")
	ErrCountry    = errors.New("wrong country code")
	ErrFormat     = errors.New("wrong format")
)

// InvalidError says which identifier is invalid and why. Its Reason is one of
// the Err* values above, so callers can branch without parsing text.
type InvalidError struct {
	// Kind names the identifier as the API does, e.g. "foedselsnummer".
	Kind   string
	Value  string
	Reason error
	// Detail is the specific finding, e.g. "K2 is 4, expected 7".
	Detail string
}

func (e *InvalidError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%s %q is invalid: %v", e.Kind, e.Value, e.Reason)
	}
	return fmt.Sprintf("%s %q is invalid: %v: %s", e.Kind, e.Value, e.Reason, e.Detail)
}

func (e *InvalidError) Unwrap() error { return e.Reason }

func invalid(kind, value string, reason error, format string, a ...any) error {
	return &InvalidError{Kind: kind, Value: value, Reason: reason, Detail: fmt.Sprintf(format, a...)}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// mod11 returns the check digit 11 − (Σ d·w mod 11) with 11 → 0; ok is false
// when the result is 10, i.e. no number with these digits exists.
func mod11(digits string, weights []int) (int, bool) {
	s := 0
	for i, w := range weights {
		s += int(digits[i]-'0') * w
	}
	return checkDigit11(s)
}

// checkDigit11 is mod11 for a weighted sum already taken.
func checkDigit11(sum int) (int, bool) {
	c := 11 - sum%11
	switch c {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return c, true
}
