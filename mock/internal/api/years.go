package api

import "github.com/finprod/finprod/contract"

// YearRange is the contract's range of open income years (ASSUMPTION
// A-AAR), which `finprod check` applies too.
type YearRange = contract.YearRange

// ParseYearRange reads "2023-2026" or a single year "2024".
func ParseYearRange(s string) (YearRange, error) { return contract.ParseYearRange(s) }

// parsePathYear reads the {inntektsaar} path segment: exactly four digits.
func parsePathYear(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < 4; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 1000
}
