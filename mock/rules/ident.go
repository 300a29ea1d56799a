package rules

import "time"

// ValidOrganisasjonsnummer checks 9 digits and the mod-11 check digit
// (FACTS §6).
func ValidOrganisasjonsnummer(s string) bool {
	d, ok := digits(s, 9)
	if !ok {
		return false
	}
	k, ok := mod11(d[:8], []int{3, 2, 7, 6, 5, 4, 3, 2})
	return ok && k == d[8]
}

// ValidFoedselsnummer checks 11 digits, a real date (after taking away the
// D-nummer, H-nummer and Tenor offsets) and both check digits. K1 may also
// take the relaxed form allowed from 2032 (FACTS §6).
func ValidFoedselsnummer(s string) bool {
	d, ok := digits(s, 11)
	if !ok {
		return false
	}
	day := d[0]*10 + d[1]
	month := d[2]*10 + d[3]
	if day > 40 {
		day -= 40 // D-nummer
	}
	switch {
	case month > 80:
		month -= 80 // Tenor synthetic
	case month > 40:
		month -= 40 // H-nummer
	}
	// 2000 is a leap year, so 29 February passes whatever the century.
	date := time.Date(2000, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || day < 1 || date.Day() != day {
		return false
	}
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	k1, ok1 := mod11(d[:9], w1)
	if !ok1 || k1 != d[9] {
		s1 := 0
		for i, w := range w1 {
			s1 += d[i] * w
		}
		if (s1+d[9])%11 > 3 {
			return false
		}
	}
	k2, ok := mod11(d[:10], []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	return ok && k2 == d[10]
}

func digits(s string, n int) ([]int, bool) {
	if len(s) != n {
		return nil, false
	}
	d := make([]int, n)
	for i := range n {
		if s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		d[i] = int(s[i] - '0')
	}
	return d, true
}

// mod11 gives the check digit for d with weights w; false when it would be 10.
func mod11(d, w []int) (int, bool) {
	sum := 0
	for i := range w {
		sum += d[i] * w[i]
	}
	k := 11 - sum%11
	switch k {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return k, true
}
