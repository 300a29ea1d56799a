package api

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// YearRange is an inclusive range of income years; the zero value means
// "the current year and the three before it" (ASSUMPTION A-AAR).
type YearRange struct {
	From int `json:"from,omitempty" yaml:"from"`
	To   int `json:"to,omitempty" yaml:"to"`
}

// ParseYearRange reads "2023-2026" or a single year "2024".
func ParseYearRange(s string) (YearRange, error) {
	a, b, found := strings.Cut(strings.TrimSpace(s), "-")
	from, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return YearRange{}, fmt.Errorf("open years %q: want FROM-TO such as 2023-2026", s)
	}
	to := from
	if found {
		if to, err = strconv.Atoi(strings.TrimSpace(b)); err != nil {
			return YearRange{}, fmt.Errorf("open years %q: want FROM-TO such as 2023-2026", s)
		}
	}
	r := YearRange{From: from, To: to}
	return r, r.Validate()
}

// Validate checks that both ends are set and in order.
func (y YearRange) Validate() error {
	if y == (YearRange{}) {
		return nil
	}
	if y.From < 1000 || y.To > 9999 || y.From > y.To {
		return errors.New("openYears: want from ≤ to, both four-digit years")
	}
	return nil
}

// Resolve returns the concrete range for the given current year.
func (y YearRange) Resolve(currentYear int) YearRange {
	if y == (YearRange{}) {
		return YearRange{From: currentYear - 3, To: currentYear}
	}
	return y
}

// Contains reports whether year lies in the range.
func (y YearRange) Contains(year int) bool { return year >= y.From && year <= y.To }

func (y YearRange) String() string { return fmt.Sprintf("%d-%d", y.From, y.To) }

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
