package contract

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// YearRange is an inclusive range of income years that may be reported
// (GLD_1027 otherwise). The zero value means "the current year and the
// three before it" (ASSUMPTION A-AAR): the mock resolves it on every
// request, and `finprod check` when it starts.
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
