// Package identref computes identifier check digits a second time, for
// tests only. It is written apart from package ident on purpose, in the
// plainest way (strconv, big integers), so a bug cannot make the judge and
// the judged agree; tests compare the two.
package identref

import (
	"math/big"
	"strconv"
)

// Weighted is Σ digit·weight over the first len(w) digits of s.
func Weighted(s string, w ...int) int {
	sum := 0
	for i, x := range w {
		d, _ := strconv.Atoi(s[i : i+1])
		sum += d * x
	}
	return sum
}

// Mod11 is the mod-11 check digit of a weighted sum; -1 when no check digit
// exists.
func Mod11(sum int) int {
	c := 11 - sum%11
	if c == 11 {
		return 0
	}
	if c == 10 {
		return -1
	}
	return c
}

// LuhnISIN reports whether a whole ISIN (with its check digit) passes Luhn
// after letters become numbers (A=10 … Z=35).
func LuhnISIN(s string) bool {
	digits := ""
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			digits += strconv.Itoa(int(c-'A') + 10)
		} else {
			digits += string(c)
		}
	}
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// IBAN reports whether an IBAN passes ISO 7064 mod 97-10, computed with big
// integers.
func IBAN(s string) bool {
	rearranged := s[4:] + s[:4]
	num := ""
	for _, c := range rearranged {
		if c >= 'A' && c <= 'Z' {
			num += strconv.Itoa(int(c-'A') + 10)
		} else {
			num += string(c)
		}
	}
	n, ok := new(big.Int).SetString(num, 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}
